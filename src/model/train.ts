// Training pipeline: records -> features -> validation split (by time when dates exist) -> AdaGrad
// softmax regression with early stopping -> refit on all rows -> temperature on held-out rows.
import { DEFAULT_FEATURIZER_SPEC, Idf } from '../text/index.js';
import type { FeaturizerSpec, SparseRows } from '../text/index.js';
import { crossFittedEce, fitTemperature } from './calibrate.js';
import type { MailRecord } from './dataset.js';
import { decodeHalf, encodeHalf } from './float16.js';
import { logits, softmaxRows, type LinearModel } from './linear.js';
import { evaluate, type Evaluation } from './metrics.js';
import { dequantizeInt8, quantizeInt8, type WeightType } from './onnx-graph.js';
import { mulberry32, shuffle } from './random.js';
import { countInParallel } from './parallel-featurize.js';
import { ParallelRefit } from './parallel-refit.js';
import { blendModels, logitScale } from './blend.js';
import { accuracyOf, trainSgd, type SgdOptions } from './sgd.js';
import type { SvmOptions } from './svm.js';
import { SvmWork } from './svm-work.js';
import { sharedRows } from './training-thread.js';

/**
 * LinearSVC's C and class weights; tolerance 0.1 took 14.7 s on 20 Newsgroups where 0.01 took
 * 23.3 s, for the same accuracy.
 */
const SVM_OPTIONS = (seed: number, buckets: number, positiveWeights: Float64Array): SvmOptions => ({
  c: 1,
  seed,
  buckets,
  maxPasses: 50,
  tolerance: 0.1,
  positiveWeights,
});

export interface TrainConfig {
  seed: number;
  /** Overrides of the featurizer spec; `buckets` defaults to what keeps int8 weights at most 8 MB. */
  featurizer: Partial<FeaturizerSpec>;
  validationFraction: number;
  /** Features (buckets) in fewer training mails than this get idf 0: dropped, like min_df. */
  minDf: number;
  maxEpochs: number;
  patience: number;
  eta0: number;
  lambda: number;
  /** 'sqrt': weight sqrt(n / (C * n_c)), a middle ground between none and fully balanced. */
  classWeight: 'none' | 'sqrt' | 'balanced';
  /** Average end-of-epoch weights from this epoch on (0: off). */
  averageFrom: number;
  /**
   * Training sets with at most this many stored features (non-zeros over all training rows, what an
   * epoch costs) try each of `gridEta0Factors` x eta0 on validation and keep the best.
   */
  gridMaxFeatures: number;
  gridEta0Factors: number[];
  /**
   * Shares of a one-vs-rest squared-hinge SVM (LinearSVC's loss, C = 1, the class weights on each
   * target's own rows, trained on the training split) blended into the softmax model
   * (`model/blend.ts`); the validation accuracy chooses, the first share winning ties. [0]: softmax
   * alone, no SVM trained. docs/model.md has the measurements behind the default.
   */
  svmShares: number[];
  /** Retrain on train + validation for the chosen number of epochs. */
  refit: boolean;
  /**
   * Run that refit on a second thread while the validation run chooses the epochs (same model,
   * sooner). Used when there is one candidate (no grid) and more than `parallelMinRows` rows.
   */
  parallelRefit: boolean;
  parallelMinRows: number;
  /** Count features on a second thread too, with more than `parallelMinRows` mails (parallel-featurize.ts). */
  parallelFeaturize: boolean;
  /**
   * 'auto': the smallest of int8, float16, float32 whose rounding changes validation accuracy by at
   * most 0.001 and whose table fits WEIGHT_BUDGET_BYTES (else the most precise one that fits).
   */
  weightType: 'auto' | WeightType;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  seed: 42,
  featurizer: {},
  validationFraction: 0.1,
  minDf: 2,
  maxEpochs: 8,
  patience: 2,
  eta0: 1,
  lambda: 1e-4,
  classWeight: 'sqrt',
  averageFrom: 0,
  gridMaxFeatures: 5_000_000,
  gridEta0Factors: [1, 0.3, 0.1],
  svmShares: [0.25, 0.5],
  refit: true,
  parallelRefit: true,
  parallelMinRows: 5000,
  parallelFeaturize: true,
  weightType: 'auto',
};

