// `mailroute train | eval | predict`: the model's command-line interface (other tools depend on it).
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import {
  BATCH_SIZE,
  DatasetError,
  evaluate,
  targetIndices,
  loadModel,
  parseJsonl,
  saveModel,
  parseJsonlLine,
  trainModel,
  type LoadedModel,
  type MailRecord,
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

/**
 * The one parser of the model commands' numeric options: digits only, so `--seed=`, `--seed abc`,
 * `--seed 1.5`, `1e3` and `0x10` are usage errors instead of whatever `Number` makes of them.
 */
function wholeNumber(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`${flag}: expected a whole number from ${min} to ${max}, got '${value}'`);
  return n;
}

/** `path: skipped N invalid line(s); first: line L: reason; lines a, b, ... and M more` on stderr. */
const LISTED_SKIPPED_LINES = 20;
function reportSkipped(path: string, skipped: ParseResult['skipped']): void {
  const first = skipped[0];
  if (first === undefined) return;
  const listed = skipped.slice(0, LISTED_SKIPPED_LINES).map((s) => s.line);
  const more = skipped.length - listed.length;
  process.stderr.write(
    `${path}: skipped ${skipped.length} invalid line(s); first: line ${first.line}: ${first.reason}; ` +
      `lines ${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}\n`,
  );
}

/** The error for an input that cannot be read (a missing file), naming it. */
function cannotRead(name: string, error: unknown): Error {
  return new Error(`cannot read ${name}: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}

async function readRecords(path: string, requireLabel: boolean, skipInvalid: boolean): Promise<ParseResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw cannotRead(path, error);
  }
  try {
    const result = parseJsonl(text, { requireLabel, skipInvalid });
    reportSkipped(path, result.skipped);
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
    // The seed feeds 32-bit generators (mulberry32): larger seeds would repeat smaller ones.
    const seed = wholeNumber(values.seed, '--seed', 0, 2 ** 32 - 1) ?? 42;
    // 2^30 at most: the power-of-two test below works on 32-bit integers.
    const buckets = wholeNumber(values.buckets, '--buckets', 16, 2 ** 30);
    if (buckets !== undefined && (buckets & (buckets - 1)) !== 0) {
      throw new UsageError(`--buckets: expected a power of two, got '${values.buckets}'`);
    }
    const { records, skipped } = await readRecords(data, true, values['skip-invalid'] === true);
    const trained = trainModel(records, { seed, featurizer: buckets === undefined ? {} : { buckets } });
    const manifest = await saveModel(out, trained, { skipped });
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
        validation_ece: validation ? Number(fixed(validation.ece_held_out)) : null,
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

/**
 * Streams predictions: each line is parsed as it arrives and classified in micro-batches of up to
 * BATCH_SIZE, a partial batch as soon as no more input is buffered, so a caller that writes one mail
 * and waits for its prediction gets it without closing its end. Output keeps the input's order.
 */
async function predictStream(
  input: Readable,
  name: string,
  model: LoadedModel,
  options: { explain: boolean; skipInvalid: boolean },
): Promise<void> {
  const pending: MailRecord[] = [];
  const skipped: ParseResult['skipped'] = [];
  const flush = async (count: number): Promise<void> => {
    const batch = pending.splice(0, count);
    if (batch.length === 0) return;
    const predictions = await model.predict(
      batch.map((r) => r.mail),
      { topK: 3, explain: options.explain },
    );
    const out = predictions.map((p, i) => JSON.stringify({ id: batch[i]!.id, ...p }) + '\n').join('');
    if (!process.stdout.write(out)) await once(process.stdout, 'drain');
  };
  let line = 0;
  const take = async (text: string): Promise<void> => {
    line++;
    let record: MailRecord | null;
    try {
      record = parseJsonlLine(text, line, false);
    } catch (error) {
      if (!(error instanceof DatasetError)) throw error;
      if (!options.skipInvalid) {
        // The mails before the bad line get their predictions first, as in a pipe they would have.
        await flush(pending.length);
        throw new Error(`${name}: ${error.message}`, { cause: error });
      }
      skipped.push({ line: error.line, reason: error.reason });
      return;
    }
    if (record !== null) pending.push(record);
    if (pending.length >= BATCH_SIZE) await flush(BATCH_SIZE);
  };
  input.setEncoding('utf8');
  let partial = '';
  for await (const chunk of readChunks(input, name)) {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const text of lines) await take(text);
    if (input.readableLength === 0) await flush(pending.length);
  }
  if (partial !== '') await take(partial);
  await flush(pending.length);
  reportSkipped(name, skipped);
}

/** The input's chunks; a read error (a missing --input file) names the input. */
async function* readChunks(input: Readable, name: string): AsyncGenerator<string> {
  try {
    for await (const chunk of input) yield String(chunk);
  } catch (error) {
    throw cannotRead(name, error);
  }
}

export const predictCommand: Command = {
  name: 'predict',
  summary: 'predict targets for JSONL mails on stdin (one JSON line out per mail, as each arrives)',
  usage:
    'usage: mailroute predict --model <model-dir> [--explain] [--skip-invalid] [--input <mails.jsonl>] < mails.jsonl\n' +
    '  Streams: a mail gets its prediction as soon as its line has arrived, without waiting for the end\n' +
    '  of the input. A bad line stops the command with its line number (the mails before it are\n' +
    '  answered); --skip-invalid skips and counts such lines instead.',
  async run(args) {
    const values = options(args, {
      model: { type: 'string' },
      input: { type: 'string' },
      explain: { type: 'boolean' },
      'skip-invalid': { type: 'boolean' },
    });
    const dir = required(values.model, '--model');
    const model = await loadModel(dir);
    try {
      const file = typeof values.input === 'string' ? values.input : null;
      const input = file === null ? process.stdin : createReadStream(file);
      await predictStream(input, file ?? 'stdin', model, {
        explain: values.explain === true,
        skipInvalid: values['skip-invalid'] === true,
      });
    } finally {
      await model.dispose();
    }
    return 0;
  },
};

export const modelCommands: Command[] = [trainCommand, evalCommand, predictCommand];
