// `mailroute train | eval | predict`: the model's command-line interface (other tools depend on it).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  DatasetError,
  evaluate,
  targetIndices,
  loadModel,
  parseJsonl,
  saveModel,
  trainModel,
  type ParseResult,
} from '../model/index.js';
import { UsageError, type Command } from './command.js';

function options<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], spec: T) {
  try {
    return parseArgs({ args, options: spec, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function required(value: string | boolean | undefined, flag: string): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

async function readRecords(path: string, requireLabel: boolean, skipInvalid: boolean): Promise<ParseResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return parseDataset(text, path, requireLabel, skipInvalid);
}

function parseDataset(text: string, path: string, requireLabel: boolean, skipInvalid: boolean): ParseResult {
  try {
    const result = parseJsonl(text, { requireLabel, skipInvalid });
    if (result.skipped.length > 0) {
      const first = result.skipped[0]!;
      process.stderr.write(
        `${path}: skipped ${result.skipped.length} invalid line(s); first: line ${first.line}: ${first.reason}\n`,
      );
    }
    return result;
  } catch (error) {
    if (error instanceof DatasetError) throw new Error(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

const fixed = (v: number): string => v.toFixed(4);

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model version from labelled JSONL',
  usage:
    'usage: mailroute train --data <train.jsonl> --out <model-dir> [--seed N] [--skip-invalid] [--buckets 2^k]\n' +
    '  Records: {id, subject, body, from, to, date, label}. A bad line stops training with its line\n' +
    '  number; --skip-invalid skips and counts such lines instead.',
  async run(args) {
    const values = options(args, {
      data: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      buckets: { type: 'string' },
      'skip-invalid': { type: 'boolean' },
    });
    const data = required(values.data, '--data');
    const out = required(values.out, '--out');
    const seed = values.seed === undefined ? 42 : Number(values.seed);
    if (!Number.isInteger(seed)) throw new UsageError('--seed must be an integer');
    const buckets = values.buckets === undefined ? undefined : Number(values.buckets);
    if (
      buckets !== undefined &&
      (!Number.isInteger(buckets) || buckets < 16 || (buckets & (buckets - 1)) !== 0)
    ) {
      throw new UsageError('--buckets must be a power of two >= 16');
    }
    const { records, skipped } = await readRecords(data, true, values['skip-invalid'] === true);
    const trained = trainModel(records, { seed, featurizer: buckets === undefined ? {} : { buckets } });
    const manifest = await saveModel(out, trained);
    const validation = trained.report.validation;
    process.stdout.write(
      JSON.stringify({
        model: out,
        version: manifest.version,
        labels: manifest.labels.length,
        train: trained.report.counts.train,
        validation: trained.report.counts.validation,
        skipped: skipped.length,
        epochs: trained.report.epochs,
        temperature: Number(trained.temperature.toFixed(4)),
        weight_type: trained.weightType,
        validation_accuracy: validation ? Number(fixed(validation.accuracy)) : null,
        validation_ece: validation ? Number(fixed(validation.ece)) : null,
        seconds: Number(trained.report.seconds.total.toFixed(2)),
      }) + '\n',
    );
    return 0;
  },
};

export const evalCommand: Command = {
  name: 'eval',
  summary: 'evaluate a model version on labelled JSONL',
  usage: 'usage: mailroute eval --model <model-dir> --data <test.jsonl> [--json] [--skip-invalid]',
  async run(args) {
    const values = options(args, {
      model: { type: 'string' },
      data: { type: 'string' },
      json: { type: 'boolean' },
      'skip-invalid': { type: 'boolean' },
    });
    const dir = required(values.model, '--model');
    const data = required(values.data, '--data');
    const { records, skipped } = await readRecords(data, true, values['skip-invalid'] === true);
    const model = await loadModel(dir);
    try {
      // A target the model has never seen counts as an error.
      const { y, unknownTargets } = targetIndices(
        records.map((r) => r.label),
        model.labels,
      );
      const probabilities = await model.probabilities(records.map((r) => r.mail));
      const result = evaluate(probabilities, y, model.labels, { unknownTargets });
      if (values.json) {
        process.stdout.write(JSON.stringify({ ...result, skipped: skipped.length }) + '\n');
      } else {
        const lines = [
          `n ${result.n}  accuracy ${fixed(result.accuracy)}  macro-F1 ${fixed(result.macro_f1)}  top-3 ${fixed(result.top3_accuracy)}  ECE ${fixed(result.ece)}`,
          ...(result.unknown_targets > 0
            ? [
                `${result.unknown_targets} mails of ${unknownTargets} targets the model does not know (errors)`,
              ]
            : []),
          ...(['0.95', '0.98', '0.99'] as const).map((p) => {
            const point = result.coverage_at_precision[p];
            return `coverage at precision ${p}: ${fixed(point.coverage)} (threshold ${point.threshold === null ? '-' : fixed(point.threshold)})`;
          }),
          'target                          precision  recall  F1      support',
          ...Object.entries(result.per_target).map(
            ([label, m]) =>
              `${label.padEnd(32)}${fixed(m.precision)}     ${fixed(m.recall)}  ${fixed(m.f1)}  ${m.support}`,
          ),
        ];
        process.stdout.write(lines.join('\n') + '\n');
      }
    } finally {
      await model.dispose();
    }
    return 0;
  },
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const predictCommand: Command = {
  name: 'predict',
  summary: 'predict targets for JSONL mails on stdin (one JSON line out per mail)',
  usage:
    'usage: mailroute predict --model <model-dir> [--explain] [--skip-invalid] [--input <mails.jsonl>] < mails.jsonl',
  async run(args) {
    const values = options(args, {
      model: { type: 'string' },
      input: { type: 'string' },
      explain: { type: 'boolean' },
      'skip-invalid': { type: 'boolean' },
    });
    const dir = required(values.model, '--model');
    const skipInvalid = values['skip-invalid'] === true;
    const { records } =
      typeof values.input === 'string'
        ? await readRecords(values.input, false, skipInvalid)
        : parseDataset(await readStdin(), 'stdin', false, skipInvalid);
    const model = await loadModel(dir);
    try {
      const predictions = await model.predict(
        records.map((r) => r.mail),
        { topK: 3, explain: values.explain === true },
      );
      const out = predictions.map((p, i) => JSON.stringify({ id: records[i]!.id, ...p }));
      if (out.length > 0) process.stdout.write(out.join('\n') + '\n');
    } finally {
      await model.dispose();
    }
    return 0;
  },
};

export const modelCommands: Command[] = [trainCommand, evalCommand, predictCommand];
