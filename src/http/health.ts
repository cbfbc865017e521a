import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';

/** Something `/readyz` checks: the store, the queue. `check` rejects when it is not reachable. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface HealthOptions {
  checks: ReadinessCheck[];
  /** A check that has not answered by then counts as failed. */
  timeoutMs?: number;
}

const checkResult = {
  type: 'object',
  required: ['name', 'ok'],
  properties: { name: { type: 'string' }, ok: { type: 'boolean' }, error: { type: 'string' } },
} as const;

const readyResponse = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ready', 'unavailable'] },
    checks: { type: 'array', items: checkResult },
  },
} as const;

async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const health: FastifyPluginAsync<HealthOptions> = async (app, options) => {
  const timeoutMs = options.timeoutMs ?? 2000;

  app.get(
    '/healthz',
    {
      schema: {
        response: {
          200: { type: 'object', required: ['status'], properties: { status: { const: 'alive' } } },
        },
      },
      logLevel: 'warn',
    },
    async () => ({ status: 'alive' as const }),
  );

  app.get(
    '/readyz',
    { schema: { response: { 200: readyResponse, 503: readyResponse } }, logLevel: 'warn' },
    async (_request, reply) => {
      const checks = await Promise.all(
        options.checks.map(async (readiness) => {
          const { name } = readiness;
          try {
            await withTimeout(readiness.check(), timeoutMs);
            return { name, ok: true };
          } catch (error) {
            // The reason is an operator's, not a user's: the name of what failed, no secrets.
            return { name, ok: false, error: error instanceof Error ? error.message : String(error) };
          }
        }),
      );
      const ready = checks.every((c) => c.ok);
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks });
    },
  );
};

export const healthPlugin = fp(health, { name: 'mailroute-health', fastify: '5.x' });
