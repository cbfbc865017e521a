import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError, type Config } from '../config/index.js';
import { buildHttpApp, decisionsApiPlugin, graphWebhookPlugin, type HttpApp } from '../http/index.js';
import {
  purgeExpired,
  requestSync,
  routeMessage,
  syncMailbox,
  type RouterClassifier,
  type RouterRuntime,
} from '../jobs/index.js';
import type { Logger } from '../log/index.js';
import {
  SubscriptionManager,
  type ChangeNotification,
  type GraphMailboxGateway,
  type LifecycleNotification,
} from '../mail/index.js';
import { Counter, createMetricsRegistry, Gauge, type Registry } from '../metrics/index.js';
import {
  createJobQueue,
  mailboxGroupKey,
  mailrouteJobIds,
  mailrouteJobs,
  type JobHandlers,
  type JobQueue,
  type MailrouteCatalogue,
} from '../queue/index.js';
import {
  listDecisions,
  openStore,
  routerStateCache,
  subscriptionRepository,
  syncConfiguredRouters,
  unfinishedMessages,
  type Database,
} from '../store/index.js';
import { routingMetrics } from './metrics.js';
import { loadRouterModels } from './models.js';
import { buildRouters, createGateways, folderResolver, routerKey } from './routers.js';

export interface Roles {
  /** Serve the HTTP API (health, metrics, webhooks, and the APIs later issues add). */
  api: boolean;
  /** Run jobs from the queue. */
  worker: boolean;
}

export interface StartOptions {
  /** The current model of each router, by `tenant/router`; read at every use (hot swap). */
  classifiers?: Map<string, () => RouterClassifier | undefined>;
}

export interface RunningMailroute {
  store: Database;
  queue: JobQueue<MailrouteCatalogue>;
  http: HttpApp;
  registry: Registry;
  routers: Map<string, RouterRuntime>;
  /** `http://host:port` the API listens on. */
  url: string;
  /** Graceful stop: no new requests or jobs, in-flight jobs finish (or are released) within the deadline. */
  close(): Promise<void>;
}

function everySeconds(seconds: number): string {
  return seconds < 60 ? `*/${seconds} * * * * *` : `0 */${Math.max(1, Math.round(seconds / 60))} * * * *`;
}

/**
 * The composition root: opens the store and the queue chosen by the configuration, and serves
 * the HTTP app and/or runs the worker.
 */
