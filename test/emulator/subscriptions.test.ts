import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_SUBSCRIPTION_MINUTES, type GraphEmulator } from '../../src/emulator/index.js';
import { errorCode, startWithClient, values, type TestClient } from './helpers.js';

const box = 'post@emu-subs.example';
let emulator: GraphEmulator;
let client: TestClient;

/** A webhook receiver like the gateway's: echoes validation tokens, records notifications. */
class Receiver {
  readonly notifications: Record<string, unknown>[] = [];
  readonly validations: string[] = [];
  /** Notification POSTs answered with 202. */
  posts = 0;
  /** Status codes to answer for the next notification posts (then 202). */
  failNext: number[] = [];
  echo = true;
  private server: Server;
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      void this.handle(req).then(([status, type, body]) => {
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      });
    });
  }

  private async handle(req: IncomingMessage): Promise<[number, string, string]> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const token = url.searchParams.get('validationToken');
    if (token !== null) {
      this.validations.push(token);
      return [200, 'text/plain', this.echo ? token : 'wrong'];
    }
    const status = this.failNext.shift();
    if (status !== undefined) return [status, 'text/plain', ''];
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { value: Record<string, unknown>[] };
    this.notifications.push(...body.value);
    this.posts += 1;
    return [202, 'text/plain', ''];
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const receiver = new Receiver();
const inFuture = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();

beforeAll(async () => {
  ({ emulator, client } = await startWithClient({ notificationRetry: { retries: 3, baseDelayMs: 20 } }));
  emulator.addMailbox(box);
  await receiver.start();
});

afterAll(async () => {
  await client.close();
  await emulator.close();
  await receiver.stop();
});

const subscribe = (extra: Record<string, unknown> = {}) =>
  client.graph('POST', '/subscriptions', {
    changeType: 'created',
    notificationUrl: `${receiver.url}/notify`,
    lifecycleNotificationUrl: `${receiver.url}/lifecycle`,
    resource: `users/${box}/mailFolders('inbox')/messages`,
    expirationDateTime: inFuture(60),
    clientState: 'secret-state',
    ...extra,
  });

