// The sparse row x weight table loops that training and evaluation spend their time in. Both take the
// classes four at a time (the products in local accumulators): each class still sums its products in
// the row's order and each weight gets the same expression, so the results are the same bit for bit
// as the plain loops over every class per feature, which V8 ran about twice as slowly.

/**
 * Adds `values[k] * W[indices[k], c]` over `k` in `[start, end)` to `out[base + c]` for every class
 * `c` of a row-major [buckets x classes] table `W`.
 */
export function addRowProducts(
  W: Float32Array,
  classes: number,
  indices: Int32Array,
  values: Float32Array,
  start: number,
  end: number,
  out: Float64Array,
  base: number,
): void {
  let c = 0;
  for (; c + 4 <= classes; c += 4) {
    let a0 = out[base + c]!;
    let a1 = out[base + c + 1]!;
    let a2 = out[base + c + 2]!;
    let a3 = out[base + c + 3]!;
    for (let k = start; k < end; k++) {
      const v = values[k]!;
      const w = indices[k]! * classes + c;
      a0 += v * W[w]!;
      a1 += v * W[w + 1]!;
      a2 += v * W[w + 2]!;
      a3 += v * W[w + 3]!;
    }
    out[base + c] = a0;
    out[base + c + 1] = a1;
    out[base + c + 2] = a2;
    out[base + c + 3] = a3;
  }
  for (; c < classes; c++) {
    let a = out[base + c]!;
    for (let k = start; k < end; k++) a += values[k]! * W[indices[k]! * classes + c]!;
    out[base + c] = a;
  }
}

/**
 * `W[indices[k], c] = W[indices[k], c] * decays[k - start] - steps[k - start] * gradient[c]` for every
 * `k` in `[start, end)` and every class `c`: one AdaGrad step on a row's weights.
 */
export function updateRowWeights(
  W: Float32Array,
  classes: number,
  indices: Int32Array,
  start: number,
  end: number,
  decays: Float64Array,
  steps: Float64Array,
  gradient: Float64Array,
): void {
  for (let k = start; k < end; k++) {
    const base = indices[k]! * classes;
    const decay = decays[k - start]!;
    const step = steps[k - start]!;
    let c = 0;
    for (; c + 4 <= classes; c += 4) {
      const w = base + c;
      W[w] = W[w]! * decay - step * gradient[c]!;
      W[w + 1] = W[w + 1]! * decay - step * gradient[c + 1]!;
      W[w + 2] = W[w + 2]! * decay - step * gradient[c + 2]!;
      W[w + 3] = W[w + 3]! * decay - step * gradient[c + 3]!;
    }
    for (; c < classes; c++) W[base + c] = W[base + c]! * decay - step * gradient[c]!;
  }
}
