// bench:pipeline — the whole routing pipeline on the production setup (PostgreSQL + BullMQ, one API
// process for the webhooks, 1 or 2 worker processes) against the Graph emulator with Graph's
// per-mailbox limits on (4 concurrent requests, 10,000 per 10 minutes) and 50 ms per request, with
// 4 source mailboxes, each worker running up to 32 jobs at once (4 per mailbox plus 4 waiting for a
// slot). Prints a table and writes bench-results/pipeline.json.
//
//   DATABASE_URL=postgres://... REDIS_URL=redis://... npm run bench:pipeline [-- --quick] [--latency-ms 50] [--latency-ms 50]
//
// Each run has two phases:
//   burst   N mails per mailbox delivered at once: routed mails per second per mailbox, from the
//           first delivery to the last recorded decision of that mailbox, compared with the bound
//           Graph's limits allow: the mailbox's requests (counted by the emulator) need at least
//           requests x 50 ms / 4 concurrent, and past 10,000 requests the sliding budget's pace.
//   steady  mail arriving at a fixed pace (half the rate the burst reached, so the pipeline keeps up
//           and what is measured is latency, not a growing backlog) with webhooks on: latency from
//           the moment the emulator received a mail to the moment mailroute had acted on it.
// lost = a mail with no recorded decision at the end; duplicates = a mail that reached a target
// (or the review folder) more than once.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { printTable, writeResults } from './table.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { emulatorTenantYaml, startGraphEmulator, type GraphEmulator } from '../src/emulator/index.js';
import { openStore, type Database } from '../src/store/index.js';

const quick = process.argv.includes('--quick');
const latencyFlag = process.argv.indexOf('--latency-ms');
const LATENCY_MS = latencyFlag > 0 ? Number(process.argv[latencyFlag + 1]) : 50;
const CONCURRENT = 4;
const BUDGET = 10_000;
const WINDOW_S = 600;
const sources = ['post', 'byg', 'borger', 'erhverv'].map((n) => `${n}@fjordby.dk`);
const targets = ['byggesag', 'parkering'];
const review = 'Til manuel fordeling';
const burstPerMailbox = quick ? 60 : 200;
// Each mailbox's 4 running jobs plus 4 waiting ones, for every mailbox (see docs/queue.md, sizing).
const WORKER_CONCURRENCY = 2 * CONCURRENT * sources.length;
const steadySeconds = quick ? 10 : 30;

const databaseUrl = process.env.DATABASE_URL ?? '';
const redisUrl = process.env.REDIS_URL ?? '';
if (!databaseUrl || !redisUrl) {
  process.stderr.write(
    'bench:pipeline runs the production setup: set DATABASE_URL (PostgreSQL) and REDIS_URL (Redis), e.g.\n' +
      '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379 npm run bench:pipeline\n',
  );
  process.exit(2);
}

