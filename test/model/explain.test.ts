import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadModel,
  saveModel,
  trainModel,
  type Explanation,
  type LoadedModel,
  type MailRecord,
} from '../../src/model/index.js';
import {
  DEFAULT_FEATURIZER_SPEC,
  Featurizer,
  featureSource,
  maskPii,
  tokenize,
  type MailInput,
} from '../../src/text/index.js';

// A small model trained through the real featurizer: three targets, a sender and phone numbers that
// occur often enough in training (minDf 2) to carry weight, 2^12 buckets so n-gram buckets are shared.
const vocabulary: Record<string, { subject: string; words: string[]; from: (i: number) => string }> = {
  parkering: {
    subject: 'Klage over parkeringsafgift',
    words: ['parkeringsafgift', 'p-vagten', 'beboerlicens', 'gaden', 'bilen', 'zone'],
    from: (i) => (i % 2 === 0 ? 'Mette K <mette.k@hotmail.com>' : `Borger ${i} <borger${i}@gmail.com>`),
  },
  skat: {
    subject: 'Spørgsmål om årsopgørelse',
    words: ['årsopgørelse', 'restskat', 'fradrag', 'forskudsopgørelse', 'skattekort', 'renter'],
    from: (i) => `Borger ${i} <borger${i}@gmail.com>`,
  },
  borgerservice: {
    subject: 'Nyt pas',
    words: ['pas', 'kørekort', 'sundhedskort', 'flytning', 'adresse', 'tid'],
    from: (i) => `Borger ${i} <borger${i}@outlook.dk>`,
  },
};

const records: MailRecord[] = Object.entries(vocabulary).flatMap(([label, v], l) =>
  Array.from({ length: 12 }, (_, i) => {
    const words = v.words.filter((_, k) => (k + i) % 3 !== 0).join(' ');
    // Every other borgerservice mail leaves a phone number: [phone] becomes a feature of that target.
    const phone = label === 'borgerservice' && i % 2 === 0 ? ` Ring på tlf. 2${l}${i % 10} 30 40 50.` : '';
    return {
      id: `${label}-${i}`,
      label,
      date: null,
      mail: { subject: v.subject, body: `Hej. ${words}.${phone}`, from: v.from(i), to: 'post@kommune.dk' },
    };
  }),
);

/** Mette K's mail from the audit: her address, a CPR number and a phone number in the text. */
const mette: MailInput = {
  subject: 'Klage over parkeringsafgift',
  body:
    'Hej\n\nP-vagten gav bilen en parkeringsafgift i gaden, selvom jeg har beboerlicens. ' +
    'Mit CPR er 010190-1234, ring på tlf. 20 30 40 50 eller skriv til mette.k@hotmail.com.',
  from: 'Mette K <mette.k@hotmail.com>',
  to: ['post@kommune.dk', 'parkering@kommune.dk'],
};

const temp = mkdtempSync(join(tmpdir(), 'mailroute-explain-test-'));
let model: LoadedModel;

beforeAll(async () => {
  const trained = trainModel(records, {
    seed: 7,
    featurizer: { buckets: 1 << 12 },
    maxEpochs: 5,
    weightType: 'float32',
  });
  await saveModel(temp, trained);
  model = await loadModel(temp);
});

afterAll(async () => {
  await model.dispose();
  rmSync(temp, { recursive: true, force: true });
});

/** Every feature with a contribution, not only the first eight of each side. */
async function fullExplanation(mail: MailInput): Promise<Explanation> {
  const [prediction] = await model.predict([mail], { explain: true, explainFeatures: 100_000 });
  return prediction!.explanation!;
}

const featuresOf = (e: Explanation): string[] => [
  ...e.towards.map((f) => f.feature),
  ...e.awayFrom.features.map((f) => f.feature),
];