export interface TrainedModel {
  labels: string[];
  spec: FeaturizerSpec;
  idf: Idf;
  /** Logits before temperature. */
  linear: LinearModel;
  temperature: number;
  weightType: WeightType;
  config: TrainConfig;
  report: TrainingReport;
}

export interface TrainingReport {
  counts: { train: number; validation: number; perLabel: Record<string, number> };
  window: { from: string | null; to: string | null };
  validationSplit: 'time' | 'random' | 'none';
  /** Candidates tried on validation (cheap training sets only), with their validation scores. */
  grid: {
    eta0: number;
    epochs: number;
    accuracy: number;
    loss: number;
  }[];
  epochs: number;
  validationAccuracyByEpoch: number[];
  /** The SVM blend: every share's validation accuracy, the chosen share (null: no SVM trained). */
  svm: {
    share: number;
    passes: number;
    accuracyByShare: { share: number; accuracy: number }[];
    /** Targets the refit thread trained while it would otherwise have waited (the rest: main thread). */
    targetsOnRefitThread: number;
  } | null;
  /**
   * Validation metrics of the model trained without the validation rows (the epochs, step size, SVM
   * share and weight type were chosen on these rows too), after temperature scaling. `ece` is at the
   * temperature fitted on these same rows (in-sample); `ece_held_out` fits it on one half and measures
   * the other (calibrate.ts, crossFittedEce): the one to quote.
   */
  validation: (Evaluation & { ece_before_temperature: number; ece_held_out: number }) | null;
  /** Where the refit on all rows ran (null: no refit). */
  refit: 'refit thread' | 'stalled thread, refit here' | 'after the validation run' | null;
  /** Validation accuracy of float32 weights minus that of int8 and float16 rounded ones. */
  weightAccuracyDelta: { int8: number; float16: number } | null;
  /** Chunks of mails whose features a second thread counted (0: all on the main thread). */
  featurizeChunksOnThread: number;
  seconds: { featurize: number; train: number; total: number };
}

/** How long a training thread may make no progress before its work is done on the main thread. */
const STALL_MS = 30_000;

/** The weight table's share of the model directory, which must stay <= 10 MB. */
export const WEIGHT_BUDGET_BYTES = 8 * 1024 * 1024;

const BYTES_PER_WEIGHT: Record<WeightType, number> = { int8: 1, float16: 2, float32: 4 };

/**
 * Buckets so that int8 weights fit WEIGHT_BUDGET_BYTES, at most 2^18 (2^18 for up to 32 targets).
 * More buckets mean fewer hash collisions; measured: 2^17 -> 2^18 raised test accuracy on
 * 20 Newsgroups and MASSIVE-da, 2^20 gave no more on SIB-200-da.
 */
export function defaultBuckets(classes: number): number {
  let buckets = 1 << 18;
  while (buckets > 1 << 14 && buckets * Math.max(2, classes) > WEIGHT_BUDGET_BYTES) buckets >>>= 1;
  return buckets;
}

function rounded(model: LinearModel, type: 'int8' | 'float16'): LinearModel {
  if (type === 'float16') return { ...model, weights: decodeHalf(encodeHalf(model.weights)) };
  const { q, scale } = quantizeInt8(model);
  return { ...model, weights: dequantizeInt8(q, scale) };
}

/** The weight type `auto` picks from the validation accuracy each rounding gives (`exact`: unrounded). */
function chooseWeightType(
  model: LinearModel,
  x: SparseRows,
  y: Int32Array,
  exact: number,
): { type: WeightType; delta: { int8: number; float16: number } } {
  const accuracy = (type: 'int8' | 'float16'): number =>
    accuracyOf(logits(rounded(model, type), x), y, model.classes);
  const delta = { int8: exact - accuracy('int8'), float16: exact - accuracy('float16') };
  const fits = (type: WeightType): boolean =>
    model.buckets * model.classes * BYTES_PER_WEIGHT[type] <= WEIGHT_BUDGET_BYTES;
  const candidates = (['int8', 'float16', 'float32'] as const).filter((t) => t === 'int8' || fits(t));
  const type =
    candidates.find((t) => t === 'float32' || delta[t] <= 0.001) ?? candidates[candidates.length - 1]!;
  return { type, delta };
}

