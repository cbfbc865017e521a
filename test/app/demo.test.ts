import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, freePort } from '../support/ports.js';

/*
 * `npm run demo`, headless: the real command as a user starts it (emulator, model trained from the
 * demo history, worker and API on PGlite and the in-process queue, live mail generator) for 30 s.
 * Generated mail must get routed by the model, and /metrics must count the outcomes.
 */
describe('mailroute demo', () => {
  it('routes the generated mail live and counts it in /metrics', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'mailroute-demo-'));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli.ts',
        'demo',
        '--port',
        String(port),
        '--data-dir',
        dataDir,
        '--history',
        '1500',
        '--interval-ms',
        '300',
        '--duration',
        '30',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      // While it runs: the API answers and the outcome counter moves.
      const routedInMetrics = await eventually(
        'the demo to count routed mail in /metrics',
        async () => {
          if (child.exitCode !== null) throw new Error(`the demo exited early:\n${stdout}\n${stderr}`);
          const response = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
          if (!response?.ok) return undefined;
          const text = await response.text();
          const line = text
            .split('\n')
            .find((l) => l.startsWith('mailroute_messages_total{') && l.includes('outcome="routed"'));
          const value = line ? Number(line.split(' ').at(-1)) : 0;
          return value > 0 ? value : undefined;
        },
        60_000,
        500,
      );
      expect(routedInMetrics).toBeGreaterThan(0);

      expect(await exited, stderr).toBe(0);
      const last = stdout.trim().split('\n').at(-1) ?? '';
      const { tally } = JSON.parse(last) as {
        tally: {
          sent: number;
          routed: number;
          review: number;
          failed: number;
          pending: number;
          accuracy: number;
        };
      };
      expect(stdout).toContain(`http://127.0.0.1:${port}`);
      expect(tally.sent).toBeGreaterThan(50);
      // Every mail is decided within seconds of arriving: only the last few can still be pending.
      expect(tally.pending).toBeLessThanOrEqual(5);
      expect(tally.routed + tally.review + tally.failed + tally.pending).toBe(tally.sent);
      expect(tally.failed).toBe(0);
      // The model, not the two rules, does the routing: most mail is routed, and mostly right.
      expect(tally.routed).toBeGreaterThan(tally.sent / 2);
      expect(tally.accuracy).toBeGreaterThan(0.8);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});
