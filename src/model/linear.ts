// Softmax regression over CSR rows: the forward pass shared by training, evaluation, explanations
// and the ONNX equality check. Weights are row-major [buckets, classes], exactly like the ONNX table E.
import type { SparseRows } from '../text/index.js';
import { addRowProducts } from './row-products.js';

export interface LinearModel {
  classes: number;
  buckets: number;
  /** [buckets * classes], row-major. */
  weights: Float32Array;
  /** [classes]. */
  bias: Float32Array;
}

/** Logits for every row: [rows * classes]. */
export function logits(model: LinearModel, x: SparseRows): Float64Array {
  const C = model.classes;
  const W = model.weights;
  const out = new Float64Array(x.rows * C);
  for (let r = 0; r < x.rows; r++) {
    const base = r * C;
    for (let c = 0; c < C; c++) out[base + c] = model.bias[c]!;
    addRowProducts(W, C, x.indices, x.values, x.indptr[r]!, x.indptr[r + 1]!, out, base);
  }
  return out;
}

/** Row-wise softmax of logits divided by `temperature`, in place; returns the same array. */
export function softmaxRows(z: Float64Array, classes: number, temperature = 1): Float64Array {
  for (let base = 0; base < z.length; base += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, z[base + c]! / temperature);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(z[base + c]! / temperature - max);
      z[base + c] = e;
      sum += e;
    }
    for (let c = 0; c < classes; c++) z[base + c] = z[base + c]! / sum;
  }
  return z;
}

/** Probabilities: [rows * classes]. */
export function predictProba(model: LinearModel, x: SparseRows): Float64Array {
  return softmaxRows(logits(model, x), model.classes);
}