describe('emulator subscriptions', () => {
  it('runs the validation handshake and refuses a receiver that does not echo the token', async () => {
    receiver.echo = false;
    const bad = await subscribe();
    receiver.echo = true;
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe('ValidationError');
    const before = receiver.validations.length;
    const ok = await subscribe();
    expect(ok.status).toBe(201);
    expect(receiver.validations.length - before).toBe(2); // notification and lifecycle URLs
    expect(receiver.validations.at(-1)).toMatch(/^Validation: /);
    expect(ok.body['clientState']).toBe('secret-state');
    await client.graph('DELETE', `/subscriptions/${String(ok.body['id'])}`);
  });

  it('refuses expirations beyond the maximum for messages', async () => {
    const res = await subscribe({ expirationDateTime: inFuture(MAX_MESSAGE_SUBSCRIPTION_MINUTES + 10) });
    expect(res.status).toBe(400);
  });

  it('delivers change notifications with clientState, retrying when the receiver fails', async () => {
    const sub = await subscribe();
    const id = String(sub.body['id']);
    receiver.failNext = [500, 503];
    receiver.notifications.length = 0;
    const messageId = emulator.deliver(box, { subject: 'notify me', body: 'b', from: 'a@example.org' });
    emulator.deliver(box, { subject: 'not watched', body: 'b', from: 'a@example.org' }, 'archive');
    await emulator.flushNotifications();
    expect(receiver.notifications).toHaveLength(1);
    expect(receiver.notifications[0]).toMatchObject({
      subscriptionId: id,
      clientState: 'secret-state',
      changeType: 'created',
      tenantId: emulator.tenantId,
      resourceData: { '@odata.type': '#Microsoft.Graph.Message', id: messageId },
    });
    expect(String(receiver.notifications[0]?.['resource'])).toContain(messageId);

    const listed = await client.graph('GET', '/subscriptions');
    expect(values(listed).map((s) => s['id'])).toContain(id);
    const renewed = await client.graph('PATCH', `/subscriptions/${id}`, {
      expirationDateTime: inFuture(600),
    });
    expect(renewed.status).toBe(200);
    expect(Date.parse(String(renewed.body['expirationDateTime']))).toBeGreaterThan(Date.now() + 500 * 60_000);
    expect((await client.graph('DELETE', `/subscriptions/${id}`)).status).toBe(204);
    expect((await client.graph('GET', `/subscriptions/${id}`)).status).toBe(404);
  });

  it('batches the notifications of mail that arrives together, up to 100 per POST', async () => {
    const sub = await subscribe();
    receiver.notifications.length = 0;
    receiver.posts = 0;
    const ids = Array.from({ length: 250 }, (_, i) =>
      emulator.deliver(box, { subject: `burst ${i}`, body: 'b', from: 'a@example.org' }),
    );
    await emulator.flushNotifications();
    expect(receiver.posts).toBe(3);
    expect(receiver.notifications.map((n) => (n['resourceData'] as Record<string, unknown>)['id'])).toEqual(
      ids,
    );
    await client.graph('DELETE', `/subscriptions/${String(sub.body['id'])}`);
  });

  it('drops or duplicates notifications when the fault says so', async () => {
    const sub = await subscribe();
    receiver.notifications.length = 0;
    emulator.faults.set(box, { dropNotificationRate: 1 });
    emulator.deliver(box, { subject: 'dropped', body: 'b', from: 'a@example.org' });
    await emulator.flushNotifications();
    expect(receiver.notifications).toHaveLength(0);
    emulator.faults.set(box, { duplicateNotificationRate: 1 });
    const id = emulator.deliver(box, { subject: 'twice', body: 'b', from: 'a@example.org' });
    await emulator.flushNotifications();
    emulator.faults.clear(box);
    expect(receiver.notifications.map((n) => (n['resourceData'] as Record<string, unknown>)['id'])).toEqual([
      id,
      id,
    ]);
    await client.graph('DELETE', `/subscriptions/${String(sub.body['id'])}`);
  });

  it('sends lifecycle notifications; subscriptionRemoved ends the subscription', async () => {
    const sub = await subscribe();
    const id = String(sub.body['id']);
    receiver.notifications.length = 0;
    await emulator.triggerLifecycle(id, 'reauthorizationRequired');
    await emulator.triggerLifecycle(id, 'missed');
    await emulator.triggerLifecycle(id, 'subscriptionRemoved');
    expect(receiver.notifications.map((n) => n['lifecycleEvent'])).toEqual([
      'reauthorizationRequired',
      'missed',
      'subscriptionRemoved',
    ]);
    expect(receiver.notifications[0]).toMatchObject({ subscriptionId: id, clientState: 'secret-state' });
    expect(emulator.subscriptions().map((s) => s.id)).not.toContain(id);
  });

  it('fails the handshake when the receiver does not answer in time', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const { emulator: quick, client: c } = await startWithClient({ validationTimeoutMs: 200 });
    try {
      quick.addMailbox(box);
      const res = await c.graph('POST', '/subscriptions', {
        changeType: 'created',
        notificationUrl: `http://127.0.0.1:${port}/notify`,
        resource: `users/${box}/messages`,
        expirationDateTime: inFuture(60),
      });
      expect(res.status).toBe(400);
      expect(errorCode(res)).toBe('ValidationError');
    } finally {
      await c.close();
      await quick.close();
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('stops notifying once the subscription expired on the fake clock', async () => {
    let clock = Date.now();
    const { emulator: timed, client: c } = await startWithClient({ now: () => clock });
    try {
      timed.addMailbox(box);
      const res = await c.graph('POST', '/subscriptions', {
        changeType: 'created',
        notificationUrl: `${receiver.url}/notify`,
        resource: `users/${box}/messages`,
        expirationDateTime: new Date(clock + 60 * 60_000).toISOString(),
      });
      expect(res.status).toBe(201);
      receiver.notifications.length = 0;
      timed.deliver(box, { subject: 'in time', body: 'b', from: 'a@example.org' });
      await timed.flushNotifications();
      expect(receiver.notifications).toHaveLength(1);
      clock += 61 * 60_000;
      timed.deliver(box, { subject: 'too late', body: 'b', from: 'a@example.org' });
      await timed.flushNotifications();
      expect(receiver.notifications).toHaveLength(1);
      expect(timed.subscriptions()).toEqual([]);
    } finally {
      await c.close();
      await timed.close();
    }
  });
});
