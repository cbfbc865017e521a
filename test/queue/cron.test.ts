import { describe, expect, it } from 'vitest';
import { InvalidCronError, parseCron } from '../../src/queue/index.js';

const next = (pattern: string, after: string): string =>
  parseCron(pattern).next(new Date(after)).toISOString();

describe('cron schedules (UTC)', () => {
  it('finds the next run of 5-field patterns', () => {
    expect(next('*/15 * * * *', '2026-11-23T10:07:30Z')).toBe('2026-11-23T10:15:00.000Z');
    expect(next('0 2 * * *', '2026-11-23T02:00:00Z')).toBe('2026-11-24T02:00:00.000Z');
    expect(next('30 23 31 12 *', '2026-11-23T00:00:00Z')).toBe('2026-12-31T23:30:00.000Z');
    expect(next('0 0 29 2 *', '2026-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
  });

  it('takes a leading seconds field when there are 6 fields', () => {
    expect(next('* * * * * *', '2026-11-23T10:07:30.400Z')).toBe('2026-11-23T10:07:31.000Z');
    expect(next('0 0 3 1 1 *', '2026-11-23T00:00:00Z')).toBe('2027-01-01T03:00:00.000Z');
    expect(next('10,40 * * * * *', '2026-11-23T10:07:30Z')).toBe('2026-11-23T10:07:40.000Z');
  });

  it('reads weekday names and ranges, and 7 as Sunday', () => {
    // 2026-11-28 is a Saturday.
    expect(next('0 9 * * mon-fri', '2026-11-28T12:00:00Z')).toBe('2026-11-30T09:00:00.000Z');
    expect(next('0 9 * * 7', '2026-11-28T12:00:00Z')).toBe('2026-11-29T09:00:00.000Z');
    expect(next('0 0 1 jan,jul *', '2026-11-23T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
  });

  it('matches either day field when both are restricted, as classic cron does', () => {
    // 13th of the month OR a Friday: the next after Mon 2026-11-23 is Fri 2026-11-27.
    expect(next('0 0 13 * 5', '2026-11-23T00:00:00Z')).toBe('2026-11-27T00:00:00.000Z');
  });

  it('rejects patterns it cannot evaluate, naming the problem', () => {
    expect(() => parseCron('60 * * * *')).toThrow(/minute '60'/);
    expect(() => parseCron('* * *')).toThrow(InvalidCronError);
    expect(() => parseCron('5-1 * * * *')).toThrow(/backwards/);
    expect(() => parseCron('*/0 * * * *')).toThrow(/step/);
    expect(() => parseCron('x * * * *')).toThrow(InvalidCronError);
    expect(() => parseCron('0 0 31 2 *').next(new Date('2026-01-01T00:00:00Z'))).toThrow(/never matches/);
  });
});