export async function startMailroute(
  config: Config,
  roles: Roles,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningMailroute> {
  const clientState = config.env.MAILROUTE_WEBHOOK_CLIENT_STATE;
  if (config.ingest.webhooks && !clientState) {
    throw new ConfigError([
      'environment variable MAILROUTE_WEBHOOK_CLIENT_STATE: needed when ingest.webhooks is on (at least 16 characters)',
    ]);
  }
  const gateways = createGateways(config);
  const models = options.classifiers
    ? { classifiers: options.classifiers, dispose: () => Promise.resolve() }
    : await loadRouterModels(config);
  const routers = buildRouters(config, gateways, models.classifiers);

  const store = await openStore({
    ...(config.env.DATABASE_URL
      ? { databaseUrl: config.env.DATABASE_URL }
      : { dataDir: config.store.dataDir }),
    ...(config.store.schema ? { schema: config.store.schema } : {}),
    poolSize: config.store.poolSize,
  });
  await syncConfiguredRouters(store, config);
  const queue = createJobQueue({
    catalogue: mailrouteJobs,
    logger,
    redisUrl: config.env.REDIS_URL,
    prefix: config.queue.prefix,
    attempts: config.queue.attempts,
    backoffMs: config.queue.backoffMs,
    groupLimit: config.queue.perMailboxConcurrency,
  });
  const registry = createMetricsRegistry();
  new Gauge({
    name: 'mailroute_queue_jobs',
    help: 'Jobs in the queue by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = await queue.counts().catch(() => undefined);
      if (!counts) return;
      for (const state of ['waiting', 'active', 'delayed', 'failed'] as const)
        this.set({ state }, counts[state]);
    },
  });
  new Gauge({
    name: 'mailroute_model_info',
    help: 'The model version each router uses (value 1)',
    labelNames: ['router', 'version'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of routers.values()) {
        const version = r.classifier()?.modelVersion ?? 'none';
        this.set({ router: `${r.tenantId}/${r.routerId}`, version }, 1);
      }
    },
  });
  const metrics = routingMetrics(registry);
  // Graph's own counts per tenant (app registration), as the gateways keep them.
  const graphCounter = (name: string, help: string, read: (s: GraphMailboxGateway['stats']) => number) => {
    const seen = new Map<string, number>();
    new Counter({
      name,
      help,
      labelNames: ['tenant'],
      registers: [registry],
      collect() {
        for (const [tenant, gateway] of gateways) {
          const now = read(gateway.stats);
          this.inc({ tenant }, now - (seen.get(tenant) ?? 0));
          seen.set(tenant, now);
        }
      },
    });
  };
  graphCounter('mailroute_graph_requests_total', 'HTTP requests sent to Microsoft Graph', (s) => s.requests);
  graphCounter(
    'mailroute_graph_throttled_total',
    'Graph answers of 429 (throttled), $batch inner requests included',
    (s) => s.throttled,
  );
  graphCounter(
    'mailroute_graph_retries_total',
    'Graph requests sent again (429, 5xx, broken connections)',
    (s) => s.retries,
  );

  const folderId = folderResolver();
  const cachedRouterState = routerStateCache(store, 5_000);
  const findRouter = (tenantId: string, routerId: string) => routers.get(routerKey(tenantId, routerId));
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const subscriptionManagers = new Map(
    config.ingest.webhooks && config.server.publicUrl && clientState
      ? config.tenants.map((t) => {
          const gateway = gateways.get(t.id);
          if (!gateway) throw new Error(`no gateway for tenant ${t.id}`);
          const base = config.server.publicUrl?.replace(/\/+$/, '') ?? '';
          return [
            t.id,
            new SubscriptionManager(gateway, subscriptionRepository(store, t.id), {
              notificationUrl: `${base}/graph/notifications`,
              lifecycleNotificationUrl: `${base}/graph/lifecycle`,
              clientState,
            }),
          ] as const;
        })
      : [],
  );

  // A delta round talks to the source mailbox too: it takes one of the mailbox's slots, like a
  // route job, so that all processes together stay within Graph's 4 concurrent requests. The same
  // id for scheduled and on-demand rounds keeps two rounds of one router from overlapping.
  const syncJob = (router: RouterRuntime) => {
    const payload = { tenantId: router.tenantId, routerId: router.routerId };
    const options = {
      jobId: mailrouteJobIds.mailboxSync(payload),
      groupKey: mailboxGroupKey(router.tenantId, router.sourceMailbox),
      // Ahead of any backlog of route jobs (on demand and scheduled): new mail is found at once.
      first: true,
    };
    return { payload, options };
  };
  const enqueueSync = async (router: RouterRuntime) => {
    const { payload, options } = syncJob(router);
    await queue.enqueue('mailbox.sync', payload, options);
  };

  const handlers: JobHandlers<MailrouteCatalogue> = {
    'mailbox.sync': (payload, ctx) =>
      syncMailbox(
        { store, queue, router: findRouter, folderId, pageSize: config.ingest.deltaPageSize },
        payload,
        ctx,
      ),
    'message.route': (payload, ctx) =>
      routeMessage(
        {
          store,
          router: findRouter,
          owner,
          leaseMs: config.routing.leaseSeconds * 1000,
          maxAttempts: config.routing.maxAttempts,
          folderId,
          routerState: cachedRouterState,
          onRecorded: (router, decision, receivedAt) => metrics.recorded(router, decision, receivedAt),
        },
        payload,
        ctx,
      ),
    'subscriptions.renew': async (_payload, ctx) => {
      for (const [tenantId, manager] of subscriptionManagers) {
        for (const router of routers.values()) {
          if (router.tenantId !== tenantId) continue;
          await manager.ensure(
            router.sourceMailbox,
            await folderId(router, router.sourceMailbox, router.sourceFolder),
          );
        }
        const report = await manager.renewDue();
        ctx.log.info(
          {
            tenantId,
            renewed: report.renewed.length,
            recreated: report.recreated.length,
            failed: report.failed.length,
          },
          'subscriptions renewed',
        );
      }
      return { status: 'done' };
    },
    // Retraining is its own issue; until it lands such a job fails with a reason saying so.
    'model.retrain': async () => ({ status: 'failed', reason: 'the retrain job is not built yet' }),
    'data.purge': async (_payload, ctx) => {
      const result = await purgeExpired(store, config.retention, new Date());
      ctx.log.info(result, 'retention purge done');
      return { status: 'done' };
    },
  };

  const onChanges = async (changes: ChangeNotification[]) => {
    // A POST often carries many notifications of one mailbox: one sync request per router covers them.
    const changed = new Set<RouterRuntime>();
    for (const subscriptionId of new Set(changes.map((c) => c.subscriptionId))) {
      for (const [tenantId, manager] of subscriptionManagers) {
        const folder = await manager.folderFor(subscriptionId);
        if (!folder) continue;
        for (const router of routers.values()) {
          if (router.tenantId === tenantId && router.sourceMailbox === folder.mailbox.toLowerCase()) {
            changed.add(router);
          }
        }
      }
    }
    for (const router of changed) {
      await requestSync(store, router.tenantId, router.routerId);
      await enqueueSync(router);
    }
  };
  const onLifecycle = async (events: LifecycleNotification[]) => {
    for (const event of events) {
      for (const [tenantId, manager] of subscriptionManagers) {
        const folder = await manager.handleLifecycle(event.lifecycleEvent, event.subscriptionId);
        if (!folder) continue;
        for (const router of routers.values()) {
          if (router.tenantId === tenantId && router.sourceMailbox === folder.mailbox.toLowerCase()) {
            await enqueueSync(router);
          }
        }
      }
    }
  };

  const http = await buildHttpApp({
    logger,
    registry,
    readiness: [
      { name: 'store', check: () => store.ping() },
      { name: 'queue', check: () => queue.ping() },
    ],
  });
  if (roles.api && clientState && config.ingest.webhooks) {
    await http.register(graphWebhookPlugin, { clientState, onChanges, onLifecycle });
  }
  const apiToken = config.env.MAILROUTE_API_TOKEN;
  if (roles.api && apiToken) {
    await http.register(decisionsApiPlugin, {
      token: apiToken,
      list: (filter) => listDecisions(store, filter),
    });
  }

  try {
    if (roles.worker) {
      await queue.start(handlers, { concurrency: config.queue.concurrency });
      await queue.schedule(mailrouteJobIds.dataPurge(), 'data.purge', {}, '17 3 * * *');
      if (subscriptionManagers.size > 0) {
        await queue.schedule(mailrouteJobIds.subscriptionsRenew(), 'subscriptions.renew', {}, '*/30 * * * *');
        await queue.enqueue('subscriptions.renew', {}, { jobId: mailrouteJobIds.subscriptionsRenew() });
      }
      for (const router of routers.values()) {
        const { payload, options } = syncJob(router);
        const every = everySeconds(config.ingest.periodicSyncSeconds);
        await queue.schedule(options.jobId, 'mailbox.sync', payload, every, options);
        await enqueueSync(router);
      }
      // The in-process queue forgets on a crash; the store remembers what is unfinished.
      const unfinished = (await unfinishedMessages(store)).flatMap((key) => {
        const router = findRouter(key.tenantId, key.routerId);
        if (!router) return [];
        const payload = { tenantId: key.tenantId, routerId: key.routerId, messageId: key.graphId };
        const groupKey = mailboxGroupKey(router.tenantId, router.sourceMailbox);
        return [{ payload, options: { jobId: mailrouteJobIds.messageRoute(payload), groupKey } }];
      });
      await queue.enqueueMany('message.route', unfinished);
    }
    // A worker-only process still listens, for /healthz, /readyz and /metrics.
    await http.listen({ host: config.server.host, port: config.server.port });
  } catch (error) {
    await queue.close({ deadlineMs: 0 }).catch(() => undefined);
    await http.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    await models.dispose().catch(() => undefined);
    throw error;
  }
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const url = `http://${config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host}:${port}`;
  logger.info(
    {
      url,
      api: roles.api,
      worker: roles.worker,
      store: store.kind,
      queue: queue.kind,
      routers: routers.size,
    },
    'mailroute started',
  );

  let closing: Promise<void> | undefined;
  return {
    store,
    queue,
    http,
    registry,
    routers,
    url,
    close() {
      closing ??= (async () => {
        logger.info({ deadlineMs: config.shutdown.deadlineMs }, 'mailroute stopping');
        await http.close();
        await queue.close({ deadlineMs: config.shutdown.deadlineMs });
        await store.close();
        await models.dispose();
        logger.info('mailroute stopped');
      })();
      return closing;
    },
  };
}
