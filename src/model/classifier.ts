// Serving: a loaded model version behind the small `Classifier` port used by routing.
// Micro-batched (32 mails per ONNX run); explanations come from the same weights the graph holds.
import { Featurizer, featureSource, type MailInput, type SparseRows, type Idf } from '../text/index.js';
import type { LinearModel } from './linear.js';
import { logits, softmaxRows } from './linear.js';
import { readModelDir, type ModelManifest } from './model-dir.js';
import { readOnnxWeights } from './onnx-graph.js';
import { createLinearSession, type LinearSession } from './onnx-session.js';
import { packPadded, packPieces } from './packing.js';

export interface ScoredTarget {
  label: string;
  probability: number;
}

export interface FeatureContribution {
  /**
   * Readable form, PII-masked: a word, "w1 w2", "subject:word", "from:[email]", "to:[email]",
   * "domain:x.dk", "attachment:pdf", or "chars:word" for the character n-grams of one word together.
   */
  feature: string;
  weight: number;
}

export interface Explanation {
  target: string;
  /** Features that pushed the mail towards `target` rather than the runner-up, strongest first. */
  towards: FeatureContribution[];
  /** Features that pulled it towards the runner-up instead. */
  awayFrom: { label: string; features: FeatureContribution[] };
}

export interface Prediction {
  top: ScoredTarget[];
  explanation?: Explanation;
}

export interface PredictOptions {
  topK?: number;
  explain?: boolean;
  /** How many features each side of an explanation lists. */
  explainFeatures?: number;
}

/** The port routing uses. */
export interface Classifier {
  readonly labels: readonly string[];
  readonly version: string;
  predict(mails: readonly MailInput[], options?: PredictOptions): Promise<Prediction[]>;
  dispose(): Promise<void>;
}

export const BATCH_SIZE = 32;
/** Sub-batch of graphs that take one padded row per mail. */
const SUB_BATCH = 8;

export class LoadedModel implements Classifier {
  readonly labels: readonly string[];
  readonly version: string;
  private readonly featurizer: Featurizer;
  private disposed = false;

  private constructor(
    readonly manifest: ModelManifest,
    private readonly idf: Idf,
    /** The served weights (temperature folded), decoded from model.onnx. */
    private readonly weights: LinearModel,
    private readonly session: LinearSession,
  ) {
    this.labels = manifest.labels;
    this.version = manifest.version;
    this.featurizer = new Featurizer(manifest.featurizer.spec);
  }

  static async load(dir: string): Promise<LoadedModel> {
    const { manifest, onnxBytes, idf } = await readModelDir(dir);
    const { model } = readOnnxWeights(onnxBytes);
    if (model.classes !== manifest.labels.length || model.buckets !== manifest.featurizer.spec.buckets) {
      throw new Error(
        `${dir}: model.onnx shape [${model.buckets}, ${model.classes}] does not match the manifest`,
      );
    }
    const session = await createLinearSession(onnxBytes, { threads: 1 });
    return new LoadedModel(manifest, idf, model, session);
  }

  /** Featurized, TF-IDF weighted rows (names kept when asked for). */
  features(mails: readonly MailInput[], names = false): SparseRows {
    const rows = this.featurizer.count(
      mails.map((mail) => featureSource(mail, this.featurizer.spec)),
      { names },
    );
    return this.idf.transform(rows, this.manifest.featurizer.spec);
  }

  /** Probabilities [mails * classes] from the ONNX graph. */
  async probabilities(mails: readonly MailInput[]): Promise<Float32Array> {
    const out = new Float32Array(mails.length * this.labels.length);
    for (let start = 0; start < mails.length; start += BATCH_SIZE) {
      const rows = this.features(mails.slice(start, start + BATCH_SIZE));
      out.set(await this.runRows(rows), start * this.labels.length);
    }
    return out;
  }

  /** Probabilities [mails * classes] from the TypeScript forward pass over the same weights. */
  probabilitiesTs(mails: readonly MailInput[]): Float64Array {
    return softmaxRows(logits(this.weights, this.features(mails)), this.labels.length);
  }

