// bench:model — trains and evaluates mailroute's model on every dataset in shared/data and, in the
// same run, the peers (scikit-learn TF-IDF + LinearSVC / LogisticRegression, fastText CLI).
// Prints one table and writes bench-results/model.json, then reads issue 4's targets against the run
// (bench/model-targets.ts) and writes bench-results/model-targets.json. Installs nothing.
//
//   npm run bench:model [-- --datasets a,b] [--peers sklearn-linearsvc,fasttext | --skip-peers]
//                          [--seeds 42,1,2] [--featurizer '<json>'] [--training '<json>']
//                          [--train-rows 1000,2000]
//
// mailroute trains once per seed (its own process each): accuracy, macro-F1 and coverage are the
// mean over the seeds, with each seed's value in the row; speed, size and RSS are the first seed's
// run. The peers run once, with the first seed.
//
// --featurizer overrides mailroute's featurizer spec (e.g. '{"charNgrams":null}') to measure a
// variant against the same peers; --training does the same for the training options (TrainConfig,
// e.g. '{"svmShares":[0]}'). The rows record both.
//
// --train-rows N,M: a learning curve. Instead of each dataset's whole training file, every system
// trains on a random N (then M) of its training mails, drawn with the first seed, and is tested on the
// same test file; the rows are named `dataset@N`.
//
// Each system runs in its own child process so peak RSS is that system's alone.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BATCH_SIZE,
  evaluate,
  loadModel,
  mulberry32,
  parseJsonl,
  readModelDir,
  saveModel,
  shuffle,
  targetIndices,
  trainModel,
  type TrainConfig,
} from '../src/model/index.js';
import { Featurizer, featureSource, type FeaturizerSpec } from '../src/text/index.js';
import { jsonlLines } from './jsonl.js';
import { checkTargets, targetLines, type TargetRow } from './model-targets.js';
import { writeResults } from './table.js';

const DATA = process.env.MAILROUTE_BENCH_DATA ?? '/work/shared/data';
const DEFAULT_SEEDS = [42, 1, 2];
const PYTHON = '/usr/bin/python3';
const PEERS = ['sklearn-linearsvc', 'sklearn-logreg', 'fasttext'] as const;

