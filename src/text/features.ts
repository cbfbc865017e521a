// The featurizer: mail -> sparse hashed counts -> sublinear TF-IDF, L2 normalised.
// Its spec is versioned and hashed; the hash goes into every model manifest so training and serving
// can never disagree. Hot loops use typed arrays and one reusable scratch buffer, no per-feature objects.
import { createHash } from 'node:crypto';
import { combineHashes, murmurPadded, murmurString } from './hashing.js';
import { normalizeMail } from './normalize.js';
import { maskPii } from './pii.js';
import { foldText, wordTokens } from './tokenize.js';
import type { MailInput } from './types.js';
import { WordCache } from './word-cache.js';

export { foldText, tokenize, wordTokens } from './tokenize.js';
export { murmurString } from './hashing.js';

export const FEATURIZER_VERSION = 1;

/** Everything that changes the feature vector of a mail. */
export interface FeaturizerSpec {
  version: typeof FEATURIZER_VERSION;
  /** Number of hash buckets (a power of two). */
  buckets: number;
  /** Word n-grams of the new text and subject: 1 or 2. */
  wordNgramMax: 1 | 2;
  /** Character n-grams inside words (space-padded); null turns them off. */
  charNgrams: { min: number; max: number } | null;
  /**
   * Character n-grams hash into the upper half of the buckets, everything else into the lower half;
   * each half is L2 normalised on its own (as a union of two TF-IDF blocks), then the character block
   * is scaled by this weight and the row normalised again. Without this the many character n-grams
   * drown the word features.
   */
  charWeight: number;
  /** Words longer than this get no character n-grams (ids, base64 noise). */
  charNgramMaxWordLength: number;
  /** Separately prefixed feature groups. */
  subject: boolean;
  /** from:address and domain:x.dk (every parent domain). */
  sender: boolean;
  /**
   * The sender's display name and address are also counted as content: their words, bigrams and
   * character n-grams join the text's. Off when absent; training turns it on unless its featurizer
   * overrides say not (model/train.ts, measured in docs/model.md).
   */
  senderText?: boolean;
  recipients: boolean;
  attachments: boolean;
  /**
   * Quoted replies and forwarded history: 'merged' counts them like the new text, 'prefixed' as
   * separate quoted:word features, 'off' ignores them.
   */
  quoted: 'off' | 'prefixed' | 'merged';
  /** The trimmed signature: true = separate sig:word features, 'merged' = counted like the new text. */
  signature: boolean | 'merged';
  /** Only the first N characters of each text field are used (a 5 MB body costs no more than this). */
  maxChars: number;
  /** Sublinear term frequency (1 + ln tf). */
  sublinearTf: boolean;
}

export const DEFAULT_FEATURIZER_SPEC: FeaturizerSpec = {
  version: FEATURIZER_VERSION,
  buckets: 1 << 18,
  wordNgramMax: 2,
  charNgrams: { min: 3, max: 5 },
  charWeight: 1,
  charNgramMaxWordLength: 24,
  subject: true,
  sender: true,
  recipients: true,
  attachments: true,
  quoted: 'merged',
  signature: true,
  maxChars: 20_000,
  sublinearTf: true,
};