interface Run {
  workers: number;
  mailboxes: number;
  messages: number;
  lost: number;
  duplicates: number;
  routed_per_s_per_mailbox: number;
  bound_per_s_per_mailbox: number;
  ratio: number;
  requests_per_mail: number;
  throttled: number;
  /** Pace of the steady phase whose latency is reported. */
  steady_per_s_per_mailbox: number;
  latency_ms: { p50: number; p95: number; p99: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN);

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function configYaml(
  emulator: GraphEmulator,
  caFile: string,
  schema: string,
  prefix: string,
  apiPort: number,
) {
  const routers = sources
    .map(
      (source, i) => `
  - id: r${i}
    tenant: fjordby
    mode: active
    source: { mailbox: ${source} }
    review: { folder: ${review} }
    targets:
${targets.map((t) => `      - { label: ${t}, name: ${t}, action: forward, mailbox: ${t}@fjordby.dk }`).join('\n')}
    rules:
      - { name: carport, kind: override, target: byggesag, when: { subject: { contains: carport } } }
      - { name: p-afgift, kind: override, target: parkering, when: { subject: { contains: p-afgift } } }`,
    )
    .join('');
  return `
server: { host: 127.0.0.1, port: 0, publicUrl: "http://127.0.0.1:${apiPort}" }
log: { level: warn }
store: { schema: ${schema} }
queue: { prefix: ${prefix}, concurrency: ${WORKER_CONCURRENCY} }
ingest: { webhooks: true, periodicSyncSeconds: 10, deltaPageSize: 100 }
shutdown: { deadlineMs: 3000 }
${emulatorTenantYaml(emulator, caFile)}routers:${routers}
`;
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function recordedCount(store: Database): Promise<number> {
  const { rows } = await store.query<{ n: number }>(
    `SELECT count(*) AS n FROM decisions WHERE state = 'recorded'`,
  );
  return Number(rows[0]?.n ?? 0);
}

async function run(workers: number): Promise<Run> {
  const emulator = await startGraphEmulator({
    throttling: { maxConcurrent: CONCURRENT, requestsPer10Min: BUDGET },
  });
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'mailroute-bench-pipeline-'));
  const schema = `bench_pipeline_${process.pid}_${workers}`;
  const prefix = `bench-pipeline-${process.pid}-${workers}`;
  const store = await openStore({ databaseUrl, schema });
  try {
    const reviewFolders = new Map<string, string>();
    for (const source of sources) {
      emulator.addMailbox(source);
      reviewFolders.set(source, emulator.createFolder(source, review));
    }
    for (const t of targets) emulator.addMailbox(`${t}@fjordby.dk`);
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, emulator.caCertPem);
    const apiPort = await freePort();
    const configFile = join(dir, 'mailroute.yaml');
    writeFileSync(configFile, configYaml(emulator, caFile, schema, prefix, apiPort));
    const start = (args: string[], name: string) => {
      const log = openSync(join(dir, `${name}.log`), 'w');
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/cli.ts', ...args, '--config', configFile],
        {
          env: {
            ...process.env,
            EMULATOR_SECRET: 'demo-secret',
            MAILROUTE_WEBHOOK_CLIENT_STATE: 'bench-pipeline-client-state',
          },
          stdio: ['ignore', log, log],
        },
      );
      children.push(child);
    };
    start(['serve', '--no-worker', '--port', String(apiPort)], 'api');
    for (let w = 0; w < workers; w++) start(['worker', '--port', String(await freePort())], `worker-${w}`);
    // Ready: every router is configured and subscribed (webhooks on).
    await waitUntil(
      'the workers to subscribe every mailbox',
      async () => emulator.subscriptions().length >= sources.length,
      60_000,
    );
    for (const source of sources) emulator.faults.set(source, { latencyMs: LATENCY_MS });

    const deliveredAt = new Map<string, number>(); // graph id -> ms
    const subjects = new Map<string, string>(); // graph id -> unique subject
    let n = 0;
    const deliver = (source: string) => {
      const i = n++;
      const subject = i % 3 === 0 ? `Carport #${i}` : i % 3 === 1 ? `P-afgift #${i}` : `Spørgsmål #${i}`;
      const id = emulator.deliver(source, { subject, body: `Hej, sag ${i}.`, from: `borger${i}@example.dk` });
      deliveredAt.set(id, Date.now());
      subjects.set(id, subject);
      return id;
    };

    // Burst: everything at once; each mailbox's rate from first delivery to its last decision.
    const burstStart = Date.now();
    const burstIds = new Set<string>();
    for (let k = 0; k < burstPerMailbox; k++) for (const source of sources) burstIds.add(deliver(source));
    const requestsBefore = new Map(sources.map((s) => [s, emulator.stats(s).requests]));
    await waitUntil(
      'the burst to be routed',
      async () => (await recordedCount(store)) >= burstIds.size,
      600_000,
    );
    const { rows: lastActed } = await store.query<{ router_id: string; last: Date }>(
      `SELECT router_id, max(acted_at) AS last FROM decisions GROUP BY router_id`,
    );
    const rates = lastActed.map((r) => burstPerMailbox / ((r.last.getTime() - burstStart) / 1000));
    const requests = sources.map((s) => emulator.stats(s).requests - (requestsBefore.get(s) ?? 0));
    const requestsPerMail = requests.reduce((a, b) => a + b, 0) / (sources.length * burstPerMailbox);
    const bounds = requests.map((r) => {
      const concurrencySeconds = (r * LATENCY_MS) / 1000 / CONCURRENT;
      const budgetSeconds = r > BUDGET ? ((r - BUDGET) * WINDOW_S) / BUDGET : 0;
      return burstPerMailbox / Math.max(concurrencySeconds, budgetSeconds);
    });
    const rate = rates.reduce((a, b) => a + b, 0) / rates.length;
    const bound = bounds.reduce((a, b) => a + b, 0) / bounds.length;

    // Steady: half the burst's rate per mailbox, webhooks carry the news.
    const perSecond = Math.max(1, Math.floor(rate / 2));
    const steadyIds = new Set<string>();
    for (let s = 0; s < steadySeconds; s++) {
      const tick = Date.now();
      for (let k = 0; k < perSecond; k++) {
        for (const source of sources) steadyIds.add(deliver(source));
        await sleep(1000 / perSecond / sources.length);
      }
      await sleep(Math.max(0, 1000 - (Date.now() - tick)));
    }
    const total = burstIds.size + steadyIds.size;
    await waitUntil(
      'the steady mail to be routed',
      async () => (await recordedCount(store)) >= total,
      300_000,
    ).catch(() => undefined);

    const { rows } = await store.query<{ graph_id: string; acted_at: Date | null }>(
      `SELECT m.graph_id, d.acted_at FROM decisions d JOIN messages m ON m.id = d.message_id WHERE d.state = 'recorded'`,
    );
    const actedAt = new Map(rows.map((r) => [r.graph_id, r.acted_at?.getTime() ?? NaN]));
    const latencies = [...steadyIds]
      .map((id) => (actedAt.get(id) ?? NaN) - (deliveredAt.get(id) ?? NaN))
      .filter((v) => Number.isFinite(v))
      .sort((a, b) => a - b);

    // Count where every mail ended up: exactly once in a target inbox or a review folder.
    const landed = new Map<string, number>();
    const count = (subject: string) => {
      const tag = /#\d+$/.exec(subject)?.[0] ?? subject;
      landed.set(tag, (landed.get(tag) ?? 0) + 1);
    };
    for (const t of targets)
      for (const m of emulator.listMessages(`${t}@fjordby.dk`, 'inbox')) count(m.subject);
    for (const source of sources)
      for (const m of emulator.listMessages(source, reviewFolders.get(source))) count(m.subject);
    const duplicates = [...landed.values()].filter((v) => v > 1).length;
    const lost = [...subjects.keys()].filter((id) => !actedAt.has(id)).length;
    const round = (v: number, d = 10) => Math.round(v * d) / d;
    return {
      workers,
      mailboxes: sources.length,
      messages: total,
      lost,
      duplicates,
      routed_per_s_per_mailbox: round(rate),
      bound_per_s_per_mailbox: round(bound),
      ratio: round(rate / bound, 1000),
      requests_per_mail: round(requestsPerMail, 100),
      throttled: sources.reduce((a, s) => a + emulator.stats(s).throttled, 0),
      steady_per_s_per_mailbox: perSecond,
      latency_ms: {
        p50: Math.round(percentile(latencies, 0.5)),
        p95: Math.round(percentile(latencies, 0.95)),
        p99: Math.round(percentile(latencies, 0.99)),
      },
    };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await sleep(500);
    for (const child of children) child.kill('SIGKILL');
    await store.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await store.close();
    await emulator.close();
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

const runs: Run[] = [];
for (const workers of [1, 2]) runs.push(await run(workers));

const columns = [
  'workers',
  'mailboxes',
  'messages',
  'lost',
  'duplicates',
  'routed/s/mailbox',
  'bound/s/mailbox',
  'ratio',
  'req/mail',
  'throttled',
  'p50 ms',
  'p95 ms',
  'p99 ms',
];
const cells = runs.map((r) =>
  [
    r.workers,
    r.mailboxes,
    r.messages,
    r.lost,
    r.duplicates,
    r.routed_per_s_per_mailbox,
    r.bound_per_s_per_mailbox,
    r.ratio,
    r.requests_per_mail,
    r.throttled,
    r.latency_ms.p50,
    r.latency_ms.p95,
    r.latency_ms.p99,
  ].map(String),
);
printTable(columns, cells);
writeResults('pipeline', {
  node: process.version,
  date: new Date().toISOString(),
  quick,
  latency_ms_per_request: LATENCY_MS,
  runs,
});
