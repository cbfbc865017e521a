import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailroute, type RunningMailroute } from '../../src/app/index.js';
import { parseConfig } from '../../src/config/index.js';
import { demoHistory, demoMailStream, demoMunicipality, toJsonlRow } from '../../src/demo/index.js';
import { emulatorTenantYaml, startGraphEmulator, type GraphEmulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/log/index.js';
import { parseJsonl, saveModel, trainModel } from '../../src/model/index.js';
import { eventually, freePort } from '../support/ports.js';

/*
 * The main job at scale: 2,000 mails to two source mailboxes, routed by a model trained from the
 * demo history (real onnxruntime), through the Graph emulator over HTTPS with Graph's throttling
 * limits, webhooks and periodic delta on. Every mail ends exactly once in the target its decision
 * names or in review, every decision is recorded, and per router mail in = routed + review.
 */

const PER_MAILBOX = 1000;
const sources = ['post@fjordby.dk', 'erhverv@fjordby.dk'];
const { departments, reviewFolder } = demoMunicipality;
const apiToken = 'e2e-audit-api-token-0123456789';

describe('routing 2,000 mails with the model, webhooks and periodic delta', () => {
  let emulator: GraphEmulator;
  let mailroute: RunningMailroute;
  const reviewFolderIds = new Map<string, string>();

  beforeAll(async () => {
    emulator = await startGraphEmulator({ throttling: {} });
    for (const source of sources) {
      emulator.addMailbox(source);
      reviewFolderIds.set(source, emulator.createFolder(source, reviewFolder));
    }
    for (const d of departments) emulator.addMailbox(d.address, d.name);
    const dir = mkdtempSync(join(tmpdir(), 'mailroute-e2e-model-'));
    const history = demoHistory({ seed: 5, count: 1500, endDate: new Date('2026-11-01T00:00:00Z') });
    const { records } = parseJsonl(history.map((m, i) => JSON.stringify(toJsonlRow(m, `h${i}`))).join('\n'), {
      requireLabel: true,
    });
    const modelDir = join(dir, 'model');
    await saveModel(modelDir, trainModel(records, { seed: 5 }));
    const caFile = join(dir, 'emulator-ca.pem');
    writeFileSync(caFile, emulator.caCertPem);
    const port = await freePort();
    const targets = departments
      .map((d) => `      - { label: ${d.label}, name: "${d.name}", action: forward, mailbox: ${d.address} }`)
      .join('\n');
    const routers = sources
      .map(
        (source, i) => `
  - id: r${i}
    tenant: fjordby
    mode: active
    threshold: 0.6
    model: ${modelDir}
    source: { mailbox: ${source} }
    review: { folder: ${reviewFolder} }
    targets:
${targets}`,
      )
      .join('');
    const config = parseConfig(
      `
server: { host: 127.0.0.1, port: ${port}, publicUrl: "http://127.0.0.1:${port}" }
store: { dataDir: "${join(dir, 'pglite')}" }
ingest: { webhooks: true, periodicSyncSeconds: 5, deltaPageSize: 50 }
queue: { concurrency: 16 }
shutdown: { deadlineMs: 5000 }
${emulatorTenantYaml(emulator, caFile)}routers:${routers}
`,
      'e2e-model.yaml',
      {
        EMULATOR_SECRET: 'demo-secret',
        MAILROUTE_WEBHOOK_CLIENT_STATE: 'e2e-model-client-state-0123',
        MAILROUTE_API_TOKEN: apiToken,
      },
    );
    mailroute = await startMailroute(config, { api: true, worker: true }, createLogger({ level: 'error' }));
  }, 120_000);

  afterAll(async () => {
    await mailroute?.close();
    await emulator?.close();
  });

  it('routes every mail exactly once to the target its decision names, or to review', async () => {
    // Mail keeps arriving while the router works: 100 every 100 ms, alternating mailboxes.
    const stream = demoMailStream({ seed: 6 });
    const sentBy = new Map<string, string>(); // unique subject tag -> source mailbox
    for (let n = 0; n < PER_MAILBOX * sources.length; n++) {
      // Received now (the emulator's clock), not at the stream's own made-up times.
      const { receivedDateTime: _made_up, ...mail } = stream.next().value;
      const source = sources[n % sources.length] ?? '';
      const tag = `#${n}`;
      emulator.deliver(source, { ...mail, subject: `${mail.subject} ${tag}` });
      sentBy.set(tag, source);
      if (n % 100 === 99) await new Promise((r) => setTimeout(r, 100));
    }

    await eventually(
      'every decision recorded',
      async () => {
        const { rows } = await mailroute.store.query<{ n: number }>(
          `SELECT count(*) AS n FROM decisions WHERE state = 'recorded'`,
        );
        return (rows[0]?.n ?? 0) >= sentBy.size ? true : undefined;
      },
      300_000,
      500,
    );

    const { rows: decisions } = await mailroute.store.query<{
      router_id: string;
      subject: string;
      outcome: string;
      target_label: string | null;
      model_version: string | null;
    }>(
      `SELECT d.router_id, m.subject_masked AS subject, d.outcome, d.target_label, d.model_version
       FROM decisions d JOIN messages m ON m.id = d.message_id`,
    );
    expect(decisions).toHaveLength(sentBy.size);
    const tagOf = (subject: string) => /#\d+$/.exec(subject)?.[0] ?? '';

    // Where each mail really ended up, counted in the emulator's mailboxes.
    const landed = new Map<string, string[]>();
    const note = (subject: string, where: string) => {
      const tag = tagOf(subject);
      landed.set(tag, [...(landed.get(tag) ?? []), where]);
    };
    for (const d of departments)
      for (const m of emulator.listMessages(d.address, 'inbox')) note(m.subject, d.label);
    for (const source of sources)
      for (const m of emulator.listMessages(source, reviewFolderIds.get(source))) note(m.subject, 'review');

    const perRouter = new Map<string, { in: number; routed: number; review: number }>();
    for (const d of decisions) {
      const counts = perRouter.get(d.router_id) ?? { in: 0, routed: 0, review: 0 };
      counts.in += 1;
      if (d.outcome === 'routed') counts.routed += 1;
      if (d.outcome === 'review') counts.review += 1;
      perRouter.set(d.router_id, counts);
      const expected = d.outcome === 'routed' ? d.target_label : 'review';
      expect(landed.get(tagOf(d.subject)), `${d.subject}: ${d.outcome} ${d.target_label}`).toEqual([
        expected,
      ]);
    }
    expect(landed.size).toBe(sentBy.size);
    for (const [, counts] of perRouter) {
      expect(counts.in).toBe(PER_MAILBOX);
      expect(counts.routed + counts.review).toBe(counts.in);
    }
    // The model made the routing decisions (and routed most of the mail).
    const routedByModel = decisions.filter((d) => d.outcome === 'routed' && d.model_version !== null);
    expect(routedByModel.length).toBeGreaterThan(sentBy.size / 2);
  }, 360_000);

  it('answers audit queries by router, time, target and outcome, with the explanation', async () => {
    const api = async (query: string, token: string | null = apiToken) => {
      const response = await fetch(`${mailroute.url}/api/decisions?${query}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      return {
        status: response.status,
        body: (await response.json()) as { decisions: Decision[]; next: number | null },
      };
    };
    interface Decision {
      id: number;
      routerId: string;
      outcome: string;
      targetLabel: string | null;
      receivedAt: string;
      scores: { label: string; probability: number }[];
      explanation: { target: string; towards: { feature: string; weight: number }[] };
    }
    expect((await api('limit=1', null)).status).toBe(401);
    expect((await api('limit=1', 'wrong-token-wrong-token-00')).status).toBe(401);
    expect((await api('outcome=sideways')).status).toBe(400);
    expect((await api('outcome=sideways', null)).status).toBe(401);

    const first = await api('router=r0&outcome=routed&target=byggesag&limit=5');
    expect(first.status).toBe(200);
    expect(first.body.decisions).toHaveLength(5);
    for (const d of first.body.decisions) {
      expect(d).toMatchObject({ routerId: 'r0', outcome: 'routed', targetLabel: 'byggesag' });
      expect(d.scores).toHaveLength(3);
      expect(d.explanation.target).toBe('byggesag');
      expect(d.explanation.towards.length).toBeGreaterThan(0);
    }
    // Paging: the next page starts below the last id, with no overlap.
    const second = await api(`router=r0&outcome=routed&target=byggesag&limit=5&before=${first.body.next}`);
    const ids = [...first.body.decisions, ...second.body.decisions].map((d) => d.id);
    expect(new Set(ids).size).toBe(10);
    expect(Math.max(...second.body.decisions.map((d) => d.id))).toBeLessThan(
      Math.min(...first.body.decisions.map((d) => d.id)),
    );

    // A time window in the future holds nothing; one around now holds everything of r1.
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await api(`from=${encodeURIComponent(future)}`)).body.decisions).toHaveLength(0);
    const all = await api(
      `router=r1&limit=500&from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`,
    );
    expect(all.body.decisions).toHaveLength(500);
    expect(all.body.decisions.every((d) => d.routerId === 'r1')).toBe(true);
  });
});
