// What the training threads share: typed arrays over SharedArrayBuffers (nothing copied per thread)
// and the bootstrap that starts a worker module from compiled JavaScript, or from TypeScript after
// registering tsx (tests, `npm run mailroute`). A worker that fails to load reports it through the
// shared state word like any other failure, so training never waits on a thread that died.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type Transferable } from 'node:worker_threads';
import type { SparseRows } from '../text/index.js';

/** State word values: 0 running, 1 done (the result is in the output buffer), 2 failed (see error). */
export const THREAD_DONE = 1;
export const THREAD_FAILED = 2;
export const ERROR_BYTES = 2048;

/** `array` itself when it already lives in shared memory, else a shared copy. */
export function shared<T extends Int32Array | Float32Array>(
  array: T,
  make: (buffer: SharedArrayBuffer) => T,
): T {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const copy = make(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

/** Rows whose arrays live in shared memory, so several threads can read them without a copy each. */
export function sharedRows(x: SparseRows): SparseRows {
  return {
    rows: x.rows,
    indptr: shared(x.indptr, (b) => new Int32Array(b)),
    indices: shared(x.indices, (b) => new Int32Array(b)),
    values: shared(x.values, (b) => new Float32Array(b)),
  };
}

/**
 * Starts `module` (a file next to this one, without extension) in a worker thread. `workerData` must
 * hold `control` (Int32Array) and `error` (Uint8Array); a load failure sets control[stateIndex].
 * `transferList` names what `workerData` moves instead of copying (a MessagePort must be moved).
 */
export function startTrainingThread(
  module: string,
  workerData: { control: Int32Array; error: Uint8Array },
  stateIndex: number,
  transferList: Transferable[] = [],
): Worker {
  const self = import.meta.url;
  let load = `import(${JSON.stringify(new URL(`./${module}.js`, self).href)})`;
  if (self.endsWith('.ts')) {
    // tsx's ESM API: the `import` variant of its export, next to the `require` one this resolves.
    const api = createRequire(self)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs');
    const entry = new URL(`./${module}.ts`, self).href;
    load = `import(${JSON.stringify(pathToFileURL(api).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  }
  const bootstrap = `const { workerData } = require('node:worker_threads');
${load}.catch((error) => {
  const text = new TextEncoder().encode('cannot start: ' + (error && error.message ? error.message : String(error)));
  workerData.error.set(text.subarray(0, workerData.error.length));
  Atomics.store(workerData.control, ${stateIndex}, ${THREAD_FAILED});
  Atomics.notify(workerData.control, ${stateIndex});
});`;
  const worker = new Worker(bootstrap, { eval: true, workerData, transferList });
  // A training thread never keeps the process alive, and its failures are read from shared memory.
  worker.unref();
  worker.on('error', () => undefined);
  return worker;
}

/** Reports a failure of the current worker thread through its shared state word. */
export function reportThreadFailure(
  data: { control: Int32Array; error: Uint8Array },
  stateIndex: number,
  error: unknown,
): void {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  data.error.set(new TextEncoder().encode(text).subarray(0, data.error.length));
  Atomics.store(data.control, stateIndex, THREAD_FAILED);
  Atomics.notify(data.control, stateIndex);
}

/** The text a failed thread left in its error buffer. */
export function threadError(error: Uint8Array): string {
  return new TextDecoder().decode(error.slice()).replace(/\0+$/, '');
}
