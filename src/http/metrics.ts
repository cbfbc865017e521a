import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from '../metrics/index.js';

export interface MetricsOptions {
  registry: Registry;
}

const metrics: FastifyPluginAsync<MetricsOptions> = async (app, { registry }) => {
  app.get(
    '/metrics',
    { schema: { response: { 200: { type: 'string' } } }, logLevel: 'warn' },
    async (_request, reply) => {
      const body = await registry.metrics();
      return reply.type(registry.contentType).send(body);
    },
  );
};

export const metricsPlugin = fp(metrics, { name: 'mailroute-metrics', fastify: '5.x' });
