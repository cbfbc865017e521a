import { z } from 'zod';

/*
 * The one schema for mailroute's configuration. The `Config` type is derived from it; nothing
 * else describes the shape of the configuration.
 */

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lower-case id of letters, digits and dashes (max 63)');

const mailboxAddress = z.email({ message: 'expected a mailbox address such as post@kommune.dk' });

const graphCredential = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('secret'),
      /** Name of the environment variable that holds the client secret (secrets never live in YAML). */
      secretEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an environment variable name'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('certificate'),
      certificatePath: z.string().min(1),
      privateKeyPath: z.string().min(1),
    })
    .strict(),
]);

const tenant = z
  .object({
    id,
    name: z.string().min(1),
    graph: z
      .object({
        /** Entra ID directory (tenant) id. */
        tenantId: z.string().min(1),
        clientId: z.string().min(1),
        credential: graphCredential,
        /** Defaults to https://login.microsoftonline.com/<tenantId>; the emulator sets its own. */
        authority: z.url().optional(),
        graphBaseUrl: z.url().default('https://graph.microsoft.com/v1.0'),
        /** PEM file of an extra CA to trust (the local Graph emulator's); never needed for Microsoft. */
        caCertFile: z.string().min(1).optional(),
      })
      .strict(),
    /** Graph's limits per app and mailbox; mailroute slows itself down before Graph throttles it. */
    limits: z
      .object({
        concurrentRequestsPerMailbox: z.number().int().min(1).max(4).default(4),
        requestsPer10Minutes: z.number().int().min(1).default(10_000),
      })
      .strict()
      .default({ concurrentRequestsPerMailbox: 4, requestsPer10Minutes: 10_000 }),
  })
  .strict();

const target = z
  .object({
    /** The class label the model predicts for this target. */
    label: z.string().min(1),
    name: z.string().min(1),
    action: z.enum(['forward', 'move', 'copy']),
    /** Where a forward goes. */
    mailbox: mailboxAddress.optional(),
    /** Where a move or copy goes, inside the source mailbox. */
    folder: z.string().min(1).optional(),
    /** Overrides the router's threshold for this target. */
    threshold: z.number().min(0).max(1).optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.action === 'forward' && !t.mailbox) {
      ctx.addIssue({ code: 'custom', path: ['mailbox'], message: 'a forward target needs a mailbox' });
    }
    if (t.action !== 'forward' && !t.folder) {
      ctx.addIssue({ code: 'custom', path: ['folder'], message: `a ${t.action} target needs a folder` });
    }
  });

const router = z
  .object({
    id,
    tenant: id,
    source: z.object({ mailbox: mailboxAddress, folder: z.string().min(1).default('inbox') }).strict(),
    targets: z.array(target).min(1, 'a router needs at least one target'),
    review: z.object({ folder: z.string().min(1) }).strict(),
    threshold: z.number().min(0).max(1).default(0.9),
    mode: z.enum(['active', 'shadow']).default('shadow'),
    /** Ordered override and fallback rules (validated against the targets at start; see docs/rules.md). */
    rules: z.array(z.unknown()).default([]),
    /** Directory of the model version to start with (ONNX + manifest); without one, rules and review only. */
    model: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const seen = new Set<string>();
    r.targets.forEach((t, i) => {
      if (seen.has(t.label)) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', i, 'label'],
          message: `label '${t.label}' is used twice`,
        });
      }
      seen.add(t.label);
    });
  });

