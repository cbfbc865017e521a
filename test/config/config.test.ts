import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/index.js';

const env = { GRAPH_SECRET: 'not-a-real-secret' };

const valid = `
server: { port: 3100 }
tenants:
  - id: kommune
    name: Kommune
    graph:
      tenantId: t1
      clientId: c1
      credential: { kind: secret, secretEnv: GRAPH_SECRET }
routers:
  - id: post
    tenant: kommune
    source: { mailbox: post@kommune.dk }
    review: { folder: Til manuel fordeling }
    targets:
      - { label: byggesag, name: Byggesag, action: forward, mailbox: byggesag@kommune.dk }
      - { label: spam, name: Junk, action: move, folder: Junk Email }
`;

function problemsOf(text: string, environment: NodeJS.ProcessEnv = env): string[] {
  try {
    parseConfig(text, 'config/test.yaml', environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('reads a valid file, fills defaults and picks up secrets from the environment', () => {
    const config = parseConfig(valid, 'config/test.yaml', env);
    expect(config.server.port).toBe(3100);
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.queue.perMailboxConcurrency).toBe(4);
    expect(config.routers[0]?.mode).toBe('shadow');
    expect(config.routers[0]?.source.folder).toBe('inbox');
    expect(config.secrets).toEqual({ GRAPH_SECRET: 'not-a-real-secret' });
  });

  it('lets the environment override the port and log level', () => {
    const config = parseConfig(valid, 'x.yaml', { ...env, PORT: '8080', LOG_LEVEL: 'debug' });
    expect(config.server.port).toBe(8080);
    expect(config.log.level).toBe('debug');
  });

  it('names file, line and path of a misspelled setting', () => {
    const problems = problemsOf(valid.replace('server: { port: 3100 }', 'server: { prot: 3100 }'));
    expect(problems).toEqual([expect.stringMatching(/^config\/test\.yaml:2: server\.prot: unknown setting/)]);
  });

  it('names the field and the expected type of a wrong type', () => {
    const problems = problemsOf(valid.replace('port: 3100', 'port: "many"'));
    expect(problems).toEqual([
      expect.stringMatching(/config\/test\.yaml:2: server\.port: .*expected number/i),
    ]);
  });

  it('names the allowed values of an enum', () => {
    const problems = problemsOf(valid.replace('action: move', 'action: send'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/:17: routers\[0\]\.targets\[1\]\.action: .*"forward"\|"move"\|"copy"/);
  });

  it('requires a mailbox on a forward target and a folder on a move target', () => {
    const problems = problemsOf(
      valid.replace(', mailbox: byggesag@kommune.dk', '').replace(', folder: Junk Email', ''),
    );
    expect(problems).toEqual([
      expect.stringContaining('routers[0].targets[0].mailbox: a forward target needs a mailbox'),
      expect.stringContaining('routers[0].targets[1].folder: a move target needs a folder'),
    ]);
  });

  it('rejects an invalid mailbox address', () => {
    const problems = problemsOf(valid.replace('post@kommune.dk', 'post-at-kommune'));
    expect(problems).toEqual([
      expect.stringMatching(/:13: routers\[0\]\.source\.mailbox: expected a mailbox address/),
    ]);
  });

  it('rejects a router of an unknown tenant and a duplicate label', () => {
    const problems = problemsOf(
      valid.replace('tenant: kommune', 'tenant: andeby').replace('label: spam', 'label: byggesag'),
    );
    expect(problems).toContainEqual(
      expect.stringContaining("routers[0].tenant: unknown tenant 'andeby' (known: kommune)"),
    );
    expect(problems).toContainEqual(
      expect.stringContaining("routers[0].targets[1].label: label 'byggesag' is used twice"),
    );
  });

  it('says which environment variable holds a missing client secret', () => {
    const problems = problemsOf(valid, {});
    expect(problems).toEqual([
      expect.stringMatching(
        /tenants\[0\]\.graph\.credential\.secretEnv: environment variable GRAPH_SECRET is not set/,
      ),
    ]);
  });

  it('rejects a malformed DATABASE_URL and REDIS_URL', () => {
    const problems = problemsOf(valid, { ...env, DATABASE_URL: 'mysql://x', REDIS_URL: 'localhost:6379' });
    expect(problems).toEqual([
      'environment variable DATABASE_URL: expected a postgres:// URL',
      'environment variable REDIS_URL: expected a redis:// or rediss:// URL',
    ]);
  });

  it('treats an empty variable copied from .env.example as not set', () => {
    const config = parseConfig(valid, 'config/test.yaml', {
      ...env,
      MAILROUTE_WEBHOOK_CLIENT_STATE: '',
      MAILROUTE_API_TOKEN: '',
      DATABASE_URL: '',
    });
    expect(config.env.MAILROUTE_API_TOKEN).toBeUndefined();
    expect(config.env.DATABASE_URL).toBeUndefined();
    expect(problemsOf(valid, { ...env, MAILROUTE_API_TOKEN: 'too-short' })).toEqual([
      'environment variable MAILROUTE_API_TOKEN: expected at least 24 characters',
    ]);
  });

  it('gives the line of a YAML syntax error', () => {
    const problems = problemsOf('server:\n  port: 3000\n  host: [oops\n');
    expect(problems[0]).toMatch(/^config\/test\.yaml:\d+:\d+: YAML syntax error/);
  });

  it('names the file it cannot read', () => {
    expect(() => loadConfig({ file: '/nonexistent/mailroute.yaml', env })).toThrow(
      /\/nonexistent\/mailroute\.yaml: cannot read the configuration file/,
    );
  });

  it('loads the shipped example configuration', () => {
    const config = loadConfig({ file: 'config/example.yaml', env: {} });
    expect(config.routers.map((r) => r.id)).toEqual(['post']);
    expect(config.tenants[0]?.graph.credential.kind).toBe('certificate');
  });

  it('reads a file from disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailroute-config-'));
    const file = join(dir, 'm.yaml');
    writeFileSync(file, valid);
    expect(loadConfig({ file, env }).source).toBe(file);
  });
});
