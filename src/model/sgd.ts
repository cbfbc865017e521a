// Multinomial logistic regression trained by AdaGrad over CSR rows: a per-feature adaptive step
// (rare features move faster), L2 applied when a row is touched, per-class weights for imbalance,
// optional iterate averaging, early stopping on a validation split. Hot loops touch typed arrays only.
import type { SparseRows } from '../text/index.js';
import type { LinearModel } from './linear.js';
import { logits } from './linear.js';
import { mulberry32, shuffle } from './random.js';
import { addRowProducts, updateRowWeights } from './row-products.js';

export interface SgdOptions {
  seed: number;
  /** Hash buckets (rows of the weight table). */
  buckets: number;
  /** L2 strength per example. */
  lambda: number;
  /** AdaGrad's base step: feature j moves by eta0 / sqrt(its summed squared gradients). */
  eta0: number;
  maxEpochs: number;
  /** Stop after this many epochs without a better validation model (accuracy, ties by log loss). */
  patience: number;
  /** Per-class weight multiplying each example's gradient. */
  classWeights: Float64Array;
  /** Average the end-of-epoch weights from this epoch on (0: no averaging). */
  averageFrom: number;
  /**
   * Called after every epoch with that epoch's model and the best epoch so far on validation (0
   * without validation rows); returning 'stop' ends training there.
   */
  onEpoch?: (epoch: number, model: LinearModel, bestEpoch: number) => 'stop' | undefined;
}

export interface SgdResult {
  model: LinearModel;
  /** Epochs of the returned model. */
  epochs: number;
  /** Validation log loss per epoch (empty without validation rows). */
  validationLoss: number[];
  /** Validation accuracy per epoch. */
  validationAccuracy: number[];
}

/** Mean negative log-likelihood of `y` under the softmax of `z / temperature`. */
export function logLoss(z: Float64Array, y: Int32Array, classes: number, temperature = 1): number {
  let total = 0;
  for (let r = 0; r < y.length; r++) {
    const base = r * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, z[base + c]! / temperature);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(z[base + c]! / temperature - max);
    total += Math.log(sum) + max - z[base + y[r]!]! / temperature;
  }
  return total / Math.max(1, y.length);
}

