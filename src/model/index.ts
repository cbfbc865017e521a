// Public surface of model/: training, ONNX export, calibrated inference, explanations, evaluation.
export { BATCH_SIZE, LoadedModel, loadModel } from './classifier.js';
export type {
  Classifier,
  Explanation,
  FeatureContribution,
  Prediction,
  PredictOptions,
  ScoredTarget,
} from './classifier.js';
export { DatasetError, parseJsonl, parseJsonlLine, toMailRecord } from './dataset.js';
export type { MailRecord, ParseResult } from './dataset.js';
export { fitTemperature } from './calibrate.js';
export { blendModels, logitScale } from './blend.js';
export { logits, predictProba, softmaxRows } from './linear.js';
export { trainSvm } from './svm.js';
export type { SvmOptions } from './svm.js';
export type { LinearModel } from './linear.js';
export { coverageAtPrecision, evaluate, expectedCalibrationError, targetIndices } from './metrics.js';
export type { CoveragePoint, Evaluation, TargetMetrics } from './metrics.js';
export { foldTemperature, ModelDirError, readModelDir, saveModel } from './model-dir.js';
export type { ModelManifest } from './model-dir.js';
export { buildOnnx, dequantizeInt8, PIECES_INPUT, quantizeInt8, readOnnxWeights } from './onnx-graph.js';
export type { WeightType } from './onnx-graph.js';
export { CHUNK_MAILS, countInParallel } from './parallel-featurize.js';
export { packPadded, packPieces, pieceWidth } from './packing.js';
export { mulberry32, shuffle } from './random.js';
export { addRowProducts, updateRowWeights } from './row-products.js';
export type { PackedRows } from './packing.js';
export { DEFAULT_TRAIN_CONFIG, defaultBuckets, splitValidation, trainModel } from './train.js';
export type { TrainConfig, TrainedModel, TrainingReport } from './train.js';
