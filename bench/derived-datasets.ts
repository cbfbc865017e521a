// Writes two check datasets derived from 20 Newsgroups, for bench:model through MAILROUTE_BENCH_DATA:
// the same mails as other routing tasks than the one the defaults were chosen on.
//
//   npx tsx bench/derived-datasets.ts <out-dir> [<20newsgroups-bydate dir>]
//   MAILROUTE_BENCH_DATA=<out-dir> npm run bench:model -- --peers sklearn-linearsvc,sklearn-logreg
//
// - 20ng-coarse: the label cut to its top level (comp, rec, sci, talk, alt, misc, soc): 7 targets of
//   480 to 2,936 training mails, most of them several topics at once, like a department mailbox that
//   receives several kinds of case.
// - 20ng-subject: the body left out, so a mail is its subject and sender: short texts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonlLines } from './jsonl.js';

const [out, source = '/work/shared/data/20newsgroups-bydate'] = process.argv.slice(2);
if (!out) {
  process.stderr.write('usage: npx tsx bench/derived-datasets.ts <out-dir> [<20newsgroups-bydate dir>]\n');
  process.exit(2);
}

const derived: Record<string, (record: Record<string, unknown>) => Record<string, unknown>> = {
  '20ng-coarse': (record) => ({ ...record, label: String(record.label).split('.')[0] }),
  '20ng-subject': (record) => ({ ...record, body: '' }),
};

for (const [name, derive] of Object.entries(derived)) {
  mkdirSync(join(out, name), { recursive: true });
  for (const split of ['train', 'test']) {
    const records = jsonlLines(join(source, `${split}.jsonl`)).map((line) =>
      JSON.stringify(derive(JSON.parse(line) as Record<string, unknown>)),
    );
    writeFileSync(join(out, name, `${split}.jsonl`), records.join('\n') + '\n');
    process.stderr.write(`${name}/${split}.jsonl: ${records.length} mails\n`);
  }
}
