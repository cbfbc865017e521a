// Issue 4's targets, read against the rows of one bench:model run: which held, which did not, and
// which the run cannot say (a peer it did not run, a row that failed). Printed under the table and
// written to bench-results/model-targets.json, so nobody has to read them off the table by hand.
//
// Where the issue names "the scikit-learn pipeline" or "scikit-learn's fit" and the run has both
// scikit-learn peers, the check uses the stricter of the two (the faster one).

/** The fields of a bench:model row that the targets read. */
export interface TargetRow {
  dataset: string;
  system: string;
  accuracy: number | null;
  macro_f1: number | null;
  coverage_098: number | null;
  train_s: number | null;
  predict_per_s: number | null;
  /** mailroute only: featurize + classify of already normalised mails, batch 32, one core. */
  predict_core_per_s?: number | null;
  model_bytes: number | null;
  peak_rss_mb: number | null;
  missing?: string;
}

export interface TargetCheck {
  dataset: string;
  target: string;
  /** null: this run cannot say (what it needs did not run or failed). */
  met: boolean | null;
  /** The numbers behind the verdict, or why there is none. */
  measured: string;
}

/** The dataset the speed, training, size and memory targets are stated for. */
export const SPEED_DATASET = '20newsgroups-bydate';
const CORE_MAILS_PER_S = 10_000;
const PEER_SPEED_RATIO = 20;
const MAX_TRAIN_S = 60;
const MAX_MODEL_MB = 10;
const MAX_PEAK_RSS_GB = 2;
const LOGREG = 'sklearn-logreg';
const SCIKIT_LEARN = ['sklearn-linearsvc', LOGREG];

/** The targets' names, as printed. */
const COVERAGE_TARGET = `coverage@0.98 above ${LOGREG}'s`;
const RATIO_TARGET = `at least ${PEER_SPEED_RATIO}x the scikit-learn pipeline's mails/s`;
const TRAINING_PEER_TARGET = "training no slower than scikit-learn's fit";

export function checkTargets(rows: readonly TargetRow[]): TargetCheck[] {
  const datasets = [...new Set(rows.map((r) => r.dataset))];
  return datasets.flatMap((dataset) => {
    const ours = rows.find((r) => r.dataset === dataset && r.system === 'mailroute');
    if (!ours) return [];
    const peers = rows.filter((r) => r.dataset === dataset && r.system !== 'mailroute' && !r.missing);
    const checks = scoreChecks(dataset, ours, peers);
    if (dataset === SPEED_DATASET) checks.push(...costChecks(dataset, ours, peers));
    return checks;
  });
}

function scoreChecks(dataset: string, ours: TargetRow, peers: TargetRow[]): TargetCheck[] {
  const atLeastBestPeer = (key: 'accuracy' | 'macro_f1', name: string): TargetCheck => {
    const target = `${name} at least the best peer's`;
    const scored = peers.filter((p) => p[key] !== null);
    if (scored.length === 0) return unknown(dataset, target, 'no peer ran');
    const best = scored.reduce((a, b) => (b[key]! > a[key]! ? b : a));
    return compare(dataset, target, ours[key], best[key]!, (a, b) => a >= b, best.system, 4);
  };
  const logreg = peers.find((p) => p.system === LOGREG && p.coverage_098 !== null);
  return [
    atLeastBestPeer('accuracy', 'accuracy'),
    atLeastBestPeer('macro_f1', 'macro-F1'),
    logreg
      ? compare(dataset, COVERAGE_TARGET, ours.coverage_098, logreg.coverage_098!, (a, b) => a > b, LOGREG, 3)
      : unknown(dataset, COVERAGE_TARGET, `${LOGREG} did not run`),
  ];
}