export function selectRows(x: SparseRows, rows: ArrayLike<number>): SparseRows {
  let nnz = 0;
  for (let i = 0; i < rows.length; i++) nnz += x.indptr[rows[i]! + 1]! - x.indptr[rows[i]!]!;
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let k = 0;
  for (let i = 0; i < rows.length; i++) {
    const start = x.indptr[rows[i]!]!;
    const end = x.indptr[rows[i]! + 1]!;
    indices.set(x.indices.subarray(start, end), k);
    values.set(x.values.subarray(start, end), k);
    k += end - start;
    indptr[i + 1] = k;
  }
  return { rows: rows.length, indptr, indices, values };
}

function dateOf(record: MailRecord): number {
  const value = record.date ?? record.mail.date ?? null;
  if (value === null) return NaN;
  return Date.parse(value);
}

/**
 * Validation rows: the newest mails when (almost) every record has a date, else a seeded stratified
 * sample. In a split by time the few undated mails train: they cannot be said to be newer.
 */
export function splitValidation(
  records: readonly MailRecord[],
  y: Int32Array,
  classes: number,
  fraction: number,
  seed: number,
): { train: Int32Array; validation: Int32Array; kind: 'time' | 'random' | 'none' } {
  const n = records.length;
  const all = Int32Array.from({ length: n }, (_, i) => i);
  if (fraction <= 0 || n < 50) return { train: all, validation: new Int32Array(0), kind: 'none' };
  const times = records.map(dateOf);
  const dated = times.filter((t) => Number.isFinite(t)).length;
  if (dated >= 0.95 * n) {
    const undated = Array.from(all).filter((i) => !Number.isFinite(times[i]));
    const byTime = Array.from(all)
      .filter((i) => Number.isFinite(times[i]))
      .sort((a, b) => times[a]! - times[b]! || a - b);
    const cut = byTime.length - Math.round(n * fraction);
    return {
      train: Int32Array.from([...byTime.slice(0, cut), ...undated]),
      validation: Int32Array.from(byTime.slice(cut)),
      kind: 'time',
    };
  }
  const random = mulberry32(seed ^ 0x9e3779b9);
  const train: number[] = [];
  const validation: number[] = [];
  for (let c = 0; c < classes; c++) {
    const members = Int32Array.from(Array.from(all).filter((i) => y[i] === c));
    shuffle(members, random);
    const take = members.length >= 5 ? Math.max(1, Math.round(members.length * fraction)) : 0;
    members.forEach((row, k) => (k < take ? validation : train).push(row));
  }
  train.sort((a, b) => a - b);
  validation.sort((a, b) => a - b);
  return { train: Int32Array.from(train), validation: Int32Array.from(validation), kind: 'random' };
}

function classWeights(y: Int32Array, classes: number, mode: TrainConfig['classWeight']): Float64Array {
  const weights = new Float64Array(classes).fill(1);
  if (mode === 'none') return weights;
  const counts = new Float64Array(classes);
  for (const label of y) counts[label]!++;
  let mean = 0;
  for (let c = 0; c < classes; c++) {
    const balanced = counts[c]! > 0 ? y.length / (classes * counts[c]!) : 1;
    weights[c] = mode === 'sqrt' ? Math.sqrt(balanced) : balanced;
    mean += (weights[c]! * counts[c]!) / y.length;
  }
  for (let c = 0; c < classes; c++) weights[c] = weights[c]! / mean;
  return weights;
}

