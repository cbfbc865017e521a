import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphEmulator } from '../../src/emulator/index.js';
import { errorCode, startWithClient, type TestClient } from './helpers.js';

const post = 'post@emu-actions.example';
const byg = 'byggesag@emu-actions.example';
let emulator: GraphEmulator;
let client: TestClient;

beforeAll(async () => {
  ({ emulator, client } = await startWithClient());
  emulator.addMailbox(post, 'Kommunens post');
  emulator.addMailbox(byg, 'Byggesag');
});

afterAll(async () => {
  await client.close();
  await emulator.close();
});

const deliver = (subject: string): string =>
  emulator.deliver(post, {
    subject,
    body: `Hej, ${subject}`,
    from: 'Jens Hansen <jens@example.org>',
    attachments: [{ name: 'plan.pdf', contentType: 'application/pdf', size: 100 }],
  });

describe('emulator actions', () => {
  it('copies into a folder of the same mailbox with a new id', async () => {
    const id = deliver('kopi');
    const folder = emulator.createFolder(post, 'Behandlet');
    const res = await client.graph('POST', `/users/${post}/messages/${id}/copy`, { destinationId: folder });
    expect(res.status).toBe(201);
    expect(res.body['id']).not.toBe(id);
    expect(res.body['parentFolderId']).toBe(folder);
    expect(emulator.listMessages(post, folder).map((m) => m.subject)).toEqual(['kopi']);
    expect(emulator.listMessages(post, 'inbox').some((m) => m.id === id)).toBe(true);
    const bad = await client.graph('POST', `/users/${post}/messages/${id}/move`, {
      destinationId: 'AAMkAnosuchfolder',
    });
    expect(bad.status).toBe(404);
  });

  it('forwards into the target mailbox inbox with a copy in Sent Items', async () => {
    const id = deliver('forward me');
    const res = await client.graph('POST', `/users/${post}/messages/${id}/forward`, {
      comment: 'Routed by mailroute',
      toRecipients: [{ emailAddress: { address: byg, name: 'Byggesag' } }],
    });
    expect(res.status).toBe(202);
    expect(res.text).toBe('');
    const received = emulator.listMessages(byg, 'inbox').find((m) => m.subject === 'FW: forward me');
    expect(received?.from.emailAddress.address).toBe(post);
    expect(received?.body.content).toContain('Routed by mailroute');
    expect(received?.body.content).toContain('From: Jens Hansen <jens@example.org>');
    expect(received?.attachments.map((a) => a.name)).toEqual(['plan.pdf']);
    expect(emulator.listMessages(post, 'sentitems').map((m) => m.subject)).toContain('FW: forward me');
    const none = await client.graph('POST', `/users/${post}/messages/${id}/forward`, {
      comment: 'x',
      toRecipients: [],
    });
    expect(none.status).toBe(400);
    expect(errorCode(none)).toBe('ErrorInvalidRecipients');
  });

  it('createForward makes a draft, PATCH sets replyTo/properties/categories, send delivers it', async () => {
    const id = deliver('draft me');
    const draft = await client.graph('POST', `/users/${post}/messages/${id}/createForward`, {
      toRecipients: [{ emailAddress: { address: byg } }],
      comment: 'Til rette afdeling',
    });
    expect(draft.status).toBe(201);
    expect(draft.body['isDraft']).toBe(true);
    expect(draft.body['parentFolderId']).toBe(emulator.folderId(post, 'drafts'));
    const draftId = String(draft.body['id']);
    const propertyId = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name MailrouteDecision';
    const patched = await client.graph('PATCH', `/users/${post}/messages/${draftId}`, {
      replyTo: [{ emailAddress: { address: 'jens@example.org', name: 'Jens Hansen' } }],
      singleValueExtendedProperties: [{ id: propertyId, value: 'd-1' }],
      categories: ['mailroute'],
    });
    expect(patched.status).toBe(200);
    expect(patched.body['replyTo']).toEqual([
      { emailAddress: { address: 'jens@example.org', name: 'Jens Hansen' } },
    ]);
    const sent = await client.graph('POST', `/users/${post}/messages/${draftId}/send`);
    expect(sent.status).toBe(202);
    expect(emulator.listMessages(post, 'drafts')).toEqual([]);
    const sentCopy = emulator.listMessages(post, 'sentitems').find((m) => m.id === draftId);
    expect(sentCopy?.isDraft).toBe(false);
    expect(sentCopy?.singleValueExtendedProperties).toEqual([{ id: propertyId, value: 'd-1' }]);
    const received = emulator.listMessages(byg, 'inbox').find((m) => m.subject === 'FW: draft me');
    expect(received?.replyTo[0]?.emailAddress.address).toBe('jens@example.org');
    expect(received?.body.content).toContain('Til rette afdeling');
    const twice = await client.graph('POST', `/users/${post}/messages/${draftId}/send`);
    expect(twice.status).toBe(400);
  });

  it('an unknown recipient gets a non-delivery report in the sender inbox', async () => {
    const id = deliver('lost');
    const res = await client.graph('POST', `/users/${post}/messages/${id}/forward`, {
      toRecipients: [{ emailAddress: { address: 'nobody@emu-actions.example' } }],
    });
    expect(res.status).toBe(202);
    const ndr = emulator.listMessages(post, 'inbox').find((m) => m.subject === 'Undeliverable: FW: lost');
    expect(ndr?.body.content).toContain('nobody@emu-actions.example');
    expect(ndr?.from.emailAddress.address).toMatch(/^MicrosoftExchange/);
  });

  it('DELETE from Deleted Items removes the message for good', async () => {
    const id = deliver('gone');
    expect((await client.graph('DELETE', `/users/${post}/messages/${id}`)).status).toBe(204);
    expect((await client.graph('GET', `/users/${post}/mailFolders/deleteditems/messages/${id}`)).status).toBe(
      200,
    );
    expect((await client.graph('DELETE', `/users/${post}/messages/${id}`)).status).toBe(204);
    expect((await client.graph('GET', `/users/${post}/messages/${id}`)).status).toBe(404);
  });
});
