import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import {
  claimMessage,
  decisionForMessage,
  deltaCursorRepository,
  LeaseLostError,
  markRecorded,
  openStore,
  recordIncomingMessages,
  routerState,
  saveDecided,
  subscriptionRepository,
  syncConfiguredRouters,
  unfinishedMessages,
  type Database,
  type DecidedFields,
} from '../../src/store/index.js';
import { databaseUrl, dropSchema, uniqueName } from '../support/services.js';

const configText = (mode: string, extraTarget = true) => `
tenants:
  - { id: kommune, name: Kommune, graph: { tenantId: t, clientId: c, credential: { kind: secret, secretEnv: S } } }
  - { id: andeby, name: Andeby, graph: { tenantId: t2, clientId: c2, credential: { kind: secret, secretEnv: S } } }
routers:
  - id: post
    tenant: kommune
    mode: ${mode}
    source: { mailbox: Post@Kommune.dk }
    review: { folder: Til manuel fordeling }
    targets:
      - { label: byggesag, name: Byggesag, action: forward, mailbox: byggesag@kommune.dk }
${extraTarget ? '      - { label: skat, name: Skat, action: forward, mailbox: skat@kommune.dk }' : ''}
`;
const config = (mode: string, extraTarget = true) =>
  parseConfig(configText(mode, extraTarget), 'test.yaml', { S: 'x' });

const decided: DecidedFields = {
  outcome: 'routed',
  decidedBy: 'model',
  targetLabel: 'byggesag',
  acted: true,
  action: 'forward',
  modelVersion: 'post-1',
  scores: [{ label: 'byggesag', probability: 0.97 }],
  ruleHits: { override: [], fallback: [] },
  explanation: { towards: ['carport'] },
  reason: 'model post-1: byggesag 97.0 %',
};

const adapters: { name: string; open: () => Promise<Database> }[] = [
  { name: 'pglite', open: () => openStore({}) },
];
const schemas: string[] = [];
if (databaseUrl) {
  const url = databaseUrl;
  adapters.push({
    name: 'postgres',
    open: () => {
      const schema = uniqueName('repo_test');
      schemas.push(schema);
      return openStore({ databaseUrl: url, schema });
    },
  });
}
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

const key = (graphId: string) => ({ tenantId: 'kommune', routerId: 'post', graphId });

