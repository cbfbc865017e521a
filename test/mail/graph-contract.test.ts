import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphEmulator } from '../../src/emulator/index.js';
import {
  AuthenticationError,
  forwardMarkerPropertyId,
  GraphMailboxGateway,
  graphGatewayOptions,
  NotFoundError,
  routedMarkerPropertyId,
} from '../../src/mail/index.js';
import type { TenantConfig } from '../../src/config/index.js';
import { gatewayFor, source, startEmulator, target } from './support.js';

/*
 * Every MailboxGateway method against the Graph emulator, through the real msal-node and
 * @microsoft/microsoft-graph-client over HTTPS (the emulator's CA is trusted; no TLS check is off).
 */

let emulator: GraphEmulator;
let gateway: GraphMailboxGateway;

beforeAll(async () => {
  emulator = await startEmulator();
  gateway = gatewayFor(emulator);
});

afterAll(async () => {
  await gateway.close();
  await emulator.close();
});

function deliverOne(subject: string, extra: Partial<Parameters<GraphEmulator['deliver']>[1]> = {}): string {
  return emulator.deliver(source, {
    subject,
    body: '<html><body><p>Kære kommune,</p><p>Jeg søger om <b>byggetilladelse</b>.</p></body></html>',
    contentType: 'html',
    from: 'Jens Hansen <jens@example.dk>',
    ...extra,
  });
}

