import { parseArgs } from 'node:util';
import { startDemo, type DemoTally } from '../app/index.js';
import { createLogger } from '../log/index.js';
import { UsageError, type Command } from './command.js';

const options = {
  port: { type: 'string', default: '3000' },
  'data-dir': { type: 'string', default: './data/demo' },
  history: { type: 'string', default: '3000' },
  'interval-ms': { type: 'string', default: '3000' },
  duration: { type: 'string' },
  seed: { type: 'string', default: '2026' },
} as const;

function whole(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new UsageError(`${flag}: expected a whole number from ${min} to ${max}, got '${value}'`);
  return n;
}

function describe(t: DemoTally): string {
  const accuracy = t.accuracy === null ? '-' : `${(t.accuracy * 100).toFixed(1)} %`;
  return (
    `sent ${t.sent} | routed ${t.routed} | to review ${t.review} | failed ${t.failed} | ` +
    `pending ${t.pending} | routed to the right department: ${accuracy}`
  );
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the whole main job on the embedded default (emulator, PGlite, in-process queue)',
  usage:
    'usage: mailroute demo [--port N] [--data-dir DIR] [--history N] [--interval-ms N] [--duration S] [--seed N]\n\n' +
    '  Starts a Graph emulator with the demo tenant Fjordby Kommune, trains the first model from its\n' +
    '  sorted history (--history mails, default 3000), then sends a new mail to post@fjordby.dk every\n' +
    '  --interval-ms (default 3000) and routes it live. DIR (default ./data/demo) is wiped at start.\n' +
    '  --duration S stops after S seconds and prints the final tally as JSON (headless runs).',
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({ args, options, strict: true, allowPositionals: false }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const port = whole(values.port, '--port', 1, 65535);
    const duration =
      values.duration === undefined ? undefined : whole(values.duration, '--duration', 1, 86_400);
    const say = (line: string) => process.stdout.write(`${line}\n`);
    const logger = createLogger({ level: 'warn', pretty: process.stdout.isTTY });
    say('mailroute demo: starting the Graph emulator with Fjordby Kommune and training the first model...');
    const demo = await startDemo({
      port,
      dataDir: values['data-dir'],
      historyCount: whole(values.history, '--history', 50, 100_000),
      intervalMs: whole(values['interval-ms'], '--interval-ms', 50, 3_600_000),
      seed: whole(values.seed, '--seed', 0, 2 ** 31),
      logger,
      say,
    });
    say(`API and webhooks: ${demo.url}   metrics: ${demo.url}/metrics   health: ${demo.url}/readyz`);
    say(`Graph emulator:   ${demo.emulatorUrl}`);
    say(`model:            ${demo.modelDir}`);
    say('new mail arrives at post@fjordby.dk; Ctrl-C stops the demo.');
    const progress = setInterval(() => {
      demo.tally().then(
        (t) => say(describe(t)),
        (error: unknown) => logger.warn({ err: error }, 'could not count the tally'),
      );
    }, 10_000);
    const stop = await new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
      if (duration !== undefined) setTimeout(() => resolve('duration'), duration * 1000).unref();
    });
    clearInterval(progress);
    const final = await demo.tally();
    say(describe(final));
    if (stop === 'duration') say(JSON.stringify({ tally: final }));
    await demo.close();
    return 0;
  },
};
