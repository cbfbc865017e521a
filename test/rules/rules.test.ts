import { describe, expect, it } from 'vitest';
import { compileRules, evaluateRules, InvalidRuleError, type RuleMail } from '../../src/rules/index.js';

const targets = ['byggesag', 'skat', 'parkering', 'borgerservice'];

function mail(overrides: Partial<RuleMail> = {}): RuleMail {
  return {
    senderAddress: 'jens@example.dk',
    recipients: ['post@kommune.dk'],
    subject: 'Spørgsmål',
    body: 'Hej, jeg har et spørgsmål.',
    attachments: [],
    headers: {},
    receivedAt: new Date('2026-11-23T10:00:00Z'), // a Monday, 11:00 in Copenhagen
    ...overrides,
  };
}

function problems(rules: unknown[]): string[] {
  try {
    compileRules(rules, { targets });
  } catch (error) {
    if (error instanceof InvalidRuleError) return error.problems;
    throw error;
  }
  throw new Error('expected InvalidRuleError');
}

describe('rules', () => {
  const rules = compileRules(
    [
      { name: 'skat-afsender', kind: 'override', target: 'skat', when: { senderDomain: '*skat.dk' } },
      {
        name: 'p-afgift',
        kind: 'override',
        target: 'parkering',
        when: { all: [{ subject: { regex: 'p-?afgift', flags: 'i' } }, { not: { sender: '*@kommune.dk' } }] },
      },
      { name: 'tegninger', kind: 'fallback', target: 'byggesag', when: { attachmentName: '*.dwg' } },
      {
        name: 'weekend',
        kind: 'fallback',
        target: 'borgerservice',
        when: {
          any: [{ received: { weekdays: ['sat', 'sun'] } }, { received: { from: '17:00', to: '07:00' } }],
        },
      },
      {
        name: 'slukket',
        kind: 'override',
        target: 'skat',
        enabled: false,
        when: { body: { contains: 'spørgsmål' } },
      },
      {
        name: 'prioritet',
        kind: 'fallback',
        target: 'borgerservice',
        when: { header: { name: 'X-Priority', value: { equals: '1' } } },
      },
    ],
    { targets },
  );

  it('lets the first matching override rule decide and records every hit', () => {
    const result = evaluateRules(
      rules,
      'override',
      mail({ senderAddress: 'noreply@sktst.skat.dk', subject: 'P-afgift' }),
    );
    expect(result.decidedBy?.name).toBe('skat-afsender');
    expect(result.decidedBy?.target).toBe('skat');
    expect(result.hits).toEqual(['skat-afsender', 'p-afgift']);
  });

  it('combines all / not, and matches sender wildcards case-insensitively', () => {
    expect(evaluateRules(rules, 'override', mail({ subject: 'Klage over PAFGIFT' })).decidedBy?.name).toBe(
      'p-afgift',
    );
    expect(
      evaluateRules(rules, 'override', mail({ subject: 'p-afgift', senderAddress: 'Ole@Kommune.dk' }))
        .decidedBy,
    ).toBeUndefined();
  });

  it('keeps fallback rules apart from override rules and skips disabled rules', () => {
    const m = mail({ attachments: [{ name: 'Tegning-1.DWG', contentType: 'application/acad' }] });
    expect(evaluateRules(rules, 'override', m).decidedBy).toBeUndefined();
    expect(evaluateRules(rules, 'fallback', m).decidedBy?.name).toBe('tegninger');
  });

  it('evaluates received time in the rule time zone, including windows across midnight', () => {
    const saturday = new Date('2026-11-28T12:00:00Z');
    const mondayEvening = new Date('2026-11-23T17:30:00Z'); // 18:30 in Copenhagen
    const mondayMorning = new Date('2026-11-23T05:30:00Z'); // 06:30 in Copenhagen
    const mondayNoon = new Date('2026-11-23T11:00:00Z');
    expect(evaluateRules(rules, 'fallback', mail({ receivedAt: saturday })).hits).toEqual(['weekend']);
    expect(evaluateRules(rules, 'fallback', mail({ receivedAt: mondayEvening })).hits).toEqual(['weekend']);
    expect(evaluateRules(rules, 'fallback', mail({ receivedAt: mondayMorning })).hits).toEqual(['weekend']);
    expect(evaluateRules(rules, 'fallback', mail({ receivedAt: mondayNoon })).hits).toEqual([]);
  });

  it('matches headers by case-insensitive name', () => {
    expect(evaluateRules(rules, 'fallback', mail({ headers: { 'x-priority': '1' } })).hits).toEqual([
      'prioritet',
    ]);
  });

  it('rejects an invalid rule with a message naming the rule and the field', () => {
    expect(
      problems([
        { name: 'a', kind: 'override', target: 'ukendt', when: { sender: '*@x.dk' } },
        { name: 'b', kind: 'override', target: 'skat', when: { subject: { regex: '([a-z' } } },
        { name: 'c', kind: 'sometimes', target: 'skat', when: { sender: 'x' } },
        { name: 'd', kind: 'override', target: 'skat', when: { any: [{ body: { regex: '(\\w+\\s?)+$' } }] } },
        { name: 'e', kind: 'fallback', target: 'skat', when: { received: { from: '25:00' } } },
        { name: 'f', kind: 'fallback', target: 'skat', when: { received: { timezone: 'Mars/Olympus' } } },
        { name: 'a', kind: 'fallback', target: 'skat', when: { subjekt: { contains: 'x' } } },
      ]),
    ).toEqual([
      "rule 'a': target: unknown target 'ukendt' (known: byggesag, skat, parkering, borgerservice)",
      expect.stringMatching(/^rule 'b': when\.subject\.regex: not a valid regular expression/),
      expect.stringMatching(/^rule 'c': kind: .*"override"\|"fallback"/),
      "rule 'd': when.any[0].body.regex: nested quantifier '(\\w+\\s?)+' can make matching take minutes; rewrite it",
      "rule 'e': when.received.from: expected a time HH:MM",
      "rule 'f': when.received.timezone: unknown time zone 'Mars/Olympus'",
      expect.stringMatching(/^rule 'a': when: unknown condition 'subjekt' \(expected one of all, any/),
    ]);
  });

  it('stops a regular expression that runs too long and counts it as no match', () => {
    // Star height 1, so it passes the save-time check, but it still backtracks exponentially.
    const slow = compileRules(
      [{ name: 'langsom', kind: 'fallback', target: 'skat', when: { body: { regex: '^(a|aa)*$' } } }],
      { targets },
    );
    const result = evaluateRules(slow, 'fallback', mail({ body: 'a'.repeat(200) + 'b' }));
    expect(result.hits).toEqual([]);
    expect(result.errors).toEqual([{ rule: 'langsom', message: expect.stringContaining('ran longer than') }]);
  });
});
