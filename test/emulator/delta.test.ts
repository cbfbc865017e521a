import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphEmulator } from '../../src/emulator/index.js';
import { errorCode, startWithClient, values, type TestClient } from './helpers.js';

const box = 'post@emu-delta.example';
let emulator: GraphEmulator;
let client: TestClient;

/** Runs one delta round to its deltaLink; returns the entries and the deltaLink. */
async function round(
  start: string,
  pageSize: number,
): Promise<{ entries: Record<string, unknown>[]; deltaLink: string; pages: number }> {
  const entries: Record<string, unknown>[] = [];
  let url: string | undefined = start;
  let pages = 0;
  for (;;) {
    const res = await client.graph('GET', url, undefined, { Prefer: `odata.maxpagesize=${pageSize}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('preference-applied')).toBe(`odata.maxpagesize=${pageSize}`);
    entries.push(...values(res));
    pages += 1;
    const next = res.body['@odata.nextLink'];
    const delta = res.body['@odata.deltaLink'];
    if (typeof next === 'string') {
      expect(delta).toBeUndefined();
      expect(next).toContain('%24skiptoken=');
      url = next;
      continue;
    }
    expect(typeof delta).toBe('string');
    return { entries, deltaLink: String(delta), pages };
  }
}

beforeAll(async () => {
  ({ emulator, client } = await startWithClient());
  emulator.addMailbox(box);
  for (let i = 0; i < 7; i++)
    emulator.deliver(box, { subject: `first ${i}`, body: 'x', from: 'a@example.org' });
});

afterAll(async () => {
  await client.close();
  await emulator.close();
});

describe('emulator delta', () => {
  let deltaLink = '';

  it('initial round pages with skiptoken and ends with a deltaLink', async () => {
    const r = await round(`/users/${box}/mailFolders/inbox/messages/delta?$select=subject,from`, 3);
    expect(r.pages).toBe(3);
    expect(r.entries.map((e) => e['subject']).sort()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `first ${i}`));
    expect(Object.keys(r.entries[0] ?? {}).sort()).toEqual(['@odata.etag', 'from', 'id', 'subject']);
    deltaLink = r.deltaLink;
    const empty = await round(deltaLink, 3);
    expect(empty.entries).toEqual([]);
    deltaLink = empty.deltaLink;
  });

  it('incremental round: new, updated, moved-out and deleted messages (@removed), select kept', async () => {
    const inbox = emulator.listMessages(box, 'inbox');
    const [a, b, c] = inbox;
    const archiveId = emulator.folderId(box, 'archive');
    const created = emulator.deliver(box, { subject: 'new one', body: 'y', from: 'b@example.org' });
    expect(
      (await client.graph('PATCH', `/users/${box}/messages/${a?.id ?? ''}`, { isRead: true })).status,
    ).toBe(200);
    const moved = await client.graph('POST', `/users/${box}/messages/${b?.id ?? ''}/move`, {
      destinationId: 'archive',
    });
    expect(moved.status).toBe(201);
    expect(moved.body['id']).toBe(b?.id);
    expect(moved.body['parentFolderId']).toBe(archiveId);
    expect((await client.graph('DELETE', `/users/${box}/messages/${c?.id ?? ''}`)).status).toBe(204);

    const r = await round(deltaLink, 10);
    const byId = new Map(r.entries.map((e) => [String(e['id']), e]));
    expect(byId.get(created)?.['subject']).toBe('new one');
    expect(Object.keys(byId.get(created) ?? {}).sort()).toEqual(['@odata.etag', 'from', 'id', 'subject']);
    expect(byId.get(a?.id ?? '')?.['subject']).toBe(a?.subject);
    expect(byId.get(b?.id ?? '')?.['@removed']).toEqual({ reason: 'deleted' });
    expect(byId.get(c?.id ?? '')?.['@removed']).toEqual({ reason: 'deleted' });
    expect(r.entries).toHaveLength(4);
    deltaLink = r.deltaLink;

    // The deleted message is in Deleted Items now (Graph's DELETE is a move there).
    expect(emulator.listMessages(box, 'deleteditems').map((m) => m.id)).toEqual([c?.id]);
    // A delta of the archive sees the moved message with its unchanged (immutable) id.
    const archive = await round(`/users/${box}/mailFolders/archive/messages/delta`, 10);
    expect(archive.entries.map((e) => e['id'])).toEqual([b?.id]);
  });

  it('answers 410 syncStateNotFound once expireDeltaTokens is set, then a full round works again', async () => {
    emulator.faults.set(box, { expireDeltaTokens: true });
    const res = await client.graph('GET', deltaLink);
    expect(res.status).toBe(410);
    expect(errorCode(res)).toBe('syncStateNotFound');
    const again = await round(`/users/${box}/mailFolders/inbox/messages/delta`, 50);
    expect(again.entries).toHaveLength(emulator.listMessages(box, 'inbox').length);
    emulator.faults.clear(box);
    const garbage = await client.graph(
      'GET',
      `/users/${box}/mailFolders/inbox/messages/delta?$deltatoken=garbage`,
    );
    expect(garbage.status).toBe(410);
  });

  it('keeps $expand of an extended property in its nextLink and deltaLink, as Graph does', async () => {
    const propertyId = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name MailrouteDecisionId';
    const expand = encodeURIComponent(`singleValueExtendedProperties($filter=id eq '${propertyId}')`);
    const start = `/users/${box}/mailFolders/inbox/messages/delta?$select=subject&$expand=${expand}`;
    const [first, second] = emulator.listMessages(box, 'inbox');
    for (const m of [first, second]) {
      const marked = await client.graph('PATCH', `/users/${box}/messages/${m?.id ?? ''}`, {
        singleValueExtendedProperties: [{ id: propertyId, value: `decision-${m?.id ?? ''}` }],
      });
      expect(marked.status).toBe(200);
    }
    // Page size 1: the second marked message comes on a skiptoken page.
    const initial = await round(start, 1);
    const marker = (e: Record<string, unknown> | undefined) => e?.['singleValueExtendedProperties'];
    const byId = (entries: Record<string, unknown>[], id: string) => entries.find((e) => e['id'] === id);
    expect(marker(byId(initial.entries, first?.id ?? ''))).toEqual([
      { id: propertyId, value: `decision-${first?.id}` },
    ]);
    expect(marker(byId(initial.entries, second?.id ?? ''))).toEqual([
      { id: propertyId, value: `decision-${second?.id}` },
    ]);
    // A change after the round: the deltaLink's round shows the marker too.
    await client.graph('PATCH', `/users/${box}/messages/${first?.id ?? ''}`, {
      categories: ['mailroute: byggesag'],
    });
    const next = await round(initial.deltaLink, 10);
    expect(next.entries).toHaveLength(1);
    expect(marker(next.entries[0])).toEqual([{ id: propertyId, value: `decision-${first?.id}` }]);
  });

  it('honours $filter on receivedDateTime in the initial round', async () => {
    emulator.deliver(box, {
      subject: 'old',
      body: 'z',
      from: 'c@example.org',
      receivedDateTime: '2020-01-01T00:00:00Z',
    });
    const filter = encodeURIComponent('receivedDateTime ge 2021-01-01T00:00:00Z');
    const r = await round(`/users/${box}/mailFolders/inbox/messages/delta?$filter=${filter}`, 50);
    expect(r.entries.map((e) => e['subject'])).not.toContain('old');
    expect(r.entries.length).toBe(emulator.listMessages(box, 'inbox').length - 1);
  });
});
