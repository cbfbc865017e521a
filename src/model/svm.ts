// One-vs-rest linear SVM with the L2-regularised squared hinge loss (LinearSVC's), solved in the dual
// by coordinate descent (Hsieh et al., ICML 2008). The intercept is a feature of value 1, regularised
// like the others. Deterministic for a seed; its scores become probabilities by temperature scaling.
import type { SparseRows } from '../text/index.js';
import type { LinearModel } from './linear.js';
import { mulberry32, shuffle } from './random.js';

export interface SvmOptions {
  /** Inverse regularisation strength (LinearSVC's C). */
  c: number;
  seed: number;
  buckets: number;
  /** At most this many passes over the rows per target. */
  maxPasses: number;
  /** Stop a target once its projected gradients span at most this much. */
  tolerance: number;
}

/** The weights, and the most passes any target needed. */
export function trainSvm(
  x: SparseRows,
  y: Int32Array,
  classes: number,
  options: SvmOptions,
): { model: LinearModel; passes: number } {
  const { indptr, indices, values } = x;
  const n = x.rows;
  const diagonal = 1 / (2 * options.c);
  const qd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let norm = 1;
    for (let k = indptr[i]!; k < indptr[i + 1]!; k++) norm += values[k]! * values[k]!;
    qd[i] = norm + diagonal;
  }
  const weights = new Float32Array(options.buckets * classes);
  const bias = new Float32Array(classes);
  const w = new Float64Array(options.buckets);
  const alpha = new Float64Array(n);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const random = mulberry32(options.seed);
  let passes = 0;
  for (let target = 0; target < classes; target++) {
    w.fill(0);
    alpha.fill(0);
    let b = 0;
    for (let pass = 0; pass < options.maxPasses; pass++) {
      passes = Math.max(passes, pass + 1);
      shuffle(order, random);
      let maxPg = -Infinity;
      let minPg = Infinity;
      for (let o = 0; o < n; o++) {
        const i = order[o]!;
        const sign = y[i] === target ? 1 : -1;
        const start = indptr[i]!;
        const end = indptr[i + 1]!;
        let score = b;
        for (let k = start; k < end; k++) score += w[indices[k]!]! * values[k]!;
        const gradient = sign * score - 1 + diagonal * alpha[i]!;
        const projected = alpha[i] === 0 ? Math.min(gradient, 0) : gradient;
        if (projected > maxPg) maxPg = projected;
        if (projected < minPg) minPg = projected;
        if (Math.abs(projected) < 1e-12) continue;
        const before = alpha[i]!;
        const after = Math.max(before - gradient / qd[i]!, 0);
        alpha[i] = after;
        const step = (after - before) * sign;
        for (let k = start; k < end; k++) w[indices[k]!] = w[indices[k]!]! + step * values[k]!;
        b += step;
      }
      if (maxPg - minPg <= options.tolerance) break;
    }
    for (let j = 0; j < options.buckets; j++) weights[j * classes + target] = w[j]!;
    bias[target] = b;
  }
  return { model: { classes, buckets: options.buckets, weights, bias }, passes };
}