export function trainModel(
  records: readonly MailRecord[],
  overrides: Partial<TrainConfig> = {},
): TrainedModel {
  const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...overrides };
  const started = performance.now();
  const labelled = records.filter((r): r is MailRecord & { label: string } => r.label !== null);
  if (labelled.length === 0) throw new Error('no labelled records to train on');
  const labels = [...new Set(labelled.map((r) => r.label))].sort();
  if (labels.length < 2) throw new Error(`need at least 2 targets to train, found ${labels.length}`);
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const y = Int32Array.from(labelled.map((r) => labelIndex.get(r.label)!));
  const C = labels.length;
  // The sender's name and address count as content too, unless the featurizer overrides say not.
  const spec: FeaturizerSpec = {
    ...DEFAULT_FEATURIZER_SPEC,
    buckets: defaultBuckets(C),
    senderText: true,
    ...config.featurizer,
  };

  const counted = countInParallel(
    labelled.map((r) => r.mail),
    spec,
    { minRows: config.parallelFeaturize ? config.parallelMinRows : Infinity, stallMs: STALL_MS },
  );
  let x = counted.rows;
  // IDF is unsupervised, so it is fitted once on every training row (the validation rows included).
  const idf = Idf.fit(x, spec.buckets, config.minDf);
  idf.transform(x, spec);
  const featurizeSeconds = (performance.now() - started) / 1000;

  const split = splitValidation(labelled, y, C, config.validationFraction, config.seed);
  const sgd = {
    seed: config.seed,
    buckets: spec.buckets,
    lambda: config.lambda,
    eta0: config.eta0,
    maxEpochs: config.maxEpochs,
    patience: config.patience,
    averageFrom: config.averageFrom,
  };
  let linear: LinearModel;
  let temperature = 1;
  let epochs = config.maxEpochs;
  let validationAccuracyByEpoch: number[] = [];
  let validation: TrainingReport['validation'] = null;
  let weightAccuracyDelta: TrainingReport['weightAccuracyDelta'] = null;
  let refitRan: TrainingReport['refit'] = null;
  let weightType: WeightType = config.weightType === 'auto' ? 'int8' : config.weightType;
  let svm: TrainingReport['svm'] = null;

  const grid: TrainingReport['grid'] = [];
  if (split.validation.length > 0) {
    const xTrain = selectRows(x, split.train);
    const yTrain = Int32Array.from(split.train, (i) => y[i]!);
    const xVal = selectRows(x, split.validation);
    const yVal = Int32Array.from(split.validation, (i) => y[i]!);
    // Cheap training sets: a few step sizes, chosen on validation accuracy then validation log loss
    // (small, noisy sets often want a smaller step). Costly sets keep the default: training time.
    const candidates =
      xTrain.indptr[xTrain.rows]! <= config.gridMaxFeatures
        ? config.gridEta0Factors.map((f) => config.eta0 * f)
        : [config.eta0];
    const refitAll = (maxEpochs: number): SgdOptions => ({
      ...sgd,
      maxEpochs,
      classWeights: classWeights(y, C, config.classWeight),
    });
    const useParallelRefit =
      config.refit && config.parallelRefit && candidates.length === 1 && x.rows > config.parallelMinRows;
    const blending = config.svmShares.some((share) => share > 0);
    // The refit thread reads the rows from shared memory.
    if (useParallelRefit) x = sharedRows(x);
    const trainClassWeights = classWeights(yTrain, C, config.classWeight);
    const svmWork = blending
      ? SvmWork.create(x, y, split.train, C, SVM_OPTIONS(config.seed, spec.buckets, trainClassWeights))
      : null;
    const parallel = useParallelRefit
      ? new ParallelRefit({
          x,
          y,
          classes: C,
          options: refitAll(config.maxEpochs),
          svm: svmWork?.data ?? null,
        })
      : null;
    // Whatever goes wrong before the refit's model is taken, its thread must not outlive training.
    try {
      let result: ReturnType<typeof trainSgd> | null = null;
      let chosen = candidates[0]!;
      let bestScore = { accuracy: -1, loss: Infinity };
      const validationStarted = performance.now();
      for (const eta0 of candidates) {
        const attempt = trainSgd(
          xTrain,
          yTrain,
          C,
          {
            ...sgd,
            eta0,
            classWeights: trainClassWeights,
            onEpoch: (epoch, _model, bestEpoch) => {
              parallel?.validationProgress(epoch, bestEpoch);
              return undefined;
            },
          },
          { x: xVal, y: yVal },
        );
        const index = attempt.epochs - 1;
        const score = { accuracy: attempt.validationAccuracy[index]!, loss: attempt.validationLoss[index]! };
        grid.push({ eta0, epochs: attempt.epochs, ...score });
        if (
          score.accuracy > bestScore.accuracy ||
          (score.accuracy === bestScore.accuracy && score.loss < bestScore.loss)
        ) {
          bestScore = score;
          result = attempt;
          chosen = eta0;
        }
      }
      if (result === null) throw new Error('no training candidate');
      sgd.eta0 = chosen;
      epochs = result.epochs;
      validationAccuracyByEpoch = result.validationAccuracy;
      let blend: { svm: LinearModel; share: number; scales: { softmax: number; svm: number } } | null = null;
      // The refit thread can hand its model over as soon as it has it, then help with the SVM.
      parallel?.request(epochs);
      if (svmWork) {
        const trained = svmWork.finish(STALL_MS);
        const scales = { softmax: logitScale(result.model, xVal), svm: logitScale(trained.model, xVal) };
        const accuracyByShare = config.svmShares.map((share) => {
          const candidate =
            share === 0 ? result.model : blendModels(result.model, trained.model, share, scales);
          return { share, accuracy: accuracyOf(logits(candidate, xVal), yVal, C) };
        });
        // The first of the best wins ties.
        const best = accuracyByShare.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
        svm = {
          share: best.share,
          passes: trained.passes,
          accuracyByShare,
          targetsOnRefitThread: trained.targetsOnRefitThread,
        };
        if (best.share > 0) blend = { svm: trained.model, share: best.share, scales };
      }
      // The SVM blended in at the share validation picked (none at share 0: the softmax model as is).
      const chosenBlend = blend;
      const blendWith = (softmax: LinearModel): LinearModel =>
        chosenBlend ? blendModels(softmax, chosenBlend.svm, chosenBlend.share, chosenBlend.scales) : softmax;
      const validationModel = blendWith(result.model);
      const z = logits(validationModel, xVal);
      temperature = fitTemperature(z, yVal, C);
      const before = evaluate(softmaxRows(Float64Array.from(z), C, 1), yVal, labels);
      const after = evaluate(softmaxRows(Float64Array.from(z), C, temperature), yVal, labels);
      validation = {
        ...after,
        ece_before_temperature: before.ece,
        ece_held_out: crossFittedEce(z, yVal, C),
      };
      const chosenType = chooseWeightType(validationModel, xVal, yVal, accuracyOf(z, yVal, C));
      weightAccuracyDelta = chosenType.delta;
      if (config.weightType === 'auto') weightType = chosenType.type;
      linear = validationModel;
      if (config.refit) {
        const refitHere = (): LinearModel => trainSgd(x, y, C, refitAll(epochs)).model;
        // Stalled: no refit epoch for 30 s plus three validation epochs' time (it has more rows).
        const epochMs =
          (performance.now() - validationStarted) / Math.max(1, validationAccuracyByEpoch.length);
        const refitted = parallel
          ? parallel.modelAt(epochs, STALL_MS + 3 * epochMs, refitHere)
          : { model: refitHere(), ranOn: 'after the validation run' as const };
        linear = blendWith(refitted.model);
        refitRan = refitted.ranOn;
      }
    } catch (error) {
      parallel?.cancel();
      throw error;
    }
  } else {
    linear = trainSgd(x, y, C, { ...sgd, classWeights: classWeights(y, C, config.classWeight) }).model;
  }

  const perLabel: Record<string, number> = {};
  for (const label of labels) perLabel[label] = 0;
  for (const r of labelled) perLabel[r.label] = (perLabel[r.label] ?? 0) + 1;
  const times = labelled.map(dateOf).filter((t) => Number.isFinite(t));
  const total = (performance.now() - started) / 1000;
  return {
    labels,
    spec,
    idf,
    linear,
    temperature,
    weightType,
    config,
    report: {
      counts: { train: split.train.length, validation: split.validation.length, perLabel },
      window: {
        from: times.length > 0 ? new Date(times.reduce((a, b) => Math.min(a, b))).toISOString() : null,
        to: times.length > 0 ? new Date(times.reduce((a, b) => Math.max(a, b))).toISOString() : null,
      },
      validationSplit: split.kind,
      grid,
      epochs,
      validationAccuracyByEpoch,
      svm,
      validation,
      refit: refitRan,
      weightAccuracyDelta,
      featurizeChunksOnThread: counted.chunksOnThread,
      seconds: { featurize: featurizeSeconds, train: total - featurizeSeconds, total },
    },
  };
}
