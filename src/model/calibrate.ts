// Temperature scaling (Guo et al. 2017): one scalar T minimising the held-out log loss of softmax(z / T).
import { softmaxRows } from './linear.js';
import { expectedCalibrationError } from './metrics.js';
import { logLoss } from './sgd.js';

/**
 * Golden-section search over log T in [0.2, 10]. Returns 1 with fewer than 30 held-out rows: on a
 * tiny, perfectly separated validation set the log loss keeps falling as T -> 0 (over-confidence).
 */
export function fitTemperature(z: Float64Array, y: Int32Array, classes: number): number {
  if (y.length < 30) return 1;
  let lo = Math.log(0.2);
  let hi = Math.log(10);
  const ratio = (Math.sqrt(5) - 1) / 2;
  const f = (logT: number): number => logLoss(z, y, classes, Math.exp(logT));
  let a = hi - ratio * (hi - lo);
  let b = lo + ratio * (hi - lo);
  let fa = f(a);
  let fb = f(b);
  for (let i = 0; i < 60; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - ratio * (hi - lo);
      fa = f(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + ratio * (hi - lo);
      fb = f(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}

/**
 * The calibration a new mail can expect: ECE over the held-out rows, each half of them (even and
 * odd rows) softmaxed at the temperature fitted on the other half, so no row is scored by a
 * temperature fitted on itself. (The ECE at the temperature fitted on all rows is in-sample.)
 */
export function crossFittedEce(z: Float64Array, y: Int32Array, classes: number): number {
  const halves = [0, 1].map((parity) =>
    Int32Array.from({ length: y.length }, (_, i) => i).filter((i) => i % 2 === parity),
  );
  const confidence = new Float64Array(y.length);
  const correct = new Uint8Array(y.length);
  for (const [h, half] of halves.entries()) {
    const other = halves[1 - h]!;
    const temperature = fitTemperature(
      pick(z, other, classes),
      Int32Array.from(other, (i) => y[i]!),
      classes,
    );
    const p = softmaxRows(pick(z, half, classes), classes, temperature);
    half.forEach((row, k) => {
      let best = 0;
      for (let c = 1; c < classes; c++) if (p[k * classes + c]! > p[k * classes + best]!) best = c;
      confidence[row] = p[k * classes + best]!;
      correct[row] = best === y[row] ? 1 : 0;
    });
  }
  return expectedCalibrationError(confidence, correct);
}

/** Rows `rows` of the [n * classes] logits `z`. */
function pick(z: Float64Array, rows: Int32Array, classes: number): Float64Array {
  const out = new Float64Array(rows.length * classes);
  rows.forEach((row, k) => out.set(z.subarray(row * classes, (row + 1) * classes), k * classes));
  return out;
}
