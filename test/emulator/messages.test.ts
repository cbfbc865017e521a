import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphEmulator } from '../../src/emulator/index.js';
import { errorCode, startWithClient, values, type TestClient } from './helpers.js';

const box = 'post@emu-messages.example';
let emulator: GraphEmulator;
let client: TestClient;

beforeAll(async () => {
  ({ emulator, client } = await startWithClient());
  emulator.addMailbox(box, 'Post');
  for (let i = 0; i < 25; i++) {
    emulator.deliver(box, {
      subject: `Byggesag ${i}`,
      body: `Ansøgning nummer ${i}`,
      from: `Borger ${i} <borger${i}@example.org>`,
      receivedDateTime: new Date(Date.UTC(2026, 0, 1 + i, 8)).toISOString(),
      ...(i === 3
        ? { attachments: [{ name: 'tegning.pdf', contentType: 'application/pdf', size: 12345 }] }
        : {}),
    });
  }
});

afterAll(async () => {
  await client.close();
  await emulator.close();
});

describe('emulator messages', () => {
  it('lists well-known folders and creates child folders (409 on duplicates)', async () => {
    const folders = await client.graph('GET', `/users/${box}/mailFolders?$top=50`);
    expect(folders.status).toBe(200);
    const names = values(folders).map((f) => f['displayName']);
    expect(names).toEqual(
      expect.arrayContaining(['Inbox', 'Drafts', 'Sent Items', 'Deleted Items', 'Archive']),
    );
    const inbox = await client.graph('GET', `/users/${box}/mailFolders/inbox`);
    expect(inbox.body['totalItemCount']).toBe(25);
    const created = await client.graph('POST', `/users/${box}/mailFolders/inbox/childFolders`, {
      displayName: 'Byggesag',
    });
    expect(created.status).toBe(201);
    expect(created.body['parentFolderId']).toBe(inbox.body['id']);
    const again = await client.graph('POST', `/users/${box}/mailFolders/inbox/childFolders`, {
      displayName: 'Byggesag',
    });
    expect(again.status).toBe(409);
    expect(errorCode(again)).toBe('ErrorFolderExists');
    const children = await client.graph('GET', `/users/${box}/mailFolders/inbox/childFolders`);
    expect(values(children).map((f) => f['id'])).toEqual([created.body['id']]);
  });

  it('pages with $top and @odata.nextLink, newest first by default', async () => {
    const seen: string[] = [];
    let next: string | undefined =
      `/users/${box}/mailFolders/inbox/messages?$top=10&$select=subject,receivedDateTime`;
    let pages = 0;
    while (next) {
      const page = await client.graph('GET', next);
      expect(page.status).toBe(200);
      for (const m of values(page)) {
        expect(Object.keys(m).sort()).toEqual(['@odata.etag', 'id', 'receivedDateTime', 'subject']);
        seen.push(String(m['subject']));
      }
      next = page.body['@odata.nextLink'] as string | undefined;
      pages += 1;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(25);
    expect(seen[0]).toBe('Byggesag 24');
    expect(seen[24]).toBe('Byggesag 0');
    // A change to the mailbox shows on the next listing (the sorted list is not served stale).
    const id = emulator.deliver(box, { subject: 'newest', body: 'x', from: 'a@example.org' });
    const again = await client.graph('GET', `/users/${box}/mailFolders/inbox/messages?$top=1`);
    expect(values(again)[0]?.['id']).toBe(id);
    expect((await client.graph('DELETE', `/users/${box}/messages/${id}`)).status).toBe(204);
    const after = await client.graph('GET', `/users/${box}/mailFolders/inbox/messages?$top=1`);
    expect(values(after)[0]?.['subject']).toBe('Byggesag 24');
  });

  it('filters on receivedDateTime with and, orders ascending, rejects unknown $select fields', async () => {
    const filter = encodeURIComponent(
      'receivedDateTime ge 2026-01-05T00:00:00Z and receivedDateTime lt 2026-01-08T00:00:00Z',
    );
    const res = await client.graph(
      'GET',
      `/users/${box}/messages?$filter=${filter}&$orderby=receivedDateTime%20asc`,
    );
    expect(values(res).map((m) => m['subject'])).toEqual(['Byggesag 4', 'Byggesag 5', 'Byggesag 6']);
    const bad = await client.graph('GET', `/users/${box}/messages?$select=nonsense`);
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe('BadRequest');
  });

  it('gets one message with Graph shapes, attachments metadata and Preference-Applied for immutable ids', async () => {
    const [stored] = emulator.listMessages(box).filter((m) => m.subject === 'Byggesag 3');
    const res = await client.graph('GET', `/users/${box}/messages/${stored?.id ?? ''}`, undefined, {
      Prefer: 'IdType="ImmutableId"',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('preference-applied')).toBe('IdType="ImmutableId"');
    expect(res.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body['from']).toEqual({ emailAddress: { name: 'Borger 3', address: 'borger3@example.org' } });
    expect(res.body['body']).toEqual({ contentType: 'text', content: 'Ansøgning nummer 3' });
    expect(res.body['hasAttachments']).toBe(true);
    const attachments = await client.graph('GET', `/users/${box}/messages/${stored?.id ?? ''}/attachments`);
    expect(values(attachments)).toMatchObject([
      {
        '@odata.type': '#microsoft.graph.fileAttachment',
        name: 'tegning.pdf',
        contentType: 'application/pdf',
        size: 12345,
      },
    ]);
    const missing = await client.graph('GET', `/users/${box}/messages/AAMkAnothere`);
    expect(missing.status).toBe(404);
    expect(errorCode(missing)).toBe('ErrorItemNotFound');
    const body = missing.body['error'] as { innerError: Record<string, string> };
    expect(Object.keys(body.innerError).sort()).toEqual(['client-request-id', 'date', 'request-id']);
    const nobody = await client.graph('GET', `/users/nobody@emu-messages.example/messages`);
    expect(nobody.status).toBe(404);
    expect(errorCode(nobody)).toBe('ErrorInvalidUser');
  });

  it('round-trips categories and single-value extended properties', async () => {
    const propertyId = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name MailrouteDecision';
    const [stored] = emulator.listMessages(box).filter((m) => m.subject === 'Byggesag 7');
    const id = stored?.id ?? '';
    const patched = await client.graph('PATCH', `/users/${box}/messages/${id}`, {
      categories: ['mailroute:routed'],
      singleValueExtendedProperties: [{ id: propertyId, value: 'decision-42' }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body['categories']).toEqual(['mailroute:routed']);
    const expand = encodeURIComponent(`singleValueExtendedProperties($filter=id eq '${propertyId}')`);
    const got = await client.graph(
      'GET',
      `/users/${box}/messages/${id}?$select=id,categories&$expand=${expand}`,
    );
    expect(got.body['singleValueExtendedProperties']).toEqual([{ id: propertyId, value: 'decision-42' }]);
    const other = encodeURIComponent(
      `singleValueExtendedProperties($filter=id eq 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Other')`,
    );
    const none = await client.graph('GET', `/users/${box}/messages/${id}?$expand=${other}`);
    expect(none.body['singleValueExtendedProperties']).toBeUndefined();
    const notDraft = await client.graph('PATCH', `/users/${box}/messages/${id}`, { subject: 'changed' });
    expect(notDraft.status).toBe(400);
    const badId = await client.graph('PATCH', `/users/${box}/messages/${id}`, {
      singleValueExtendedProperties: [{ id: 'not a property id', value: 'x' }],
    });
    expect(badId.status).toBe(400);
    expect(emulator.listMessages(box).find((m) => m.id === id)?.singleValueExtendedProperties).toEqual([
      { id: propertyId, value: 'decision-42' },
    ]);
  });

  it('finds messages by a single-value extended property with $filter=.../Any(...)', async () => {
    const propertyId = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name MailrouteForward';
    const [a, b] = emulator
      .listMessages(box)
      .filter((m) => m.subject === 'Byggesag 1' || m.subject === 'Byggesag 2');
    for (const [m, value] of [
      [a, 'decision-1'],
      [b, "decision-'2'"],
    ] as const) {
      const patched = await client.graph('PATCH', `/users/${box}/messages/${m?.id ?? ''}`, {
        singleValueExtendedProperties: [{ id: propertyId, value }],
      });
      expect(patched.status).toBe(200);
    }
    const find = async (value: string) => {
      const filter = `singleValueExtendedProperties/Any(ep: ep/id eq '${propertyId}' and ep/value eq '${value.replace(/'/g, "''")}')`;
      const page = await client.graph(
        'GET',
        `/users/${box}/messages?$filter=${encodeURIComponent(filter)}&$select=id,subject`,
      );
      expect(page.status).toBe(200);
      return values(page).map((m) => m['subject']);
    };
    expect(await find('decision-1')).toEqual(['Byggesag 1']);
    expect(await find("decision-'2'")).toEqual(['Byggesag 2']);
    expect(await find('decision-3')).toEqual([]);
  });

  it('serves messages whose HTML html-to-text cannot convert (previews and text bodies fall back to stripped tags)', async () => {
    const hostile = 'hostile@emu-messages.example';
    emulator.addMailbox(hostile, 'Hostile');
    const bodies = [
      '<ol type="i" start="10000"><li>punkt fra listen</li></ol>',
      `${'<div>'.repeat(2500)}dybt indhold`,
    ];
    for (const body of bodies)
      emulator.deliver(hostile, { subject: 'html', body, contentType: 'html', from: 'a@example.org' });
    const page = await client.graph(
      'GET',
      `/users/${hostile}/mailFolders/inbox/messages?$select=bodyPreview,body`,
      undefined,
      {
        Prefer: 'outlook.body-content-type="text"',
      },
    );
    expect(page.status).toBe(200);
    const previews = values(page).map((m) => m['bodyPreview']);
    expect(previews).toEqual(expect.arrayContaining(['punkt fra listen', 'dybt indhold']));
    for (const m of values(page)) expect((m['body'] as Record<string, unknown>)['contentType']).toBe('text');
  });

  it('answers malformed requests with Graph error bodies', async () => {
    const [stored] = emulator.listMessages(box);
    const badJson = await client.raw(`${emulator.graphUrl}/users/${box}/messages/${stored?.id ?? ''}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' },
      body: '{"categories": [',
    });
    expect(badJson.status).toBe(400);
    expect(errorCode(badJson)).toBe('BadRequest');
    const unknownSegment = await client.graph('GET', `/users/${box}/mailFolders/inbox/nonsense`);
    expect(unknownSegment.status).toBe(400);
    expect(String((unknownSegment.body['error'] as Record<string, unknown>)['message'])).toContain(
      'nonsense',
    );
    const unknownProperty = await client.graph('PATCH', `/users/${box}/messages/${stored?.id ?? ''}`, {
      colour: 'red',
    });
    expect(unknownProperty.status).toBe(400);
    expect(errorCode(unknownProperty)).toBe('RequestBodyRead');
  });
});