describe('prediction explanations', () => {
  it('show no e-mail address, phone number or CPR number of the mail, but keep the domain readable', async () => {
    const [shown] = await model.predict([mette], { explain: true });
    const full = await fullExplanation(mette);
    for (const explanation of [shown!.explanation!, full]) {
      const text = JSON.stringify(explanation);
      for (const personal of ['mette.k', '@', '010190', '1234', '20 30', '2030', '40 50'])
        expect(text).not.toContain(personal);
    }
    const features = featuresOf(full);
    expect(features).toContain('from:[email]');
    expect(features).toContain('domain:hotmail.com');
    // Two recipients, both masked, are one entry.
    expect(features.filter((f) => f === 'to:[email]').length).toBe(1);
  });

  it('list character n-grams per word, and all entries still add up to the margin over the runner-up', async () => {
    const full = await fullExplanation(mette);
    const chars = featuresOf(full).filter((f) => f.startsWith('chars:'));
    expect(chars).toContain('chars:parkeringsafgift');
    // One entry per word, each a whole word of the mail (no padded n-gram like "chars:_par").
    expect(new Set(chars).size).toBe(chars.length);
    const words = new Set([
      ...tokenize(maskPii(`${mette.subject} ${mette.body}`).text),
      ...tokenize('Mette K mette.k@hotmail.com'), // the sender counted as content
    ]);
    for (const name of chars) expect(words).toContain(name.slice('chars:'.length));

    // The margin logit_t - logit_r without the biases, from the TypeScript forward pass; a mail with no
    // features gives the biases.
    const target = model.labels.indexOf(full.target);
    const runnerUp = model.labels.indexOf(full.awayFrom.label);
    const empty: MailInput = { subject: null, body: '', from: null, to: null };
    const p = model.probabilitiesTs([mette, empty]);
    const C = model.labels.length;
    const margin = Math.log(p[target]! / p[runnerUp]!) - Math.log(p[C + target]! / p[C + runnerUp]!);
    const sum = (list: { weight: number }[]): number => list.reduce((s, f) => s + f.weight, 0);
    expect(Math.abs(sum(full.towards) - sum(full.awayFrom.features) - margin)).toBeLessThan(1e-9);
  });

  it('gives a mask token one readable entry, not fragments of "[phone]"', async () => {
    const mail: MailInput = {
      subject: 'Nyt pas',
      body: 'Hej. Jeg skal have nyt pas og kørekort. Ring på tlf. 20 30 40 50.',
      from: 'Borger 99 <borger99@outlook.dk>',
      to: 'post@kommune.dk',
    };
    const features = featuresOf(await fullExplanation(mail));
    expect(features.filter((f) => f === 'chars:[phone]').length).toBe(1);
    // Brackets only as whole mask tokens.
    const rest = features.map((f) => f.replace(/\[(?:cpr|email|phone|iban|account)\]/g, ''));
    expect(rest.filter((f) => /[[\]]/.test(f))).toEqual([]);
  });

  it('splits an n-gram bucket between the words of the mail by how much each added to its count', () => {
    const spec = { ...DEFAULT_FEATURIZER_SPEC, buckets: 1 << 12 };
    // "ana" is in "banan" once (counted twice: the word occurs twice) and in "ananas" twice.
    const source = featureSource({ subject: null, body: 'banan banan ananas', from: null, to: null });
    const rows = new Featurizer(spec).count([source], { names: true });
    const names = rows.names![0]!;
    const charWords = rows.charWords![0]!;
    const ana = [...names].find(([, name]) => name === 'chars:ana')![0];
    expect(Object.fromEntries(charWords.get(ana)!)).toEqual({ banan: 2, ananas: 2 });
    // Every character bucket's count is exactly what its words added.
    for (let k = 0; k < rows.indptr[1]!; k++) {
      const words = charWords.get(rows.indices[k]!);
      if (!words) continue;
      expect([...words.values()].reduce((s, n) => s + n, 0)).toBe(rows.values[k]);
    }
    expect(charWords.size).toBeGreaterThan(0);
  });
});