/** Stable hash of a spec (sha256 of its canonical JSON, keys sorted). */
export function featurizerSpecHash(spec: FeaturizerSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** What the featurizer reads from a mail (the shape of text/normalize's NormalizedMail, already PII-masked). */
export interface FeatureSource {
  subject: string;
  text: string;
  quoted: string;
  signature: string;
  fromAddress: string | null;
  /** The sender's display name; '' when there is none or the spec does not count it (`senderText`). */
  fromName: string;
  fromDomain: string | null;
  toAddresses: string[];
  attachments: { name: string; contentType: string }[];
}

/**
 * Mail -> what the featurizer reads: normalised (HTML, quotes, signature separated) and PII-masked
 * (every text part, quoted history and signature included), so a CPR number becomes the feature
 * "[cpr]" and no personal number is ever hashed.
 */
export function featureSource(mail: MailInput, spec: Pick<FeaturizerSpec, 'senderText'> = {}): FeatureSource {
  const normalized = normalizeMail(mail);
  return {
    subject: maskPii(normalized.subject).text,
    text: maskPii(normalized.text).text,
    quoted: maskPii(normalized.quoted).text,
    signature: maskPii(normalized.signature).text,
    fromAddress: normalized.fromAddress,
    // Masked only when counted: nine expression passes per mail for a name nobody reads otherwise.
    fromName: spec.senderText ? maskPii(normalized.fromName).text : '',
    fromDomain: normalized.fromDomain,
    toAddresses: normalized.toAddresses,
    attachments: normalized.attachments,
  };
}

/** A batch of sparse rows in CSR form. `names[r]` maps a bucket to a readable feature, when asked for. */
export interface SparseRows {
  rows: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  names?: Map<number, string>[];
  /**
   * With names: for each character n-gram bucket of row r, the words whose n-grams it counts and how
   * much each word added to its count (the bucket's whole count is the sum), so that an explanation
   * can give a bucket's contribution back to the words it came from.
   */
  charWords?: Map<number, Map<string, number>>[];
}

/**
 * A readable feature name as it may be shown to people: PII-masked like the mail text ("from:[email]"),
 * the mask tokens folded to lower case as the tokenizer folds them in text.
 */
function maskFeatureName(name: string): string {
  return foldText(maskPii(name).text);
}

// Seeds separate the feature groups inside one hash space.
const SEED = {
  word: 0x5a17,
  bigram: 0x5a18,
  char: 0x5a19,
  subject: 0x5a20,
  subjectBigram: 0x5a21,
  quoted: 0x5a22,
  signature: 0x5a23,
  from: 0x5a24,
  domain: 0x5a25,
  to: 0x5a26,
  attachment: 0x5a27,
} as const;

const WORD_CACHE_LIMIT = 200_000;

/** Turns mails into hashed feature counts. Not thread-safe (one scratch buffer), cheap to create. */
export class Featurizer {
  readonly spec: FeaturizerSpec;
  private readonly mask: number;
  private readonly half: number;
  private keys = new Int32Array(4096);
  private slotCounts = new Int32Array(4096);
  private slots = new Int32Array(4096);
  private shift = 32 - 12;
  private nTouched = 0;
  // Output buffers reused across batches; count() returns copies of the part it filled.
  private outIndices = new Int32Array(1 << 14);
  private outValues = new Float32Array(1 << 14);
  private names: Map<number, string> | null = null;
  private charWords: Map<number, Map<string, number>> | null = null;
  private readonly cache: WordCache;
  // Distinct words of one chars() call: `seen[id] === stamp` marks a word counted `wordCounts[id]` times.
  private seen = new Int32Array(4096);
  private wordCounts = new Int32Array(4096);
  private distinct = new Int32Array(1024);
  private stamp = 0;

  constructor(spec: FeaturizerSpec) {
    if (spec.version !== FEATURIZER_VERSION)
      throw new Error(`unsupported featurizer version ${String(spec.version)}`);
    if (spec.buckets <= 0 || (spec.buckets & (spec.buckets - 1)) !== 0)
      throw new Error('buckets must be a power of two');
    this.spec = spec;
    this.mask = (spec.buckets >>> 1) - 1;
    this.half = spec.buckets >>> 1;
    this.cache = new WordCache(
      WORD_CACHE_LIMIT,
      (word) => murmurString(word, SEED.word),
      (word) => this.charBuckets(word),
    );
  }

  /** Raw counts (tf) for a batch of mails, each row in first-seen order. */
  count(sources: readonly FeatureSource[], options: { names?: boolean } = {}): SparseRows {
    const indptr = new Int32Array(sources.length + 1);
    const names: Map<number, string>[] | undefined = options.names ? [] : undefined;
    const charWords: Map<number, Map<string, number>>[] | undefined = options.names ? [] : undefined;
    let nnz = 0;
    for (let r = 0; r < sources.length; r++) {
      const source = sources[r];
      if (source === undefined) continue;
      this.names = names ? new Map() : null;
      this.charWords = charWords ? new Map() : null;
      this.countOne(source);
      nnz = this.drain(nnz);
      indptr[r + 1] = nnz;
      if (names && this.names) names.push(this.names);
      if (charWords && this.charWords) charWords.push(this.charWords);
    }
    this.names = null;
    this.charWords = null;
    const out: SparseRows = {
      rows: sources.length,
      indptr,
      indices: this.outIndices.slice(0, nnz),
      values: this.outValues.slice(0, nnz),
    };
    if (names) out.names = names;
    if (charWords) out.charWords = charWords;
    return out;
  }

  /**
   * Moves one mail's counts from the table to the output buffers at `nnz` (insertion order:
   * deterministic for a given mail, and sorting buys nothing downstream); returns the new end.
   */
  private drain(nnz: number): number {
    const n = this.nTouched;
    if (nnz + n > this.outIndices.length) {
      const size = Math.max(this.outIndices.length * 2, nnz + n);
      const indices = new Int32Array(size);
      indices.set(this.outIndices.subarray(0, nnz));
      const values = new Float32Array(size);
      values.set(this.outValues.subarray(0, nnz));
      this.outIndices = indices;
      this.outValues = values;
    }
    const { keys, slotCounts, slots, outIndices, outValues } = this;
    for (let k = 0; k < n; k++) {
      const slot = slots[k]!;
      outIndices[nnz + k] = keys[slot]! - 1;
      outValues[nnz + k] = slotCounts[slot]!;
      keys[slot] = 0;
    }
    this.nTouched = 0;
    return nnz + n;
  }

  // Per-mail counts live in a small open-addressing table (fits in L2) instead of a dense array of
  // `buckets` floats: random writes into a megabyte-sized array were the featurizer's bottleneck.
  private add(hash: number): void {
    const b = hash & this.mask;
    this.addBucket(b);
  }

  private addBucket(b: number, n = 1): void {
    const keys = this.keys;
    const tableMask = keys.length - 1;
    let slot = Math.imul(b, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const key = keys[slot]!;
      if (key === b + 1) {
        this.slotCounts[slot] = this.slotCounts[slot]! + n;
        return;
      }
      if (key === 0) break;
      slot = (slot + 1) & tableMask;
    }
    keys[slot] = b + 1;
    this.slotCounts[slot] = n;
    this.slots[this.nTouched++] = slot;
    if (this.nTouched * 2 > keys.length) this.grow();
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldCounts = this.slotCounts;
    const oldSlots = this.slots.subarray(0, this.nTouched);
    const capacity = oldKeys.length * 2;
    this.keys = new Int32Array(capacity);
    this.slotCounts = new Int32Array(capacity);
    this.slots = new Int32Array(capacity);
    this.shift = 32 - Math.log2(capacity);
    const n = this.nTouched;
    this.nTouched = 0;
    for (let i = 0; i < n; i++) {
      const old = oldSlots[i]!;
      const b = oldKeys[old]! - 1;
      let slot = Math.imul(b, 0x9e3779b1) >>> this.shift;
      while (this.keys[slot] !== 0) slot = (slot + 1) & (capacity - 1);
      this.keys[slot] = b + 1;
      this.slotCounts[slot] = oldCounts[old]!;
      this.slots[this.nTouched++] = slot;
    }
  }

  /** Like add, and remembers the readable form of the bucket (only when names were asked for). */
  private addNamed(hash: number, name: () => string): void {
    const b = hash & this.mask;
    if (this.names && !this.names.has(b)) this.names.set(b, name());
    this.addBucket(b);
  }

  /** Word tokens of a text field, capped at `maxChars`. */
  private tokens(text: string): string[] {
    return wordTokens(foldText(text.slice(0, this.spec.maxChars)));
  }

  /** Word and character features of a text that is counted as content (subject, text, merged history). */
  private content(tokens: string[]): void {
    const ids = this.cache.idsOf(tokens);
    this.contentWords(tokens, ids);
    if (this.spec.charNgrams) this.chars(ids);
  }

  private countOne(source: FeatureSource): void {
    const spec = this.spec;
    this.cache.trim();
    const subjectTokens = this.tokens(source.subject);
    const subjectIds = this.cache.idsOf(subjectTokens);
    const textTokens = this.tokens(source.text);
    const textIds = this.cache.idsOf(textTokens);
    // The subject is content too: its words join the text stream, and also count as subject:word.
    this.contentWords(subjectTokens, subjectIds);
    this.contentWords(textTokens, textIds);
    if (spec.charNgrams) {
      this.chars(subjectIds);
      this.chars(textIds);
    }
    if (spec.senderText && (source.fromName || source.fromAddress)) {
      this.content(this.tokens(`${source.fromName} ${source.fromAddress ?? ''}`));
    }
    if (spec.subject) this.words(subjectTokens, SEED.subject, SEED.subjectBigram, 'subject:');
    if (spec.quoted !== 'off' && source.quoted) {
      const quoted = this.tokens(source.quoted);
      if (spec.quoted === 'prefixed') this.words(quoted, SEED.quoted, -1, 'quoted:');
      else this.content(quoted);
    }
    if (spec.signature === 'merged' && source.signature) {
      this.content(this.tokens(source.signature));
    } else if (spec.signature && source.signature) {
      this.words(this.tokens(source.signature), SEED.signature, -1, 'sig:');
    }
    if (spec.sender) {
      if (source.fromAddress) {
        const address = source.fromAddress.toLowerCase();
        // The address is hashed as it is (the sender is a routing signal); only its name is masked.
        this.addNamed(murmurString(address, SEED.from), () => maskFeatureName(`from:${address}`));
      }
      if (source.fromDomain) {
        // Every parent domain too, so a new sub-domain of a known organisation still counts.
        const parts = source.fromDomain.toLowerCase().split('.');
        for (let i = 0; i < parts.length - 1; i++) {
          const domain = parts.slice(i).join('.');
          this.addNamed(murmurString(domain, SEED.domain), () => `domain:${domain}`);
        }
      }
    }
    if (spec.recipients) {
      for (const to of source.toAddresses.slice(0, 20)) {
        const address = to.toLowerCase();
        this.addNamed(murmurString(address, SEED.to), () => maskFeatureName(`to:${address}`));
      }
    }
    if (spec.attachments) {
      for (const attachment of source.attachments.slice(0, 50)) {
        const dot = attachment.name.lastIndexOf('.');
        const kind =
          dot >= 0 ? attachment.name.slice(dot + 1).toLowerCase() : attachment.contentType.toLowerCase();
        if (kind) this.addNamed(murmurString(kind, SEED.attachment), () => `attachment:${kind}`);
      }
    }
  }

  /** Word unigrams and bigrams of content, with the word hashes the cache holds. */
  private contentWords(tokens: string[], ids: Int32Array): void {
    this.words(tokens, SEED.word, SEED.bigram, '', ids);
  }

  private words(tokens: string[], seed: number, bigramSeed: number, prefix: string, ids?: Int32Array): void {
    let previous = 0;
    const hashes = this.cache.hashes;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as string;
      const h = ids ? hashes[ids[i]!]! >>> 0 : murmurString(token, seed);
      if (this.names) this.addNamed(h, () => prefix + token);
      else this.add(h);
      if (i > 0 && bigramSeed >= 0 && this.spec.wordNgramMax >= 2) {
        const before = tokens[i - 1] as string;
        const bigram = combineHashes(previous, h, bigramSeed);
        if (this.names) this.addNamed(bigram, () => `${prefix}${before} ${token}`);
        else this.add(bigram);
      }
      previous = h;
    }
  }

  /** Character n-grams of each distinct word, counted once per word with the word's count. */
  private chars(ids: Int32Array): void {
    const { pool, starts } = this.cache;
    if (this.seen.length < this.cache.size) {
      const capacity = Math.max(this.seen.length * 2, this.cache.size);
      this.seen = new Int32Array(capacity);
      this.wordCounts = new Int32Array(capacity);
      this.stamp = 0;
    }
    if (this.distinct.length < ids.length) this.distinct = new Int32Array(ids.length);
    const { seen, wordCounts, distinct } = this;
    const stamp = ++this.stamp;
    let n = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (seen[id] === stamp) {
        wordCounts[id]!++;
      } else {
        seen[id] = stamp;
        wordCounts[id] = 1;
        distinct[n++] = id;
      }
    }
    for (let i = 0; i < n; i++) {
      const id = distinct[i]!;
      const count = wordCounts[id]!;
      const start = starts[id]!;
      const end = starts[id + 1]!;
      if (this.names && this.charWords) {
        const token = this.cache.word(id);
        const padded = ` ${token} `;
        const { min, max } = this.spec.charNgrams ?? { min: 0, max: -1 };
        let k = start;
        for (let size = min; size <= max && k < end; size++) {
          for (let s = 0; s + size <= padded.length; s++) {
            const b = pool[k++]!;
            if (!this.names.has(b))
              this.names.set(b, `chars:${padded.slice(s, s + size).replace(/ /g, '_')}`);
            let words = this.charWords.get(b);
            if (!words) this.charWords.set(b, (words = new Map<string, number>()));
            words.set(token, (words.get(token) ?? 0) + count);
            this.addBucket(b, count);
          }
        }
      } else {
        this.addBuckets(pool, start, end, count);
      }
    }
  }

  /** addBucket for each of `buckets[start, end)`, with room made first so the loop never grows. */
  private addBuckets(buckets: Int32Array, start: number, end: number, n: number): void {
    while ((this.nTouched + end - start) * 2 > this.keys.length) this.grow();
    const { keys, slotCounts, slots, shift } = this;
    const tableMask = keys.length - 1;
    let touched = this.nTouched;
    for (let k = start; k < end; k++) {
      const b = buckets[k]!;
      for (let slot = Math.imul(b, 0x9e3779b1) >>> shift; ; slot = (slot + 1) & tableMask) {
        const key = keys[slot]!;
        if (key === b + 1) {
          slotCounts[slot] = slotCounts[slot]! + n;
          break;
        }
        if (key === 0) {
          keys[slot] = b + 1;
          slotCounts[slot] = n;
          slots[touched++] = slot;
          break;
        }
      }
    }
    this.nTouched = touched;
  }

  /** Buckets (upper half) of a word's character n-grams; none for words longer than the spec allows. */
  private charBuckets(token: string): Int32Array {
    const { min, max } = this.spec.charNgrams ?? { min: 0, max: -1 };
    if (token.length > this.spec.charNgramMaxWordLength) return new Int32Array(0);
    const padded = token.length + 2;
    let total = 0;
    for (let n = min; n <= max; n++) total += Math.max(0, padded - n + 1);
    const out = new Int32Array(total);
    let k = 0;
    for (let n = min; n <= max; n++) {
      for (let s = 0; s + n <= padded; s++)
        out[k++] = (murmurPadded(token, s - 1, n, SEED.char) & this.mask) | this.half;
    }
    return out;
  }
}

