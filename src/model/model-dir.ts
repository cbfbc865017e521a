// A model version on disk: model.onnx (temperature folded into the weights) + idf.bin + manifest.json.
// The featurizer spec and its hash travel with the model, so training and serving cannot disagree.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { featurizerSpecHash, Idf, type FeaturizerSpec } from '../text/index.js';
import type { LinearModel } from './linear.js';
import { buildOnnx, type WeightType } from './onnx-graph.js';
import type { TrainConfig, TrainedModel, TrainingReport } from './train.js';

export const MODEL_FORMAT = 'mailroute-model';
export const MODEL_FORMAT_VERSION = 1;

export interface ModelManifest {
  format: typeof MODEL_FORMAT;
  formatVersion: typeof MODEL_FORMAT_VERSION;
  /** sha256 of model.onnx: the model version's identity. */
  version: string;
  labels: string[];
  featurizer: { spec: FeaturizerSpec; hash: string };
  files: {
    model: {
      name: 'model.onnx';
      sha256: string;
      bytes: number;
      weightType: WeightType;
      opset: 17;
    };
    idf: { name: 'idf.bin'; sha256: string; bytes: number; encoding: 'uint16le, idf * 256' };
  };
  /** Already folded into model.onnx; recorded for the report. */
  temperature: number;
  training: Omit<TrainingReport, 'validation' | 'counts'> & {
    counts: TrainingReport['counts'] & Partial<SkippedLines>;
    config: TrainConfig;
  };
  metrics: { validation: TrainingReport['validation'] };
}

/**
 * Training lines skipped as invalid (--skip-invalid): how many, and the numbers of the first 20 (not
 * the reasons: a JSON error quotes the line, and the manifest keeps no mail content). Manifests
 * written before they were recorded lack them.
 */
export interface SkippedLines {
  skipped: number;
  skippedLines: number[];
}

const RECORDED_SKIPPED_LINES = 20;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Weights and bias divided by the temperature: softmax(z / T) is what the graph serves. */
export function foldTemperature(model: LinearModel, temperature: number): LinearModel {
  const weights = new Float32Array(model.weights.length);
  for (let i = 0; i < weights.length; i++) weights[i] = model.weights[i]! / temperature;
  return { ...model, weights, bias: model.bias.map((b) => b / temperature) };
}

/** `skipped`: the training data's lines skipped as invalid (`parseJsonl`'s), recorded with the counts. */
export async function saveModel(
  dir: string,
  trained: TrainedModel,
  options: { skipped?: readonly { line: number; reason: string }[] } = {},
): Promise<ModelManifest> {
  const skipped = options.skipped ?? [];
  const specHash = featurizerSpecHash(trained.spec);
  const onnxBytes = buildOnnx(foldTemperature(trained.linear, trained.temperature), trained.weightType, {
    labels: JSON.stringify(trained.labels),
    featurizer_spec: JSON.stringify(trained.spec),
    featurizer_hash: specHash,
    temperature: String(trained.temperature),
  });
  const idfBytes = trained.idf.toBytes();
  const { validation, ...training } = trained.report;
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    version: sha256(onnxBytes),
    labels: trained.labels,
    featurizer: { spec: trained.spec, hash: specHash },
    files: {
      model: {
        name: 'model.onnx',
        sha256: sha256(onnxBytes),
        bytes: onnxBytes.length,
        weightType: trained.weightType,
        opset: 17,
      },
      idf: {
        name: 'idf.bin',
        sha256: sha256(idfBytes),
        bytes: idfBytes.length,
        encoding: 'uint16le, idf * 256',
      },
    },
    temperature: trained.temperature,
    training: {
      ...training,
      counts: {
        ...training.counts,
        skipped: skipped.length,
        skippedLines: skipped.slice(0, RECORDED_SKIPPED_LINES).map((s) => s.line),
      },
      config: trained.config,
    },
    metrics: { validation },
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.onnx'), onnxBytes);
  await writeFile(join(dir, 'idf.bin'), idfBytes);
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

export class ModelDirError extends Error {
  override name = 'ModelDirError';
}

/** Reads and verifies a model directory (format, checksums, featurizer hash). */
export async function readModelDir(
  dir: string,
): Promise<{ manifest: ModelManifest; onnxBytes: Uint8Array; idf: Idf }> {
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
  } catch (error) {
    throw new ModelDirError(`cannot read ${join(dir, 'manifest.json')}`, { cause: error });
  }
  if (manifest.format !== MODEL_FORMAT || manifest.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new ModelDirError(`${dir} is not a mailroute model (format ${String(manifest.format)})`);
  }
  const onnxBytes = new Uint8Array(await readFile(join(dir, manifest.files.model.name)));
  const idfBytes = new Uint8Array(await readFile(join(dir, manifest.files.idf.name)));
  if (sha256(onnxBytes) !== manifest.files.model.sha256)
    throw new ModelDirError(`${dir}: model.onnx checksum mismatch`);
  if (sha256(idfBytes) !== manifest.files.idf.sha256)
    throw new ModelDirError(`${dir}: idf.bin checksum mismatch`);
  if (featurizerSpecHash(manifest.featurizer.spec) !== manifest.featurizer.hash) {
    throw new ModelDirError(`${dir}: featurizer spec does not match its hash`);
  }
  return { manifest, onnxBytes, idf: Idf.fromBytes(idfBytes) };
}
