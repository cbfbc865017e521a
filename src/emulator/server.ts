import { parse as parseQueryString } from 'node:querystring';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { Transport } from './actions.js';
import { registerBatchRoute } from './batch.js';
import { Emulation, sendJson, str } from './context.js';
import { registerDeltaRoute } from './delta.js';
import { GRAPH_APP_ID, GRAPH_AUDIENCE, openIdConfiguration, registerEntraRoutes } from './entra.js';
import { FaultInjector } from './faults.js';
import { decodeJwt, TokenSigner } from './jwt.js';
import { registerMailRoutes } from './mail-routes.js';
import { badRequest, parsePrefer } from './odata.js';
import { GraphError, MailStore } from './store.js';
import { registerSubscriptionRoutes } from './subscription-routes.js';
import { SubscriptionManager } from './subscriptions.js';
import { createServerTls } from './tls.js';
import type { EmulatorClient, EmulatorOptions, GraphEmulator } from './types.js';

export const DEFAULT_TENANT_ID = '6d1f5a2e-0c3b-4d7a-9e8f-2b4c6a8d0e1f';
export const DEFAULT_CLIENT: EmulatorClient = { clientId: 'mailroute-demo', clientSecret: 'demo-secret' };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the emulator: HTTPS with a CA it generates, Graph's URLs under /v1.0, Entra ID's token endpoint. */
export async function startGraphEmulator(options: EmulatorOptions = {}): Promise<GraphEmulator> {
  const host = options.host ?? '127.0.0.1';
  const tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
  const now = options.now ?? Date.now;
  const clients = options.clients ?? [DEFAULT_CLIENT];
  const throttling =
    options.throttling === false || options.throttling === undefined
      ? undefined
      : {
          requestsPer10Min: options.throttling.requestsPer10Min ?? 10_000,
          maxConcurrent: options.throttling.maxConcurrent ?? 4,
        };
  const tls = await createServerTls(host);
  const signer = new TokenSigner();
  const store = new MailStore(now);
  const faults = new FaultInjector(now, throttling);
  const transport = new Transport(store);
  const em = new Emulation(tenantId, now, store, faults);

  const app = Fastify({
    https: { key: tls.keyPem, cert: tls.certPem },
    logger: false,
    routerOptions: { maxParamLength: 1000 },
    bodyLimit: 30 * 1024 * 1024,
  });

  // Graph accepts an empty body on actions like /send; fastify's default JSON parser would not.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(
        badRequest(
          'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
        ),
      );
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseQueryString(typeof body === 'string' ? body : body.toString('utf8')));
  });

  const sendError = (req: FastifyRequest, reply: FastifyReply, error: GraphError): FastifyReply => {
    for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
    return sendJson(reply, error.status, em.errorBody(req, error.code, error.message));
  };

  app.setErrorHandler((error, req, reply) => {
    if (error instanceof GraphError) return sendError(req, reply, error);
    const status =
      typeof error === 'object' && error !== null && 'statusCode' in error ? Number(error.statusCode) : 500;
    if (status >= 400 && status < 500) {
      const message = error instanceof Error ? error.message : String(error);
      return sendError(req, reply, new GraphError(status === 415 ? 415 : 400, 'BadRequest', message));
    }
    return sendError(
      req,
      reply,
      new GraphError(500, 'generalException', 'An internal server error occurred.'),
    );
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    if (path.startsWith('/v1.0/')) {
      const segment = path.split('/').pop() ?? '';
      return sendError(req, reply, badRequest(`Resource not found for the segment '${segment}'.`));
    }
    return sendError(req, reply, new GraphError(404, 'NotFound', `No route for ${req.method} ${path}.`));
  });

  // ---- per-request plumbing: ids, auth, throttling, faults, latency --------------------------------

  const authenticate = (req: FastifyRequest): string => {
    const header = str(req.headers.authorization) ?? '';
    const unauthorized = (message: string): GraphError =>
      new GraphError(401, 'InvalidAuthenticationToken', message, {
        'WWW-Authenticate': `Bearer realm="", authorization_uri="${em.baseUrl}/${tenantId}/oauth2/authorize", client_id="${GRAPH_APP_ID}"`,
      });
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw unauthorized('Access token is empty.');
    const payload = signer.verify(match[1]);
    if (!payload) {
      if (!decodeJwt(match[1]))
        throw unauthorized('IDX14100: JWT is not well formed, there are no dots (.).');
      throw unauthorized('Access token validation failure. Invalid signature.');
    }
    if (payload['aud'] !== GRAPH_AUDIENCE && payload['aud'] !== GRAPH_APP_ID) {
      throw unauthorized('Access token validation failure. Invalid audience.');
    }
    if (typeof payload['exp'] !== 'number' || payload['exp'] * 1000 <= now()) {
      throw unauthorized('Lifetime validation failed, the token is expired.');
    }
    if (payload['tid'] !== tenantId) throw unauthorized('Access token validation failure. Invalid issuer.');
    return str(payload['appid']) ?? '';
  };

  app.addHook('onRequest', async (req, reply) => {
    const context = em.request(req);
    reply.header('request-id', context.requestId);
    reply.header('client-request-id', context.clientRequestId);
    reply.header(
      'x-ms-ags-diagnostic',
      JSON.stringify({ ServerInfo: { DataCenter: 'Emulator', Slice: 'E', Ring: '0', ScaleUnit: '0' } }),
    );
    if (!req.url.startsWith('/v1.0/')) return;
    // Latency is the time Graph takes to answer, its own work included: the request is served at
    // once and its response held back until the latency has passed (see onSend).
    const arrived = performance.now();
    if (options.latencyMs) context.respondAt = arrived + options.latencyMs;
    context.appId = authenticate(req);
    const prefer = parsePrefer(req.headers.prefer);
    if (prefer.get('idtype')?.toLowerCase() === 'immutableid') context.applied.push('IdType="ImmutableId"');
    const userMatch = /^\/v1\.0\/users\/([^/?]+)/.exec(req.url);
    const mailbox = userMatch?.[1] ? store.findMailbox(decodeURIComponent(userMatch[1])) : undefined;
    if (mailbox) {
      faults.admit(mailbox.address);
      context.admittedMailbox = mailbox.address;
      const latency = faults.latencyMs(mailbox.address);
      if (latency > 0) context.respondAt = Math.max(context.respondAt, arrived + latency);
    }
  });

  // A request stops counting against the mailbox's concurrency when its response is handed to the
  // socket (onSend), not when the socket has finished writing it (onResponse): a client that got
  // the response may send its next request at once, and must not find its own slot still taken.
  const release = (req: Parameters<typeof em.request>[0]) => {
    const context = em.request(req);
    if (context?.admittedMailbox) {
      faults.release(context.admittedMailbox);
      context.admittedMailbox = undefined;
    }
  };

  app.addHook('onSend', async (req, reply, payload) => {
    const context = em.request(req);
    if (context.applied.length > 0) reply.header('Preference-Applied', context.applied.join(', '));
    const wait = context.respondAt - performance.now();
    if (wait > 0) await sleep(wait);
    release(req);
    return payload;
  });

  // Requests that never reach onSend (the client went away) are released here.
  app.addHook('onResponse', async (req) => release(req));

  const subscriptions = new SubscriptionManager(store, faults, {
    tenantId,
    now,
    validationTimeoutMs: options.validationTimeoutMs ?? 10_000,
    retries: options.notificationRetry?.retries ?? 3,
    baseDelayMs: options.notificationRetry?.baseDelayMs ?? 200,
    notificationCa: options.notificationCa ?? [],
  });
  registerEntraRoutes(app, em, signer, clients);
  registerMailRoutes(app, em, transport);
  registerDeltaRoute(app, em);
  registerBatchRoute(app, em);
  registerSubscriptionRoutes(app, em, subscriptions);

  // ---- start ---------------------------------------------------------------------------------------

  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the emulator did not get a TCP port');
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const baseUrl = `https://${urlHost}:${address.port}`;
  const graphUrl = `${baseUrl}/v1.0`;
  em.baseUrl = baseUrl;
  em.graphUrl = graphUrl;
  const metadata = openIdConfiguration(em);

  return {
    baseUrl,
    graphUrl,
    authority: `${baseUrl}/${tenantId}`,
    tenantId,
    caCertPem: tls.caCertPem,
    hostPort: `${urlHost}:${address.port}`,
    openIdConfiguration: metadata,
    addMailbox: (addr, displayName) => {
      store.addMailbox(addr, displayName);
    },
    createFolder: (mailbox, displayName, parent) =>
      store.createFolder(store.mailbox(mailbox), displayName, parent).id,
    deliver: (mailbox, message, folder) => store.deliver(store.mailbox(mailbox), message, folder).id,
    listMessages: (mailbox, folder) => {
      const m = store.mailbox(mailbox);
      return store
        .messagesIn(m, folder === undefined ? undefined : store.folder(m, folder))
        .map(({ version: _version, ...message }) => structuredClone(message));
    },
    folderId: (mailbox, folder) => store.folder(store.mailbox(mailbox), folder).id,
    faults: { set: (mailbox, spec) => faults.set(mailbox, spec), clear: (mailbox) => faults.clear(mailbox) },
    stats: (mailbox) => faults.stats(mailbox),
    subscriptions: () => subscriptions.list(),
    triggerLifecycle: (id, event) => subscriptions.lifecycle(id, event),
    flushNotifications: () => subscriptions.flush(),
    close: async () => {
      await subscriptions.close();
      await app.close();
    },
  };
}