describe('folders', () => {
  it('resolves well-known names, display names and Parent/Child paths', async () => {
    const parent = emulator.createFolder(source, 'Sager');
    const child = emulator.createFolder(source, 'Byg', parent);
    const inbox = await gateway.resolveFolder(source, 'inbox');
    expect(inbox.id).toBe(emulator.folderId(source, 'inbox'));
    expect(inbox.displayName).toBe('Inbox');
    expect((await gateway.resolveFolder(source, 'sager')).id).toBe(parent);
    expect((await gateway.resolveFolder(source, 'Sager/Byg')).id).toBe(child);
    await expect(gateway.resolveFolder(source, 'Sager/Findes-ikke')).rejects.toBeInstanceOf(NotFoundError);
    const names = (await gateway.listFolders(source)).map((f) => f.displayName);
    expect(names).toEqual(expect.arrayContaining(['Inbox', 'Drafts', 'Sent Items', 'Archive', 'Sager']));
  });

  it('maps an unknown mailbox to NotFoundError', async () => {
    await expect(gateway.resolveFolder('nobody@kommune.dk', 'inbox')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('messages', () => {
  it('reads a message with both text and HTML body, sender and attachment metadata', async () => {
    const id = deliverOne('Byggetilladelse carport', {
      attachments: [{ name: 'tegning.pdf', contentType: 'application/pdf', size: 12345 }],
      cc: ['kopi@example.dk'],
      internetMessageId: '<abc@example.dk>',
      headers: [
        { name: 'Auto-Submitted', value: 'auto-replied' },
        { name: 'Received', value: 'from a' },
        { name: 'Received', value: 'from b' },
      ],
    });
    const message = await gateway.getMessage(source, id);
    // Header rules see the Internet message headers, by lower-case name.
    expect(message.headers['auto-submitted']).toBe('auto-replied');
    expect(message.headers['message-id']).toBe('<abc@example.dk>');
    expect(message.headers['received']).toBe('from a, from b');
    expect(message.id).toBe(id);
    expect(message.subject).toBe('Byggetilladelse carport');
    expect(message.from).toEqual({ name: 'Jens Hansen', address: 'jens@example.dk' });
    expect(message.internetMessageId).toBe('<abc@example.dk>');
    expect(message.bodyHtml).toContain('<b>byggetilladelse</b>');
    expect(message.bodyText).toContain('Jeg søger om byggetilladelse');
    expect(message.bodyText).not.toContain('<');
    expect(message.hasAttachments).toBe(true);
    expect(message.attachments).toEqual([
      expect.objectContaining({
        name: 'tegning.pdf',
        contentType: 'application/pdf',
        size: 12345,
        isInline: false,
      }),
    ]);
    expect(message.ccRecipients.map((r) => r.address)).toEqual(['kopi@example.dk']);
    expect(message.routedDecisionId).toBeNull();
  });

  it('sets and reads the routed marker as a single-value extended property', async () => {
    const id = deliverOne('Marker');
    expect(await gateway.getRoutedMarker(source, id)).toBeNull();
    await gateway.setRoutedMarker(source, id, 'decision-42');
    expect(await gateway.getRoutedMarker(source, id)).toBe('decision-42');
    const stored = emulator.listMessages(source).find((m) => m.id === id);
    expect(stored?.singleValueExtendedProperties).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/MailrouteDecisionId$/) as unknown,
        value: 'decision-42',
      }),
    ]);
    expect((await gateway.getMessage(source, id)).routedDecisionId).toBe('decision-42');
    expect(routedMarkerPropertyId).toMatch(/^String \{[0-9a-f-]{36}\} Name /);
  });

  it('sets categories', async () => {
    const id = deliverOne('Kategorier');
    await gateway.setCategories(source, id, ['Byggesag', 'mailroute']);
    expect(emulator.listMessages(source).find((m) => m.id === id)?.categories).toEqual([
      'Byggesag',
      'mailroute',
    ]);
  });

  it('moves (id survives, ImmutableId) and copies inside the mailbox', async () => {
    const archive = await gateway.resolveFolder(source, 'archive');
    const moved = deliverOne('Flyt mig');
    expect(await gateway.move(source, moved, archive.id)).toBe(moved);
    expect(emulator.listMessages(source, 'archive').map((m) => m.id)).toContain(moved);
    expect(emulator.listMessages(source, 'inbox').map((m) => m.id)).not.toContain(moved);
    const copied = deliverOne('Kopier mig');
    const copyId = await gateway.copy(source, copied, archive.id);
    expect(copyId).not.toBe(copied);
    expect(emulator.listMessages(source, 'inbox').map((m) => m.id)).toContain(copied);
    expect(emulator.listMessages(source, 'archive').map((m) => m.id)).toContain(copyId);
  });

  it('applies categories and marker in one PATCH, then the move, in one $batch', async () => {
    const archive = await gateway.resolveFolder(source, 'archive');
    const id = deliverOne('Batch');
    const before = gateway.stats.requests;
    const mailboxRequestsBefore = emulator.stats(source).requests;
    const outcomes = await gateway.applyActions(source, id, [
      { kind: 'categories', categories: ['Parkering'] },
      { kind: 'marker', decisionId: 'd-batch' },
      { kind: 'move', destinationFolderId: archive.id },
    ]);
    expect(gateway.stats.requests - before).toBe(1);
    // Graph counts each inner request against the mailbox: two, not three.
    expect(emulator.stats(source).requests - mailboxRequestsBefore).toBe(2);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    const stored = emulator.listMessages(source, 'archive').find((m) => m.id === id);
    expect(stored?.categories).toEqual(['Parkering']);
    expect(stored?.singleValueExtendedProperties.map((p) => p.value)).toEqual(['d-batch']);
  });

  it('reports a failing action of a $batch on its own and skips the move that depends on it', async () => {
    const archive = await gateway.resolveFolder(source, 'archive');
    const outcomes = await gateway.applyActions(source, 'AAMkAdoesnotexist', [
      { kind: 'marker', decisionId: 'x' },
      { kind: 'move', destinationFolderId: archive.id },
    ]);
    expect(outcomes[0]).toMatchObject({ ok: false });
    expect(outcomes[0]?.ok === false && outcomes[0].error).toBeInstanceOf(NotFoundError);
    expect(outcomes[1]).toMatchObject({ ok: false });
  });
});

