// The refit on all rows, run on a second core while the validation run decides how many epochs it
// gets. The refit thread keeps each epoch's model until the validation run no longer needs it; when
// early stopping has chosen epoch E, the refit's epoch-E model is the same model, bit for bit, as a
// refit started afterwards for E epochs (same rows, options and seed), only sooner.
// Training is synchronous, so the two threads talk through shared memory: the control words below,
// read with Atomics, and one shared buffer the chosen model is copied into (training-thread.ts).
import type { Worker } from 'node:worker_threads';
import type { SparseRows } from '../text/index.js';
import type { LinearModel } from './linear.js';
import type { SgdOptions } from './sgd.js';
import type { SvmWorkData } from './svm-work.js';
import {
  ERROR_BYTES,
  shared,
  sharedRows,
  startTrainingThread,
  THREAD_DONE,
  THREAD_FAILED,
  threadError,
} from './training-thread.js';

/** Control words (Int32). */
export const CONTROL = {
  /** Epochs the refit thread has finished. */
  refitEpoch: 0,
  /** Epochs the validation run has finished, and its best epoch so far. */
  validationEpoch: 1,
  validationBest: 2,
  /** The epoch whose model is wanted (0: not decided yet). */
  requested: 3,
  /** 0 running, 1 the requested model is in the output buffer, 2 the refit thread failed. */
  state: 4,
} as const;
const CONTROL_WORDS = 5;

export interface RefitInput {
  x: SparseRows;
  y: Int32Array;
  classes: number;
  options: Omit<SgdOptions, 'onEpoch'>;
  /** SVM targets the refit thread trains whenever it would otherwise wait (svm-work.ts). */
  svm: SvmWorkData | null;
}

/** What the refit thread receives (typed arrays over SharedArrayBuffers: nothing is copied per thread). */
export interface RefitWorkerData {
  rows: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  y: Int32Array;
  classes: number;
  options: Omit<SgdOptions, 'onEpoch'>;
  svm: SvmWorkData | null;
  control: Int32Array;
  /** weights (buckets x classes) then bias (classes), float32. */
  output: Float32Array;
  error: Uint8Array;
}

export class ParallelRefit {
  private readonly control: Int32Array;
  private readonly output: Float32Array;
  private readonly error: Uint8Array;
  private readonly worker: Worker;

  constructor(private readonly input: RefitInput) {
    const { x, y, classes, options, svm } = input;
    this.control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
    this.output = new Float32Array(new SharedArrayBuffer((options.buckets * classes + classes) * 4));
    this.error = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
    const rows = sharedRows(x);
    const data: RefitWorkerData = {
      rows: rows.rows,
      indptr: rows.indptr,
      indices: rows.indices,
      values: rows.values,
      y: shared(y, (b) => new Int32Array(b)),
      classes,
      options,
      svm,
      control: this.control,
      output: this.output,
      error: this.error,
    };
    this.worker = startTrainingThread('refit-worker', data, CONTROL.state);
  }

  /** For the validation run's `onEpoch`: tells the refit thread which epochs it may forget. */
  validationProgress(epoch: number, bestEpoch: number): void {
    Atomics.store(this.control, CONTROL.validationBest, bestEpoch);
    Atomics.store(this.control, CONTROL.validationEpoch, epoch);
    Atomics.notify(this.control, CONTROL.validationEpoch);
  }

  /** Tells the refit thread which epoch's model is wanted, so it can hand it over once it has it. */
  request(epoch: number): void {
    Atomics.store(this.control, CONTROL.requested, epoch);
    Atomics.notify(this.control, CONTROL.requested);
  }

  /**
   * The refit's model after `epoch` epochs. Waits for the refit thread; if it makes no progress for
   * `stallMs` (it could not start, say), the refit is run here instead: same model, later.
   */
  modelAt(
    epoch: number,
    stallMs: number,
    refitHere: () => LinearModel,
  ): { model: LinearModel; ranOn: 'refit thread' | 'stalled thread, refit here' } {
    this.request(epoch);
    let seen = Atomics.load(this.control, CONTROL.refitEpoch);
    let lastProgress = performance.now();
    for (;;) {
      const state = Atomics.load(this.control, CONTROL.state);
      if (state === THREAD_DONE) break;
      if (state === THREAD_FAILED) {
        void this.worker.terminate();
        throw new Error(`refit thread failed: ${threadError(this.error)}`);
      }
      Atomics.wait(this.control, CONTROL.state, 0, 200);
      const now = Atomics.load(this.control, CONTROL.refitEpoch);
      if (now !== seen) {
        seen = now;
        lastProgress = performance.now();
      } else if (performance.now() - lastProgress > stallMs) {
        void this.worker.terminate();
        return { model: refitHere(), ranOn: 'stalled thread, refit here' };
      }
    }
    const { classes, options } = this.input;
    const size = options.buckets * classes;
    const model: LinearModel = {
      classes,
      buckets: options.buckets,
      weights: this.output.slice(0, size),
      bias: this.output.slice(size, size + classes),
    };
    void this.worker.terminate();
    return { model, ranOn: 'refit thread' };
  }

  /** Ends the refit thread without taking a model. */
  cancel(): void {
    void this.worker.terminate();
  }
}
