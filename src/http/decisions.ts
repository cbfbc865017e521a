import { timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { DecisionFilter, DecisionView } from '../store/index.js';

/*
 * The audit API: every decision, queryable by router, received time, target and outcome, with the
 * scores, the rules that matched and the model's explanation. Decisions describe personal mail, so
 * the API answers only requests that carry the API token (Authorization: Bearer ...).
 */

export interface DecisionsApiOptions {
  /** The bearer token a client must send (MAILROUTE_API_TOKEN). */
  token: string;
  list(filter: DecisionFilter): Promise<DecisionView[]>;
}

const MAX_LIMIT = 500;

const querystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tenant: { type: 'string', maxLength: 63 },
    router: { type: 'string', maxLength: 63 },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    target: { type: 'string', maxLength: 200 },
    outcome: { type: 'string', enum: ['routed', 'review', 'failed'] },
    before: { type: 'integer', minimum: 1 },
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 100 },
  },
} as const;

interface Query {
  tenant?: string;
  router?: string;
  from?: string;
  to?: string;
  target?: string;
  outcome?: 'routed' | 'review' | 'failed';
  before?: number;
  limit: number;
}

const nullableString = { type: ['string', 'null'] } as const;
const nullableTime = { type: ['string', 'null'], format: 'date-time' } as const;

const decision = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    tenantId: { type: 'string' },
    routerId: { type: 'string' },
    graphId: { type: 'string' },
    state: { type: 'string' },
    outcome: nullableString,
    decidedBy: nullableString,
    targetLabel: nullableString,
    acted: { type: 'boolean' },
    action: nullableString,
    modelVersion: nullableString,
    scores: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        properties: { label: { type: 'string' }, probability: { type: 'number' } },
      },
    },
    ruleHits: { type: 'object', additionalProperties: true },
    explanation: {},
    reason: nullableString,
    attempts: { type: 'integer' },
    receivedAt: { type: 'string', format: 'date-time' },
    decidedAt: nullableTime,
    actedAt: nullableTime,
    recordedAt: nullableTime,
  },
} as const;

const response = {
  401: {
    type: 'object',
    properties: { error: { type: 'string' }, message: { type: 'string' } },
  },
  200: {
    type: 'object',
    properties: {
      decisions: { type: 'array', items: decision },
      /** Pass as `before` for the next (older) page; null on the last page. */
      next: { type: ['integer', 'null'] },
    },
  },
} as const;

function authorized(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const decisionsApi: FastifyPluginAsync<DecisionsApiOptions> = async (app, options) => {
  app.get<{ Querystring: Query }>(
    '/api/decisions',
    {
      schema: { querystring, response },
      // The token is checked before anything else, so a stranger learns nothing about the API.
      onRequest: async (request, reply) => {
        if (authorized(request, options.token)) return;
        await reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: 'unauthorized', message: 'send the API token as Authorization: Bearer <token>' });
      },
    },
    async (request) => {
      const q = request.query;
      const filter: DecisionFilter = { limit: q.limit };
      if (q.tenant !== undefined) filter.tenantId = q.tenant;
      if (q.router !== undefined) filter.routerId = q.router;
      if (q.from !== undefined) filter.from = new Date(q.from);
      if (q.to !== undefined) filter.to = new Date(q.to);
      if (q.target !== undefined) filter.target = q.target;
      if (q.outcome !== undefined) filter.outcome = q.outcome;
      if (q.before !== undefined) filter.before = q.before;
      const decisions = await options.list(filter);
      const last = decisions.at(-1);
      return { decisions, next: decisions.length === q.limit && last ? last.id : null };
    },
  );
};

export const decisionsApiPlugin = fp(decisionsApi, { name: 'mailroute-decisions-api', fastify: '5.x' });
