// The ONLY importer of onnxruntime-node (CONVENTIONS rule 3). One session per model version.
import * as ort from 'onnxruntime-node';

export interface LinearSession {
  /** Probabilities [batch * classes] for a padded [batch, width] sparse batch. */
  run(indices: BigInt64Array, values: Float32Array, batch: number, width: number): Promise<Float32Array>;
  release(): Promise<void>;
}

export async function createLinearSession(
  bytes: Uint8Array,
  options: { threads?: number } = {},
): Promise<LinearSession> {
  const threads = options.threads ?? 1;
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
  return {
    async run(indices, values, batch, width) {
      const feeds = {
        indices: new ort.Tensor('int64', indices, [batch, width]),
        values: new ort.Tensor('float32', values, [batch, width]),
      };
      const result = await session.run(feeds, ['probabilities']);
      const probabilities = result.probabilities;
      if (!probabilities || !(probabilities.data instanceof Float32Array)) {
        throw new Error('model returned no float32 probabilities');
      }
      return probabilities.data;
    },
    async release() {
      await session.release();
    },
  };
}