describe.each(adapters)('store repositories: $name', (adapter) => {
  let db: Database;
  beforeAll(async () => {
    db = await adapter.open();
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await db.query(
      'TRUNCATE tenants, routers, targets, rules, messages, decisions, delta_tokens, subscriptions CASCADE',
    );
    await syncConfiguredRouters(db, config('shadow'));
  });

  it('keeps delta cursors per tenant', async () => {
    const mine = deltaCursorRepository(db, 'kommune');
    const theirs = deltaCursorRepository(db, 'andeby');
    await mine.save('post@kommune.dk|inbox', 'https://graph/delta?$deltatoken=1');
    await mine.save('post@kommune.dk|inbox', 'https://graph/delta?$deltatoken=2');
    expect(await mine.load('post@kommune.dk|inbox')).toBe('https://graph/delta?$deltatoken=2');
    expect(await theirs.load('post@kommune.dk|inbox')).toBeNull();
    await mine.clear('post@kommune.dk|inbox');
    expect(await mine.load('post@kommune.dk|inbox')).toBeNull();
  });

  it('stores subscriptions and finds them by folder regardless of address case', async () => {
    const subs = subscriptionRepository(db, 'kommune');
    await subs.put({
      id: 's1',
      mailbox: 'Post@Kommune.dk',
      folderId: 'AAMkInbox',
      expirationDateTime: '2026-11-30T10:00:00.000Z',
    });
    expect(await subs.findByFolder('post@kommune.dk', 'AAMkInbox')).toEqual({
      id: 's1',
      mailbox: 'Post@Kommune.dk',
      folderId: 'AAMkInbox',
      expirationDateTime: '2026-11-30T10:00:00.000Z',
    });
    await subs.put({
      id: 's1',
      mailbox: 'Post@Kommune.dk',
      folderId: 'AAMkInbox',
      expirationDateTime: '2026-12-03T10:00:00.000Z',
    });
    expect((await subs.list()).map((s) => s.expirationDateTime)).toEqual(['2026-12-03T10:00:00.000Z']);
    expect(await subscriptionRepository(db, 'andeby').get('s1')).toBeNull();
    await subs.delete('s1');
    expect(await subs.get('s1')).toBeNull();
  });

  it('syncs routers from the configuration; a mode change moves mode_changed_at, a removed target is disabled', async () => {
    const before = await routerState(db, 'kommune', 'post');
    expect(before?.mode).toBe('shadow');
    await syncConfiguredRouters(db, config('shadow'));
    expect((await routerState(db, 'kommune', 'post'))?.modeChangedAt).toEqual(before?.modeChangedAt);
    await new Promise((r) => setTimeout(r, 5));
    await syncConfiguredRouters(db, config('active', false));
    const after = await routerState(db, 'kommune', 'post');
    expect(after?.mode).toBe('active');
    expect(after!.modeChangedAt.getTime()).toBeGreaterThan(before!.modeChangedAt.getTime());
    const { rows } = await db.query<{ label: string; enabled: boolean }>(
      `SELECT label, enabled FROM targets ORDER BY label`,
    );
    expect(rows).toEqual([
      { label: 'byggesag', enabled: true },
      { label: 'skat', enabled: false },
    ]);
  });

  it('versions the rules: a new or changed rule gets a new version with who, a removed one a disabled version', async () => {
    const withRules = (rules: string) =>
      parseConfig(
        configText('shadow').replace('    targets:', `    rules:\n${rules}\n    targets:`),
        'rules.yaml',
        { S: 'x' },
      );
    const carport = `      - { name: carport, kind: override, target: byggesag, when: { subject: { contains: carport } } }`;
    const skat = `      - { name: skat, kind: fallback, target: skat, when: { senderDomain: skat.dk } }`;
    const versions = async () =>
      (
        await db.query<{
          name: string;
          version: number;
          enabled: boolean;
          created_by: string;
          position: number;
        }>(`SELECT name, version, enabled, created_by, position FROM rules ORDER BY name, version`)
      ).rows;
    await syncConfiguredRouters(db, withRules(`${carport}\n${skat}`));
    await syncConfiguredRouters(db, withRules(`${carport}\n${skat}`)); // unchanged: no new version
    expect(await versions()).toEqual([
      { name: 'carport', version: 1, enabled: true, created_by: 'configuration rules.yaml', position: 0 },
      { name: 'skat', version: 1, enabled: true, created_by: 'configuration rules.yaml', position: 1 },
    ]);
    await syncConfiguredRouters(db, withRules(carport.replace('contains: carport', 'contains: garage')));
    expect((await versions()).map((v) => [v.name, v.version, v.enabled])).toEqual([
      ['carport', 1, true],
      ['carport', 2, true],
      ['skat', 1, true],
      ['skat', 2, false],
    ]);
    const { rows } = await db.query<{ definition: { when: unknown } }>(
      `SELECT definition FROM rules WHERE name = 'carport' AND version = 2`,
    );
    expect(rows[0]?.definition.when).toEqual({ subject: { contains: 'garage' } });
  });

  it('records incoming messages once', async () => {
    const m = { ...key('AAMk-1'), receivedAt: new Date('2026-11-23T09:00:00Z') };
    expect(await recordIncomingMessages(db, [m, { ...key('AAMk-2'), receivedAt: new Date() }])).toBe(2);
    expect(await recordIncomingMessages(db, [m])).toBe(0);
    expect(await unfinishedMessages(db)).toEqual([key('AAMk-1'), key('AAMk-2')]);
  });

  it('gives a message to one worker at a time and lets a retry resume the state machine', async () => {
    await recordIncomingMessages(db, [{ ...key('AAMk-3'), receivedAt: new Date() }]);
    expect(await claimMessage(db, key('nope'), 'w1', 60_000)).toEqual({ status: 'unknown' });
    const first = await claimMessage(db, key('AAMk-3'), 'w1', 60_000);
    expect(first).toMatchObject({ status: 'claimed', decision: { state: 'claimed', attempts: 1 } });
    expect(await claimMessage(db, key('AAMk-3'), 'w2', 60_000)).toMatchObject({ status: 'busy' });
    if (first.status !== 'claimed') throw new Error('unreachable');
    await saveDecided(db, first.decision.id, 'w1', decided);
    // w1 crashes here; its retry (same owner) resumes at 'decided'.
    const resumed = await claimMessage(db, key('AAMk-3'), 'w1', 60_000);
    expect(resumed).toMatchObject({
      status: 'claimed',
      decision: { state: 'decided', attempts: 2, targetLabel: 'byggesag', scores: decided.scores },
    });
    const audit = { tenantId: 't1', actor: 'worker:w1', details: { outcome: 'routed' } };
    await expect(markRecorded(db, first.decision.id, 'w2', audit)).rejects.toBeInstanceOf(LeaseLostError);
    await markRecorded(db, first.decision.id, 'w1', audit);
    // The audit entry comes with the recorded state, and only from the lease holder.
    const { rows: entries } = await db.query<{ actor: string; details: unknown }>(
      `SELECT actor, details FROM audit_log WHERE subject_type = 'decision' AND subject_id = $1`,
      [String(first.decision.id)],
    );
    expect(entries).toEqual([{ actor: 'worker:w1', details: { outcome: 'routed' } }]);
    expect(await claimMessage(db, key('AAMk-3'), 'w2', 60_000)).toMatchObject({
      status: 'done',
      decision: { state: 'recorded', outcome: 'routed', acted: true },
    });
    expect(await unfinishedMessages(db)).toEqual([]);
    expect((await decisionForMessage(db, key('AAMk-3')))?.explanation).toEqual({ towards: ['carport'] });
  });

  it('lets another worker take over when a lease has run out', async () => {
    await recordIncomingMessages(db, [{ ...key('AAMk-4'), receivedAt: new Date() }]);
    expect(await claimMessage(db, key('AAMk-4'), 'w1', -1)).toMatchObject({ status: 'claimed' });
    const taken = await claimMessage(db, key('AAMk-4'), 'w2', 60_000);
    expect(taken).toMatchObject({ status: 'claimed', decision: { attempts: 2 } });
    if (taken.status !== 'claimed') throw new Error('unreachable');
    await expect(saveDecided(db, taken.decision.id, 'w1', decided)).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('lets exactly one of many simultaneous claims win', async () => {
    await recordIncomingMessages(db, [{ ...key('AAMk-5'), receivedAt: new Date() }]);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => claimMessage(db, key('AAMk-5'), `w${i}`, 60_000)),
    );
    expect(results.filter((r) => r.status === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'busy')).toHaveLength(7);
  });
});
