/**
 * A small seeded PRNG (mulberry32). The demo must produce the same mails for the same seed on every
 * machine, so nothing here touches Math.random.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    // Spread small consecutive seeds (1, 2, 3...) so their streams do not start alike.
    this.state = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, weight] of items) total += weight;
    let roll = this.next() * total;
    for (const [item, weight] of items) {
      roll -= weight;
      if (roll < 0) return item;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  /** Exponentially distributed with the given mean (for gaps between arriving mails). */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** A derived generator, so one part's consumption does not shift another's. */
  fork(): Rng {
    return new Rng(this.int(0, 0x7fffffff));
  }
}
