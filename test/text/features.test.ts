import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FEATURIZER_SPEC,
  Featurizer,
  featurizerSpecHash,
  featureSource,
  Idf,
  tokenize,
  type FeaturizerSpec,
} from '../../src/text/index.js';

const spec: FeaturizerSpec = { ...DEFAULT_FEATURIZER_SPEC, buckets: 1 << 16 };

const mail = {
  subject: 'SV: Ansøgning om byggetilladelse',
  body: 'Hej\n\nVedhæftet tegninger til carporten. Mit CPR er 010190-1234.\n\nVenlig hilsen\nJens',
  from: 'Jens Hansen <Jens.Hansen@Tegnestuen.dk>',
  to: 'post@kommune.dk',
  attachments: [{ name: 'Tegning.PDF', contentType: 'application/pdf' }],
};

function names(source = featureSource(mail), s = spec): string[] {
  const rows = new Featurizer(s).count([source], { names: true });
  return [...(rows.names?.[0]?.values() ?? [])];
}

describe('featurizer', () => {
  it('tokenizes Danish letters and keeps PII mask tokens whole', () => {
    expect(tokenize('Ærø Søndergade [CPR] blåbær-grød')).toEqual([
      'ærø',
      'søndergade',
      '[cpr]',
      'blåbær',
      'grød',
    ]);
  });

  it('keeps readable forms of subject, sender, domain, recipient, attachment, bigram and char features', () => {
    const all = names();
    expect(all).toContain('subject:byggetilladelse');
    // Addresses are hashed as they are but named masked; the domain stays readable.
    expect(all).toContain('from:[email]');
    expect(all).toContain('domain:tegnestuen.dk');
    expect(all).toContain('to:[email]');
    expect(all).toContain('attachment:pdf');
    expect(all).toContain('tegninger til');
    expect(all).toContain('chars:_car');
  });

  it("counts the sender's name and address as content words, bigrams and character n-grams when asked to", () => {
    const withName = { ...spec, senderText: true };
    const all = names(featureSource(mail, withName), withName);
    expect(all).toContain('hansen');
    expect(all).toContain('jens hansen');
    expect(all).toContain('tegnestuen');
    expect(all).toContain('chars:_hans');
    // Off in the spec, and by default (the field absent): the name is not content.
    for (const s of [{ ...spec, senderText: false }, spec]) {
      const without = names(featureSource(mail), s);
      expect(without).not.toContain('jens hansen');
      expect(without).not.toContain('tegnestuen');
      expect(without).toContain('from:[email]');
    }
  });

  it('hashes a masked CPR number as the [cpr] token, never the digits', () => {
    const all = names();
    expect(all).toContain('[cpr]');
    expect(all.some((n) => n.includes('010190'))).toBe(false);
  });

  it('masks PII in quoted history and the signature too, before anything is hashed', () => {
    const reply = {
      subject: 'SV: Parkeringstilladelse',
      body: [
        'Tak for svaret.',
        '',
        'Venlig hilsen',
        'Jens Hansen',
        'Tlf. 20 30 40 50',
        '',
        'Den 3. dec. 2026 skrev Borgerservice <post@kommune.dk>:',
        '> Send os dit CPR-nummer 010190-1234',
        '> og kontonummer DK5000400440116243',
      ].join('\n'),
      from: 'jens@example.dk',
      to: 'post@kommune.dk',
    };
    const source = featureSource(reply);
    expect(source.quoted).toContain('[CPR]');
    expect(source.signature).toContain('[PHONE]');
    for (const s of [
      { ...spec, signature: true },
      { ...spec, signature: 'merged' as const },
    ]) {
      const all = names(source, s);
      expect(all).toContain('[cpr]');
      expect(all.filter((n) => /010190|1234|20 30|2030|5000400440116243/.test(n))).toEqual([]);
    }
  });

  it('is deterministic: same mails give identical rows, with or without names', () => {
    const sources = [featureSource(mail), featureSource({ ...mail, subject: 'Parkering' })];
    const a = new Featurizer(spec).count(sources);
    const b = new Featurizer(spec).count(sources, { names: true });
    expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
    expect(Array.from(a.indptr)).toEqual([0, a.indptr[1], a.indices.length]);
  });

  it('turns feature groups off through the spec, and the spec hash follows the spec', () => {
    const off: FeaturizerSpec = { ...spec, sender: false, subject: false, charNgrams: null };
    const all = names(featureSource(mail), off);
    expect(all.some((n) => n.startsWith('from:') || n.startsWith('subject:') || n.startsWith('chars:'))).toBe(
      false,
    );
    expect(featurizerSpecHash(off)).not.toBe(featurizerSpecHash(spec));
    expect(featurizerSpecHash({ ...spec })).toBe(featurizerSpecHash(spec));
  });

  it('produces L2-normalised sublinear TF-IDF rows, and rare features weigh more', () => {
    const sources = [
      featureSource({ subject: null, body: 'parkering parkering bil', from: null, to: null }),
      featureSource({ subject: null, body: 'parkering cykel', from: null, to: null }),
    ];
    const noChars: FeaturizerSpec = { ...spec, charNgrams: null };
    const featurizer = new Featurizer(noChars);
    const counts = featurizer.count(sources);
    const idf = Idf.fit(counts, noChars.buckets);
    const rows = idf.transform(featurizer.count(sources, { names: true }), noChars);
    for (let r = 0; r < rows.rows; r++) {
      let norm = 0;
      for (let k = rows.indptr[r]!; k < rows.indptr[r + 1]!; k++) norm += rows.values[k]! ** 2;
      expect(norm).toBeCloseTo(1, 5);
    }
    const byName = new Map<string, number>();
    for (let k = rows.indptr[1]!; k < rows.indptr[2]!; k++)
      byName.set(rows.names![1]!.get(rows.indices[k]!)!, rows.values[k]!);
    expect(byName.get('cykel')!).toBeGreaterThan(byName.get('parkering')!);
    // idf survives its uint16 storage exactly
    expect(Array.from(Idf.fromBytes(idf.toBytes()).weights)).toEqual(Array.from(idf.weights));
  });

  it('drops features seen in fewer than minDf training mails: idf 0, out of the scores and the norm', () => {
    const noChars: FeaturizerSpec = { ...spec, charNgrams: null, wordNgramMax: 1 };
    const featurizer = new Featurizer(noChars);
    const training = featurizer.count([
      featureSource({ subject: null, body: 'parkering bil', from: null, to: null }),
      featureSource({ subject: null, body: 'parkering cykel', from: null, to: null }),
    ]);
    const idf = Idf.fit(training, noChars.buckets, 2);
    // A new mail: one word seen twice in training, one seen once, one never seen.
    const mail = featureSource({ subject: null, body: 'parkering cykel tandem', from: null, to: null });
    const rows = idf.transform(featurizer.count([mail], { names: true }), noChars);
    const byName = new Map<string, number>();
    for (let k = 0; k < rows.indptr[1]!; k++)
      byName.set(rows.names![0]!.get(rows.indices[k]!)!, rows.values[k]!);
    expect(byName.get('cykel')).toBe(0);
    expect(byName.get('tandem')).toBe(0);
    expect(byName.get('parkering')).toBeCloseTo(1, 6);
    // Without the threshold the rare words take part, and parkering's share of the norm shrinks.
    const all = Idf.fit(training, noChars.buckets).transform(featurizer.count([mail]), noChars);
    expect(Math.max(...all.values)).toBeLessThan(1);
  });

  it('costs no more for a 5 MB body than for its first maxChars characters', () => {
    const huge = 'byggesag '.repeat(600_000);
    const rows = new Featurizer(spec).count([
      featureSource({ subject: 'x', body: huge, from: null, to: null }),
    ]);
    const capped = new Featurizer(spec).count([
      {
        subject: 'x',
        text: huge.slice(0, spec.maxChars),
        quoted: '',
        signature: '',
        fromAddress: null,
        fromName: '',
        fromDomain: null,
        toAddresses: [],
        attachments: [],
      },
    ]);
    expect(rows.indices.length).toBe(capped.indices.length);
  });
});