  /**
   * Runs one batch of rows through the ONNX session: the whole batch in one run, long mails cut into
   * pieces. Graphs without a `pieces` input pad every mail to the longest of its run, so there the
   * batch is cut into sub-batches of similar length (sorted by feature count): one long mail then does
   * not make 31 short ones pay for its padding.
   */
  async runRows(rows: SparseRows): Promise<Float32Array> {
    this.assertOpen();
    if (this.session.takesPieces) return this.session.run(packPieces(rows));
    const C = this.labels.length;
    const out = new Float32Array(rows.rows * C);
    const length = (r: number): number => rows.indptr[r + 1]! - rows.indptr[r]!;
    const order = Array.from({ length: rows.rows }, (_, r) => r).sort(
      (a, b) => length(a) - length(b) || a - b,
    );
    for (let s = 0; s < order.length; s += SUB_BATCH) {
      const part = order.slice(s, s + SUB_BATCH);
      const probabilities = await this.session.run(packPadded(rows, part));
      part.forEach((r, i) => out.set(probabilities.subarray(i * C, (i + 1) * C), r * C));
    }
    return out;
  }

  async predict(mails: readonly MailInput[], options: PredictOptions = {}): Promise<Prediction[]> {
    const topK = Math.max(1, Math.min(options.topK ?? 3, this.labels.length));
    const C = this.labels.length;
    const predictions: Prediction[] = [];
    for (let start = 0; start < mails.length; start += BATCH_SIZE) {
      const batch = mails.slice(start, start + BATCH_SIZE);
      const rows = this.features(batch, options.explain === true);
      const probabilities = await this.runRows(rows);
      for (let r = 0; r < batch.length; r++) {
        const order = Array.from({ length: C }, (_, c) => c).sort(
          (a, b) => probabilities[r * C + b]! - probabilities[r * C + a]! || a - b,
        );
        const prediction: Prediction = {
          top: order
            .slice(0, topK)
            .map((c) => ({ label: this.labels[c]!, probability: probabilities[r * C + c]! })),
        };
        if (options.explain && C >= 2) {
          prediction.explanation = this.explain(rows, r, order[0]!, order[1]!, options.explainFeatures ?? 8);
        }
        predictions.push(prediction);
      }
    }
    return predictions;
  }

  /**
   * Contribution of feature j: value_j * (W[j, target] - W[j, runner-up]). A character n-gram bucket's
   * contribution goes to the words whose n-grams it counts, in proportion to what each word added to its
   * count, and is listed per word ("chars:word"): the overlapping n-grams of one word say one thing.
   * Features with the same readable name are summed, so all entries still add up to the margin.
   */
  private explain(rows: SparseRows, r: number, target: number, runnerUp: number, count: number): Explanation {
    const C = this.labels.length;
    const names = rows.names?.[r];
    const charWords = rows.charWords?.[r];
    const byName = new Map<string, number>();
    const add = (feature: string, weight: number): void => {
      byName.set(feature, (byName.get(feature) ?? 0) + weight);
    };
    for (let k = rows.indptr[r]!; k < rows.indptr[r + 1]!; k++) {
      const j = rows.indices[k]!;
      const weight =
        rows.values[k]! * (this.weights.weights[j * C + target]! - this.weights.weights[j * C + runnerUp]!);
      if (weight === 0) continue;
      const words = charWords?.get(j);
      if (words) {
        let total = 0;
        for (const n of words.values()) total += n;
        for (const [word, n] of words) add(`chars:${word}`, (weight * n) / total);
      } else {
        add(names?.get(j) ?? `#${j}`, weight);
      }
    }
    const contributions = [...byName]
      .filter(([, weight]) => weight !== 0)
      .map(([feature, weight]) => ({ feature, weight }));
    contributions.sort((a, b) => b.weight - a.weight || (a.feature < b.feature ? -1 : 1));
    // Names are PII-masked where the featurizer makes them (from:[email], to:[email]); every other name
    // comes from text that was masked before it was counted.
    const towards = contributions.filter((c) => c.weight > 0).slice(0, count);
    const away = contributions
      .filter((c) => c.weight < 0)
      .reverse()
      .slice(0, count)
      .map((c) => ({ feature: c.feature, weight: -c.weight }));
    return {
      target: this.labels[target]!,
      towards,
      awayFrom: { label: this.labels[runnerUp]!, features: away },
    };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release();
  }

  private assertOpen(): void {
    if (this.disposed) throw new Error(`model ${this.version.slice(0, 12)} is disposed`);
  }
}

/** Loads a model directory (verifying checksums) and opens its ONNX session. */
export function loadModel(dir: string): Promise<LoadedModel> {
  return LoadedModel.load(dir);
}
