// Writes check datasets derived from the sets of shared/data, for bench:model through
// MAILROUTE_BENCH_DATA: the same mails as other routing tasks than the ones the defaults were chosen on.
//
//   npx tsx bench/derived-datasets.ts <out-dir> [<shared data dir>]
//   MAILROUTE_BENCH_DATA=<out-dir> npm run bench:model -- --peers sklearn-linearsvc,sklearn-logreg
//
// - 20ng-coarse: the label cut to its top level (comp, rec, sci, talk, alt, misc, soc): 7 targets of
//   480 to 2,936 training mails, most of them several topics at once, like a department mailbox that
//   receives several kinds of case.
// - 20ng-subject: the body left out, so a mail is its subject and sender: short texts.
// - massive-da-intent: MASSIVE-da's intent (its `intent` field) as the target instead of its scenario:
//   60 Danish targets, some of them a few dozen utterances, like an organisation with many mailboxes.
// - massive-da-departments: MASSIVE-da's 18 scenarios grouped into 5 departments of 2 to 5 scenarios
//   each (the grouping below, fixed before anything was measured on it): Danish targets that are
//   several kinds of request at once.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonlLines } from './jsonl.js';

const [out, shared = '/work/shared/data'] = process.argv.slice(2);
if (!out) {
  process.stderr.write('usage: npx tsx bench/derived-datasets.ts <out-dir> [<shared data dir>]\n');
  process.exit(2);
}

/** A record of a JSON-lines file, kept as parsed (only the fields a derivation names are read). */
type JsonRecord = Record<string, unknown>;

interface DerivedSet {
  /** The dataset of the shared data dir it is made from. */
  source: string;
  /** The derived record; `where` names the record in errors. */
  derive: (record: JsonRecord, where: string) => JsonRecord;
}

const DEPARTMENT_OF_SCENARIO: Record<string, string> = {
  calendar: 'kalender',
  alarm: 'kalender',
  datetime: 'kalender',
  play: 'medier',
  music: 'medier',
  audio: 'medier',
  news: 'medier',
  iot: 'hjem',
  lists: 'hjem',
  cooking: 'hjem',
  takeaway: 'hjem',
  email: 'kommunikation',
  social: 'kommunikation',
  qa: 'information',
  weather: 'information',
  general: 'information',
  recommendation: 'information',
  transport: 'information',
};

function field(record: JsonRecord, name: string, where: string): string {
  const value = record[name];
  if (typeof value !== 'string' || value === '') throw new Error(`${where}: no "${name}"`);
  return value;
}

const derived: Record<string, DerivedSet> = {
  '20ng-coarse': {
    source: '20newsgroups-bydate',
    derive: (record, where) => ({ ...record, label: field(record, 'label', where).split('.')[0] }),
  },
  '20ng-subject': { source: '20newsgroups-bydate', derive: (record) => ({ ...record, body: '' }) },
  'massive-da-intent': {
    source: 'massive-da',
    derive: (record, where) => ({ ...record, label: field(record, 'intent', where) }),
  },
  'massive-da-departments': {
    source: 'massive-da',
    derive: (record, where) => {
      const scenario = field(record, 'label', where);
      const department = DEPARTMENT_OF_SCENARIO[scenario];
      if (!department) throw new Error(`${where}: scenario "${scenario}" has no department`);
      return { ...record, label: department };
    },
  },
};

for (const [name, { source, derive }] of Object.entries(derived)) {
  mkdirSync(join(out, name), { recursive: true });
  for (const split of ['train', 'test']) {
    const path = join(shared, source, `${split}.jsonl`);
    const records = jsonlLines(path).map((line, i) =>
      JSON.stringify(derive(JSON.parse(line) as JsonRecord, `${path}, record ${i + 1}`)),
    );
    writeFileSync(join(out, name, `${split}.jsonl`), records.join('\n') + '\n');
    process.stderr.write(`${name}/${split}.jsonl: ${records.length} mails\n`);
  }
}
