import { readFileSync } from 'node:fs';

/** The non-empty lines of a JSON-lines file, as text (records stay as the file has them). */
export function jsonlLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}
