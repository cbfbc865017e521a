// Softmax regression and the SVM blended into one linear model (one ONNX table): each model's logits
// are scaled to unit standard deviation on the validation rows, then mixed by the SVM's share.
import type { SparseRows } from '../text/index.js';
import { logits, type LinearModel } from './linear.js';

/** 1 / the standard deviation of a model's logits over the rows of `x` (1 when they are constant). */
export function logitScale(model: LinearModel, x: SparseRows): number {
  const z = logits(model, x);
  const n = Math.max(1, z.length);
  let sum = 0;
  let squares = 0;
  for (const v of z) {
    sum += v;
    squares += v * v;
  }
  const mean = sum / n;
  const sd = Math.sqrt(Math.max(0, squares / n - mean * mean));
  return sd > 0 ? 1 / sd : 1;
}

/** (1 - share) * softmax * its scale + share * svm * its scale, weights and biases alike. */
export function blendModels(
  softmax: LinearModel,
  svm: LinearModel,
  share: number,
  scales: { softmax: number; svm: number },
): LinearModel {
  const a = (1 - share) * scales.softmax;
  const b = share * scales.svm;
  return {
    classes: softmax.classes,
    buckets: softmax.buckets,
    weights: Float32Array.from(softmax.weights, (w, i) => a * w + b * svm.weights[i]!),
    bias: Float32Array.from(softmax.bias, (w, i) => a * w + b * svm.bias[i]!),
  };
}