describe('forward', () => {
  it('createForward -> tag the draft -> send: arrives in the target inbox with Reply-To, found again by decision id', async () => {
    const id = deliverOne('Videresend mig');
    const result = await gateway.forward({
      mailbox: source,
      messageId: id,
      to: [{ name: 'Byggesag', address: target }],
      decisionId: 'decision-fwd-1',
      comment: 'Routed by mailroute',
      replyTo: [{ name: 'Jens Hansen', address: 'jens@example.dk' }],
    });
    expect(result.draftId).not.toBeNull();
    const arrived = emulator.listMessages(target, 'inbox').find((m) => m.subject.endsWith('Videresend mig'));
    expect(arrived).toBeDefined();
    expect(arrived?.replyTo.map((r) => r.emailAddress.address)).toEqual(['jens@example.dk']);
    const sent = emulator.listMessages(source, 'sentitems').find((m) => m.id === result.draftId);
    expect(sent?.singleValueExtendedProperties).toEqual([
      { id: forwardMarkerPropertyId, value: 'decision-fwd-1' },
    ]);
    expect(emulator.listMessages(source, 'drafts').map((m) => m.id)).not.toContain(result.draftId);
    expect(await gateway.findForwardByDecisionId(source, 'decision-fwd-1')).toEqual({
      id: result.draftId,
      folder: 'sentitems',
    });
    expect(await gateway.findForwardByDecisionId(source, 'decision-never')).toBeNull();
  });

  it('marks the source message in the same $batch once the forward is sent', async () => {
    const id = deliverOne('Videresend og marker');
    const before = emulator.stats(source).requests;
    await gateway.forward({
      mailbox: source,
      messageId: id,
      to: [{ name: 'Byggesag', address: target }],
      decisionId: 'decision-fwd-2',
      markSource: { categories: ['mailroute: Byggesag'] },
    });
    // createForward, then one $batch of tag, send and mark (Graph counts its requests one by one).
    expect(emulator.stats(source).requests - before).toBe(4);
    expect(
      emulator.listMessages(target, 'inbox').some((m) => m.subject.endsWith('Videresend og marker')),
    ).toBe(true);
    expect(await gateway.getRoutedMarker(source, id)).toBe('decision-fwd-2');
    const marked = emulator.listMessages(source, 'inbox').find((m) => m.id === id);
    expect(marked?.categories).toEqual(['mailroute: Byggesag']);
  });

  it('forwards directly in one call', async () => {
    const id = deliverOne('Direkte');
    expect(
      await gateway.forward({
        mailbox: source,
        messageId: id,
        to: [{ address: target }],
        decisionId: 'd',
        mode: 'direct',
      }),
    ).toEqual({ draftId: null });
    expect(emulator.listMessages(target, 'inbox').some((m) => m.subject.endsWith('Direkte'))).toBe(true);
  });

  it('finds an interrupted forward (tagged draft, never sent) in Drafts and can send it', async () => {
    const id = deliverOne('Afbrudt');
    const draft = emulator.listMessages(source, 'drafts').length;
    // The first half of a forward, as a crash would leave it: created and tagged, not sent.
    const interrupted = await createTaggedDraft(emulator, id, 'decision-interrupted');
    expect(emulator.listMessages(source, 'drafts')).toHaveLength(draft + 1);
    expect(await gateway.findForwardByDecisionId(source, 'decision-interrupted')).toEqual({
      id: interrupted,
      folder: 'drafts',
    });
    await gateway.sendDraft(source, interrupted);
    expect(await gateway.findForwardByDecisionId(source, 'decision-interrupted')).toEqual({
      id: interrupted,
      folder: 'sentitems',
    });
  });
});

/** Creates a forward draft and tags it the way `forward` does, without sending (a crash in between). */
async function createTaggedDraft(em: GraphEmulator, messageId: string, decisionId: string): Promise<string> {
  const before = new Set(em.listMessages(source, 'drafts').map((m) => m.id));
  // Graph has no "create forward only" in the port; the emulator's own API plays the crashed process.
  const token = await tokenFor(em);
  const response = await fetchWithCa(
    em,
    `${em.graphUrl}/users/${source}/messages/${messageId}/createForward`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ toRecipients: [{ emailAddress: { address: target } }] }),
    },
  );
  expect(response.status).toBe(201);
  const draft = em.listMessages(source, 'drafts').find((m) => !before.has(m.id));
  if (!draft) throw new Error('no draft');
  const tagged = await fetchWithCa(em, `${em.graphUrl}/users/${source}/messages/${draft.id}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      singleValueExtendedProperties: [{ id: forwardMarkerPropertyId, value: decisionId }],
    }),
  });
  expect(tagged.status).toBe(200);
  return draft.id;
}

async function fetchWithCa(
  em: GraphEmulator,
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
): Promise<{ status: number; text: string }> {
  const dispatcher = new Agent({ connect: { ca: em.caCertPem } });
  try {
    const response = await undiciFetch(url, { ...init, dispatcher });
    return { status: response.status, text: await response.text() };
  } finally {
    await dispatcher.close();
  }
}

async function tokenFor(em: GraphEmulator): Promise<string> {
  const response = await fetchWithCa(em, `${em.authority}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'mailroute-demo',
      client_secret: 'demo-secret',
      scope: 'https://graph.microsoft.com/.default',
    }).toString(),
  });
  const body = JSON.parse(response.text) as { access_token: string };
  return body.access_token;
}

