import { describe, expect, it } from 'vitest';
import { checkTargets, SPEED_DATASET, targetLines, type TargetRow } from '../../bench/index.js';

function row(dataset: string, system: string, fields: Partial<TargetRow> = {}): TargetRow {
  return {
    dataset,
    system,
    accuracy: 0.8,
    macro_f1: 0.7,
    coverage_098: 0.4,
    train_s: 30,
    predict_per_s: 300,
    model_bytes: 5e6,
    peak_rss_mb: 900,
    ...fields,
  };
}

const verdicts = (rows: TargetRow[]) =>
  Object.fromEntries(checkTargets(rows).map((c) => [`${c.dataset}: ${c.target}`, c.met]));

describe('checkTargets', () => {
  it('reads every target of a run where all hold', () => {
    const rows = [
      row(SPEED_DATASET, 'mailroute', {
        accuracy: 0.88,
        macro_f1: 0.87,
        coverage_098: 0.54,
        predict_core_per_s: 12_000,
      }),
      row(SPEED_DATASET, 'sklearn-linearsvc', {
        accuracy: 0.877,
        macro_f1: 0.87,
        coverage_098: 0.5,
        train_s: 89,
        predict_per_s: 257,
      }),
      row(SPEED_DATASET, 'sklearn-logreg', {
        accuracy: 0.867,
        macro_f1: 0.86,
        coverage_098: 0.45,
        train_s: 686,
        predict_per_s: 292,
      }),
      row(SPEED_DATASET, 'fasttext', { accuracy: 0.74, macro_f1: 0.73, predict_per_s: 1018 }),
    ];
    const checks = checkTargets(rows);
    expect(checks.map((c) => c.met)).toEqual(Array(9).fill(true));
    // macro-F1 level with the best peer holds ("at least"); the ratio is to the faster scikit-learn peer.
    const byTarget = Object.fromEntries(checks.map((c) => [c.target, c.measured]));
    expect(byTarget["macro-F1 at least the best peer's"]).toBe("0.8700 against sklearn-linearsvc's 0.8700");
    expect(byTarget["at least 20x the scikit-learn pipeline's mails/s"]).toBe(
      "41.1x (12000 against sklearn-logreg's 292)",
    );
    expect(byTarget["training no slower than scikit-learn's fit"]).toBe(
      "30.0 s against sklearn-linearsvc's 89.0 s",
    );
  });

  it('says which targets fail, against the strictest peer', () => {
    const rows = [
      row(SPEED_DATASET, 'mailroute', {
        accuracy: 0.87,
        coverage_098: 0.45,
        predict_core_per_s: 4500,
        train_s: 61,
        model_bytes: 10.5e6,
        peak_rss_mb: 2000,
      }),
      row(SPEED_DATASET, 'sklearn-linearsvc', { accuracy: 0.877, train_s: 60, predict_per_s: 257 }),
      row(SPEED_DATASET, 'sklearn-logreg', { coverage_098: 0.45, predict_per_s: 292 }),
    ];
    expect(verdicts(rows)).toEqual({
      [`${SPEED_DATASET}: accuracy at least the best peer's`]: false,
      [`${SPEED_DATASET}: macro-F1 at least the best peer's`]: true,
      [`${SPEED_DATASET}: coverage@0.98 above sklearn-logreg's`]: false,
      [`${SPEED_DATASET}: featurize + classify at least 10000 mails/s on one core`]: false,
      [`${SPEED_DATASET}: at least 20x the scikit-learn pipeline's mails/s`]: false,
      [`${SPEED_DATASET}: training in at most 60 s`]: false,
      [`${SPEED_DATASET}: training no slower than scikit-learn's fit`]: false,
      [`${SPEED_DATASET}: model directory at most 10 MB`]: false,
      [`${SPEED_DATASET}: peak RSS during training under 2 GB`]: false,
    });
  });

  it('cannot say what the run did not measure, and checks costs on 20 Newsgroups only', () => {
    const rows = [
      row('massive-da', 'mailroute', { predict_core_per_s: 80_000 }),
      row('massive-da', 'sklearn-linearsvc', { missing: 'failed: no sklearn' }),
      row(`${SPEED_DATASET}@1000`, 'mailroute', { predict_core_per_s: 4000 }),
      row(`${SPEED_DATASET}@1000`, 'fasttext', { accuracy: 0.9 }),
    ];
    const checks = checkTargets(rows);
    expect(checks.map((c) => [c.dataset, c.met, c.measured])).toEqual([
      ['massive-da', null, 'no peer ran'],
      ['massive-da', null, 'no peer ran'],
      ['massive-da', null, 'sklearn-logreg did not run'],
      [`${SPEED_DATASET}@1000`, false, "0.8000 against fasttext's 0.9000"],
      [`${SPEED_DATASET}@1000`, true, "0.7000 against fasttext's 0.7000"],
      [`${SPEED_DATASET}@1000`, null, 'sklearn-logreg did not run'],
    ]);
    const speedOnly = checkTargets([row(SPEED_DATASET, 'mailroute', { predict_core_per_s: 11_000 })]);
    expect(speedOnly.find((c) => c.target.startsWith('at least 20x'))?.measured).toBe(
      'no scikit-learn peer ran',
    );
    expect(speedOnly.find((c) => c.target.startsWith('featurize'))?.met).toBe(true);
  });

  it('prints one aligned line per check', () => {
    const lines = targetLines(
      checkTargets([row('sib200-da', 'mailroute'), row('sib200-da', 'sklearn-logreg', { accuracy: 0.9 })]),
    );
    expect(lines).toEqual([
      "NOT MET  sib200-da  accuracy at least the best peer's     0.8000 against sklearn-logreg's 0.9000",
      "met      sib200-da  macro-F1 at least the best peer's     0.7000 against sklearn-logreg's 0.7000",
      "NOT MET  sib200-da  coverage@0.98 above sklearn-logreg's  0.400 against sklearn-logreg's 0.400",
    ]);
  });
});
