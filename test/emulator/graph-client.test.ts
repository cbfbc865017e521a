import {
  AuthenticationHandler,
  Client,
  PageIterator,
  RetryHandler,
  type Context,
  type Middleware,
  type PageCollection,
} from '@microsoft/microsoft-graph-client';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphEmulator } from '../../src/emulator/index.js';
import { startWithClient, type TestClient } from './helpers.js';

/**
 * The emulator through the real @microsoft/microsoft-graph-client, configured the way
 * docs/emulator.md tells the gateway: https baseUrl, customHosts, a fetch dispatcher trusting the CA.
 */
const box = 'post@emu-sdk.example';

/**
 * The last middleware of the chain: sends with undici's fetch and a dispatcher that trusts the
 * emulator's CA (Node 20's global fetch would take `fetchOptions.dispatcher` at run time, but its
 * types come from a different undici version, so this typed bridge is what docs/emulator.md shows).
 */
function trustingHttpHandler(dispatcher: Agent): Middleware {
  return {
    async execute(context: Context): Promise<void> {
      // Context.request is typed with the DOM's RequestInfo, which the lint's type service cannot resolve.
      const request: unknown = context.request;
      const url = typeof request === 'string' ? request : request instanceof Request ? request.url : '';
      const options = context.options ?? {};
      const headers: Record<string, string> = {};
      new Headers(options.headers).forEach((value, key) => {
        headers[key] = value;
      });
      const response = await undiciFetch(url, {
        method: options.method ?? 'GET',
        headers,
        ...(typeof options.body === 'string' ? { body: options.body } : {}),
        dispatcher,
      });
      const responseHeaders = new Headers();
      response.headers.forEach((value, key) => responseHeaders.append(key, value));
      const empty = response.status === 204 || response.status === 202 || response.status === 304;
      context.response = new Response(empty ? null : await response.arrayBuffer(), {
        status: response.status,
        statusText: response.statusText,
        headers: responseHeaders,
      });
    },
  };
}
let emulator: GraphEmulator;
let client: TestClient;
let agent: Agent;
let graph: Client;

beforeAll(async () => {
  ({ emulator, client } = await startWithClient());
  emulator.addMailbox(box);
  for (let i = 0; i < 23; i++)
    emulator.deliver(box, { subject: `sdk ${i}`, body: 'b', from: 'a@example.org' });
  agent = new Agent({ connect: { ca: emulator.caCertPem } });
  graph = Client.initWithMiddleware({
    baseUrl: `${emulator.baseUrl}/`,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(emulator.baseUrl).hostname]),
    middleware: [
      new AuthenticationHandler({ getAccessToken: () => Promise.resolve(client.token) }),
      new RetryHandler(),
      trustingHttpHandler(agent),
    ],
  });
});

afterAll(async () => {
  await agent.close();
  await client.close();
  await emulator.close();
});

describe('emulator with @microsoft/microsoft-graph-client', () => {
  it('pages through messages with PageIterator', async () => {
    const first = (await graph
      .api(`/users/${box}/mailFolders/inbox/messages`)
      .top(5)
      .select('subject')
      .get()) as PageCollection;
    const subjects: string[] = [];
    const iterator = new PageIterator(graph, first, (m: { subject: string }) => {
      subjects.push(m.subject);
      return true;
    });
    await iterator.iterate();
    expect(subjects).toHaveLength(23);
  });

  it('follows delta nextLink and deltaLink', async () => {
    let response = (await graph
      .api(`/users/${box}/mailFolders/inbox/messages/delta`)
      .header('Prefer', 'odata.maxpagesize=10')
      .get()) as Record<string, unknown>;
    let count = (response['value'] as unknown[]).length;
    while (typeof response['@odata.nextLink'] === 'string') {
      response = (await graph.api(response['@odata.nextLink']).get()) as Record<string, unknown>;
      count += (response['value'] as unknown[]).length;
    }
    expect(count).toBe(23);
    const id = emulator.deliver(box, { subject: 'later', body: 'b', from: 'a@example.org' });
    const changes = (await graph.api(String(response['@odata.deltaLink'])).get()) as Record<string, unknown>;
    expect((changes['value'] as { id: string }[]).map((m) => m.id)).toEqual([id]);
  });

  it('its RetryHandler recovers from a 503 with Retry-After', async () => {
    emulator.faults.set(box, { serverErrorBurst: 1, retryAfterSeconds: 1 });
    const before = emulator.stats(box).requests;
    const folder = (await graph.api(`/users/${box}/mailFolders/inbox`).get()) as Record<string, unknown>;
    emulator.faults.clear(box);
    expect(folder['displayName']).toBe('Inbox');
    expect(emulator.stats(box).requests - before).toBe(2);
  });

  it('surfaces Graph errors as GraphError with statusCode and code', async () => {
    await expect(graph.api(`/users/${box}/messages/AAMkAnothere`).get()).rejects.toMatchObject({
      statusCode: 404,
      code: 'ErrorItemNotFound',
    });
  });
});
