// Entry of the refit thread started by ParallelRefit: trains on all rows epoch by epoch, keeps the
// epochs the validation run may still choose, and hands over the requested one.
import { workerData } from 'node:worker_threads';
import type { LinearModel } from './linear.js';
import { CONTROL, type RefitWorkerData } from './parallel-refit.js';
import { trainSgd } from './sgd.js';
import { SvmWork } from './svm-work.js';
import { reportThreadFailure, THREAD_DONE } from './training-thread.js';

const data = workerData as RefitWorkerData;
const { control } = data;
const kept = new Map<number, LinearModel>();
const svm = data.svm ? SvmWork.attach(data.svm) : null;

/** Trains an SVM target if one is left (the main thread gathers them); false when none is. */
function svmTarget(): boolean {
  return svm?.trainNext(true) ?? false;
}

/** Copies the requested epoch's model out, once it exists; true when handed over. */
function handOver(): boolean {
  const requested = Atomics.load(control, CONTROL.requested);
  const model = requested > 0 ? kept.get(requested) : undefined;
  if (!model) return false;
  data.output.set(model.weights, 0);
  data.output.set(model.bias, model.weights.length);
  Atomics.store(control, CONTROL.state, THREAD_DONE);
  Atomics.notify(control, CONTROL.state);
  return true;
}

/**
 * Before epoch `next`: while it would be more than one epoch past the validation run's best, trains
 * SVM targets instead (or waits when none is left). Such an epoch is used only if the validation run
 * improves again (20 Newsgroups: validation picks epoch 5 of 7, and the refit ran on to epoch 8).
 * Returns once the epoch may run or a model is requested.
 */
function paceTo(next: number): void {
  for (;;) {
    const best = Atomics.load(control, CONTROL.validationBest);
    const done = Atomics.load(control, CONTROL.validationEpoch);
    if (next <= best + 1 || Atomics.load(control, CONTROL.requested) > 0) return;
    if (!svmTarget()) Atomics.wait(control, CONTROL.validationEpoch, done, 100);
  }
}

/** Forgets the epochs the validation run has passed without making them its best. */
function forget(): void {
  const done = Atomics.load(control, CONTROL.validationEpoch);
  const best = Atomics.load(control, CONTROL.validationBest);
  for (const epoch of kept.keys()) if (epoch < best || (epoch <= done && epoch !== best)) kept.delete(epoch);
}

try {
  const x = { rows: data.rows, indptr: data.indptr, indices: data.indices, values: data.values };
  let handedOver = false;
  trainSgd(x, data.y, data.classes, {
    ...data.options,
    onEpoch: (epoch, model) => {
      kept.set(epoch, model);
      Atomics.store(control, CONTROL.refitEpoch, epoch);
      handedOver = handOver();
      if (handedOver) return 'stop';
      forget();
      paceTo(epoch + 1);
      handedOver = handOver();
      return handedOver ? 'stop' : undefined;
    },
  });
  // Every epoch is done; train SVM targets or wait for the validation run's choice.
  while (!handedOver) {
    if (!svmTarget()) Atomics.wait(control, CONTROL.requested, 0, 1000);
    handedOver = handOver();
    if (!handedOver && Atomics.load(control, CONTROL.requested) > 0) {
      throw new Error(`epoch ${Atomics.load(control, CONTROL.requested)} was requested but not kept`);
    }
  }
  // The model is handed over: help the main thread with the SVM targets left.
  while (svmTarget()) {
    // One target each time round.
  }
} catch (error) {
  reportThreadFailure(data, CONTROL.state, error);
}
