import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import type { Logger } from '../log/index.js';
import type { Registry } from '../metrics/index.js';
import { healthPlugin, type ReadinessCheck } from './health.js';
import { metricsPlugin } from './metrics.js';

export interface HttpAppOptions {
  logger: Logger;
  registry: Registry;
  readiness: ReadinessCheck[];
}

/**
 * The fastify app: wiring only. Handlers parse, call the core and map the result; every route has
 * a request and a response schema.
 */
export async function buildHttpApp(options: HttpAppOptions) {
  const app = Fastify({
    loggerInstance: options.logger,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
  });

  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  // 4xx say what was wrong; 5xx hide their details and give the correlation id to quote.
  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply
        .code(status)
        .send({ error: 'internal_error', message: 'Internal error', requestId: request.id });
    }
    return reply.code(status).send({
      error: error.validation ? 'invalid_request' : 'request_error',
      message: error.message,
      requestId: request.id,
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: 'not_found',
      message: `${request.method} ${request.url} does not exist`,
      requestId: request.id,
    }),
  );

  await app.register(healthPlugin, { checks: options.readiness });
  await app.register(metricsPlugin, { registry: options.registry });
  return app;
}

export type HttpApp = Awaited<ReturnType<typeof buildHttpApp>>;
