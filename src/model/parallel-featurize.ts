// Counting the features of a training set on both cores. The mails are cut into chunks; the main
// thread and a featurize thread each take the next chunk nobody has taken until none is left, and the
// chunks' rows are joined in order. A mail's row depends on that mail alone (the word cache only
// saves work), so the rows are the same, bit for bit, as one Featurizer's over all mails, whichever
// thread counted which chunk. Taking chunks instead of halves keeps both cores busy however long the
// thread takes to start.
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import {
  Featurizer,
  featureSource,
  type FeaturizerSpec,
  type MailInput,
  type SparseRows,
} from '../text/index.js';
import { ERROR_BYTES, startTrainingThread } from './training-thread.js';

/** Mails per chunk: small enough to balance the two threads, large enough that a chunk costs little. */
export const CHUNK_MAILS = 256;

/** Control words (Int32). */
export const FEATURIZE_CONTROL = {
  /** 0 running, THREAD_DONE, THREAD_FAILED (the featurize thread's state). */
  state: 0,
  /** The next chunk nobody has taken. */
  nextChunk: 1,
} as const;
const { state: STATE, nextChunk: NEXT_CHUNK } = FEATURIZE_CONTROL;

/** What the featurize thread receives. */
export interface FeaturizeWorkerData {
  mails: readonly MailInput[];
  spec: FeaturizerSpec;
  /** Where the thread posts each chunk it counted: `{ chunk, rows }`, the rows' buffers transferred. */
  port: MessagePort;
  /** FEATURIZE_CONTROL's words. */
  control: Int32Array;
  error: Uint8Array;
}

export interface CountedChunk {
  chunk: number;
  rows: SparseRows;
}

export interface CountedFeatures {
  rows: SparseRows;
  /** Chunks the featurize thread counted (0: the main thread counted every mail). */
  chunksOnThread: number;
}

/** Raw counts of `mails` with `featurizer`. */
function countMails(mails: readonly MailInput[], featurizer: Featurizer): SparseRows {
  return featurizer.count(mails.map((mail) => featureSource(mail, featurizer.spec)));
}

/** Raw counts of chunk `chunk` of `mails`. */
function countChunk(mails: readonly MailInput[], chunk: number, featurizer: Featurizer): SparseRows {
  return countMails(mails.slice(chunk * CHUNK_MAILS, (chunk + 1) * CHUNK_MAILS), featurizer);
}

/**
 * Takes chunks of `mails` until none is left, counting each with `featurizer`; `counted` receives
 * each chunk's rows.
 */
export function countChunks(
  mails: readonly MailInput[],
  featurizer: Featurizer,
  control: Int32Array,
  counted: (chunk: CountedChunk) => void,
): void {
  const chunks = Math.ceil(mails.length / CHUNK_MAILS);
  for (
    let chunk = Atomics.add(control, NEXT_CHUNK, 1);
    chunk < chunks;
    chunk = Atomics.add(control, NEXT_CHUNK, 1)
  ) {
    counted({ chunk, rows: countChunk(mails, chunk, featurizer) });
  }
}

/**
 * Raw counts of `mails`, on two threads when there are more than `minRows` of them (and two chunks).
 * Chunks the featurize thread took but did not deliver (it failed, or made no progress for
 * `stallMs`) are counted here: the same rows, later, and the same error if one of their mails
 * cannot be counted.
 */
export function countInParallel(
  mails: readonly MailInput[],
  spec: FeaturizerSpec,
  options: {
    minRows: number;
    stallMs: number;
    /** false: the main thread only collects what the featurize thread counts (tests). */
    mainThreadCounts?: boolean;
  },
): CountedFeatures {
  const featurizer = new Featurizer(spec);
  if (mails.length < CHUNK_MAILS * 2 || mails.length <= options.minRows) {
    return { rows: countMails(mails, featurizer), chunksOnThread: 0 };
  }
  const channel = new MessageChannel();
  const control = new Int32Array(new SharedArrayBuffer(2 * 4));
  const error = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
  const data: FeaturizeWorkerData = { mails, spec, port: channel.port2, control, error };
  let worker: Worker | null = null;
  try {
    worker = startTrainingThread('featurize-worker', data, STATE, [channel.port2]);
  } catch {
    // No thread (mails it cannot be sent, no resources to start one): this thread counts every chunk.
  }
  try {
    const parts: (SparseRows | undefined)[] = [];
    const receive = (): number => {
      let received = 0;
      for (let m = receiveMessageOnPort(channel.port1); m; m = receiveMessageOnPort(channel.port1)) {
        const { chunk, rows } = m.message as CountedChunk;
        parts[chunk] = rows;
        received++;
      }
      return received;
    };
    if (options.mainThreadCounts !== false) {
      countChunks(mails, featurizer, control, ({ chunk, rows }) => (parts[chunk] = rows));
    }
    // Wait only for the chunks the thread took; a thread still starting has taken none.
    const chunks = Math.ceil(mails.length / CHUNK_MAILS);
    let missing = chunks - parts.filter((part) => part !== undefined).length;
    let chunksOnThread = 0;
    let lastProgress = performance.now();
    while (missing > 0) {
      const state = Atomics.load(control, STATE);
      const received = receive();
      missing -= received;
      chunksOnThread += received;
      if (missing === 0 || state !== 0) break;
      if (received > 0) lastProgress = performance.now();
      else if (performance.now() - lastProgress > options.stallMs) break;
      Atomics.wait(control, STATE, 0, 200);
    }
    for (let chunk = 0; chunk < chunks; chunk++) parts[chunk] ??= countChunk(mails, chunk, featurizer);
    return { rows: joinRows(parts as SparseRows[]), chunksOnThread };
  } finally {
    channel.port1.close();
    void worker?.terminate();
  }
}

/** The rows of `parts`, in order, as one set of rows. */
export function joinRows(parts: readonly SparseRows[]): SparseRows {
  let rows = 0;
  let nnz = 0;
  for (const part of parts) {
    rows += part.rows;
    nnz += part.indptr[part.rows]!;
  }
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let row = 0;
  let at = 0;
  for (const part of parts) {
    const n = part.indptr[part.rows]!;
    for (let r = 1; r <= part.rows; r++) indptr[row + r] = at + part.indptr[r]!;
    indices.set(part.indices.subarray(0, n), at);
    values.set(part.values.subarray(0, n), at);
    row += part.rows;
    at += n;
  }
  return { rows, indptr, indices, values };
}