// 1 + ln(tf), looked up for the small whole counts almost every feature has.
const SUBLINEAR_TF = Float64Array.from({ length: 256 }, (_, tf) => 1 + Math.log(tf));

function sublinearTf(tf: number): number {
  const whole = tf | 0;
  return whole === tf && whole > 0 && whole < 256 ? SUBLINEAR_TF[whole]! : 1 + Math.log(tf);
}

/** Inverse document frequencies, quantised to 1/256 so they store as uint16 and train == serve exactly. */
export class Idf {
  /**
   * idf x 256 per bucket, as whole numbers: the form `idf.bin` stores, and the one transform reads
   * (half the bytes of a float32 table, so fewer of its random reads miss the cache while the ONNX
   * run's data competes for it; measured in docs/model-log.md).
   */
  private constructor(private readonly quantised: Uint16Array) {}

  /** The idf of each bucket (a copy). */
  get weights(): Float32Array {
    return Float32Array.from(this.quantised, (q) => q / 256);
  }

  /**
   * Smooth idf = ln((1 + n) / (1 + df)) + 1 over the training rows; buckets seen in fewer than `minDf`
   * training rows get 0, so they count neither in a mail's scores nor in its norm (training and serving
   * alike: a word the model never saw twice cannot dilute the words it learned).
   */
  static fit(counts: SparseRows, buckets: number, minDf = 1): Idf {
    const df = new Int32Array(buckets);
    for (let k = 0; k < counts.indptr[counts.rows]!; k++) df[counts.indices[k]!]!++;
    const quantised = new Uint16Array(buckets);
    for (let j = 0; j < buckets; j++) {
      const idf = Math.log((1 + counts.rows) / (1 + df[j]!)) + 1;
      quantised[j] = df[j]! < minDf ? 0 : Math.min(65535, Math.round(idf * 256));
    }
    return new Idf(quantised);
  }

