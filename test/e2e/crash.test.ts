import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emulatorTenantYaml, startGraphEmulator, type GraphEmulator } from '../../src/emulator/index.js';
import { openStore, type Database } from '../../src/store/index.js';
import { eventually, freePort } from '../support/ports.js';
import { databaseUrl, dropRedisKeys, dropSchema, redisUrl, uniqueName } from '../support/services.js';

/*
 * The fault test of the routing pipeline: worker processes are killed with SIGKILL at random points
 * while Graph throttles and fails, on the production setup (PostgreSQL + BullMQ). Afterwards no
 * mail is lost, none is forwarded twice, and every message has exactly one decision.
 */

const MAILS = 1000;
const KILLS = 20;
const source = 'post@fjordby.dk';
const targets = ['byggesag@fjordby.dk', 'parkering@fjordby.dk'];
const review = 'Til manuel fordeling';

// Deterministic "random" kill times, 0.7-3 s apart.
function killDelays(seed: number, count: number): number[] {
  const delays: number[] = [];
  let x = seed;
  while (delays.length < count) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    delays.push(700 + (x % 2300));
  }
  return delays;
}

describe.runIf(databaseUrl && redisUrl)('routing survives SIGKILLed workers (PostgreSQL + BullMQ)', () => {
  let emulator: GraphEmulator;
  let store: Database;
  let configFile: string;
  let reviewFolderId: string;
  const schema = uniqueName('crash');
  const children = new Set<ChildProcess>();

  const queuePrefix = uniqueName('crash');
  // Each worker's log goes to a file of its own (printed on failure): a killed worker's last words.
  let logDir = '';
  let started = 0;
  function startWorker(port: number): ChildProcess {
    const log = openSync(join(logDir, `worker-${++started}.log`), 'w');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'worker', '--config', configFile, '--port', String(port)],
      {
        env: { ...process.env, EMULATOR_SECRET: 'demo-secret', LOG_LEVEL: 'warn' },
        stdio: ['ignore', log, log],
      },
    );
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  }

  const exited = (child: ChildProcess) =>
    new Promise<void>((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
    );

  beforeAll(async () => {
    emulator = await startGraphEmulator();
    for (const box of [source, ...targets]) emulator.addMailbox(box);
    reviewFolderId = emulator.createFolder(source, review);
    const dir = mkdtempSync(join(tmpdir(), 'mailroute-crash-'));
    logDir = dir;
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, emulator.caCertPem);
    configFile = join(dir, 'mailroute.yaml');
    writeFileSync(
      configFile,
      `
server: { host: 127.0.0.1, port: 0 }
store: { schema: ${schema} }
queue: { prefix: ${queuePrefix}, concurrency: 16, backoffMs: 200 }
routing: { leaseSeconds: 10 }
ingest: { periodicSyncSeconds: 2, deltaPageSize: 100 }
shutdown: { deadlineMs: 3000 }
${emulatorTenantYaml(emulator, caFile)}routers:
  - id: post
    tenant: fjordby
    mode: active
    source: { mailbox: ${source} }
    review: { folder: ${review} }
    targets:
      - { label: byggesag, name: Byggesag, action: forward, mailbox: byggesag@fjordby.dk }
      - { label: parkering, name: Parkering, action: forward, mailbox: parkering@fjordby.dk }
    rules:
      - { name: carport, kind: override, target: byggesag, when: { subject: { contains: carport } } }
      - { name: p-afgift, kind: override, target: parkering, when: { subject: { contains: p-afgift } } }
`,
    );
    store = await openStore({ databaseUrl: databaseUrl ?? '', schema });
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await store?.close();
    await emulator?.close();
    await dropSchema(schema);
    await dropRedisKeys(`${queuePrefix}:*`);
  });

  it(`routes ${MAILS} mails exactly once while workers are killed ${KILLS} times under 429s and 5xx`, async () => {
    // The router must exist before mail arrives, or it would treat the mail as older than its activation.
    const port = await freePort();
    const first = startWorker(port);
    await eventually('the worker to configure its router', async () => {
      if (first.exitCode !== null) throw new Error(`the worker exited with code ${first.exitCode}`);
      const { rowCount } = await store
        .query(`SELECT 1 FROM routers WHERE id = 'post'`)
        .catch(() => ({ rowCount: 0 }));
      return rowCount === 1 ? true : undefined;
    });
    emulator.faults.set(source, { throttleRate: 0.05, retryAfterSeconds: 1, serverErrorRate: 0.03, seed: 7 });
    for (const box of targets) emulator.faults.set(box, { serverErrorRate: 0.03, seed: 11 });
    for (let i = 0; i < MAILS; i++) {
      const subject = i % 3 === 0 ? `Carport ${i}` : i % 3 === 1 ? `P-afgift ${i}` : `Spørgsmål ${i}`;
      emulator.deliver(source, { subject, body: `Hej (${i})`, from: `borger${i}@example.dk`, to: [source] });
    }

    let worker = first;
    for (const delay of killDelays(42, KILLS)) {
      await new Promise((r) => setTimeout(r, delay));
      worker.kill('SIGKILL');
      await exited(worker);
      worker = startWorker(port);
    }
    emulator.faults.clear();

    await eventually(
      `every message to have a recorded decision (worker logs: ${logDir})`,
      async () => {
        const { rows } = await store.query<{ n: number }>(
          `SELECT count(*) AS n FROM decisions WHERE state = 'recorded'`,
        );
        return rows[0]?.n === MAILS ? true : undefined;
      },
      240_000,
      500,
    );
    worker.kill('SIGTERM');
    await exited(worker);

    const { rows: perMessage } = await store.query<{ n: number; decisions: number }>(
      `SELECT count(*) AS n, count(d.id) AS decisions FROM messages m LEFT JOIN decisions d ON d.message_id = m.id`,
    );
    expect(perMessage[0]).toEqual({ n: MAILS, decisions: MAILS });

    // Count the copies that reached each target: every mail exactly once, in its target or in review.
    const delivered = new Map<string, string[]>();
    const count = (subject: string, where: string) =>
      delivered.set(subject, [...(delivered.get(subject) ?? []), where]);
    for (const box of targets)
      for (const m of emulator.listMessages(box, 'inbox'))
        count(m.subject.replace(/^(VS|FW|Fwd): /i, ''), box);
    for (const m of emulator.listMessages(source, reviewFolderId)) count(m.subject, 'review');
    const duplicates = [...delivered].filter(([, places]) => places.length > 1);
    if (duplicates.length > 0) {
      // Say what the store knows of each duplicate, so a failure can be understood.
      const { rows } = await store.query(
        `SELECT m.subject_masked, d.state, d.outcome, d.target_label, d.attempts, d.reason FROM decisions d
         JOIN messages m ON m.id = d.message_id WHERE m.subject_masked = ANY($1)`,
        [duplicates.map(([subject]) => subject)],
      );
      console.error('duplicates', JSON.stringify(duplicates), JSON.stringify(rows));
    }
    expect(duplicates).toEqual([]);
    expect(delivered.size).toBe(MAILS);
    expect(emulator.listMessages('byggesag@fjordby.dk', 'inbox')).toHaveLength(Math.ceil(MAILS / 3));
    expect(emulator.listMessages('parkering@fjordby.dk', 'inbox')).toHaveLength(Math.floor((MAILS + 1) / 3));
  }, 420_000);
});
