import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startMailroute, type RunningMailroute } from '../../src/app/index.js';
import { parseConfig } from '../../src/config/index.js';
import { emulatorTenantYaml, startGraphEmulator, type GraphEmulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/log/index.js';
import { eventually, freePort } from '../support/ports.js';

/*
 * The whole pipeline against the Graph emulator over HTTPS: webhooks and periodic delta on, rules
 * deciding (the model part is covered where a model is configured). Every mail must end exactly
 * once in its target or in review, with one recorded decision each.
 */

const MAILS = 90;
const source = 'post@fjordby.dk';
const review = 'Til manuel fordeling';

describe('routing pipeline end to end', () => {
  let emulator: GraphEmulator;
  let reviewFolderId: string;
  let mailroute: RunningMailroute;
  const logs: string[] = [];

  beforeAll(async () => {
    emulator = await startGraphEmulator();
    for (const box of [source, 'byggesag@fjordby.dk', 'parkering@fjordby.dk']) emulator.addMailbox(box);
    reviewFolderId = emulator.createFolder(source, review);
    const dir = mkdtempSync(join(tmpdir(), 'mailroute-e2e-'));
    const caFile = join(dir, 'emulator-ca.pem');
    writeFileSync(caFile, emulator.caCertPem);
    const port = await freePort();
    const config = parseConfig(
      `
server: { host: 127.0.0.1, port: ${port}, publicUrl: "http://127.0.0.1:${port}" }
store: { dataDir: "${join(dir, 'pglite')}" }
ingest: { webhooks: true, periodicSyncSeconds: 5, deltaPageSize: 50 }
queue: { concurrency: 8 }
shutdown: { deadlineMs: 5000 }
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
      - { name: p-afgift, kind: fallback, target: parkering, when: { body: { regex: "p-?afgift", flags: i } } }
      - { name: byg-sag, kind: override, target: byggesag, when: { header: { name: X-Kommune-Sag, value: { regex: "^BYG-" } } } }
`,
      'e2e.yaml',
      { EMULATOR_SECRET: 'demo-secret', MAILROUTE_WEBHOOK_CLIENT_STATE: 'e2e-client-state-0123456789' },
    );
    const logger = createLogger({
      level: 'warn',
      destination: new Writable({
        write(chunk: Buffer, _e, done) {
          logs.push(chunk.toString());
          done();
        },
      }),
    });
    mailroute = await startMailroute(config, { api: true, worker: true }, logger);
  });

  afterAll(async () => {
    await mailroute?.close();
    await emulator?.close();
  });

  it('routes every mail exactly once to its target or to review, and records every decision', async () => {
    const truth = new Map<string, string>();
    for (let i = 0; i < MAILS; i++) {
      const kind = i % 3 === 0 ? 'byggesag' : i % 3 === 1 ? 'parkering' : 'review';
      const subject = kind === 'byggesag' ? `Carport ansøgning ${i}` : `Henvendelse ${i}`;
      const body =
        kind === 'parkering' ? `Jeg har fået en P-afgift, sag ${i}.` : `Hej, jeg har et spørgsmål (${i}).`;
      const id = emulator.deliver(source, {
        subject,
        body,
        from: `Borger ${i} <borger${i}@example.dk>`,
        to: [source],
      });
      truth.set(id, kind);
    }

    const decisions = await eventually(
      'every decision recorded',
      async () => {
        const { rows } = await mailroute.store.query<{ n: number }>(
          `SELECT count(*) AS n FROM decisions WHERE state = 'recorded'`,
        );
        return (rows[0]?.n ?? 0) >= MAILS ? rows[0]?.n : undefined;
      },
      90_000,
      250,
    );
    expect(decisions).toBe(MAILS);

    const forwardedTo = (box: string) => emulator.listMessages(box, 'inbox');
    const byggesag = forwardedTo('byggesag@fjordby.dk');
    const parkering = forwardedTo('parkering@fjordby.dk');
    const reviewed = emulator.listMessages(source, reviewFolderId);
    expect(byggesag).toHaveLength(MAILS / 3);
    expect(parkering).toHaveLength(MAILS / 3);
    expect(reviewed).toHaveLength(MAILS / 3);
    expect(new Set(byggesag.map((m) => m.subject)).size).toBe(MAILS / 3);
    // The department can answer the citizen directly.
    expect(byggesag[0]?.replyTo[0]?.emailAddress.address).toMatch(/^borger\d+@example\.dk$/);
    for (const m of reviewed) expect(truth.get(m.id)).toBe('review');

    const { rows } = await mailroute.store.query<{ outcome: string; n: number }>(
      `SELECT outcome, count(*) AS n FROM decisions GROUP BY outcome ORDER BY outcome`,
    );
    expect(rows).toEqual([
      { outcome: 'review', n: MAILS / 3 },
      { outcome: 'routed', n: (2 * MAILS) / 3 },
    ]);
    const metrics = await (await fetch(`${mailroute.url}/metrics`)).text();
    expect(metrics).toContain(
      `mailroute_messages_total{router="fjordby/post",outcome="routed",acted="true"} ${(2 * MAILS) / 3}`,
    );
    expect(metrics).toContain(
      `mailroute_messages_total{router="fjordby/post",outcome="review",acted="true"} ${MAILS / 3}`,
    );
    // Graph's own counts: every request was counted, none of them throttled (no faults here).
    expect(metrics).toMatch(/^mailroute_graph_requests_total\{tenant="fjordby"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^mailroute_graph_throttled_total\{tenant="fjordby"\} 0$/m);
    expect(logs.join('')).not.toContain('borger1@example.dk');
  });

  it('routes nothing twice when delta rounds and notifications repeat', async () => {
    await mailroute.queue.enqueue('mailbox.sync', { tenantId: 'fjordby', routerId: 'post' });
    await new Promise((r) => setTimeout(r, 2000));
    expect(emulator.listMessages('byggesag@fjordby.dk', 'inbox')).toHaveLength(MAILS / 3);
    expect(emulator.listMessages('parkering@fjordby.dk', 'inbox')).toHaveLength(MAILS / 3);
    const { rows } = await mailroute.store.query<{ n: number }>(`SELECT count(*) AS n FROM decisions`);
    expect(rows[0]?.n).toBe(MAILS);
  });

  it('routes by an Internet message header when a rule says so', async () => {
    const id = emulator.deliver(source, {
      subject: 'Svar på høring',
      body: 'Hermed vores bemærkninger.',
      from: 'Rådgiver <raadgiver@example.dk>',
      headers: [{ name: 'X-Kommune-Sag', value: 'BYG-2026-0042' }],
    });
    await eventually('the header-routed mail to be recorded', async () => {
      const decision = await mailroute.store.query<{ reason: string; rule_hits: { override: string[] } }>(
        `SELECT d.reason, d.rule_hits FROM decisions d JOIN messages m ON m.id = d.message_id
         WHERE m.graph_id = $1 AND d.state = 'recorded'`,
        [id],
      );
      return decision.rows[0];
    }).then((d) => expect(d.rule_hits.override).toEqual(['byg-sag']));
    const forwarded = emulator.listMessages('byggesag@fjordby.dk', 'inbox').map((m) => m.subject);
    expect(forwarded.some((s) => s.endsWith('Svar på høring'))).toBe(true);
  });
});
