// Entry of the SVM thread started by SvmThread: trains, copies the model out, says it is done.
import { workerData } from 'node:worker_threads';
import { trainSvm } from './svm.js';
import { SVM_PASSES, SVM_STATE, type SvmWorkerData } from './svm-thread.js';
import { reportThreadFailure, THREAD_DONE } from './training-thread.js';

const data = workerData as SvmWorkerData;
try {
  const { model, passes } = trainSvm(data.x, data.y, data.classes, data.options, data.rows);
  data.output.set(model.weights, 0);
  data.output.set(model.bias, model.weights.length);
  Atomics.store(data.control, SVM_PASSES, passes);
  Atomics.store(data.control, SVM_STATE, THREAD_DONE);
  Atomics.notify(data.control, SVM_STATE);
} catch (error) {
  reportThreadFailure(data, SVM_STATE, error);
}