export function trainSgd(
  x: SparseRows,
  y: Int32Array,
  classes: number,
  options: SgdOptions,
  validation?: { x: SparseRows; y: Int32Array },
): SgdResult {
  const C = classes;
  const buckets = options.buckets;
  const W = new Float32Array(buckets * C);
  const bias = new Float64Array(C);
  // Summed squared gradients per feature (AdaGrad).
  const G = new Float64Array(buckets);
  const random = mulberry32(options.seed);
  const order = new Int32Array(x.rows);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const p = new Float64Array(C);
  // Per feature of the current row: its AdaGrad step times its value, and its L2 decay.
  let steps = new Float64Array(1024);
  let decays = new Float64Array(1024);
  const { lambda, eta0 } = options;
  const { indptr, indices, values } = x;
  let best: { W: Float32Array; bias: Float64Array; epoch: number; loss: number; accuracy: number } | null =
    null;
  const validationLoss: number[] = [];
  const validationAccuracy: number[] = [];
  let sinceBest = 0;
  const sumW = new Float64Array(options.averageFrom > 0 ? buckets * C : 0);
  const sumB = new Float64Array(C);
  let averaged = 0;
  let last: LinearModel | null = null;

  let epochsRun = 0;
  for (let epoch = 1; epoch <= options.maxEpochs; epoch++) {
    epochsRun = epoch;
    shuffle(order, random);
    for (let o = 0; o < order.length; o++) {
      const r = order[o]!;
      const start = indptr[r]!;
      const end = indptr[r + 1]!;
      let max = -Infinity;
      p.fill(0);
      addRowProducts(W, C, indices, values, start, end, p, 0);
      for (let c = 0; c < C; c++) {
        const z = p[c]! + bias[c]!;
        p[c] = z;
        if (z > max) max = z;
      }
      let sum = 0;
      for (let c = 0; c < C; c++) {
        const e = Math.exp(p[c]! - max);
        p[c] = e;
        sum += e;
      }
      const label = y[r]!;
      const weight = options.classWeights[label]!;
      for (let c = 0; c < C; c++) p[c] = (p[c]! / sum - (c === label ? 1 : 0)) * weight;
      let g2 = 0;
      for (let c = 0; c < C; c++) g2 += p[c]! * p[c]!;
      if (steps.length < end - start) {
        steps = new Float64Array(2 * (end - start));
        decays = new Float64Array(2 * (end - start));
      }
      for (let k = start; k < end; k++) {
        const x = values[k]!;
        const j = indices[k]!;
        const acc = (G[j] = G[j]! + x * x * g2);
        const stepJ = eta0 / Math.sqrt(acc + 1e-8);
        steps[k - start] = x * stepJ;
        decays[k - start] = 1 - Math.min(0.5, stepJ * lambda);
      }
      updateRowWeights(W, C, indices, start, end, decays, steps, p);
      for (let c = 0; c < C; c++) bias[c] = bias[c]! - eta0 * 0.1 * p[c]!;
    }
    let model = snapshot(W, bias, C, buckets);
    if (options.averageFrom > 0 && epoch >= options.averageFrom) {
      // Epoch-level iterate averaging: the mean of the end-of-epoch weights generalises better than
      // the last iterate, and is still one linear model (one ONNX table).
      averaged++;
      for (let i = 0; i < sumW.length; i++) sumW[i] = sumW[i]! + model.weights[i]!;
      for (let c = 0; c < C; c++) sumB[c] = sumB[c]! + model.bias[c]!;
      const weights = new Float32Array(sumW.length);
      for (let i = 0; i < weights.length; i++) weights[i] = sumW[i]! / averaged;
      model = { classes: C, buckets, weights, bias: Float32Array.from(sumB, (b) => b / averaged) };
    }
    last = model;
    if (!validation) {
      if (options.onEpoch?.(epoch, model, 0) === 'stop') break;
      continue;
    }
    const z = logits(model, validation.x);
    const loss = logLoss(z, validation.y, C);
    validationLoss.push(loss);
    const accuracy = accuracyOf(z, validation.y, C);
    validationAccuracy.push(accuracy);
    // Best = highest validation accuracy, ties broken by log loss (temperature scaling fixes confidence later).
    if (best === null || accuracy > best.accuracy || (accuracy === best.accuracy && loss < best.loss)) {
      best = { W: model.weights, bias: new Float64Array(model.bias), epoch, loss, accuracy };
      sinceBest = 0;
    } else {
      sinceBest++;
    }
    if (options.onEpoch?.(epoch, model, best.epoch) === 'stop' || sinceBest >= options.patience) break;
  }
  if (best) {
    return {
      model: { classes: C, buckets, weights: best.W, bias: Float32Array.from(best.bias) },
      epochs: best.epoch,
      validationLoss,
      validationAccuracy,
    };
  }
  return {
    model: last ?? snapshot(W, bias, C, buckets),
    epochs: epochsRun,
    validationLoss,
    validationAccuracy,
  };
}

function snapshot(W: Float32Array, bias: Float64Array, classes: number, buckets: number): LinearModel {
  return { classes, buckets, weights: W.slice(), bias: Float32Array.from(bias) };
}

/** Share of rows whose arg-max logit is the true class. */
export function accuracyOf(z: Float64Array, y: Int32Array, classes: number): number {
  let correct = 0;
  for (let r = 0; r < y.length; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (z[r * classes + c]! > z[r * classes + best]!) best = c;
    if (best === y[r]) correct++;
  }
  return correct / Math.max(1, y.length);
}
