import { readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_CLIENT,
  measureEmulator,
  seedFromEml,
  seedFromJsonl,
  startGraphEmulator,
} from '../emulator/index.js';
import { UsageError, type Command } from './command.js';

const options = {
  port: { type: 'string' },
  host: { type: 'string' },
  'seed-jsonl': { type: 'string' },
  'seed-eml': { type: 'string' },
  mailbox: { type: 'string' },
  mailboxes: { type: 'string' },
  limit: { type: 'string' },
  'ca-out': { type: 'string' },
  'exit-after-start': { type: 'boolean', default: false },
  measure: { type: 'string' },
} as const;

const usage = `usage: mailroute emulator [--port N] [--host H] [--mailbox ADDR] [--mailboxes A,B,...]
                          [--seed-jsonl FILE [--limit N]] [--seed-eml DIR] [--ca-out FILE]
                          [--exit-after-start]
       mailroute emulator --measure N

  Starts the local Microsoft Graph emulator over HTTPS (a CA it generates signs its certificate).
  --mailbox          the mailbox to seed (default post@kommune.example); created with --mailboxes
  --mailboxes        further mailboxes to create (comma separated), e.g. department mailboxes
  --seed-jsonl FILE  deliver each line ({id, subject, body, from, to, date, label}) into the inbox
  --seed-eml DIR     deliver every .eml file of DIR into the inbox
  --ca-out FILE      where to write the CA certificate (default $TMPDIR/mailroute-emulator-ca.pem)
  --exit-after-start print the URLs and stop (for scripts and docs)
  --measure N        seed N messages and time token, delta sync, list paging and $batch over HTTPS
  Client: ${DEFAULT_CLIENT.clientId} / secret ${DEFAULT_CLIENT.clientSecret ?? ''}.`;

function parse(args: string[]) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name}: expected a number, got '${value}'`);
  return Number(value);
}

export const emulatorCommand: Command = {
  name: 'emulator',
  summary: 'run the local Microsoft Graph emulator (HTTPS, token endpoint, mailboxes, webhooks)',
  usage,
  async run(args) {
    const values = parse(args);
    const measure = integer('measure', values.measure);
    if (measure !== undefined) {
      const rows = await measureEmulator(measure);
      process.stdout.write('scenario                        requests  messages        ms  messages/s\n');
      for (const r of rows) {
        const rate = r.messages > 0 ? Math.round((r.messages / r.ms) * 1000) : 0;
        process.stdout.write(
          `${r.scenario.padEnd(30)}  ${String(r.requests).padStart(8)}  ${String(r.messages).padStart(8)}  ${r.ms.toFixed(1).padStart(8)}  ${String(rate).padStart(10)}\n`,
        );
      }
      return 0;
    }
    const port = integer('port', values.port) ?? 0;
    const limit = integer('limit', values.limit);
    const mailbox = values.mailbox ?? 'post@kommune.example';
    const emulator = await startGraphEmulator({ port, ...(values.host ? { host: values.host } : {}) });
    try {
      emulator.addMailbox(mailbox);
      for (const extra of (values.mailboxes ?? '').split(',').map((m) => m.trim())) {
        if (extra !== '') emulator.addMailbox(extra);
      }
      if (values['seed-jsonl']) {
        const seeded = await seedFromJsonl(
          emulator,
          values['seed-jsonl'],
          mailbox,
          limit === undefined ? {} : { limit },
        );
        process.stdout.write(
          `seeded ${seeded.delivered} messages into ${mailbox} (${seeded.skipped} lines skipped)\n`,
        );
      }
      if (values['seed-eml']) {
        const dir = values['seed-eml'];
        const files = (await readdir(dir)).filter((f) => f.endsWith('.eml')).map((f) => join(dir, f));
        const seeded = await seedFromEml(emulator, files, mailbox);
        process.stdout.write(`seeded ${seeded.delivered} .eml messages into ${mailbox}\n`);
      }
      const caPath = resolve(values['ca-out'] ?? join(tmpdir(), 'mailroute-emulator-ca.pem'));
      await writeFile(caPath, emulator.caCertPem);
      process.stdout.write(
        [
          `Graph emulator listening on ${emulator.baseUrl}`,
          `  graph:      ${emulator.graphUrl}`,
          `  authority:  ${emulator.authority}`,
          `  token:      ${emulator.authority}/oauth2/v2.0/token`,
          `  metadata:   ${emulator.authority}/v2.0/.well-known/openid-configuration`,
          `  tenant:     ${emulator.tenantId}`,
          `  client:     ${DEFAULT_CLIENT.clientId} (secret: ${DEFAULT_CLIENT.clientSecret ?? ''})`,
          `  mailboxes:  ${[mailbox, ...(values.mailboxes ?? '').split(',').filter((m) => m.trim() !== '')].join(', ')}`,
          `  CA written: ${caPath}`,
          '',
        ].join('\n'),
      );
      if (values['exit-after-start']) return 0;
      await new Promise<void>((done) => {
        process.once('SIGINT', () => done());
        process.once('SIGTERM', () => done());
      });
      return 0;
    } finally {
      await emulator.close();
    }
  },
};
