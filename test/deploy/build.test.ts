import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, freePort } from '../support/ports.js';

/*
 * What the Dockerfile ships: `npm run build`, then `node dist/src/cli.js serve`. The built service
 * must start from dist/ alone (its SQL migrations included) and answer /readyz.
 */
describe('the built service', () => {
  it('starts from dist/ with its migrations and answers /readyz', async () => {
    execFileSync('npm', ['run', 'build'], { stdio: 'pipe' });
    const dir = mkdtempSync(join(tmpdir(), 'mailroute-build-'));
    const port = await freePort();
    const configFile = join(dir, 'mailroute.yaml');
    writeFileSync(configFile, `store: { dataDir: ${join(dir, 'pglite')} }\nlog: { level: warn }\n`);
    const env = { ...process.env };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const child = spawn(
      process.execPath,
      ['dist/src/cli.js', 'serve', '--config', configFile, '--port', String(port)],
      { env, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const ready = await eventually(
        'the built service to be ready',
        async () => {
          if (child.exitCode !== null) throw new Error(`it exited with ${child.exitCode}: ${stderr}`);
          const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
          return response?.ok ? response.status : undefined;
        },
        30_000,
        200,
      );
      expect(ready).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);
});
