// The SVM of the blend, trained on a thread of its own while the validation run (and the refit
// thread) train the softmax model: on 20 Newsgroups it took 15-17 s that training otherwise spent
// after the validation run, with one core idle. Same rows, options and seed as on the main thread,
// so the same model bit for bit (tested), only sooner.
import type { Worker } from 'node:worker_threads';
import type { SparseRows } from '../text/index.js';
import type { LinearModel } from './linear.js';
import type { SvmOptions } from './svm.js';
import {
  ERROR_BYTES,
  shared,
  sharedRows,
  startTrainingThread,
  THREAD_FAILED,
  threadError,
} from './training-thread.js';

/** Control words (Int32): the state, then the passes the SVM needed. */
export const SVM_STATE = 0;
export const SVM_PASSES = 1;

/** What the SVM thread receives. */
export interface SvmWorkerData {
  x: SparseRows;
  y: Int32Array;
  rows: Int32Array;
  classes: number;
  options: SvmOptions;
  control: Int32Array;
  /** weights (buckets x classes) then bias (classes), float32. */
  output: Float32Array;
  error: Uint8Array;
}

export class SvmThread {
  private readonly data: SvmWorkerData;
  private readonly worker: Worker;

  /** Starts training `trainSvm(x, y, classes, options, rows)` on a thread. */
  constructor(x: SparseRows, y: Int32Array, classes: number, options: SvmOptions, rows: Int32Array) {
    this.data = {
      x: sharedRows(x),
      y: shared(y, (b) => new Int32Array(b)),
      rows: shared(rows, (b) => new Int32Array(b)),
      classes,
      options,
      control: new Int32Array(new SharedArrayBuffer(8)),
      output: new Float32Array(new SharedArrayBuffer((options.buckets * classes + classes) * 4)),
      error: new Uint8Array(new SharedArrayBuffer(ERROR_BYTES)),
    };
    this.worker = startTrainingThread('svm-worker', this.data, SVM_STATE);
  }

  /** Waits for the thread's model; a failed thread stops training with its reason. */
  result(): { model: LinearModel; passes: number } {
    const { control, output, classes, options } = this.data;
    while (Atomics.load(control, SVM_STATE) === 0) Atomics.wait(control, SVM_STATE, 0, 1000);
    void this.worker.terminate();
    if (Atomics.load(control, SVM_STATE) === THREAD_FAILED) {
      throw new Error(`SVM thread failed: ${threadError(this.data.error)}`);
    }
    const size = options.buckets * classes;
    return {
      model: {
        classes,
        buckets: options.buckets,
        weights: output.slice(0, size),
        bias: output.slice(size, size + classes),
      },
      passes: Atomics.load(control, SVM_PASSES),
    };
  }

  /** Ends the thread without taking its model. */
  cancel(): void {
    void this.worker.terminate();
  }
}
