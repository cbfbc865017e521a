import { describe, expect, it } from 'vitest';
import { addRowProducts, mulberry32, updateRowWeights } from '../../src/model/index.js';

// The kernels take classes four at a time; the plain per-feature loops they replaced are the reference,
// and they must agree bit for bit (a trained model's version is the sha256 of its weights).
function table(buckets: number, classes: number, random: () => number): Float32Array {
  return Float32Array.from({ length: buckets * classes }, () => random() * 2 - 1);
}

function row(buckets: number, length: number, random: () => number) {
  const indices = new Int32Array(length);
  const values = new Float32Array(length);
  const used = new Set<number>();
  for (let k = 0; k < length; k++) {
    let j = Math.floor(random() * buckets);
    while (used.has(j)) j = (j + 1) % buckets;
    used.add(j);
    indices[k] = j;
    values[k] = random();
  }
  return { indices, values };
}

describe('row products', () => {
  for (const classes of [2, 4, 7, 20, 23]) {
    it(`adds a row's products for ${classes} classes exactly as the plain loop`, () => {
      const random = mulberry32(classes);
      const W = table(64, classes, random);
      const { indices, values } = row(64, 40, random);
      const start = 3;
      const end = 37;
      const base = classes;
      const expected = new Float64Array(3 * classes).map(() => random());
      const actual = Float64Array.from(expected);
      for (let k = start; k < end; k++) {
        for (let c = 0; c < classes; c++) {
          expected[base + c] = expected[base + c]! + values[k]! * W[indices[k]! * classes + c]!;
        }
      }
      addRowProducts(W, classes, indices, values, start, end, actual, base);
      expect(Array.from(actual)).toEqual(Array.from(expected));
    });

    it(`updates a row's weights for ${classes} classes exactly as the plain loop`, () => {
      const random = mulberry32(100 + classes);
      const expected = table(64, classes, random);
      const actual = Float32Array.from(expected);
      const { indices } = row(64, 40, random);
      const start = 5;
      const end = 29;
      const decays = Float64Array.from({ length: end - start }, () => 1 - random() / 4);
      const steps = Float64Array.from({ length: end - start }, () => random());
      const gradient = Float64Array.from({ length: classes }, () => random() - 0.5);
      for (let k = start; k < end; k++) {
        const w = indices[k]! * classes;
        for (let c = 0; c < classes; c++) {
          expected[w + c] = expected[w + c]! * decays[k - start]! - steps[k - start]! * gradient[c]!;
        }
      }
      updateRowWeights(actual, classes, indices, start, end, decays, steps, gradient);
      expect(Array.from(actual)).toEqual(Array.from(expected));
      expect(actual).not.toEqual(table(64, classes, mulberry32(100 + classes)));
    });
  }
});