describe('auth', () => {
  it('gets one token from the token endpoint and reuses it from the cache', async () => {
    const fresh = gatewayFor(emulator);
    try {
      await fresh.resolveFolder(source, 'inbox');
      await fresh.getRoutedMarker(source, deliverOne('Cache'));
      expect(fresh.stats.tokenRequests).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('authenticates with a certificate (client assertion signed by its private key)', async () => {
    const pems = await generate([{ name: 'commonName', value: 'mailroute-cert' }], {
      keyType: 'rsa',
      keySize: 2048,
    });
    const em = await startEmulator({ clients: [{ clientId: 'mailroute-cert', certificatePem: pems.cert }] });
    // Through the tenant configuration, as production wires it: certificate files on disk.
    const dir = mkdtempSync(join(tmpdir(), 'mailroute-cert-'));
    writeFileSync(join(dir, 'app.crt'), pems.cert);
    writeFileSync(join(dir, 'app.key'), pems.private);
    const tenant: TenantConfig = {
      id: 'kommune',
      name: 'Kommune',
      graph: {
        tenantId: em.tenantId,
        clientId: 'mailroute-cert',
        credential: {
          kind: 'certificate',
          certificatePath: join(dir, 'app.crt'),
          privateKeyPath: join(dir, 'app.key'),
        },
        authority: em.authority,
        graphBaseUrl: em.graphUrl,
      },
      limits: { concurrentRequestsPerMailbox: 2, requestsPer10Minutes: 500 },
    };
    const gw = new GraphMailboxGateway(await graphGatewayOptions(tenant, {}, { caCertPem: em.caCertPem }));
    rmSync(dir, { recursive: true });
    expect(gw.limiter.limits).toMatchObject({ maxConcurrent: 2, requestsPerWindow: 500 });
    try {
      expect((await gw.resolveFolder(source, 'inbox')).displayName).toBe('Inbox');
    } finally {
      await gw.close();
      await em.close();
    }
  });

  it('maps a wrong secret to AuthenticationError', async () => {
    const wrong = gatewayFor(emulator, { credential: { kind: 'secret', clientSecret: 'wrong' } });
    try {
      await expect(wrong.resolveFolder(source, 'inbox')).rejects.toBeInstanceOf(AuthenticationError);
      // Refused credentials are not retried.
      expect(wrong.stats.requests).toBe(1);
    } finally {
      await wrong.close();
    }
  });
});

describe('subscriptions', () => {
  it('creates, renews and deletes a subscription (the emulator validates the http notification URL)', async () => {
    const { default: Fastify } = await import('fastify');
    const app = Fastify();
    app.post('/hook', async (request, reply) => {
      const query = request.query as { validationToken?: string };
      return reply.type('text/plain').send(query.validationToken ?? '');
    });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const inbox = emulator.folderId(source, 'inbox');
      const expires = new Date(Date.now() + 3600_000).toISOString();
      const created = await gateway.createSubscription({
        mailbox: source,
        folderId: inbox,
        notificationUrl: `${address}/hook`,
        clientState: 'a-client-state-of-some-length',
        expirationDateTime: expires,
      });
      expect(created.changeType).toBe('created');
      expect(emulator.subscriptions().map((s) => s.id)).toContain(created.id);
      expect(emulator.subscriptions().find((s) => s.id === created.id)?.folderId).toBe(inbox);
      const later = new Date(Date.now() + 7200_000).toISOString();
      const renewed = await gateway.renewSubscription(created.id, later);
      expect(Date.parse(renewed.expirationDateTime)).toBe(Date.parse(later));
      await gateway.deleteSubscription(created.id);
      expect(emulator.subscriptions().map((s) => s.id)).not.toContain(created.id);
      await expect(gateway.renewSubscription(created.id, later)).rejects.toBeInstanceOf(NotFoundError);
    } finally {
      await app.close();
    }
  });
});
