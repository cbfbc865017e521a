import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/index.js';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'model');
const temp = mkdtempSync(join(tmpdir(), 'mailroute-cli-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

// In-process through the real dispatcher (spawning tsx per call is too slow on a shared 2-core box).
async function mailroute(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  try {
    const status = await runCli(args);
    return { status, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('mailroute train / eval / predict', () => {
  const modelDir = join(temp, 'model');

  it('trains, evaluates with --json and predicts JSONL', async () => {
    const train = await mailroute([
      'train',
      '--data',
      join(fixtures, 'train.jsonl'),
      '--out',
      modelDir,
      '--seed',
      '3',
      '--buckets',
      '4096',
    ]);
    expect(train.stderr).toBe('');
    expect(train.status).toBe(0);
    expect(JSON.parse(train.stdout)).toMatchObject({ labels: 4, skipped: 0 });

    const evaluation = await mailroute([
      'eval',
      '--model',
      modelDir,
      '--data',
      join(fixtures, 'test.jsonl'),
      '--json',
    ]);
    expect(evaluation.status).toBe(0);
    const lines = evaluation.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!) as Record<string, unknown>;
    for (const key of [
      'n',
      'accuracy',
      'macro_f1',
      'top3_accuracy',
      'ece',
      'coverage_at_precision',
      'per_target',
    ]) {
      expect(result).toHaveProperty(key);
    }
    expect(result.n).toBe(120);
    expect(result.accuracy).toBeGreaterThan(0.8);
    const coverage = result.coverage_at_precision as Record<
      string,
      { coverage: number; threshold: number | null }
    >;
    expect(Object.keys(coverage).sort()).toEqual(['0.95', '0.98', '0.99']);
    expect(coverage['0.95']!.coverage).toBeGreaterThanOrEqual(coverage['0.99']!.coverage);

    const input = join(temp, 'three.jsonl');
    writeFileSync(
      input,
      readFileSync(join(fixtures, 'test.jsonl'), 'utf8').split('\n').slice(0, 3).join('\n'),
    );
    const predict = await mailroute(['predict', '--model', modelDir, '--explain', '--input', input]);
    expect(predict.status).toBe(0);
    const predictions = predict.stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            id: string;
            top: { label: string; probability: number }[];
            explanation: { towards: unknown[] };
          },
      );
    expect(predictions).toHaveLength(3);
    expect(predictions[0]!.id).toBe('fixture-8-0');
    expect(predictions[0]!.top).toHaveLength(3);
    const sum = predictions[0]!.top.reduce((s, t) => s + t.probability, 0);
    expect(sum).toBeLessThanOrEqual(1 + 1e-6);
    expect(predictions[0]!.explanation.towards.length).toBeGreaterThan(0);
  });

  it('evaluates test mails of a target the model does not know as errors', async () => {
    const lines = readFileSync(join(fixtures, 'test.jsonl'), 'utf8').trim().split('\n').slice(0, 10);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    lines[0] = JSON.stringify({ ...first, label: 'nonexistent' });
    const data = join(temp, 'unknown-target.jsonl');
    writeFileSync(data, lines.join('\n') + '\n');
    const evaluation = await mailroute(['eval', '--model', modelDir, '--data', data, '--json']);
    expect(evaluation.stderr).toBe('');
    expect(evaluation.status).toBe(0);
    const result = JSON.parse(evaluation.stdout) as { n: number; unknown_targets: number; accuracy: number };
    expect(result).toMatchObject({ n: 10, unknown_targets: 1 });
    expect(result.accuracy).toBeLessThanOrEqual(0.9);
  });

  it('stops on a bad line with its line number and reason, or skips and counts it with --skip-invalid', async () => {
    const lines = readFileSync(join(fixtures, 'train.jsonl'), 'utf8').trim().split('\n');
    lines.splice(4, 0, '{"id": "broken", "subject": "x", "body": ');
    lines.splice(9, 0, '{"id": "nolabel", "subject": "x", "body": "y"}');
    const bad = join(temp, 'bad.jsonl');
    writeFileSync(bad, lines.join('\n') + '\n');

    const failed = await mailroute(['train', '--data', bad, '--out', join(temp, 'never')]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/line 5: invalid JSON/);

    const skipped = await mailroute([
      'train',
      '--data',
      bad,
      '--out',
      join(temp, 'skipped'),
      '--skip-invalid',
      '--buckets',
      '1024',
    ]);
    expect(skipped.status).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ skipped: 2, train: expect.any(Number) as number });
    expect(skipped.stderr).toMatch(/skipped 2 invalid line\(s\); first: line 5/);
  });

  it('rejects a missing --data as a usage error', async () => {
    const result = await mailroute(['train', '--out', join(temp, 'x')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--data is required/);
  });
});
