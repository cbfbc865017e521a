import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CHUNK_MAILS,
  countInParallel,
  evaluate,
  loadModel,
  logits,
  packPieces,
  parseJsonl,
  PIECES_INPUT,
  pieceWidth,
  saveModel,
  softmaxRows,
  targetIndices,
  trainModel,
  type LinearModel,
  type MailRecord,
  type TrainedModel,
  quantizeInt8,
  dequantizeInt8,
} from '../../src/model/index.js';
import {
  DEFAULT_FEATURIZER_SPEC,
  Featurizer,
  featureSource,
  Idf,
  type MailInput,
  type SparseRows,
} from '../../src/text/index.js';
import { noisyMail } from '../support/noisy-mail.js';
import onnxProto from 'onnx-proto';
import {
  FIXTURE_MODEL_DIR,
  goldenMails,
  goldenPredictions,
  readGolden,
  REGENERATE_COMMAND,
  trainFixtureModel,
} from '../fixtures/model/fixture-model.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'model');
const fixtureModel = join(import.meta.dirname, '..', '..', 'models', 'fixture-tiny');
const read = (name: string): MailRecord[] =>
  parseJsonl(readFileSync(join(fixtures, name), 'utf8'), { requireLabel: true }).records;
const train = read('train.jsonl');
const test = read('test.jsonl');
const temp = mkdtempSync(join(tmpdir(), 'mailroute-model-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Every test mail, one long mail (hundreds of features, several pieces) and an empty one. */
const checkMails: MailInput[] = goldenMails().map((m) => m.mail);

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
};

/** x rounded to the nearest float16 (ties to even), written here rather than taken from the export. */
function roundToHalf(x: number): number {
  const magnitude = Math.abs(x);
  if (magnitude === 0 || !Number.isFinite(x)) return x;
  // float16 values are 2^(e - 10) apart in [2^e, 2^(e+1)), and 2^-24 apart below 2^-14 (subnormal).
  let e = -14;
  while (2 ** (e + 1) <= magnitude) e++;
  const step = 2 ** (e - 10);
  const n = magnitude / step;
  const whole = Math.floor(n);
  const rest = n - whole;
  const rounded = rest > 0.5 || (rest === 0.5 && whole % 2 === 1) ? whole + 1 : whole;
  return Math.sign(x) * rounded * step;
}

/**
 * The weights a trained model's graph should serve, from its in-memory weights: divided by the
 * temperature (softmax(z / T) folded into the graph), then rounded to its weight type.
 */
function servedWeights(trained: TrainedModel): LinearModel {
  const T = trained.temperature;
  const folded: LinearModel = {
    ...trained.linear,
    weights: Float32Array.from(trained.linear.weights, (w) => w / T),
    bias: Float32Array.from(trained.linear.bias, (b) => b / T),
  };
  switch (trained.weightType) {
    case 'int8': {
      const { q, scale } = quantizeInt8(folded);
      return { ...folded, weights: dequantizeInt8(q, scale) };
    }
    case 'float16':
      return { ...folded, weights: Float32Array.from(folded.weights, roundToHalf) };
    case 'float32':
      return folded;
  }
}

describe('fixture model', () => {
  /** Same targets in the same order, and each probability within 1e-6 of the golden one. */
  const expectGoldenTop = (
    actual: readonly { label: string; probability: number }[],
    expected: readonly { label: string; probability: number }[],
    message: string,
  ): void => {
    expect(
      actual.map((t) => t.label),
      message,
    ).toEqual(expected.map((t) => t.label));
    actual.forEach((t, k) =>
      expect(Math.abs(t.probability - expected[k]!.probability), `${message}, ${t.label}`).toBeLessThan(1e-6),
    );
  };

  /** `model` serves the current fixture's golden top targets and probabilities. */
  const expectServesGolden = async (
    model: Awaited<ReturnType<typeof loadModel>>,
    golden: ReturnType<typeof readGolden>,
  ): Promise<void> => {
    const predictions = await goldenPredictions(model);
    expect(predictions.map((p) => p.id)).toEqual(golden.predictions.map((p) => p.id));
    predictions.forEach((p, i) =>
      expectGoldenTop(p.top, golden.predictions[i]!.top, `${p.id} (if intended: ${REGENERATE_COMMAND})`),
    );
  };

  it('reproduces its golden outputs through onnxruntime: the legacy fixture (float16, one padded row per mail)', async () => {
    const golden = JSON.parse(readFileSync(join(fixtures, 'golden.json'), 'utf8')) as {
      version: string;
      predictions: { id: string; top: { label: string; probability: number }[] }[];
    };
    const model = await loadModel(fixtureModel);
    try {
      expect(model.version).toBe(golden.version);
      const mails = golden.predictions.map((g) => test.find((r) => r.id === g.id)!.mail);
      const predictions = await model.predict(mails, { topK: 4 });
      predictions.forEach((p, i) =>
        expectGoldenTop(p.top, golden.predictions[i]!.top, golden.predictions[i]!.id),
      );
    } finally {
      await model.dispose();
    }
  });

  it('reproduces its golden outputs through onnxruntime: the current fixture (int8, mails cut into pieces)', async () => {
    const golden = readGolden();
    const model = await loadModel(FIXTURE_MODEL_DIR);
    try {
      expect(model.version).toBe(golden.version);
      // It is the current format, with a temperature folded into its weights.
      expect(model.manifest.files.model.weightType).toBe('int8');
      expect(model.manifest.temperature).not.toBe(1);
      const graph = onnxProto.onnx.ModelProto.decode(
        readFileSync(join(FIXTURE_MODEL_DIR, 'model.onnx')),
      ).graph;
      expect(graph?.input?.some((input) => input.name === PIECES_INPUT)).toBe(true);
      await expectServesGolden(model, golden);
    } finally {
      await model.dispose();
    }
  });

  it('trains and exports, from the current fixture config, a model that serves its golden outputs', async () => {
    // The committed model shows that serving and the featurizer are unchanged; this shows that the
    // export (and training) still write a model that serves the same.
    const dir = join(temp, 'fixture-again');
    await saveModel(dir, trainFixtureModel());
    const model = await loadModel(dir);
    try {
      await expectServesGolden(model, readGolden());
    } finally {
      await model.dispose();
    }
  });

  it('serves the same probabilities from ONNX as the TypeScript forward pass over its decoded weights (within 1e-5): the legacy fixture', async () => {
    // A committed model has no weights other than those in its graph; its layout (one padded row per
    // mail) is the one to check here. Newly trained models are checked against their weights as trained.
    const graph = onnxProto.onnx.ModelProto.decode(readFileSync(join(fixtureModel, 'model.onnx'))).graph;
    expect(graph?.input?.some((input) => input.name === PIECES_INPUT)).toBe(false);
    expect(graph?.initializer?.find((t) => t.name === 'E')?.dataType).toBe(10); // FLOAT16
    const model = await loadModel(fixtureModel);
    try {
      const onnx = await model.probabilities(checkMails);
      const ts = model.probabilitiesTs(checkMails);
      expect(onnx.length).toBe(checkMails.length * model.labels.length);
      expect(maxAbsDiff(onnx, ts)).toBeLessThan(1e-5);
    } finally {
      await model.dispose();
    }
  });

  it.each(['int8', 'float16', 'float32'] as const)(
    'serves the same probabilities from ONNX as the TypeScript forward pass over the weights as trained (within 1e-5): %s',
    async (weightType) => {
      const dir = join(temp, `pieces-${weightType}`);
      // 48 validation mails: enough for temperature scaling, so a temperature is folded into the graph.
      const trained = trainModel(train, {
        seed: 9,
        featurizer: { buckets: 4096 },
        maxEpochs: 3,
        validationFraction: 0.2,
        weightType,
      });
      expect(trained.weightType).toBe(weightType);
      expect(trained.temperature).not.toBe(1);
      await saveModel(dir, trained);
      const graph = onnxProto.onnx.ModelProto.decode(readFileSync(join(dir, 'model.onnx'))).graph;
      expect(graph?.input?.some((input) => input.name === PIECES_INPUT)).toBe(true);
      const table = graph?.initializer?.find((t) => t.name === 'E');
      const elementTypes = { int8: 3, float16: 10, float32: 1 }; // onnx.TensorProto.DataType
      expect(table?.dataType).toBe(elementTypes[weightType]);

      // TypeScript: the in-memory weights, divided by the temperature and rounded to the stored type,
      // over rows featurized with the trained featurizer spec and IDF; nothing read from the saved files.
      const served = servedWeights(trained);
      const featurizer = new Featurizer(trained.spec);
      const rows = trained.idf.transform(
        featurizer.count(checkMails.map((mail) => featureSource(mail, trained.spec))),
        trained.spec,
      );
      const ts = softmaxRows(logits(served, rows), served.classes);

      const model = await loadModel(dir);
      try {
        const onnx = await model.probabilities(checkMails);
        expect(onnx.length).toBe(checkMails.length * model.labels.length);
        expect(maxAbsDiff(onnx, ts)).toBeLessThan(1e-5);
        // The weights the server decodes from the graph (explanations use them) are these too.
        expect(maxAbsDiff(model.probabilitiesTs(checkMails), ts)).toBeLessThan(1e-5);
      } finally {
        await model.dispose();
      }
    },
  );

  it('quantizes weights to int8 with one scale per target, each weight within half a step', () => {
    // 3 buckets x 2 targets; target 1 has only zeros (its scale must not divide by zero).
    const model = {
      buckets: 3,
      classes: 2,
      weights: Float32Array.from([0.5, 0, -1.27, 0, 0.004, 0]),
      bias: new Float32Array(2),
    };
    const { q, scale } = quantizeInt8(model);
    expect(Array.from(q)).toEqual([50, 0, -127, 0, 0, 0]);
    expect(scale[0]).toBeCloseTo(0.01, 7);
    const back = dequantizeInt8(q, scale);
    model.weights.forEach((w, i) =>
      expect(Math.abs(back[i]! - w)).toBeLessThanOrEqual(scale[i % 2]! / 2 + 1e-9),
    );
  });

  it('cuts long mails into pieces and marks which mail each piece belongs to', () => {
    // Mails with 3, 0 and 40 features.
    const indptr = Int32Array.from([0, 3, 3, 43]);
    const rows: SparseRows = {
      rows: 3,
      indptr,
      indices: Int32Array.from({ length: 43 }, (_, k) => k + 1),
      values: Float32Array.from({ length: 43 }, (_, k) => (k + 1) / 100),
    };
    expect(pieceWidth(rows)).toBe(16);
    const packed = packPieces(rows);
    expect(packed).toMatchObject({ pieces: 1 + 1 + 3, width: 16, mails: 3 });
    expect(Array.from(packed.membership!)).toEqual(
      [
        [1, 0, 0, 0, 0],
        [0, 1, 0, 0, 0],
        [0, 0, 1, 1, 1],
      ].flat(),
    );
    const at = (piece: number, k: number): [number, number] => [
      Number(packed.indices[piece * 16 + k]),
      packed.values[piece * 16 + k]!,
    ];
    expect(at(0, 2)).toEqual([3, Float32Array.of(0.03)[0]]);
    expect(at(0, 3)).toEqual([0, 0]);
    expect(at(1, 0)).toEqual([0, 0]);
    expect(at(2, 0)).toEqual([4, Float32Array.of(0.04)[0]]);
    expect(at(4, 7)).toEqual([43, Float32Array.of(0.43)[0]]);
    expect(at(4, 8)).toEqual([0, 0]);
  });

  it('explains a prediction with readable features towards the target and away from the runner-up', async () => {
    const model = await loadModel(fixtureModel);
    try {
      const [prediction] = await model.predict(
        [
          {
            subject: 'Klage over parkeringsafgift',
            body: 'P-vagten gav bilen en parkeringsafgift i gaden.',
            from: 'mette.k@hotmail.com',
            to: null,
          },
        ],
        { explain: true },
      );
      expect(prediction!.top[0]!.label).toBe('parkering');
      const explanation = prediction!.explanation!;
      expect(explanation.target).toBe('parkering');
      expect(explanation.awayFrom.label).toBe(prediction!.top[1]!.label);
      const towards = explanation.towards.map((f) => f.feature);
      expect(towards.some((f) => /parkeringsafgift|from:mette\.k@hotmail\.com|subject:/.test(f))).toBe(true);
      expect(towards.every((f) => !f.startsWith('#'))).toBe(true);
      expect(explanation.towards.every((f) => f.weight > 0)).toBe(true);
    } finally {
      await model.dispose();
    }
  });

  it('refuses to predict once disposed (hot-swap releases the old session)', async () => {
    const model = await loadModel(fixtureModel);
    await model.dispose();
    await expect(model.predict([test[0]!.mail])).rejects.toThrow(/disposed/);
  });

  it('refuses a model directory whose files do not match the manifest checksums', async () => {
    const dir = join(temp, 'tampered');
    const trained = trainModel(train, { seed: 3, featurizer: { buckets: 1024 }, maxEpochs: 2 });
    await saveModel(dir, trained);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'idf.bin'), new Uint8Array(2048));
    await expect(loadModel(dir)).rejects.toThrow(/checksum/);
  });
});

