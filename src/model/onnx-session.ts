// The ONLY importer of onnxruntime-node (CONVENTIONS rule 3). One session per model version.
import * as ort from 'onnxruntime-node';
import { PIECES_INPUT } from './onnx-graph.js';
import type { PackedRows } from './packing.js';

export interface LinearSession {
  /** The graph sums pieces of mails (a `pieces` input); older graphs take one padded row per mail. */
  readonly takesPieces: boolean;
  /** Probabilities [mails * classes]. */
  run(rows: PackedRows): Promise<Float32Array>;
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
  const takesPieces = session.inputNames.includes(PIECES_INPUT);
  return {
    takesPieces,
    async run(rows) {
      const { pieces, width, mails, membership } = rows;
      if ((membership !== null) !== takesPieces) {
        throw new Error(`this graph takes ${takesPieces ? 'pieces of mails' : 'one row per mail'}`);
      }
      const feeds: Record<string, ort.Tensor> = {
        indices: new ort.Tensor('int64', rows.indices, [pieces, width]),
        values: new ort.Tensor('float32', rows.values, [pieces, width]),
      };
      if (membership) feeds[PIECES_INPUT] = new ort.Tensor('float32', membership, [mails, pieces]);
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
