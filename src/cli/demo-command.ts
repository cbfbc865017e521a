import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.js';
import { UsageError, type Command } from './command.js';
import { runUntilSignalled } from './serve-command.js';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run mailroute on the embedded default (PGlite, in-process queue) with no set-up',
  usage: 'usage: mailroute demo [--port N]\n\n  Uses config/demo.yaml; data goes to ./data/demo.',
  async run(args) {
    let port: string | undefined;
    try {
      ({ port } = parseArgs({ args, options: { port: { type: 'string' } }, strict: true }).values);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (port !== undefined && !/^\d{1,5}$/.test(port))
      throw new UsageError(`--port: expected a port number, got '${port}'`);
    // The demo never reads production settings from the environment.
    const config = loadConfig({ file: 'config/demo.yaml', env: {} });
    const withPort =
      port === undefined ? config : { ...config, server: { ...config.server, port: Number(port) } };
    return runUntilSignalled(withPort, { api: true, worker: true });
  },
};
