import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Prints rows of cells as an aligned table under a header and a rule. */
export function printTable(columns: string[], cells: string[][]): void {
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ');
  process.stdout.write(`${line(columns)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const c of cells) process.stdout.write(`${line(c)}\n`);
}

/** Writes bench-results/<name>.json and says so. */
export function writeResults(name: string, data: unknown): void {
  mkdirSync('bench-results', { recursive: true });
  const file = join('bench-results', `${name}.json`);
  writeFileSync(file, JSON.stringify(data, null, 2) + '\n');
  process.stdout.write(`wrote ${file}\n`);
}