describe('training', () => {
  it('is reproducible: the same seed gives a byte-identical model, another seed does not', async () => {
    const options = { featurizer: { buckets: 2048 }, maxEpochs: 3 };
    const hash = async (seed: number, name: string): Promise<string> => {
      await saveModel(join(temp, name), trainModel(train, { ...options, seed }));
      return createHash('sha256')
        .update(readFileSync(join(temp, name, 'model.onnx')))
        .digest('hex');
    };
    const a = await hash(11, 'a');
    expect(await hash(11, 'b')).toBe(a);
    expect(await hash(12, 'c')).not.toBe(a);
  });

  it('refits on a second thread to the same model, bit for bit, as the refit after the validation run', () => {
    // The fixture is small: lower the thresholds so it takes the path 20 Newsgroups takes.
    const options = {
      seed: 5,
      featurizer: { buckets: 2048 },
      maxEpochs: 4,
      gridMaxFeatures: 0,
      parallelMinRows: 0,
    };
    const parallel = trainModel(train, { ...options, parallelRefit: true });
    const sequential = trainModel(train, { ...options, parallelRefit: false });
    const validationOnly = trainModel(train, { ...options, refit: false });
    expect(parallel.report.refit).toBe('refit thread');
    expect(sequential.report.refit).toBe('after the validation run');
    expect(validationOnly.report.refit).toBeNull();
    expect(parallel.report.epochs).toBe(sequential.report.epochs);
    expect(Buffer.from(parallel.linear.weights.buffer)).toEqual(
      Buffer.from(sequential.linear.weights.buffer),
    );
    expect(Array.from(parallel.linear.bias)).toEqual(Array.from(sequential.linear.bias));
    // ...and the refit did happen: without it the weights differ.
    expect(Buffer.from(validationOnly.linear.weights.buffer)).not.toEqual(
      Buffer.from(parallel.linear.weights.buffer),
    );
  });

  it('counts features on a second thread to the same rows, bit for bit, as one featurizer over every mail', () => {
    const mails: MailInput[] = [
      ...noisyMail(3)(900, 'n').map((r) => r.mail),
      ...[...train, ...test].map((r) => r.mail),
      ...checkMails,
    ];
    const spec = { ...DEFAULT_FEATURIZER_SPEC, buckets: 4096, senderText: true };
    const one = new Featurizer(spec).count(mails.map((mail) => featureSource(mail, spec)));
    const chunks = Math.ceil(mails.length / CHUNK_MAILS);
    expect(chunks).toBeGreaterThan(4);
    const threadOnly = countInParallel(mails, spec, { minRows: 0, stallMs: 30_000, mainThreadCounts: false });
    expect(threadOnly.chunksOnThread).toBe(chunks);
    const both = countInParallel(mails, spec, { minRows: 0, stallMs: 30_000 });
    const same = (a: ArrayBufferView, b: ArrayBufferView): boolean =>
      Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
        Buffer.from(b.buffer, b.byteOffset, b.byteLength),
      );
    for (const counted of [threadOnly, both]) {
      expect(counted.rows.rows).toBe(one.rows);
      expect(same(counted.rows.indptr, one.indptr)).toBe(true);
      expect(same(counted.rows.indices, one.indices)).toBe(true);
      expect(same(counted.rows.values, one.values)).toBe(true);
    }
    // A thread that cannot be started (here: a mail it cannot be sent) leaves every chunk to this one.
    const unsendable = mails.map((mail, i) => (i === 7 ? { ...mail, onRead: () => undefined } : mail));
    const alone = countInParallel(unsendable, spec, { minRows: 0, stallMs: 30_000 });
    expect(alone.chunksOnThread).toBe(0);
    expect(same(alone.rows.indices, one.indices)).toBe(true);
    // Below two chunks, or below minRows, the main thread counts alone.
    expect(
      countInParallel(mails.slice(0, CHUNK_MAILS), spec, { minRows: 0, stallMs: 30_000 }).chunksOnThread,
    ).toBe(0);
    expect(countInParallel(mails, spec, { minRows: mails.length + 1, stallMs: 30_000 }).chunksOnThread).toBe(
      0,
    );
  });

  it('tries each grid step size on validation when training is cheap, keeps the best, and only the default when not', () => {
    const options = { seed: 5, featurizer: { buckets: 2048 }, maxEpochs: 3 };
    const gridded = trainModel(train, options);
    expect(gridded.report.grid.map((g) => g.eta0)).toEqual([1, 0.3, 0.1]);
    const best = [...gridded.report.grid].sort((a, b) => b.accuracy - a.accuracy || a.loss - b.loss)[0]!;
    expect(gridded.report.epochs).toBe(best.epochs);
    // The refit uses the chosen step size: the same as training with it alone.
    const alone = trainModel(train, { ...options, eta0: best.eta0, gridMaxFeatures: 0 });
    expect(alone.report.grid.map((g) => g.eta0)).toEqual([best.eta0]);
    expect(Buffer.from(alone.linear.weights.buffer)).toEqual(Buffer.from(gridded.linear.weights.buffer));
  });

  it('learns the fixture targets well above chance, and writes training facts to the manifest', async () => {
    const dir = join(temp, 'facts');
    const trained = trainModel(train, { seed: 5, featurizer: { buckets: 4096 } });
    const manifest = await saveModel(dir, trained);
    expect(manifest.labels).toEqual(['borgerservice', 'byggesag', 'parkering', 'skat']);
    expect(manifest.training.validationSplit).toBe('time');
    expect(manifest.training.counts.train + manifest.training.counts.validation).toBe(train.length);
    expect(manifest.training.window.from).toBe('2026-01-01T00:00:00.000Z');
    expect(manifest.featurizer.hash).toMatch(/^[0-9a-f]{64}$/);
    const model = await loadModel(dir);
    try {
      const y = Int32Array.from(test, (r) => model.labels.indexOf(r.label!));
      const result = evaluate(await model.probabilities(test.map((r) => r.mail)), y, model.labels);
      expect(result.accuracy).toBeGreaterThan(0.8);
      expect(result.top3_accuracy).toBeGreaterThanOrEqual(result.accuracy);
    } finally {
      await model.dispose();
    }
  });

  it('stores IDF exactly as used in training', () => {
    const trained = trainModel(train.slice(0, 80), { seed: 1, featurizer: { buckets: 512 }, maxEpochs: 1 });
    expect(Array.from(Idf.fromBytes(trained.idf.toBytes()).weights)).toEqual(Array.from(trained.idf.weights));
  });
});

