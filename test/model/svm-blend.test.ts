import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  blendModels,
  evaluate,
  logits,
  logitScale,
  parseJsonl,
  softmaxRows,
  trainModel,
  trainSvm,
  type MailRecord,
} from '../../src/model/index.js';
import { DEFAULT_FEATURIZER_SPEC, Featurizer, featureSource, Idf } from '../../src/text/index.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'model');
const read = (name: string): MailRecord[] =>
  parseJsonl(readFileSync(join(fixtures, name), 'utf8'), { requireLabel: true }).records;
const train = read('train.jsonl');
const test = read('test.jsonl');
const spec = { ...DEFAULT_FEATURIZER_SPEC, buckets: 4096 };
const labels = [...new Set(train.map((r) => r.label!))].sort();
const C = labels.length;

function rows(records: MailRecord[], idf?: Idf) {
  const counts = new Featurizer(spec).count(records.map((r) => featureSource(r.mail)));
  const fitted = idf ?? Idf.fit(counts, spec.buckets, 1);
  return { x: fitted.transform(counts, spec), idf: fitted };
}
const labelsOf = (records: MailRecord[]) => Int32Array.from(records, (r) => labels.indexOf(r.label!));
const accuracy = (z: Float64Array, y: Int32Array): number => evaluate(softmaxRows(z, C), y, labels).accuracy;

describe('squared-hinge SVM and the blend', () => {
  const { x, idf } = rows(train);
  const y = labelsOf(train);
  const xt = rows(test, idf).x;
  const yt = labelsOf(test);
  const options = { c: 1, seed: 7, buckets: spec.buckets, maxPasses: 50, tolerance: 0.01 };

  it('fits the training rows, generalises to the test rows, and is the same for the same seed', () => {
    const { model, passes } = trainSvm(x, y, C, options);
    expect(passes).toBeGreaterThan(1);
    expect(passes).toBeLessThanOrEqual(50);
    expect(accuracy(logits(model, x), y)).toBeGreaterThan(0.95);
    expect(accuracy(logits(model, xt), yt)).toBeGreaterThan(0.8);
    const again = trainSvm(x, y, C, options).model;
    expect(Buffer.from(again.weights.buffer)).toEqual(Buffer.from(model.weights.buffer));
  });

  it('stops at its tolerance: a looser one takes no more passes', () => {
    const strict = trainSvm(x, y, C, options).passes;
    const loose = trainSvm(x, y, C, { ...options, tolerance: 1 }).passes;
    expect(loose).toBeLessThanOrEqual(strict);
  });

  it("weights a target's own rows by its class weight, like LinearSVC's class_weight", () => {
    const plain = trainSvm(x, y, C, options).model;
    const ones = trainSvm(x, y, C, { ...options, positiveWeights: new Float64Array(C).fill(1) }).model;
    expect(Buffer.from(ones.weights.buffer)).toEqual(Buffer.from(plain.weights.buffer));
    // A heavier target pays more for its own rows inside the margin: they score higher for it.
    const heavy = new Float64Array(C).fill(1);
    heavy[0] = 10;
    const weighted = trainSvm(x, y, C, { ...options, positiveWeights: heavy }).model;
    const meanOwnScore = (z: Float64Array): number => {
      let sum = 0;
      let n = 0;
      for (let r = 0; r < y.length; r++) {
        if (y[r] !== 0) continue;
        sum += z[r * C]!;
        n++;
      }
      return sum / n;
    };
    expect(meanOwnScore(logits(weighted, x))).toBeGreaterThan(meanOwnScore(logits(plain, x)));
  });

  it('blends into one linear model whose logits are the scaled mix of both', () => {
    const softmax = trainModel(train, {
      seed: 3,
      featurizer: { buckets: spec.buckets },
      refit: false,
    }).linear;
    const svm = trainSvm(x, y, C, options).model;
    const scales = { softmax: logitScale(softmax, xt), svm: logitScale(svm, xt) };
    const blend = blendModels(softmax, svm, 0.5, scales);
    const [za, zb, zm] = [softmax, svm, blend].map((m) => logits(m, xt));
    for (let i = 0; i < zm!.length; i++) {
      expect(zm![i]).toBeCloseTo(0.5 * scales.softmax * za![i]! + 0.5 * scales.svm * zb![i]!, 4);
    }
    // Share 0 is the softmax model, up to its scale.
    const alone = logits(blendModels(softmax, svm, 0, scales), xt);
    for (let i = 0; i < alone.length; i++) expect(alone[i]).toBeCloseTo(scales.softmax * za![i]!, 4);
  });

  it('blends by default, the refit thread taking SVM targets when it would wait', () => {
    const base = {
      seed: 5,
      featurizer: { buckets: spec.buckets },
      // The fixture is small: lower the thresholds so it takes the path 20 Newsgroups takes.
      gridMaxFeatures: 0,
      parallelMinRows: 0,
    };
    const shared = trainModel(train, base);
    expect(shared.config.svmShares).toEqual([0.25, 0.5]);
    // The sender's name and address count as content too, unless the overrides say no.
    expect(shared.spec.senderText).toBe(true);
    const noSender = { ...base, featurizer: { ...base.featurizer, senderText: false } };
    expect(trainModel(train, noSender).spec.senderText).toBe(false);
    expect(shared.report.refit).toBe('refit thread');
    const svm = shared.report.svm!;
    expect(svm.accuracyByShare.map((s) => s.share)).toEqual([0.25, 0.5]);
    expect([0.25, 0.5]).toContain(svm.share);
    expect(svm.targetsOnRefitThread).toBeGreaterThanOrEqual(0);
    expect(svm.targetsOnRefitThread).toBeLessThanOrEqual(C);
    // Whichever thread trains which target, the model is the one a single thread trains, bit for bit.
    const alone = trainModel(train, { ...base, parallelRefit: false });
    expect(alone.report.refit).toBe('after the validation run');
    expect(alone.report.svm!.targetsOnRefitThread).toBe(0);
    expect(Buffer.from(shared.linear.weights.buffer)).toEqual(Buffer.from(alone.linear.weights.buffer));
    expect({ ...svm, targetsOnRefitThread: 0 }).toEqual(alone.report.svm);
  });

  it('lets validation choose the share in training; share 0 alone trains no SVM', () => {
    const base = { seed: 5, featurizer: { buckets: spec.buckets, senderText: false } };
    const plain = trainModel(train, { ...base, svmShares: [0] });
    expect(plain.report.svm).toBeNull();
    const chosen = trainModel(train, { ...base, svmShares: [0, 0.5, 1] });
    const svm = chosen.report.svm!;
    expect(svm.accuracyByShare.map((s) => s.share)).toEqual([0, 0.5, 1]);
    const best = Math.max(...svm.accuracyByShare.map((s) => s.accuracy));
    expect(svm.accuracyByShare.find((s) => s.share === svm.share)!.accuracy).toBe(best);
    expect(svm.accuracyByShare.find((s) => s.accuracy === best)!.share).toBe(svm.share);
    const forced = trainModel(train, { ...base, svmShares: [0.5] });
    expect(forced.report.svm!.share).toBe(0.5);
    expect(Buffer.from(forced.linear.weights.buffer)).not.toEqual(Buffer.from(plain.linear.weights.buffer));
  });
});
