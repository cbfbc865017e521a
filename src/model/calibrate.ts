// Temperature scaling (Guo et al. 2017): one scalar T minimising the held-out log loss of softmax(z / T).
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