describe('evaluation', () => {
  it('computes accuracy, macro-F1, per-target metrics, top-3 and coverage at precision', () => {
    // 4 mails, 3 targets: confident right, confident right, unsure wrong, unsure right.
    const p = Float64Array.from([0.9, 0.05, 0.05, 0.1, 0.8, 0.1, 0.5, 0.3, 0.2, 0.2, 0.2, 0.6]);
    const y = Int32Array.from([0, 1, 1, 2]);
    const result = evaluate(p, y, ['a', 'b', 'c']);
    expect(result.accuracy).toBe(0.75);
    expect(result.per_target.b).toEqual({ precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
    expect(result.per_target.a!.precision).toBe(0.5);
    expect(result.top3_accuracy).toBe(1);
    expect(result.confusion[1]).toEqual([1, 1, 0]);
    // sorted by confidence: 0.9 right, 0.8 right, 0.6 right, 0.5 wrong
    expect(result.coverage_at_precision['0.99']).toEqual({ coverage: 0.75, threshold: 0.6 });
    expect(result.macro_f1).toBeCloseTo((2 / 3 + 2 / 3 + 1) / 3, 10);
    expect(result.unknown_targets).toBe(0);
  });

  it('averages F1 over the targets in the truth or the predictions, as scikit-learn does', () => {
    // Target c is known to the model but neither occurs nor is predicted: left out of the mean.
    const p = Float64Array.from([0.9, 0.05, 0.05, 0.1, 0.8, 0.1, 0.6, 0.3, 0.1]);
    const result = evaluate(p, Int32Array.from([0, 1, 1]), ['a', 'b', 'c']);
    expect(result.per_target.c).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(result.macro_f1).toBeCloseTo((2 / 3 + 2 / 3) / 2, 10);
  });

  it('counts a mail of a target the model does not know as an error, and that target as F1 0', () => {
    const p = Float64Array.from([0.9, 0.1, 0.2, 0.8, 0.7, 0.3]);
    const { y, unknownTargets } = targetIndices(['a', 'b', 'zzz'], ['a', 'b']);
    expect(Array.from(y)).toEqual([0, 1, -1]);
    const result = evaluate(p, y, ['a', 'b'], { unknownTargets });
    expect(result.unknown_targets).toBe(1);
    expect(result.accuracy).toBeCloseTo(2 / 3, 10);
    expect(result.top3_accuracy).toBeCloseTo(2 / 3, 10);
    expect(result.confusion).toEqual([
      [1, 0],
      [0, 1],
    ]);
    // a: precision 1/2 (the unknown mail went to a), recall 1 -> 2/3; b: 1; zzz: 0.
    expect(result.per_target.a!.precision).toBe(0.5);
    expect(result.macro_f1).toBeCloseTo((2 / 3 + 1 + 0) / 3, 10);
  });
});
