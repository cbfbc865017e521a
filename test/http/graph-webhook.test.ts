import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { graphWebhookPlugin } from '../../src/http/index.js';
import type { ChangeNotification, LifecycleNotification } from '../../src/mail/index.js';

const clientState = 'the-client-state-mailroute-gave-graph';

async function app() {
  const changes: ChangeNotification[][] = [];
  const lifecycle: LifecycleNotification[][] = [];
  let release: () => void = () => undefined;
  const handled = new Promise<void>((resolve) => (release = resolve));
  const server = Fastify();
  await server.register(graphWebhookPlugin, {
    clientState,
    onChanges: (c) => {
      changes.push(c);
      release();
    },
    onLifecycle: (l) => {
      lifecycle.push(l);
      release();
    },
  });
  return { server, changes, lifecycle, handled };
}

const notification = (state: string) => ({
  value: [
    {
      subscriptionId: '7f105c7d-2dc5-4530-97cd-4e7ae6534c07',
      subscriptionExpirationDateTime: '2026-11-30T11:00:00.0000000Z',
      changeType: 'created',
      resource: 'Users/6a1b/Messages/AAMkAG',
      resourceData: {
        '@odata.type': '#Microsoft.Graph.Message',
        '@odata.id': 'Users/6a1b/Messages/AAMkAG',
        id: 'AAMkAG',
      },
      clientState: state,
      tenantId: '84bd8158-6d4d-4958-8b9f-9d6445542f95',
    },
  ],
});

describe('Graph webhook plugin', () => {
  it('answers the validation handshake with the decoded token as text/plain', async () => {
    const { server } = await app();
    const token = 'Validation: Testing client application reachability for subscription Request-Id: 1';
    const response = await server.inject({
      method: 'POST',
      url: `/graph/notifications?validationToken=${encodeURIComponent(token)}`,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      payload: '',
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toBe(token);
    const lifecycle = await server.inject({ method: 'POST', url: `/graph/lifecycle?validationToken=abc` });
    expect(lifecycle.body).toBe('abc');
  });

  it('acknowledges with 202 first and hands valid notifications over afterwards', async () => {
    const { server, changes, handled } = await app();
    const response = await server.inject({
      method: 'POST',
      url: '/graph/notifications',
      payload: notification(clientState),
    });
    expect(response.statusCode).toBe(202);
    expect(response.body).toBe('');
    // The handler runs after the reply was sent.
    expect(changes).toHaveLength(0);
    await handled;
    expect(changes).toHaveLength(1);
    expect(changes[0]?.[0]?.subscriptionId).toBe('7f105c7d-2dc5-4530-97cd-4e7ae6534c07');
  });

  it('drops notifications whose clientState does not match (still 202, so Graph does not retry forgeries)', async () => {
    const { server, changes } = await app();
    for (const state of ['wrong', '', clientState.slice(0, -1), `${clientState}x`]) {
      const response = await server.inject({
        method: 'POST',
        url: '/graph/notifications',
        payload: notification(state),
      });
      expect(response.statusCode).toBe(202);
    }
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(changes).toHaveLength(0);
  });

  it('routes lifecycle notifications to onLifecycle', async () => {
    const { server, lifecycle, changes, handled } = await app();
    const response = await server.inject({
      method: 'POST',
      url: '/graph/lifecycle',
      payload: {
        value: [
          {
            subscriptionId: '7f105c7d-2dc5-4530-97cd-4e7ae6534c07',
            subscriptionExpirationDateTime: '2026-11-30T11:00:00.0000000Z',
            tenantId: '84bd8158-6d4d-4958-8b9f-9d6445542f95',
            clientState,
            lifecycleEvent: 'reauthorizationRequired',
          },
        ],
      },
    });
    expect(response.statusCode).toBe(202);
    await handled;
    expect(lifecycle[0]?.[0]?.lifecycleEvent).toBe('reauthorizationRequired');
    expect(changes).toHaveLength(0);
  });
});