export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(3000),
        /** Public HTTPS base URL Graph posts change notifications to (production only). */
        publicUrl: z.url().optional(),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 3000 }),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .default({ level: 'info' }),
    store: z
      .object({
        /** PGlite data directory, used when DATABASE_URL is not set. */
        dataDir: z.string().min(1).default('./data/pglite'),
        /** Connection pool size for PostgreSQL. */
        poolSize: z.number().int().min(1).max(100).default(10),
        /** PostgreSQL schema for mailroute's tables (several deployments can share a database). */
        schema: z
          .string()
          .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL identifier')
          .optional(),
      })
      .strict()
      .default({ dataDir: './data/pglite', poolSize: 10 }),
    routing: z
      .object({
        /** How long a worker holds a message it is routing before another may take over (crash recovery). */
        leaseSeconds: z.number().int().min(5).max(3600).default(60),
        /** Attempts before a message goes to review with the reason, instead of being retried forever. */
        maxAttempts: z.number().int().min(1).max(100).default(8),
      })
      .strict()
      .default({ leaseSeconds: 60, maxAttempts: 8 }),
    queue: z
      .object({
        prefix: z
          .string()
          .regex(/^[a-z0-9:_-]+$/)
          .default('mailroute'),
        concurrency: z.number().int().min(1).max(1000).default(16),
        attempts: z.number().int().min(1).max(100).default(8),
        backoffMs: z.number().int().min(10).default(1000),
        /** Per source mailbox, across all worker processes (Graph allows 4 per app and mailbox). */
        perMailboxConcurrency: z.number().int().min(1).max(4).default(4),
      })
      .strict()
      .default({
        prefix: 'mailroute',
        concurrency: 16,
        attempts: 8,
        backoffMs: 1000,
        perMailboxConcurrency: 4,
      }),
    ingest: z
      .object({
        /** Prefer: odata.maxpagesize for delta queries. */
        deltaPageSize: z.number().int().min(10).max(1000).default(100),
        /** A delta round per router this often, even with webhooks (notifications can be lost). */
        periodicSyncSeconds: z.number().int().min(1).max(3600).default(60),
        /** Subscribe to change notifications (needs server.publicUrl reachable by Graph over HTTPS). */
        webhooks: z.boolean().default(false),
      })
      .strict()
      .default({ deltaPageSize: 100, periodicSyncSeconds: 60, webhooks: false }),
    shutdown: z
      .object({ deadlineMs: z.number().int().min(0).max(600_000).default(25_000) })
      .strict()
      .default({ deadlineMs: 25_000 }),
    retention: z
      .object({
        /** Days the cleaned, PII-masked text of a message is kept for training. */
        messageTextDays: z.number().int().min(1).default(365),
        /** Days decisions and audit entries are kept. */
        decisionDays: z.number().int().min(1).default(730),
      })
      .strict()
      .default({ messageTextDays: 365, decisionDays: 730 }),
    models: z
      .object({ dir: z.string().min(1).default('./models') })
      .strict()
      .default({ dir: './models' }),
    tenants: z.array(tenant).default([]),
    routers: z.array(router).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.ingest.webhooks && !c.server.publicUrl) {
      ctx.addIssue({
        code: 'custom',
        path: ['server', 'publicUrl'],
        message: 'ingest.webhooks needs the public HTTPS URL Graph can post notifications to',
      });
    }
    const tenantIds = new Set(c.tenants.map((t) => t.id));
    const routerIds = new Set<string>();
    c.routers.forEach((r, i) => {
      if (!tenantIds.has(r.tenant)) {
        ctx.addIssue({
          code: 'custom',
          path: ['routers', i, 'tenant'],
          message: `unknown tenant '${r.tenant}' (known: ${[...tenantIds].join(', ') || 'none'})`,
        });
      }
      if (routerIds.has(r.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['routers', i, 'id'],
          message: `router id '${r.id}' is used twice`,
        });
      }
      routerIds.add(r.id);
    });
  });

/** Settings that come from the environment (secrets and URLs), validated with the file. */
export const environmentSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  PORT: z
    .string()
    .regex(/^\d{1,5}$/, 'expected a port number')
    .optional(),
  MAILROUTE_WEBHOOK_CLIENT_STATE: z.string().min(16, 'expected at least 16 characters').optional(),
  /** Bearer token for the audit API (/api/decisions); without it that API is off. */
  MAILROUTE_API_TOKEN: z.string().min(24, 'expected at least 24 characters').optional(),
});

export type ConfigFile = z.infer<typeof configSchema>;
export type TenantConfig = ConfigFile['tenants'][number];
export type RouterConfig = ConfigFile['routers'][number];
export type TargetConfig = RouterConfig['targets'][number];