function costChecks(dataset: string, ours: TargetRow, peers: TargetRow[]): TargetCheck[] {
  const sklearn = peers.filter((p) => SCIKIT_LEARN.includes(p.system));
  const strictest = (key: 'predict_per_s' | 'train_s', better: (a: number, b: number) => boolean) =>
    sklearn
      .filter((p) => p[key] !== null)
      .reduce<TargetRow | null>((a, b) => (a && better(a[key]!, b[key]!) ? a : b), null);
  const core = ours.predict_core_per_s ?? null;
  const servingPeer = strictest('predict_per_s', (a, b) => a >= b);
  const trainingPeer = strictest('train_s', (a, b) => a <= b);
  return [
    bound(
      dataset,
      `featurize + classify at least ${CORE_MAILS_PER_S} mails/s on one core`,
      core,
      (v) => v >= CORE_MAILS_PER_S,
      (v) => `${v.toFixed(0)} mails/s`,
    ),
    servingPeer && core !== null
      ? bound(
          dataset,
          RATIO_TARGET,
          core / servingPeer.predict_per_s!,
          (ratio) => ratio >= PEER_SPEED_RATIO,
          (ratio) =>
            `${ratio.toFixed(1)}x (${core.toFixed(0)} against ${servingPeer.system}'s ${servingPeer.predict_per_s!.toFixed(0)})`,
        )
      : unknown(dataset, RATIO_TARGET, core === null ? 'no core speed' : 'no scikit-learn peer ran'),
    bound(
      dataset,
      `training in at most ${MAX_TRAIN_S} s`,
      ours.train_s,
      (s) => s <= MAX_TRAIN_S,
      (s) => `${s.toFixed(1)} s`,
    ),
    trainingPeer
      ? compare(
          dataset,
          TRAINING_PEER_TARGET,
          ours.train_s,
          trainingPeer.train_s!,
          (a, b) => a <= b,
          trainingPeer.system,
          1,
          ' s',
        )
      : unknown(dataset, TRAINING_PEER_TARGET, 'no scikit-learn peer ran'),
    bound(
      dataset,
      `model directory at most ${MAX_MODEL_MB} MB`,
      ours.model_bytes,
      (b) => b <= MAX_MODEL_MB * 1e6,
      (b) => `${(b / 1e6).toFixed(2)} MB`,
    ),
    bound(
      dataset,
      `peak RSS during training under ${MAX_PEAK_RSS_GB} GB`,
      ours.peak_rss_mb,
      (mb) => mb < MAX_PEAK_RSS_GB * 1000,
      (mb) => `${mb.toFixed(0)} MB`,
    ),
  ];
}

function unknown(dataset: string, target: string, why: string): TargetCheck {
  return { dataset, target, met: null, measured: why };
}

/** Our value against a peer's, `holds(ours, theirs)`. */
function compare(
  dataset: string,
  target: string,
  ours: number | null,
  theirs: number,
  holds: (ours: number, theirs: number) => boolean,
  peer: string,
  digits: number,
  unit = '',
): TargetCheck {
  if (ours === null) return unknown(dataset, target, 'mailroute has no value');
  return {
    dataset,
    target,
    met: holds(ours, theirs),
    measured: `${ours.toFixed(digits)}${unit} against ${peer}'s ${theirs.toFixed(digits)}${unit}`,
  };
}

/** Our value against a fixed bound. */
function bound(
  dataset: string,
  target: string,
  value: number | null,
  holds: (value: number) => boolean,
  show: (value: number) => string,
): TargetCheck {
  if (value === null) return unknown(dataset, target, 'mailroute has no value');
  return { dataset, target, met: holds(value), measured: show(value) };
}

/** The checks as lines of text: verdict, dataset, target, numbers. */
export function targetLines(checks: readonly TargetCheck[]): string[] {
  const verdict = (met: boolean | null) => (met === null ? 'unknown' : met ? 'met' : 'NOT MET');
  const width = (pick: (c: TargetCheck) => string) => Math.max(0, ...checks.map((c) => pick(c).length));
  const w = [width((c) => verdict(c.met)), width((c) => c.dataset), width((c) => c.target)];
  return checks.map(
    (c) =>
      `${verdict(c.met).padEnd(w[0]!)}  ${c.dataset.padEnd(w[1]!)}  ${c.target.padEnd(w[2]!)}  ${c.measured}`,
  );
}
