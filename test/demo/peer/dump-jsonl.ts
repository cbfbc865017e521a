/**
 * Writes a demo history and a stream sample as JSONL (shared/data format plus `ambiguous`, `html` and
 * attachment names), for peers outside TypeScript (sklearn-baseline.py).
 * Usage: npx tsx test/demo/peer/dump-jsonl.ts <seed> <history count> <stream count> <out dir>
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoHistory, demoMailStream, toJsonlRow, type DemoMail } from '../../../src/demo/index.js';

const [seedArg = '1', historyArg = '2000', streamArg = '1000', outDir = '.'] = process.argv.slice(2);
const seed = Number(seedArg);
const epoch = new Date('2026-11-01T00:00:00Z');
const history = demoHistory({ seed, count: Number(historyArg), endDate: epoch });
const stream = demoMailStream({ seed: seed + 100, startDate: epoch });
const fresh = Array.from({ length: Number(streamArg) }, () => stream.next().value);

const line = (mail: DemoMail, id: string): string =>
  JSON.stringify({
    ...toJsonlRow(mail, id),
    ambiguous: mail.ambiguous,
    html: mail.contentType === 'html',
    attachments: (mail.attachments ?? []).map((attachment) => attachment.name),
  });

writeFileSync(
  join(outDir, 'demo-train.jsonl'),
  history.map((mail, i) => line(mail, `h${i}`)).join('\n') + '\n',
);
writeFileSync(join(outDir, 'demo-test.jsonl'), fresh.map((mail, i) => line(mail, `s${i}`)).join('\n') + '\n');
console.log(`wrote ${history.length} history and ${fresh.length} stream mails to ${outDir}`);
