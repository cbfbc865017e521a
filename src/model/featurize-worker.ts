// Entry of the featurize thread started by countInParallel: takes chunks of the mails until none is
// left and posts each chunk's rows back (their buffers moved, not copied), then says it is done.
import { workerData } from 'node:worker_threads';
import { Featurizer } from '../text/index.js';
import { countChunks, FEATURIZE_CONTROL, type FeaturizeWorkerData } from './parallel-featurize.js';
import { reportThreadFailure, THREAD_DONE } from './training-thread.js';

const data = workerData as FeaturizeWorkerData;
const STATE = FEATURIZE_CONTROL.state;
try {
  countChunks(data.mails, new Featurizer(data.spec), data.control, ({ chunk, rows }) => {
    // count() returns arrays of their own (not shared memory), so their buffers can move.
    const buffers = [rows.indptr.buffer, rows.indices.buffer, rows.values.buffer] as ArrayBuffer[];
    data.port.postMessage({ chunk, rows }, buffers);
    Atomics.notify(data.control, STATE);
  });
  Atomics.store(data.control, STATE, THREAD_DONE);
  Atomics.notify(data.control, STATE);
} catch (error) {
  reportThreadFailure(data, STATE, error);
}
