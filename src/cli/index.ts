import { UsageError, type Command } from './command.js';
import { demoCommand } from './demo-command.js';
import { emulatorCommand } from './emulator-command.js';
import { evalCommand, predictCommand, trainCommand } from './model-commands.js';
import { serveCommand, workerCommand } from './serve-command.js';

// Each command lives in its own file; add one line here when a capability brings a command.
const commands: Command[] = [
  demoCommand,
  emulatorCommand,
  serveCommand,
  workerCommand,
  trainCommand,
  evalCommand,
  predictCommand,
];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    'usage: mailroute <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'mailroute <command> --help shows the options of one command.',
  ].join('\n');
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help() + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`mailroute: unknown command '${name}'\n\n${help()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`mailroute ${name}: ${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    process.stderr.write(`mailroute ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
