// Feature hashing: MurmurHash3 (x86, 32-bit) mixing applied to UTF-16 code units, one code unit per
// block. Hashing code units (not UTF-8 bytes) avoids encoding every token; the spec version pins it.

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of `s[start, end)` with `seed` (an unsigned 32-bit number). */
export function murmurRange(s: string, start: number, end: number, seed: number): number {
  let h = seed | 0;
  for (let i = start; i < end; i++) h = mixBlock(h, s.charCodeAt(i));
  h ^= end - start;
  return fmix32(h);
}

/** Hash of a whole string with `seed`. */
export function murmurString(s: string, seed: number): number {
  return murmurRange(s, 0, s.length, seed);
}

/**
 * Hash of character n-gram `s[start, start+n)` of a word padded with one space on each side, so the
 * word itself need not be copied: position -1 and position s.length read as a space.
 */
export function murmurPadded(s: string, start: number, n: number, seed: number): number {
  let h = seed | 0;
  const last = s.length;
  for (let i = start; i < start + n; i++) {
    h = mixBlock(h, i < 0 || i >= last ? 32 : s.charCodeAt(i));
  }
  h ^= n;
  return fmix32(h);
}

/** Order-dependent combination of two token hashes (word bigrams) without building the bigram string. */
export function combineHashes(a: number, b: number, seed: number): number {
  return fmix32(mixBlock(mixBlock(seed | 0, a), b) ^ 8);
}

/** One MurmurHash3 block step: mixes the 32-bit `block` into `h`. */
function mixBlock(h: number, block: number): number {
  let k = Math.imul(block, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
