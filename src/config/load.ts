import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { configSchema, environmentSchema, type ConfigFile } from './schema.js';

export type Environment = z.infer<typeof environmentSchema>;

/** The validated configuration: the YAML file's settings plus what the environment supplies. */
export type Config = ConfigFile & {
  /** The file it was read from, for messages. */
  source: string;
  env: Environment;
  /** Client secrets of tenants, by the environment variable named in `credential.secretEnv`. */
  secrets: Record<string, string>;
};

/** A configuration mistake. The message names the file, the field path and what was expected. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly problems: string[],
    options?: { cause?: unknown },
  ) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`, options);
  }
}

export interface LoadConfigOptions {
  /** Path of the YAML file. */
  file: string;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Settings applied over the file (from command-line flags), before validation. */
  overrides?: (raw: Record<string, unknown>) => void;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(top level)' : out;
}

export function loadConfig(options: LoadConfigOptions): Config {
  const { file } = options;
  const env = options.env ?? process.env;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`${file}: cannot read the configuration file (${(error as Error).message})`], {
      cause: error,
    });
  }
  return parseConfig(text, file, env, options.overrides);
}

export function parseConfig(
  text: string,
  source: string,
  env: NodeJS.ProcessEnv = process.env,
  overrides?: (raw: Record<string, unknown>) => void,
): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const at = lineCounter.linePos(e.pos[0]);
        return `${source}:${at.line}:${at.col}: YAML syntax error: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError([`${source}: expected a mapping of settings at the top level`]);
  }
  overrides?.(raw as Record<string, unknown>);

  const where = (path: readonly PropertyKey[]): string => {
    // Point at the deepest node that exists, so a missing field points at its parent.
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = doc.getIn(
        path.slice(0, n).map((k) => (typeof k === 'symbol' ? String(k) : k)),
        true,
      );
      if (isNode(node) && node.range) {
        const { line } = lineCounter.linePos(node.range[0]);
        return `${source}:${line}`;
      }
    }
    return source;
  };

  const problems: string[] = [];
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      for (const key of keys) {
        const path = key === undefined ? issue.path : [...issue.path, key];
        const message = key === undefined ? issue.message : `unknown setting (check the spelling)`;
        problems.push(`${where(path)}: ${formatPath(path)}: ${message}`);
      }
    }
  }
  // A line `NAME=` copied from .env.example means "not set", not "set to nothing".
  const setEnv = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsedEnv = environmentSchema.safeParse(setEnv);
  if (!parsedEnv.success) {
    for (const issue of parsedEnv.error.issues) {
      problems.push(`environment variable ${formatPath(issue.path)}: ${issue.message}`);
    }
  }
  if (!parsed.success || !parsedEnv.success) throw new ConfigError(problems);

  const config = parsed.data;
  const secrets: Record<string, string> = {};
  config.tenants.forEach((tenant, i) => {
    const credential = tenant.graph.credential;
    if (credential.kind !== 'secret') return;
    const value = env[credential.secretEnv];
    if (!value) {
      const path = ['tenants', i, 'graph', 'credential', 'secretEnv'];
      problems.push(
        `${where(path)}: ${formatPath(path)}: environment variable ${credential.secretEnv} is not set (it holds tenant '${tenant.id}''s client secret)`,
      );
    } else {
      secrets[credential.secretEnv] = value;
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);

  const fromEnv = parsedEnv.data;
  return {
    ...config,
    log: { ...config.log, level: fromEnv.LOG_LEVEL ?? config.log.level },
    server: { ...config.server, port: fromEnv.PORT ? Number(fromEnv.PORT) : config.server.port },
    source,
    env: fromEnv,
    secrets,
  };
}

/** Where the configuration file is, when no --config flag names it. */
export function configFileFromEnvironment(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.MAILROUTE_CONFIG;
}
