import { describe, expect, it } from 'vitest';
import {
  DatasetError,
  mulberry32,
  parseJsonl,
  splitValidation,
  type MailRecord,
} from '../../src/model/index.js';

const DAY = 86_400_000;
const START = Date.parse('2024-01-01T00:00:00Z');

/** `n` records dated over 2024 in a shuffled order; the rows of `undated` have no date. */
function records(n: number, undated: ReadonlySet<number>): MailRecord[] {
  const random = mulberry32(7);
  return Array.from({ length: n }, (_, i) => {
    const date = undated.has(i) ? null : new Date(START + Math.floor(random() * 365) * DAY).toISOString();
    return { id: `m${i}`, mail: { subject: 's', body: 'b', from: null, to: null, date }, label: 'a', date };
  });
}

describe('the validation split by time', () => {
  for (const undatedCount of [0, 4, 20]) {
    it(`holds the newest dated mails, and none older than a training mail (${undatedCount} undated)`, () => {
      const undated = new Set(Array.from({ length: undatedCount }, (_, k) => 7 + k * 19));
      const rows = records(400, undated);
      const split = splitValidation(rows, new Int32Array(400), 1, 0.1, 42);
      expect(split.kind).toBe('time');
      expect(split.validation.length).toBe(40);
      expect(split.train.length + split.validation.length).toBe(400);
      const time = (i: number): number => Date.parse(rows[i]!.date!);
      const newestTrain = Math.max(
        ...Array.from(split.train)
          .filter((i) => !undated.has(i))
          .map(time),
      );
      for (const i of split.validation) {
        expect(undated.has(i)).toBe(false);
        expect(time(i)).toBeGreaterThanOrEqual(newestTrain);
      }
      for (const i of undated) expect(Array.from(split.train)).toContain(i);
    });
  }

  it('falls back to a random split when more than 5% of the mails are undated', () => {
    const undated = new Set(Array.from({ length: 30 }, (_, k) => k * 13));
    expect(splitValidation(records(400, undated), new Int32Array(400), 1, 0.1, 42).kind).toBe('random');
  });
});

describe('dates in training data', () => {
  it('stops at a date that is not a date, naming the line and the value', () => {
    const text = [
      '{"id":"1","subject":"a","body":"b","date":"2024-05-01T10:00:00Z","label":"x"}',
      '{"id":"2","subject":"a","body":"b","date":"sometime in May","label":"x"}',
    ].join('\n');
    expect(() => parseJsonl(text, { requireLabel: true })).toThrow(DatasetError);
    expect(() => parseJsonl(text, { requireLabel: true })).toThrow(
      /line 2: field 'date' is not a date: "sometime in May"/,
    );
  });

  it('takes RFC 2822 dates, as mail headers write them, and null', () => {
    const text = [
      '{"id":"1","subject":"a","body":"b","date":"Mon, 14 May 2001 16:39:00 -0700","label":"x"}',
      '{"id":"2","subject":"a","body":"b","date":null,"label":"x"}',
    ].join('\n');
    expect(parseJsonl(text, { requireLabel: true }).records).toHaveLength(2);
  });
});
