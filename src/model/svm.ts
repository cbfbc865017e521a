// One-vs-rest linear SVM with the L2-regularised squared hinge loss (LinearSVC's), solved in the dual
// by coordinate descent with shrinking (Hsieh et al., ICML 2008): a row whose dual variable sits at 0
// with a gradient beyond the last pass's largest projected gradient is left out of the following
// passes, and every row is checked again before a target counts as converged. The intercept is a
// feature of value 1, regularised like the others. Each target is its own problem with its own seeded
// shuffle, so targets can be trained in any order, on any thread, to the same model.
import type { SparseRows } from '../text/index.js';
import type { LinearModel } from './linear.js';
import { mulberry32, shuffle } from './random.js';

export interface SvmOptions {
  /** Inverse regularisation strength (LinearSVC's C). */
  c: number;
  seed: number;
  buckets: number;
  /** At most this many passes (over the rows still active) per target. */
  maxPasses: number;
  /** Stop a target once its projected gradients over every row span at most this much. */
  tolerance: number;
  /**
   * C of a target's own rows is `c * positiveWeights[target]` (LinearSVC's class_weight in its
   * one-vs-rest problems); the other rows keep `c`. Absent: every row `c`.
   */
  positiveWeights?: Float64Array;
}

/** Where a target's weights go: column `target` of `weights` [buckets x classes], and `bias[target]`. */
export interface SvmOutput {
  classes: number;
  weights: Float32Array;
  bias: Float32Array;
}

/**
 * Trains target `target` against the rest on `rows` of `x` (all rows when absent) and writes it to
 * `out`; returns the passes it took.
 */
export function trainSvmTarget(
  x: SparseRows,
  y: Int32Array,
  target: number,
  options: SvmOptions,
  out: SvmOutput,
  rows?: Int32Array,
): number {
  const { indptr, indices, values } = x;
  const order = rows ? Int32Array.from(rows) : Int32Array.from({ length: x.rows }, (_, i) => i);
  const n = order.length;
  const w = new Float64Array(options.buckets);
  const alpha = new Float64Array(x.rows);
  const random = mulberry32((options.seed ^ Math.imul(target + 1, 0x9e3779b9)) >>> 0);
  const negativeDiagonal = 1 / (2 * options.c);
  const positiveDiagonal = 1 / (2 * options.c * (options.positiveWeights?.[target] ?? 1));
  let b = 0;
  let active = n;
  // The largest projected gradient of the pass before: rows at 0 with a gradient above it are shrunk.
  let shrinkAbove = Infinity;
  let passes = 0;
  while (passes < options.maxPasses) {
    passes++;
    shuffle(order.subarray(0, active), random);
    let maxPg = -Infinity;
    let minPg = Infinity;
    for (let s = 0; s < active; s++) {
      const i = order[s]!;
      const positive = y[i] === target;
      const sign = positive ? 1 : -1;
      const diagonal = positive ? positiveDiagonal : negativeDiagonal;
      const start = indptr[i]!;
      const end = indptr[i + 1]!;
      let score = b;
      // |x_i|^2 with the intercept's 1, in the same loop: the gather from w is what this loop costs.
      let squaredNorm = 1;
      for (let k = start; k < end; k++) {
        const v = values[k]!;
        score += w[indices[k]!]! * v;
        squaredNorm += v * v;
      }
      const gradient = sign * score - 1 + diagonal * alpha[i]!;
      let projected = gradient;
      if (alpha[i] === 0) {
        if (gradient > shrinkAbove) {
          active--;
          order[s] = order[active]!;
          order[active] = i;
          s--;
          continue;
        }
        projected = Math.min(gradient, 0);
      }
      if (projected > maxPg) maxPg = projected;
      if (projected < minPg) minPg = projected;
      if (Math.abs(projected) < 1e-12) continue;
      const before = alpha[i]!;
      const after = Math.max(before - gradient / (squaredNorm + diagonal), 0);
      alpha[i] = after;
      const step = (after - before) * sign;
      for (let k = start; k < end; k++) w[indices[k]!] = w[indices[k]!]! + step * values[k]!;
      b += step;
    }
    if (maxPg - minPg <= options.tolerance) {
      if (active === n) break;
      // Converged on the active rows: check every row once more before stopping.
      active = n;
      shrinkAbove = Infinity;
      continue;
    }
    shrinkAbove = maxPg > 0 ? maxPg : Infinity;
  }
  const { classes, weights, bias } = out;
  for (let j = 0; j < options.buckets; j++) weights[j * classes + target] = w[j]!;
  bias[target] = b;
  return passes;
}

/** Every target on this thread: the weights, and the most passes any target needed. */
export function trainSvm(
  x: SparseRows,
  y: Int32Array,
  classes: number,
  options: SvmOptions,
  rows?: Int32Array,
): { model: LinearModel; passes: number } {
  const out = {
    classes,
    weights: new Float32Array(options.buckets * classes),
    bias: new Float32Array(classes),
  };
  let passes = 0;
  for (let target = 0; target < classes; target++) {
    passes = Math.max(passes, trainSvmTarget(x, y, target, options, out, rows));
  }
  return { model: { classes, buckets: options.buckets, weights: out.weights, bias: out.bias }, passes };
}
