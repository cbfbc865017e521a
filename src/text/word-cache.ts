// The words a featurizer has seen, interned. Each distinct word gets a small id; its word hash and the
// buckets of its character n-grams live in flat typed arrays, so the per-mail loops read arrays by id
// instead of looking strings up in maps. The cache is a pure speed-up: features never depend on it.

export class WordCache {
  // Open addressing by word hash: `table[slot]` is id + 1 (0 = empty), a hit is confirmed on the word.
  private table = new Int32Array(1 << 12);
  private words: string[] = [];
  /** Word hash by id (its 32 bits; read it with `>>> 0` for the unsigned value). */
  hashes: Int32Array = new Int32Array(4096);
  /** The character n-gram buckets of word `id` are `pool[starts[id], starts[id + 1])`. */
  starts: Int32Array = new Int32Array(4097);
  pool: Int32Array = new Int32Array(65536);
  size = 0;

  constructor(
    private readonly limit: number,
    private readonly hashWord: (word: string) => number,
    private readonly charBuckets: (word: string) => Int32Array,
  ) {}

  /**
   * Empties the cache once it holds `limit` words. Call it only between mails: ids handed out
   * before are no longer valid afterwards.
   */
  trim(): void {
    if (this.size < this.limit) return;
    this.table.fill(0);
    this.words = [];
    this.size = 0;
  }

  /** Ids of `tokens`, interning the new ones. */
  idsOf(tokens: readonly string[]): Int32Array {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) out[i] = this.idOf(tokens[i]!);
    return out;
  }

  private idOf(word: string): number {
    const hash = this.hashWord(word) | 0;
    const mask = this.table.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.table[slot]!;
      if (entry === 0) return this.intern(word, hash, slot);
      const id = entry - 1;
      if (this.hashes[id] === hash && this.words[id] === word) return id;
    }
  }

  word(id: number): string {
    return this.words[id]!;
  }

  private intern(word: string, hash: number, slot: number): number {
    const id = this.size++;
    if (id + 1 >= this.hashes.length) {
      this.hashes = grown(this.hashes, this.hashes.length * 2);
      this.starts = grown(this.starts, this.starts.length * 2);
    }
    const buckets = this.charBuckets(word);
    const start = this.starts[id]!;
    if (start + buckets.length > this.pool.length) {
      this.pool = grown(this.pool, Math.max(this.pool.length * 2, start + buckets.length));
    }
    this.pool.set(buckets, start);
    this.starts[id + 1] = start + buckets.length;
    this.hashes[id] = hash;
    this.words.push(word);
    this.table[slot] = id + 1;
    if (this.size * 2 > this.table.length) this.growTable();
    return id;
  }

  private growTable(): void {
    this.table = new Int32Array(this.table.length * 2);
    const mask = this.table.length - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = this.hashes[id]! & mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & mask;
      this.table[slot] = id + 1;
    }
  }
}

function grown(array: Int32Array, length: number): Int32Array {
  const out = new Int32Array(length);
  out.set(array);
  return out;
}
