import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { environmentVariables, loadConfig } from '../../src/config/index.js';

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: unknown;
  depends_on?: Record<string, { condition: string }>;
}

describe('deployment files', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
    volumes: Record<string, unknown>;
  };

  it('docker-compose.yml runs an API, scalable workers, PostgreSQL and Redis with noeviction', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'postgres', 'redis', 'worker']);
    expect(compose.services.app?.command).toEqual(['serve', '--no-worker']);
    expect(compose.services.worker?.command).toEqual(['worker']);
    const redis = compose.services.redis?.command?.join(' ');
    expect(redis).toContain('--maxmemory-policy noeviction');
    for (const name of ['app', 'worker']) {
      const service = compose.services[name];
      expect(service?.environment?.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(service?.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(service?.depends_on?.postgres?.condition).toBe('service_healthy');
      expect(service?.depends_on?.redis?.condition).toBe('service_healthy');
    }
    expect(Object.keys(compose.volumes).sort()).toEqual(['models', 'postgres', 'redis']);
  });

  it('the Dockerfile builds in stages, installs production dependencies only and runs as non-root with a healthcheck', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    expect(dockerfile.match(/^FROM node:(22|24)/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
  });

  it('.env.example lists every environment variable mailroute reads', () => {
    const example = readFileSync('.env.example', 'utf8');
    const listed = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    for (const name of environmentVariables) expect(listed).toContain(name);
    const config = loadConfig({ file: 'config/example.yaml', env: {} });
    for (const tenant of config.tenants) {
      if (tenant.graph.credential.kind === 'secret')
        expect(listed).toContain(tenant.graph.credential.secretEnv);
    }
  });
});
