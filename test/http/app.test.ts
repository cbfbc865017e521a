import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { buildHttpApp } from '../../src/http/index.js';
import { createLogger } from '../../src/log/index.js';
import { createMetricsRegistry } from '../../src/metrics/index.js';
import { openStore, type Database } from '../../src/store/index.js';

describe('HTTP shell', () => {
  let store: Database;
  let queueUp = true;
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  let app: Awaited<ReturnType<typeof buildHttpApp>>;

  beforeAll(async () => {
    store = await openStore({});
    app = await buildHttpApp({
      logger: createLogger({ level: 'info', destination }),
      registry: createMetricsRegistry(),
      readiness: [
        { name: 'store', check: () => store.ping() },
        {
          name: 'queue',
          check: async () => {
            if (!queueUp) throw new Error('redis: connection refused');
          },
        },
      ],
    });
    app.get('/boom', { schema: { response: { 200: { type: 'object' } } } }, async () => {
      throw new Error('secret detail: password=hunter2');
    });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('answers /healthz while the process is alive', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'alive' });
  });

  it('answers /readyz with 200 when the store and the queue are reachable, 503 naming what is not', async () => {
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ready',
      checks: [
        { name: 'store', ok: true },
        { name: 'queue', ok: true },
      ],
    });
    queueUp = false;
    const down = await app.inject({ method: 'GET', url: '/readyz' });
    queueUp = true;
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({
      status: 'unavailable',
      checks: [
        { name: 'store', ok: true },
        { name: 'queue', ok: false, error: 'redis: connection refused' },
      ],
    });
  });

  it('serves Prometheus metrics including the default Node metrics', async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('mailroute_process_cpu_user_seconds_total');
    expect(res.body).toContain('mailroute_nodejs_heap_size_used_bytes');
  });

  it('hides the details of a 5xx and returns a correlation id that is in the log', async () => {
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    const body = res.json<{ error: string; message: string; requestId: string }>();
    expect(body).toMatchObject({ error: 'internal_error', message: 'Internal error' });
    expect(res.body).not.toContain('hunter2');
    expect(res.headers['x-request-id']).toBe(body.requestId);
    expect(logLines.some((l) => l.includes(body.requestId) && l.includes('request failed'))).toBe(true);
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'not_found', message: 'GET /nope does not exist' });
  });
});

describe('logging', () => {
  it('redacts mail content and secrets', () => {
    const lines: string[] = [];
    const log = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _e, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    });
    log.info(
      {
        routerId: 'post',
        subject: 'Mit CPR-nummer er 010203-1234',
        body: 'Hej kommune',
        from: 'borger@example.dk',
        clientSecret: 'sssh',
        message: { subject: 'nested subject', body: 'nested body' },
      },
      'routed',
    );
    const line = lines.join('');
    expect(line).toContain('"routerId":"post"');
    for (const secret of [
      '010203-1234',
      'Hej kommune',
      'borger@example.dk',
      'sssh',
      'nested subject',
      'nested body',
    ]) {
      expect(line).not.toContain(secret);
    }
  });
});
