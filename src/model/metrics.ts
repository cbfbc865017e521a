// Evaluation: accuracy, macro-F1, per-target precision/recall/F1, confusion matrix, top-3 accuracy,
// expected calibration error, and the coverage vs precision curve used to choose thresholds.

export interface TargetMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface CoveragePoint {
  /** Share of mail the model routes on its own at this precision. */
  coverage: number;
  /** Route when the top probability is >= this. null when no threshold reaches the precision. */
  threshold: number | null;
}

export interface Evaluation {
  n: number;
  /** Mails whose target the model does not know (index -1): each is an error. */
  unknown_targets: number;
  accuracy: number;
  macro_f1: number;
  top3_accuracy: number;
  ece: number;
  log_loss: number;
  coverage_at_precision: Record<'0.95' | '0.98' | '0.99', CoveragePoint>;
  per_target: Record<string, TargetMetrics>;
  /** confusion[true][predicted], in `labels` order. */
  confusion: number[][];
  labels: string[];
}

/** Class indices of `truth` in `labels`: -1 for a target the model does not know. */
export function targetIndices(
  truth: readonly (string | null)[],
  labels: readonly string[],
): { y: Int32Array; unknownTargets: number } {
  const index = new Map(labels.map((label, i) => [label, i]));
  const unknown = new Set<string>();
  const y = Int32Array.from(truth, (label) => {
    const i = index.get(label ?? '');
    if (i === undefined) unknown.add(label ?? '');
    return i ?? -1;
  });
  return { y, unknownTargets: unknown.size };
}

/**
 * `probabilities` is [rows * classes]; `y` holds class indices, -1 for a mail whose target the model
 * does not know (it counts as an error, and is in no row of the confusion matrix). Macro-F1 is
 * scikit-learn's: the mean F1 over the targets that occur in the truth or in the predictions, plus
 * a 0 for each of the `unknownTargets` distinct targets behind the -1 rows. A target the model knows
 * but that neither occurs nor is predicted is left out of the mean (its per-target F1 is 0).
 */
export function evaluate(
  probabilities: ArrayLike<number>,
  y: Int32Array,
  labels: readonly string[],
  options: { unknownTargets?: number } = {},
): Evaluation {
  const C = labels.length;
  const n = y.length;
  const confusion = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  const confidence = new Float64Array(n);
  const correct = new Uint8Array(n);
  let top3 = 0;
  let logLoss = 0;
  let unknown = 0;
  // Predictions per target, the unknown-target mails' included (they are false positives too).
  const predicted = new Int32Array(C);
  for (let r = 0; r < n; r++) {
    const base = r * C;
    const truth = y[r]!;
    let best = 0;
    for (let c = 1; c < C; c++) if (probabilities[base + c]! > probabilities[base + best]!) best = c;
    predicted[best]!++;
    confidence[r] = probabilities[base + best]!;
    correct[r] = best === truth ? 1 : 0;
    if (truth < 0) {
      unknown++;
      logLoss -= Math.log(1e-12);
      continue;
    }
    confusion[truth]![best]!++;
    const pTruth = probabilities[base + truth]!;
    let higher = 0;
    for (let c = 0; c < C; c++) if (probabilities[base + c]! > pTruth) higher++;
    if (higher < 3) top3++;
    logLoss -= Math.log(Math.max(pTruth, 1e-12));
  }
  const per_target: Record<string, TargetMetrics> = {};
  let f1Sum = 0;
  let f1Targets = options.unknownTargets ?? (unknown > 0 ? 1 : 0);
  let accurate = 0;
  for (let c = 0; c < C; c++) {
    const tp = confusion[c]![c]!;
    accurate += tp;
    let support = 0;
    for (let k = 0; k < C; k++) support += confusion[c]![k]!;
    const precision = predicted[c]! > 0 ? tp / predicted[c]! : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    per_target[labels[c]!] = { precision, recall, f1, support };
    if (support > 0 || predicted[c]! > 0) {
      f1Sum += f1;
      f1Targets++;
    }
  }
  return {
    n,
    unknown_targets: unknown,
    accuracy: n > 0 ? accurate / n : 0,
    macro_f1: f1Targets > 0 ? f1Sum / f1Targets : 0,
    top3_accuracy: n > 0 ? top3 / n : 0,
    ece: expectedCalibrationError(confidence, correct),
    log_loss: n > 0 ? logLoss / n : 0,
    coverage_at_precision: {
      '0.95': coverageAtPrecision(confidence, correct, 0.95),
      '0.98': coverageAtPrecision(confidence, correct, 0.98),
      '0.99': coverageAtPrecision(confidence, correct, 0.99),
    },
    per_target,
    confusion,
    labels: [...labels],
  };
}

/** ECE with 15 equal-width confidence bins (top-label calibration). */
export function expectedCalibrationError(confidence: Float64Array, correct: Uint8Array, bins = 15): number {
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const acc = new Float64Array(bins);
  for (let r = 0; r < confidence.length; r++) {
    const b = Math.min(bins - 1, Math.floor(confidence[r]! * bins));
    count[b]!++;
    conf[b] = conf[b]! + confidence[r]!;
    acc[b] = acc[b]! + correct[r]!;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b]! > 0) ece += Math.abs(acc[b]! - conf[b]!) / Math.max(1, confidence.length);
  }
  return ece;
}

/**
 * The largest share of mail that can be routed automatically with precision >= `target`: mails sorted
 * by confidence, the longest prefix whose precision reaches the target; ties in confidence are kept
 * together, since a threshold cannot split them.
 */
export function coverageAtPrecision(
  confidence: Float64Array,
  correct: Uint8Array,
  target: number,
): CoveragePoint {
  const n = confidence.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => confidence[b]! - confidence[a]!);
  let right = 0;
  let best: CoveragePoint = { coverage: 0, threshold: null };
  for (let k = 0; k < n; k++) {
    right += correct[order[k]!]!;
    const next = order[k + 1];
    if (next !== undefined && confidence[next] === confidence[order[k]!]) continue;
    if (right / (k + 1) >= target) best = { coverage: (k + 1) / n, threshold: confidence[order[k]!]! };
  }
  return best;
}