  toBytes(): Uint8Array {
    return new Uint8Array(this.quantised.slice().buffer);
  }

  static fromBytes(bytes: Uint8Array): Idf {
    const copy = new Uint8Array(bytes);
    return new Idf(new Uint16Array(copy.buffer, 0, copy.length >> 1));
  }

  /**
   * Counts -> (sublinear) tf * idf; the word block (lower half of the buckets) and the character block
   * (upper half) are L2 normalised separately, the character block scaled by `charWeight`, then the
   * row normalised to unit length. Modifies `rows.values` in place.
   */
  transform(
    rows: SparseRows,
    spec: Pick<FeaturizerSpec, 'sublinearTf' | 'charWeight' | 'buckets'>,
  ): SparseRows {
    const { indptr, indices, values } = rows;
    const { quantised } = this;
    const half = spec.buckets >>> 1;
    const sublinear = spec.sublinearTf;
    for (let r = 0; r < rows.rows; r++) {
      let wordNorm = 0;
      let charNorm = 0;
      const start = indptr[r]!;
      const end = indptr[r + 1]!;
      for (let k = start; k < end; k++) {
        const tf = values[k]!;
        const j = indices[k]!;
        const v = (sublinear ? sublinearTf(tf) : tf) * (quantised[j]! / 256);
        values[k] = v;
        if (j >= half) charNorm += v * v;
        else wordNorm += v * v;
      }
      const wordScale = wordNorm > 0 ? 1 / Math.sqrt(wordNorm) : 0;
      const charScale = charNorm > 0 ? spec.charWeight / Math.sqrt(charNorm) : 0;
      const total = (wordNorm > 0 ? 1 : 0) + (charNorm > 0 ? spec.charWeight * spec.charWeight : 0);
      const renorm = total > 0 ? 1 / Math.sqrt(total) : 0;
      for (let k = start; k < end; k++) {
        values[k] = values[k]! * (indices[k]! >= half ? charScale : wordScale) * renorm;
      }
    }
    return rows;
  }
}
