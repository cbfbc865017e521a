// The SVM's one-vs-rest targets as a list of work in shared memory, so that a core with nothing
// better to do trains the next one: the refit thread while it waits for the validation run and
// after it has handed over its model, the main thread after the validation run. Each target has its
// own seeded shuffle (svm.ts), so the model is the same bit for bit whichever thread trains which
// target. Training thus keeps to two busy threads, one per core, where a thread of its own for the
// SVM would make three.
import type { SparseRows } from '../text/index.js';
import type { LinearModel } from './linear.js';
import { trainSvmTarget, type SvmOptions } from './svm.js';
import { shared } from './training-thread.js';

/** Control words (Int32). */
const NEXT = 0;
const DONE = 1;
const PASSES = 2;
const ON_REFIT_THREAD = 3;

/** What a thread needs to take targets (typed arrays over SharedArrayBuffers where threads share it). */
export interface SvmWorkData {
  x: SparseRows;
  y: Int32Array;
  rows: Int32Array;
  classes: number;
  options: SvmOptions;
  control: Int32Array;
  /** 1 once target t is trained. */
  trained: Int32Array;
  weights: Float32Array;
  bias: Float32Array;
}

export interface SvmResult {
  model: LinearModel;
  passes: number;
  /** How many targets the refit thread trained. */
  targetsOnRefitThread: number;
}

export class SvmWork {
  private constructor(readonly data: SvmWorkData) {}

  /** The work of training `classes` targets on `rows` of `x` (shared with a thread when `x` is). */
  static create(
    x: SparseRows,
    y: Int32Array,
    rows: Int32Array,
    classes: number,
    options: SvmOptions,
  ): SvmWork {
    const words = (n: number) => new Int32Array(new SharedArrayBuffer(n * 4));
    return new SvmWork({
      x,
      y: shared(y, (b) => new Int32Array(b)),
      rows: shared(rows, (b) => new Int32Array(b)),
      classes,
      options,
      control: words(4),
      trained: words(classes),
      weights: new Float32Array(new SharedArrayBuffer(options.buckets * classes * 4)),
      bias: new Float32Array(new SharedArrayBuffer(classes * 4)),
    });
  }

  /** The same work, seen from another thread. */
  static attach(data: SvmWorkData): SvmWork {
    return new SvmWork(data);
  }

  /** Trains the next target nobody has taken; false when none is left. */
  trainNext(onRefitThread = false): boolean {
    const { control, classes } = this.data;
    const target = Atomics.add(control, NEXT, 1);
    if (target >= classes) return false;
    this.train(target);
    if (onRefitThread) Atomics.add(control, ON_REFIT_THREAD, 1);
    return true;
  }

  /**
   * Takes targets until none is left, then waits for the ones other threads are training. A target
   * that is still unfinished after `stallMs` without progress (its thread died) is trained here.
   */
  finish(stallMs: number): SvmResult {
    const { control, classes, trained, options, weights, bias } = this.data;
    while (this.trainNext()) {
      // Every target this thread can take.
    }
    let done = Atomics.load(control, DONE);
    let lastProgress = performance.now();
    while (done < classes) {
      Atomics.wait(control, DONE, done, 200);
      const now = Atomics.load(control, DONE);
      if (now !== done) {
        done = now;
        lastProgress = performance.now();
      } else if (performance.now() - lastProgress > stallMs) {
        for (let target = 0; target < classes; target++) if (trained[target] === 0) this.train(target);
        break;
      }
    }
    return {
      model: { classes, buckets: options.buckets, weights: weights.slice(), bias: bias.slice() },
      passes: Atomics.load(control, PASSES),
      targetsOnRefitThread: Atomics.load(control, ON_REFIT_THREAD),
    };
  }

  private train(target: number): void {
    const { x, y, rows, classes, options, weights, bias, control, trained } = this.data;
    const passes = trainSvmTarget(x, y, target, options, { classes, weights, bias }, rows);
    for (let seen = Atomics.load(control, PASSES); passes > seen;) {
      const before = Atomics.compareExchange(control, PASSES, seen, passes);
      if (before === seen) break;
      seen = before;
    }
    Atomics.store(trained, target, 1);
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}
