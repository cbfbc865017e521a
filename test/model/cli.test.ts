import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/index.js';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'model');
const temp = mkdtempSync(join(tmpdir(), 'mailroute-cli-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

// In-process through the real dispatcher (spawning tsx per call is too slow on a shared 2-core box).
// `stdin`, when given, stands in for process.stdin; `outputLine(n)` waits for the n-th stdout line
// while the command still runs.
function startMailroute(
  args: string[],
  stdin?: PassThrough,
): { done: Promise<Run>; outputLine(n: number): Promise<string> } {
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
  const realStdin = Object.getOwnPropertyDescriptor(process, 'stdin');
  if (stdin) Object.defineProperty(process, 'stdin', { value: stdin, configurable: true });
  const done = runCli(args)
    .then((status) => ({ status, stdout: out.join(''), stderr: err.join('') }))
    .finally(() => {
      stdout.mockRestore();
      stderr.mockRestore();
      if (stdin && realStdin) Object.defineProperty(process, 'stdin', realStdin);
    });
  const outputLine = (n: number) =>
    vi.waitFor(
      () => {
        const line = out.join('').split('\n').slice(0, -1)[n - 1];
        if (line === undefined) throw new Error(`no stdout line ${n} yet; stderr: ${err.join('')}`);
        return line;
      },
      { timeout: 10_000, interval: 10 },
    );
  return { done, outputLine };
}

const mailroute = (args: string[], stdin?: PassThrough): Promise<Run> => startMailroute(args, stdin).done;

/** The first `n` lines of the test fixture. */
const testLines = (n: number): string[] =>
  readFileSync(join(fixtures, 'test.jsonl'), 'utf8').trim().split('\n').slice(0, n);

/** The first `n` test fixture mails, without sender, recipients and date (all may be null). */
function mailsWithNulls(n: number): Record<string, unknown>[] {
  return testLines(n).map((l) => ({
    ...(JSON.parse(l) as Record<string, unknown>),
    from: null,
    to: null,
    date: null,
  }));
}

/** The training counts a model directory's manifest records. */
const manifestCounts = (dir: string): Record<string, unknown> =>
  (
    JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      training: { counts: Record<string, unknown> };
    }
  ).training.counts;

const idsOf = (stdout: string): string[] =>
  stdout
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { id: string }).id);

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
    expect(manifestCounts(modelDir)).toMatchObject({ skipped: 0, skippedLines: [] });

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
    writeFileSync(input, testLines(3).join('\n'));
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
    const lines = testLines(10);
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
    expect(skipped.stderr).toMatch(
      /skipped 2 invalid line\(s\); first: line 5: invalid JSON .*; lines 5, 10\n/,
    );
    expect(manifestCounts(join(temp, 'skipped'))).toMatchObject({ skipped: 2, skippedLines: [5, 10] });
  });

  it('lists the first 20 skipped line numbers on stderr and counts the rest', async () => {
    const lines = testLines(5);
    const data = join(temp, 'many-bad.jsonl');
    writeFileSync(data, [...lines, ...Array.from({ length: 25 }, () => '{"id": 1')].join('\n') + '\n');
    const evaluation = await mailroute([
      'eval',
      '--model',
      modelDir,
      '--data',
      data,
      '--json',
      '--skip-invalid',
    ]);
    expect(evaluation.status).toBe(0);
    expect(JSON.parse(evaluation.stdout)).toMatchObject({ n: 5, skipped: 25 });
    const listed = Array.from({ length: 20 }, (_, i) => i + 6).join(', ');
    expect(evaluation.stderr).toContain(`skipped 25 invalid line(s); first: line 6: invalid JSON`);
    expect(evaluation.stderr).toContain(`; lines ${listed} and 5 more\n`);
  });

  it('predict answers each mail on stdin before the next is written, and before the input ends', async () => {
    const mails = mailsWithNulls(3);
    const stdin = new PassThrough();
    const run = startMailroute(['predict', '--model', modelDir], stdin);
    try {
      for (const [i, mail] of mails.entries()) {
        stdin.write(JSON.stringify(mail) + '\n');
        const line = JSON.parse(await run.outputLine(i + 1)) as { id: string; top: unknown[] };
        expect(line.id).toBe(mail.id);
        expect(line.top).toHaveLength(3);
      }
    } finally {
      stdin.end();
      await run.done;
    }
    const result = await run.done;
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(idsOf(result.stdout)).toEqual(mails.map((m) => m.id));
  });

  it('predict reads more than a batch from stdin in order, skipping and counting bad lines with --skip-invalid', async () => {
    const mails = mailsWithNulls(40);
    const lines = mails.map((m) => JSON.stringify(m));
    lines.splice(4, 0, '{"id": "broken", "subject": ');
    lines.splice(11, 0, '', '{"id": "numeric-from", "subject": "x", "from": 7}');
    const stdin = new PassThrough();
    stdin.end(lines.join('\n'));
    const result = await mailroute(['predict', '--model', modelDir, '--skip-invalid'], stdin);
    expect(result.status).toBe(0);
    expect(idsOf(result.stdout)).toEqual(mails.map((m) => m.id));
    expect(result.stderr).toMatch(
      /^stdin: skipped 2 invalid line\(s\); first: line 5: invalid JSON .*; lines 5, 13\n$/,
    );
  });

  it('predict stops at a bad line on stdin with its line number, after answering the mails before it', async () => {
    const lines = mailsWithNulls(3).map((m) => JSON.stringify(m));
    lines.splice(2, 0, '{"id": "numeric-from", "subject": "x", "from": 7}');
    const stdin = new PassThrough();
    stdin.end(lines.join('\n') + '\n');
    const result = await mailroute(['predict', '--model', modelDir], stdin);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/stdin: line 3: field 'from' must be a string or null/);
    expect(idsOf(result.stdout)).toEqual(['fixture-8-0', 'fixture-8-1']);
  });

  it.each([
    ...['', 'abc', '1.5', '1e3', '-1'].map((v) => [
      `--seed=${v}`,
      `--seed: expected a whole number from 0 to 4294967295, got '${v}'`,
    ]),
    ['--buckets=', "--buckets: expected a whole number from 16 to 1073741824, got ''"],
    ['--buckets=4096.0', "--buckets: expected a whole number from 16 to 1073741824, got '4096.0'"],
    ['--buckets=8', "--buckets: expected a whole number from 16 to 1073741824, got '8'"],
    ['--buckets=1000', "--buckets: expected a power of two, got '1000'"],
  ])('rejects %s as a usage error naming the option', async (option, message) => {
    const result = await mailroute([
      'train',
      '--data',
      join(temp, 'absent.jsonl'),
      '--out',
      join(temp, 'x'),
      option,
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('rejects a missing --data as a usage error', async () => {
    const result = await mailroute(['train', '--out', join(temp, 'x')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--data is required/);
  });
});