/** A row of bench-results/model.json: what the targets read (`TargetRow`), and more. */
interface Row extends TargetRow {
  train_cpu_s?: number | null;
  ece?: number;
  /** sklearn-logreg only: lbfgs's iterations, and its cap (equal: it stopped without converging). */
  iterations?: number;
  max_iterations?: number;
  /** mailroute only: the --featurizer and --training overrides it was trained with. */
  featurizer?: Partial<FeaturizerSpec>;
  training?: Partial<TrainConfig>;
  /** mailroute only: the seeds averaged, and each seed's scores in that order. */
  seeds?: number[];
  by_seed?: { accuracy: number[]; macro_f1: number[]; coverage_098: number[] };
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

/** What one row is measured on: a dataset of shared/data, or a sample of its training file. */
interface Benchmark {
  name: string;
  train: string;
  test: string;
}

/** A dataset of shared/data, whole. */
function datasetBenchmark(dataset: string): Benchmark {
  return {
    name: dataset,
    train: join(DATA, dataset, 'train.jsonl'),
    test: join(DATA, dataset, 'test.jsonl'),
  };
}

/**
 * `dataset` with a random `n` of its training mails (seeded; the smaller samples are prefixes of the
 * larger), written to `dir`, for each `n` of `sizes` below its size.
 */
function sampledBenchmarks(dataset: string, sizes: number[], seed: number, dir: string): Benchmark[] {
  const whole = datasetBenchmark(dataset);
  const lines = jsonlLines(whole.train);
  const order = shuffle(
    Int32Array.from(lines, (_, i) => i),
    mulberry32(seed),
  );
  return sizes.flatMap((n) => {
    if (lines.length <= n) {
      process.stderr.write(`[bench:model] ${dataset} has no more than ${n} training mails\n`);
      return [];
    }
    const name = `${dataset}@${n}`;
    const train = join(dir, `${name}.jsonl`);
    writeFileSync(train, Array.from(order.subarray(0, n), (i) => lines[i]).join('\n') + '\n');
    return [{ ...whole, name, train }];
  });
}

/** Child mode: train + evaluate mailroute on one benchmark, print one JSON row. */
async function runMailroute(
  benchmark: Benchmark,
  seed: number,
  overrides: Partial<FeaturizerSpec>,
  training: Partial<TrainConfig>,
): Promise<void> {
  const dataset = benchmark.name;
  // Every system reads subject, sender and body (the peers as one text): the recipients are dropped
  // (only Enron has them; behind a shared mailbox they are the same address for every mail).
  const read = (file: string) =>
    parseJsonl(readFileSync(file, 'utf8'), { requireLabel: true }).records.map((r) => ({
      ...r,
      mail: { ...r.mail, to: null },
    }));
  const train = read(benchmark.train);
  const test = read(benchmark.test);
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const trained = trainModel(train, { ...training, seed, featurizer: overrides });
  const used = process.cpuUsage(cpu);
  const trainSeconds = (performance.now() - wall) / 1000;
  const dir = mkdtempSync(join(tmpdir(), 'mailroute-bench-'));
  try {
    await saveModel(dir, trained);
    const model = await loadModel(dir);
    const mails = test.map((r) => r.mail);
    const started = performance.now();
    const probabilities = await model.probabilities(mails);
    const predictSeconds = (performance.now() - started) / 1000;
    // Featurize + classify alone (normalisation done beforehand), in batches of 32.
    const featurizer = new Featurizer(model.manifest.featurizer.spec);
    const sources = mails.map((mail) => featureSource(mail, featurizer.spec));
    const { idf } = await readModelDir(dir);
    const coreStart = performance.now();
    for (let start = 0; start < sources.length; start += BATCH_SIZE) {
      const rows = idf.transform(
        featurizer.count(sources.slice(start, start + BATCH_SIZE)),
        model.manifest.featurizer.spec,
      );
      await model.runRows(rows);
    }
    const coreSeconds = (performance.now() - coreStart) / 1000;
    const { y, unknownTargets } = targetIndices(
      test.map((r) => r.label),
      model.labels,
    );
    const result = evaluate(probabilities, y, model.labels, { unknownTargets });
    const row: Row = {
      dataset,
      system: 'mailroute',
      accuracy: result.accuracy,
      macro_f1: result.macro_f1,
      coverage_098: result.coverage_at_precision['0.98'].coverage,
      train_s: trainSeconds,
      train_cpu_s: (used.user + used.system) / 1e6,
      predict_per_s: mails.length / predictSeconds,
      predict_core_per_s: mails.length / coreSeconds,
      model_bytes: dirBytes(dir),
      peak_rss_mb: process.resourceUsage().maxRSS / 1024,
      ece: result.ece,
    };
    if (Object.keys(overrides).length > 0) row.featurizer = overrides;
    if (Object.keys(training).length > 0) row.training = training;
    await model.dispose();
    process.stdout.write(JSON.stringify(row) + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function lastJson(stdout: string): Record<string, unknown> | null {
  const line = stdout.trim().split('\n').pop();
  if (!line) return null;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function runChild(command: string, args: string[], env: NodeJS.ProcessEnv): Record<string, unknown> {
  const result = spawnSync(command, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  const parsed = lastJson(result.stdout ?? '');
  if (result.status !== 0 || parsed === null) {
    const reason =
      (result.stderr ?? '').trim().split('\n').slice(-3).join(' | ') || String(result.error ?? 'failed');
    return { missing: `failed: ${reason}` };
  }
  return parsed;
}

function toRow(dataset: string, system: string, o: Record<string, unknown>): Row {
  const row: Row = {
    dataset,
    system,
    accuracy: num(o.accuracy),
    macro_f1: num(o.macro_f1),
    coverage_098: num(o.coverage_098),
    train_s: num(o.train_s),
    train_cpu_s: num(o.train_cpu_s),
    predict_per_s: num(o.predict_per_s),
    model_bytes: num(o.model_bytes),
    peak_rss_mb: num(o.peak_rss_mb),
  };
  if (typeof o.missing === 'string') row.missing = o.missing;
  if (num(o.predict_core_per_s) !== null) row.predict_core_per_s = num(o.predict_core_per_s);
  if (num(o.ece) !== null) row.ece = num(o.ece) as number;
  if (num(o.iterations) !== null) row.iterations = num(o.iterations) as number;
  if (num(o.max_iterations) !== null) row.max_iterations = num(o.max_iterations) as number;
  if (typeof o.featurizer === 'object' && o.featurizer !== null) row.featurizer = o.featurizer;
  if (typeof o.training === 'object' && o.training !== null) row.training = o.training;
  return row;
}

/** One row for mailroute's runs (one per seed): mean scores, each seed's scores, the first run's costs. */
function mailrouteRow(dataset: string, seeds: number[], runs: Record<string, unknown>[]): Row {
  const failed = runs.findIndex((run) => typeof run.missing === 'string');
  if (failed >= 0)
    return toRow(dataset, 'mailroute', {
      missing: `seed ${seeds[failed]}: ${String(runs[failed]!.missing)}`,
    });
  const row = toRow(dataset, 'mailroute', runs[0]!);
  const scores = (key: 'accuracy' | 'macro_f1' | 'coverage_098') => runs.map((run) => num(run[key]) ?? NaN);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const by_seed = {
    accuracy: scores('accuracy'),
    macro_f1: scores('macro_f1'),
    coverage_098: scores('coverage_098'),
  };
  return {
    ...row,
    accuracy: mean(by_seed.accuracy),
    macro_f1: mean(by_seed.macro_f1),
    coverage_098: mean(by_seed.coverage_098),
    seeds,
    by_seed,
  };
}

/** --peers a,b: these peers only (all of them without the option). */
function parsePeers(text: string | null): (typeof PEERS)[number][] {
  if (text === null) return [...PEERS];
  const known = new Set<string>(PEERS);
  const names = text.split(',');
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0)
    throw new Error(`--peers: unknown peer '${unknown.join(',')}'; expected some of ${PEERS.join(', ')}`);
  return PEERS.filter((peer) => names.includes(peer));
}

/** `--flag 1,2,3`: comma-separated integers, positive ones only when `positive`. */
function parseIntegers(flag: string, text: string, positive: boolean): number[] {
  const numbers = text.split(',').map(Number);
  if (numbers.some((n) => !Number.isInteger(n) || (positive && n <= 0)))
    throw new Error(
      `${flag}: expected comma-separated ${positive ? 'positive ' : ''}integers, got '${text}'`,
    );
  return numbers;
}

/** The JSON object given to `--name` (featurizer spec or training option overrides). */
function parseOverrides<T>(name: string, text: string): Partial<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${name}: not JSON (${(error as Error).message}): ${text}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${name}: expected a JSON object of option fields, got ${text}`);
  return parsed;
}

function fmt(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined ? '-' : value.toFixed(digits);
}

function table(rows: Row[]): string {
  const header = [
    'dataset',
    'system',
    'acc',
    'acc min-max',
    'macroF1',
    'cov@.98',
    'train s',
    'train cpu s',
    'mails/s',
    'core/s',
    'model MB',
    'RSS MB',
  ];
  const body = rows.map((r) =>
    r.missing
      ? [r.dataset, r.system, `missing: ${r.missing}`]
      : [
          r.dataset,
          r.system,
          fmt(r.accuracy, 4),
          r.by_seed
            ? `${fmt(Math.min(...r.by_seed.accuracy), 4)}-${fmt(Math.max(...r.by_seed.accuracy), 4)}`
            : '',
          fmt(r.macro_f1, 4),
          fmt(r.coverage_098, 4),
          fmt(r.train_s, 1),
          fmt(r.train_cpu_s, 1),
          fmt(r.predict_per_s, 0),
          fmt(r.predict_core_per_s, 0),
          fmt(r.model_bytes === null ? null : r.model_bytes / 1e6, 2),
          fmt(r.peak_rss_mb, 0),
        ],
  );
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((b) => (b.length > 2 ? (b[i] ?? '').length : 0))),
  );
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    line(header),
    ...body.map((b) =>
      b.length === 3 ? `${b[0]!.padEnd(widths[0]!)}  ${b[1]!.padEnd(widths[1]!)}  ${b[2]}` : line(b),
    ),
  ].join('\n');
}

/** Each finished row goes to stderr and bench-results/model.json at once: a long run shows progress. */
function progress(rows: Row[]): void {
  process.stderr.write(`[bench:model] ${JSON.stringify(rows[rows.length - 1])}\n`);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(join('bench-results', 'model.json'), JSON.stringify(rows, null, 2) + '\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  /** The value after `--name`, '' when it is missing, null without the option. */
  const option = (name: string): string | null =>
    args.includes(name) ? (args[args.indexOf(name) + 1] ?? '') : null;
  const featurizerArg = option('--featurizer') ?? '{}';
  const featurizer = parseOverrides<FeaturizerSpec>('--featurizer', featurizerArg);
  const trainingArg = option('--training') ?? '{}';
  const training = parseOverrides<TrainConfig>('--training', trainingArg);
  const seedsArg = option('--seeds');
  const seeds = seedsArg === null ? DEFAULT_SEEDS : parseIntegers('--seeds', seedsArg, false);
  const one = option('--one');
  if (one !== null) {
    const benchmark = { name: one, train: option('--train-file') ?? '', test: option('--test-file') ?? '' };
    await runMailroute(benchmark, seeds[0]!, featurizer, training);
    return;
  }
  const trainRowsArg = option('--train-rows');
  const trainRows = trainRowsArg === null ? null : parseIntegers('--train-rows', trainRowsArg, true);
  const only = option('--datasets')?.split(',') ?? null;
  const peers = args.includes('--skip-peers') ? [] : parsePeers(option('--peers'));
  const datasets = readdirSync(DATA)
    .filter((d) => existsSync(join(DATA, d, 'train.jsonl')) && existsSync(join(DATA, d, 'test.jsonl')))
    .filter((d) => only === null || only.includes(d))
    .sort();
  const self = fileURLToPath(import.meta.url);
  const tsx = join(fileURLToPath(new URL('..', import.meta.url)), 'node_modules', '.bin', 'tsx');
  const samples = trainRows === null ? null : mkdtempSync(join(tmpdir(), 'mailroute-bench-samples-'));
  const benchmarks: Benchmark[] = datasets.flatMap((dataset) =>
    trainRows === null || samples === null
      ? [datasetBenchmark(dataset)]
      : sampledBenchmarks(dataset, trainRows, seeds[0]!, samples),
  );
  const rows: Row[] = [];
  for (const { name: dataset, train, test } of benchmarks) {
    process.stderr.write(`[bench:model] ${dataset}: mailroute\n`);
    const runs = seeds.map((seed) =>
      runChild(
        tsx,
        [
          self,
          '--one',
          dataset,
          '--train-file',
          train,
          '--test-file',
          test,
          '--seeds',
          String(seed),
          '--featurizer',
          featurizerArg,
          '--training',
          trainingArg,
        ],
        process.env,
      ),
    );
    rows.push(mailrouteRow(dataset, seeds, runs));
    progress(rows);
    for (const peer of peers) {
      process.stderr.write(`[bench:model] ${dataset}: ${peer}\n`);
      if (!existsSync(PYTHON)) {
        rows.push(
          toRow(dataset, peer, {
            missing: `${PYTHON} not found; install: apt-get install python3-sklearn fasttext`,
          }),
        );
        continue;
      }
      const script = fileURLToPath(new URL('./peers/peer.py', import.meta.url));
      // One core per system, like mailroute's single-threaded serving.
      const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
      rows.push(toRow(dataset, peer, runChild(PYTHON, [script, peer, train, test, String(seeds[0])], env)));
      progress(rows);
    }
  }
  if (samples !== null) rmSync(samples, { recursive: true, force: true });
  const overrides =
    (Object.keys(featurizer).length > 0 ? `mailroute featurizer: ${featurizerArg}\n` : '') +
    (Object.keys(training).length > 0 ? `mailroute training: ${trainingArg}\n` : '');
  const targets = checkTargets(rows);
  const text =
    overrides +
    table(rows) +
    (targets.length > 0 ? `\n\nIssue 4's targets in this run:\n${targetLines(targets).join('\n')}` : '');
  process.stdout.write(text + '\n');
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(join('bench-results', 'model.json'), JSON.stringify(rows, null, 2) + '\n');
  process.stderr.write('[bench:model] wrote bench-results/model.json\n');
  writeResults('model-targets', targets);
}

await main();
