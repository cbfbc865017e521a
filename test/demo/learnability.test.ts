import { compile } from 'html-to-text';
import { describe, expect, it } from 'vitest';
import { demoHistory, demoMailStream, type DemoMail } from '../../src/demo/index.js';

/**
 * How learnable is the demo corpus? A crude multinomial naive Bayes over words (subject words marked)
 * trained on 2,000 history mails and scored on 500 new stream mails. The printed accuracy is what the
 * report quotes; the assertions only guard the two failure modes that would ruin the demo: a corpus
 * nothing can learn, and one so regular that any model is always right.
 */
const htmlToText = compile({ wordwrap: false });

function tokens(mail: DemoMail): string[] {
  const body = mail.contentType === 'html' ? htmlToText(mail.body) : mail.body;
  const words = (value: string): string[] => value.toLowerCase().match(/\p{L}[\p{L}-]*/gu) ?? [];
  return [...words(mail.subject).map((word) => `s:${word}`), ...words(body)];
}

class NaiveBayes {
  private readonly wordCounts = new Map<string, Map<string, number>>();
  private readonly totals = new Map<string, number>();
  private readonly docs = new Map<string, number>();
  private readonly vocabulary = new Set<string>();
  private documents = 0;

  train(mails: DemoMail[]): void {
    for (const mail of mails) {
      this.documents += 1;
      this.docs.set(mail.label, (this.docs.get(mail.label) ?? 0) + 1);
      const counts = this.wordCounts.get(mail.label) ?? new Map<string, number>();
      this.wordCounts.set(mail.label, counts);
      for (const token of tokens(mail)) {
        this.vocabulary.add(token);
        counts.set(token, (counts.get(token) ?? 0) + 1);
        this.totals.set(mail.label, (this.totals.get(mail.label) ?? 0) + 1);
      }
    }
  }

  predict(mail: DemoMail): string {
    let best = '';
    let bestScore = Number.NEGATIVE_INFINITY;
    const words = tokens(mail).filter((token) => this.vocabulary.has(token));
    for (const [label, docs] of this.docs) {
      const counts = this.wordCounts.get(label);
      const denominator = (this.totals.get(label) ?? 0) + this.vocabulary.size;
      let score = Math.log(docs / this.documents);
      for (const word of words) score += Math.log(((counts?.get(word) ?? 0) + 1) / denominator);
      if (score > bestScore) {
        bestScore = score;
        best = label;
      }
    }
    return best;
  }
}

describe('demo corpus learnability (naive-Bayes baseline)', () => {
  it('is learnable but not trivially so', () => {
    const history = demoHistory({ seed: 2026, count: 2000, endDate: new Date('2026-11-01T00:00:00Z') });
    const stream = demoMailStream({ seed: 2027, startDate: new Date('2026-11-01T00:00:00Z') });
    const fresh = Array.from({ length: 500 }, () => stream.next().value);
    const model = new NaiveBayes();
    model.train(history);
    const right = fresh.filter((mail) => model.predict(mail) === mail.label);
    const ambiguous = fresh.filter((mail) => mail.ambiguous);
    const ambiguousRight = ambiguous.filter((mail) => model.predict(mail) === mail.label);
    const accuracy = right.length / fresh.length;
    console.log(
      `naive Bayes, 2,000 history -> 500 stream mails: accuracy ${(accuracy * 100).toFixed(1)} %` +
        ` (ambiguous: ${ambiguousRight.length}/${ambiguous.length}); chance (majority class) ~22 %`,
    );
    expect(accuracy).toBeGreaterThan(0.5);
    expect(accuracy).toBeLessThan(0.99);
  });
});
