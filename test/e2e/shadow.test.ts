import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailroute, type RunningMailroute } from '../../src/app/index.js';
import { parseConfig, type Config } from '../../src/config/index.js';
import { emulatorTenantYaml, startGraphEmulator, type GraphEmulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/log/index.js';
import { eventually, freePort } from '../support/ports.js';

/*
 * How a new router is trusted before it goes live: in shadow mode it decides and records every
 * mail and touches none; switched to active, it routes only mail that arrives after the switch.
 */

const source = 'post@fjordby.dk';
const review = 'Til manuel fordeling';

describe('shadow mode, then active', () => {
  let emulator: GraphEmulator;
  let dir: string;
  let caFile: string;
  let reviewFolderId: string;
  let mailroute: RunningMailroute | undefined;

  beforeAll(async () => {
    emulator = await startGraphEmulator();
    for (const box of [source, 'byggesag@fjordby.dk']) emulator.addMailbox(box);
    reviewFolderId = emulator.createFolder(source, review);
    dir = mkdtempSync(join(tmpdir(), 'mailroute-shadow-'));
    caFile = join(dir, 'emulator-ca.pem');
    writeFileSync(caFile, emulator.caCertPem);
  });

  afterAll(async () => {
    await mailroute?.close();
    await emulator?.close();
  });

  async function configFor(mode: 'shadow' | 'active'): Promise<Config> {
    return parseConfig(
      `
server: { host: 127.0.0.1, port: ${await freePort()} }
store: { dataDir: "${join(dir, 'pglite')}" }
ingest: { periodicSyncSeconds: 1 }
shutdown: { deadlineMs: 3000 }
${emulatorTenantYaml(emulator, caFile)}routers:
  - id: post
    tenant: fjordby
    mode: ${mode}
    source: { mailbox: ${source} }
    review: { folder: ${review} }
    targets:
      - { label: byggesag, name: Byggesag, action: forward, mailbox: byggesag@fjordby.dk }
    rules:
      - { name: carport, kind: override, target: byggesag, when: { subject: { contains: carport } } }
`,
      'shadow.yaml',
      { EMULATOR_SECRET: 'demo-secret' },
    );
  }

  const deliver = (subjects: string[]) =>
    subjects.map((subject) => emulator.deliver(source, { subject, body: 'Hej', from: 'borger@example.dk' }));

  async function recorded(n: number): Promise<void> {
    await eventually(`${n} recorded decisions`, async () => {
      const { rows } = await (mailroute as RunningMailroute).store.query<{ n: number }>(
        `SELECT count(*) AS n FROM decisions WHERE state = 'recorded'`,
      );
      return rows[0]?.n === n ? true : undefined;
    });
  }

  it('records every decision in shadow mode and acts on nothing', async () => {
    mailroute = await startMailroute(
      await configFor('shadow'),
      { api: true, worker: true },
      createLogger({ level: 'error' }),
    );
    deliver(['Carport 1', 'Carport 2', 'Spørgsmål 3']);
    await recorded(3);
    const { rows } = await mailroute.store.query<{ outcome: string; acted: boolean }>(
      `SELECT outcome, acted FROM decisions ORDER BY outcome`,
    );
    expect(rows).toEqual([
      { outcome: 'review', acted: false },
      { outcome: 'routed', acted: false },
      { outcome: 'routed', acted: false },
    ]);
    // Nothing forwarded, nothing moved, nothing marked.
    expect(emulator.listMessages('byggesag@fjordby.dk', 'inbox')).toHaveLength(0);
    const inbox = emulator.listMessages(source, 'inbox');
    expect(inbox).toHaveLength(3);
    for (const m of inbox) {
      expect(m.categories).toEqual([]);
      expect(m.singleValueExtendedProperties).toEqual([]);
    }
    const metrics = await (await fetch(`${mailroute.url}/metrics`)).text();
    expect(metrics).toContain(
      'mailroute_messages_total{router="fjordby/post",outcome="routed",acted="false"} 2',
    );
    await mailroute.close();
    mailroute = undefined;
  });

  it('switched to active, routes only mail that arrives after the switch', async () => {
    // Graph's receivedDateTime has whole seconds: let the switch fall in a later second.
    await new Promise((r) => setTimeout(r, 1100));
    mailroute = await startMailroute(
      await configFor('active'),
      { api: true, worker: true },
      createLogger({ level: 'error' }),
    );
    await new Promise((r) => setTimeout(r, 1100));
    deliver(['Carport 4', 'Spørgsmål 5']);
    await recorded(5);
    const forwarded = emulator.listMessages('byggesag@fjordby.dk', 'inbox').map((m) => m.subject);
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0]).toMatch(/Carport 4$/);
    // The mail from the shadow days is left as it was: still in the inbox, unmarked.
    const untouched = emulator
      .listMessages(source, 'inbox')
      .filter((m) => m.categories.length === 0 && m.singleValueExtendedProperties.length === 0);
    expect(untouched.map((m) => m.subject).sort()).toEqual(['Carport 1', 'Carport 2', 'Spørgsmål 3']);
    const reviewed = emulator.listMessages(source, reviewFolderId);
    expect(reviewed.map((m) => m.subject)).toEqual(['Spørgsmål 5']);
    const { rows } = await mailroute.store.query<{ acted: boolean; n: number }>(
      `SELECT acted, count(*) AS n FROM decisions GROUP BY acted ORDER BY acted`,
    );
    expect(rows).toEqual([
      { acted: false, n: 3 },
      { acted: true, n: 2 },
    ]);
  });
});
