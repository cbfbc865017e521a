import { parseArgs } from 'node:util';
import { startMailroute, type Roles } from '../app/index.js';
import { configFileFromEnvironment, loadConfig, type Config } from '../config/index.js';
import { createLogger } from '../log/index.js';
import { UsageError, type Command } from './command.js';

function readConfig(file: string | undefined, port: string | undefined): Config {
  const path = file ?? configFileFromEnvironment();
  if (!path) throw new UsageError('no configuration: pass --config FILE or set MAILROUTE_CONFIG');
  const config = loadConfig({ file: path });
  if (port === undefined) return config;
  if (!/^\d{1,5}$/.test(port)) throw new UsageError(`--port: expected a port number, got '${port}'`);
  return { ...config, server: { ...config.server, port: Number(port) } };
}

/** Runs until SIGTERM or SIGINT, then stops gracefully within the configured deadline. */
export async function runUntilSignalled(config: Config, roles: Roles): Promise<number> {
  const logger = createLogger({ level: config.log.level, pretty: process.stdout.isTTY });
  const running = await startMailroute(config, roles, logger);
  process.stdout.write(
    `mailroute listening on ${running.url} (health: /healthz, /readyz; metrics: /metrics)\n`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info({ signal }, 'signal received, stopping');
  // If a stop hangs past the deadline (a stuck connection), leave anyway: jobs not finished by now
  // were released to the queue, and the store is the record of work still to do.
  const hardStop = setTimeout(() => {
    logger.error('graceful stop exceeded its deadline; exiting');
    process.exit(1);
  }, config.shutdown.deadlineMs + 5_000);
  hardStop.unref();
  await running.close();
  return 0;
}

const options = {
  config: { type: 'string' },
  port: { type: 'string' },
  'no-worker': { type: 'boolean', default: false },
} as const;

function parse(args: string[]) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the HTTP API and run the worker in one process (--no-worker: API only)',
  usage:
    'usage: mailroute serve [--config FILE] [--port N] [--no-worker]\n\n  FILE defaults to $MAILROUTE_CONFIG.',
  async run(args) {
    const values = parse(args);
    const config = readConfig(values.config, values.port);
    return runUntilSignalled(config, { api: true, worker: !values['no-worker'] });
  },
};

export const workerCommand: Command = {
  name: 'worker',
  summary: 'run jobs from the queue (health and metrics on the HTTP port)',
  usage: 'usage: mailroute worker [--config FILE] [--port N]\n\n  FILE defaults to $MAILROUTE_CONFIG.',
  async run(args) {
    const values = parse(args);
    if (values['no-worker']) throw new UsageError('--no-worker makes no sense for the worker');
    const config = readConfig(values.config, values.port);
    return runUntilSignalled(config, { api: false, worker: true });
  },
};
