// Entry of the refit thread started by ParallelRefit: trains on all rows epoch by epoch, keeps the
// epochs the validation run may still choose, and hands over the requested one.
import { workerData } from 'node:worker_threads';
import type { LinearModel } from './linear.js';
import { CONTROL, type RefitWorkerData } from './parallel-refit.js';
import { trainSgd } from './sgd.js';
import { reportThreadFailure, THREAD_DONE } from './training-thread.js';

const data = workerData as RefitWorkerData;
const { control } = data;
const kept = new Map<number, LinearModel>();

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
      return undefined;
    },
  });
  // Every epoch is done; wait for the validation run's choice.
  while (!handedOver) {
    Atomics.wait(control, CONTROL.requested, 0, 1000);
    handedOver = handOver();
    if (!handedOver && Atomics.load(control, CONTROL.requested) > 0) {
      throw new Error(`epoch ${Atomics.load(control, CONTROL.requested)} was requested but not kept`);
    }
  }
} catch (error) {
  reportThreadFailure(data, CONTROL.state, error);
}
