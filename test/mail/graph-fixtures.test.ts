import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  GraphMailboxGateway,
  InvalidRequestError,
  parseNotifications,
  ThrottledError,
  type Clock,
} from '../../src/mail/index.js';
import { webhookTls } from './support.js';

/*
 * Contract tests with the example responses published in Microsoft's Graph documentation
 * (test/fixtures/graph/, each with its page in `_source`), served over HTTPS to the real adapter
 * (msal-node + graph-client), so the adapter parses what Graph really sends.
 */

interface Fixture {
  _source: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

function fixture(name: string): Fixture {
  return JSON.parse(
    readFileSync(new URL(`../fixtures/graph/${name}.json`, import.meta.url), 'utf8'),
  ) as Fixture;
}

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

type Handler = (request: Seen) => { status: number; headers?: Record<string, string>; body?: unknown };

const tenant = '84bd8158-6d4d-4958-8b9f-9d6445542f95';
let server: Server;
let base: string;
let cert: string;
const seen: Seen[] = [];
let handler: Handler = () => ({ status: 500 });

beforeAll(async () => {
  const tls = await webhookTls();
  cert = tls.cert;
  server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if ((req.url ?? '').startsWith(`/${tenant}/oauth2/v2.0/token`)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            token_type: 'Bearer',
            expires_in: 3599,
            ext_expires_in: 3599,
            access_token: 'eyJ0.fake.token',
          }),
        );
        return;
      }
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // keep text
      }
      const request = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body };
      seen.push(request);
      const answer = handler(request);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      for (const [k, v] of Object.entries(answer.headers ?? {})) headers[k.toLowerCase()] = v;
      res.writeHead(answer.status, headers);
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  base = `https://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** What every gateway of these tests is configured with: the emulated tenant over HTTPS. */
function tenantOptions() {
  return {
    tenantId: tenant,
    clientId: 'mailroute',
    credential: { kind: 'secret', clientSecret: 's' },
    authority: `${base}/${tenant}`,
    graphBaseUrl: `${base}/v1.0`,
    caCertPem: cert,
  } as const;
}

function gateway(clock?: Clock, maxRetries = 8): GraphMailboxGateway {
  return new GraphMailboxGateway({
    ...tenantOptions(),
    retry: { maxRetries, baseDelayMs: 1 },
    textBody: 'graph',
    ...(clock ? { clock } : {}),
  });
}

/** A gateway with the default options (textBody derived from the HTML body, default retries). */
function defaultGateway(): GraphMailboxGateway {
  return new GraphMailboxGateway(tenantOptions());
}

/** A clock that records each sleep and moves on by it instantly. */
function recordingClock(slept: number[]): Clock {
  let now = 0;
  return {
    now: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

function serve(f: Fixture): ReturnType<Handler> {
  return { status: f.status, headers: f.headers, body: f.body };
}

/** Answers a $batch by request id from fixtures (or synthetic answers) in the order given. */
function batch(answers: Record<string, ReturnType<Handler>>): Handler {
  return (request) => {
    const requests = (request.body as { requests: { id: string }[] }).requests;
    return {
      status: 200,
      body: {
        responses: requests.map((r) => ({ id: r.id, ...answers[r.id] })),
      },
    };
  };
}

describe('Graph documentation examples', () => {
  it('parses the first page of a delta round (message: delta / delta-query-messages)', async () => {
    handler = () => serve(fixture('message-delta-initial'));
    const gw = gateway();
    try {
      const page = await gw.deltaPage({
        mailbox: 'post@kommune.dk',
        folderId: 'AQMkADNkNAAAgEMAAAA',
        link: null,
        pageSize: 2,
      });
      expect(page.upserts.map((m) => [m.id, m.subject])).toEqual([
        ['AAMkADNkNAAASq35xAAA=', 'Holiday hours update'],
        ['AQMkADNkNAAAVRMKAAAAA==', 'Holiday promotion sale'],
      ]);
      expect(page.upserts.every((m) => m.routedDecisionId === null)).toBe(true);
      expect(page.nextLink).toContain('$skiptoken=GwcBoTmPuoTQWfcsAbkYM');
      expect(page.deltaLink).toBeNull();
      const request = seen.at(-1);
      expect(request?.url).toMatch(
        /^\/v1\.0\/users\/post%40kommune\.dk\/mailFolders\/AQMkADNkNAAAgEMAAAA\/messages\/delta\?/,
      );
      expect(String(request?.headers.prefer)).toContain('odata.maxpagesize=2');
      expect(String(request?.headers.prefer)).toContain('IdType="ImmutableId"');
      expect(request?.headers.authorization).toBe('Bearer eyJ0.fake.token');
    } finally {
      await gw.close();
    }
  });

  it('parses a next round with @removed and a changed message, and keeps the deltaLink', async () => {
    handler = () => serve(fixture('message-delta-next-round'));
    const gw = gateway();
    try {
      const page = await gw.deltaPage({
        mailbox: 'post@kommune.dk',
        folderId: 'x',
        link: `${base}/v1.0/me/mailfolders('AQMkADNkNAAAgEMAAAA')/messages/delta?$deltatoken=GwcBoTmPuoGNlgXgF1nyUNMXY`,
      });
      expect(page.removed).toEqual([
        { id: 'AAMkADk0MGFkODE3LWE4MmYtNDRhOS0Dh_6qB-pB2Sa2pUum19a6YAAKnLuxoAAA=', reason: 'deleted' },
      ]);
      expect(page.upserts.map((m) => m.id)).toEqual(['AAMkADNkNAAASq35xAAA=']);
      expect(page.deltaLink).toContain('$deltatoken=GwcBoTmPuoGNlgXgF1nyUNMXY');
      expect(page.nextLink).toBeNull();
    } finally {
      await gw.close();
    }
  });

  it('parses a message (HTML body) and its text rendering (Prefer: outlook.body-content-type="text")', async () => {
    handler = batch({
      message: serve(fixture('message-get')),
      text: serve(fixture('message-get-text')),
      attachments: { status: 200, body: { value: [] } },
    });
    const gw = gateway();
    try {
      const m = await gw.getMessage('post@kommune.dk', 'AAMkADhMGAAA=');
      expect(m).toMatchObject({
        id: 'AAMkADhMGAAA=',
        subject: '9/9/2018: concert',
        from: { name: 'Adele Vance', address: 'adelev@contoso.OnMicrosoft.com' },
        toRecipients: [{ name: 'Alex Wilber', address: 'AlexW@contoso.OnMicrosoft.com' }],
        internetMessageId: '<MWHPR6E1BE060@MWHPR1120.namprd22.prod.outlook.com>',
        receivedDateTime: '2018-09-09T03:15:08Z',
        hasAttachments: false,
        categories: [],
        routedDecisionId: null,
      });
      expect(m.bodyHtml).toContain('The group represents Nevada.');
      expect(m.bodyText).toMatch(/^Welcome to our group, Dana!/);
      const inner = (seen.at(-1)?.body as { requests: { id: string; headers?: Record<string, string> }[] })
        .requests;
      expect(inner.find((r) => r.id === 'text')?.headers?.Prefer).toContain(
        'outlook.body-content-type="text"',
      );
      expect(inner.every((r) => r.headers?.Prefer?.includes('IdType="ImmutableId"'))).toBe(true);
    } finally {
      await gw.close();
    }
  });

  it('converts the HTML body to text when no text rendering came back, and tolerates from: null', async () => {
    handler = batch({
      message: serve(fixture('message-get-extended-property')),
      text: { status: 404, body: { error: { code: 'ErrorItemNotFound', message: 'gone' } } },
      attachments: { status: 200, body: { value: [] } },
    });
    const gw = gateway();
    try {
      const m = await gw.getMessage('post@kommune.dk', 'AAMkAGE1M2_bs88AACHsLqWAAA=');
      expect(m.from).toBeUndefined();
      expect(m.sender).toEqual({ name: 'Christine Irwin', address: 'christine@contoso.com' });
      // Another application's property is not mailroute's marker.
      expect(m.routedDecisionId).toBeNull();
      expect(m.bodyText).toBe('');
    } finally {
      await gw.close();
    }
  });

  it('reads a message in one request and derives the text from the HTML body (default textBody)', async () => {
    handler = () => serve(fixture('message-get'));
    const gw = defaultGateway();
    try {
      const before = seen.length;
      const m = await gw.getMessage('post@kommune.dk', 'AAMkADhMGAAA=');
      expect(seen.length - before).toBe(1);
      expect(seen.at(-1)?.url).toMatch(
        /\/messages\/AAMkADhMGAAA%3D\?\$select=.*body.*&\$expand=singleValueExtendedProperties/,
      );
      expect(m.bodyText).toBe('The group represents Nevada.');
      expect(m.bodyHtml).toContain('<body>');
      expect(m.attachments).toEqual([]);
    } finally {
      await gw.close();
    }
  });

  it('forwards with the createForward draft from the docs', async () => {
    handler = (request) =>
      request.url.endsWith('/createForward')
        ? serve(fixture('message-createforward'))
        : batch({ tag: { status: 200, body: {} }, send: { status: 202 } })(request);
    const gw = gateway();
    try {
      const result = await gw.forward({
        mailbox: 'post@kommune.dk',
        messageId: 'AAMkADA1MTAAAAqldOAAA=',
        to: [{ address: 'byg@kommune.dk' }],
        decisionId: 'd-1',
        replyTo: [{ name: 'Alex Wilber', address: 'AlexW@contoso.com' }],
      });
      expect(result.draftId).toBe('AAMkADA1MTAAAAqldOAAA=');
      const tagged = (
        seen.at(-1)?.body as { requests: { id: string; url: string; body?: Record<string, unknown> }[] }
      ).requests;
      expect(tagged[0]?.url).toBe('/users/post%40kommune.dk/messages/AAMkADA1MTAAAAqldOAAA%3D');
      expect(tagged[0]?.body?.replyTo).toEqual([
        { emailAddress: { name: 'Alex Wilber', address: 'AlexW@contoso.com' } },
      ]);
      expect(tagged[1]).toMatchObject({ id: 'send', dependsOn: ['tag'] });
    } finally {
      await gw.close();
    }
  });

  it('parses the created subscription', async () => {
    handler = () => serve(fixture('subscription-post'));
    const gw = gateway();
    try {
      const sub = await gw.createSubscription({
        mailbox: 'post@kommune.dk',
        folderId: 'Inbox',
        notificationUrl: 'https://webhook.azurewebsites.net/api/send/myNotifyClient',
        clientState: 'secretClientValue',
        expirationDateTime: '2016-11-20T18:23:45.9356913Z',
      });
      expect(sub).toEqual({
        id: '7f105c7d-2dc5-4530-97cd-4e7ae6534c07',
        resource: "me/mailFolders('Inbox')/messages",
        changeType: 'created',
        expirationDateTime: '2016-11-20T18:23:45.9356913Z',
        notificationUrl: 'https://webhook.azurewebsites.net/api/send/myNotifyClient',
      });
    } finally {
      await gw.close();
    }
  });

  it('maps each response of the documented $batch on its own, by id', async () => {
    handler = () => serve(fixture('batch-response'));
    const gw = gateway();
    try {
      // Five copies are five independent inner requests, numbered 1-5 like the documented batch.
      const outcomes = await gw.applyActions(
        'post@kommune.dk',
        'AAMk',
        ['a', 'b', 'c', 'd', 'e'].map((folder) => ({ kind: 'copy', destinationFolderId: folder }) as const),
      );
      expect(outcomes.map((o) => o.ok)).toEqual([true, false, false, false, true]);
      const errors = outcomes.map((o) => (o.ok ? null : o.error));
      expect(errors[1]).toBeInstanceOf(AccessDeniedError);
      expect(errors[2]).toBeInstanceOf(AccessDeniedError);
      expect(errors[3]).toBeInstanceOf(InvalidRequestError);
    } finally {
      await gw.close();
    }
  });

  it('waits the documented (fractional) Retry-After of a 429 and retries; without retries it reports it', async () => {
    const slept: number[] = [];
    const clock = recordingClock(slept);
    let calls = 0;
    handler = () =>
      ++calls === 1 ? serve(fixture('throttled-429')) : { status: 200, body: { id: 'AAMk', value: [] } };
    const gw = gateway(clock);
    try {
      expect(await gw.getRoutedMarker('post@kommune.dk', 'AAMk')).toBeNull();
      expect(calls).toBe(2);
      expect(slept).toContain(2128);
    } finally {
      await gw.close();
    }
    handler = () => serve(fixture('throttled-429'));
    const impatient = gateway(clock, 0);
    try {
      const error = await impatient.getRoutedMarker('post@kommune.dk', 'AAMk').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ThrottledError);
      expect(error instanceof ThrottledError && error.retryAfterMs).toBe(2128);
      expect(error instanceof ThrottledError && error.code).toBe('TooManyRequests');
    } finally {
      await impatient.close();
    }
  });

  it('retries a throttled inner request of a $batch with its Retry-After', async () => {
    const slept: number[] = [];
    const clock = recordingClock(slept);
    const throttled = fixture('throttled-429');
    let round = 0;
    handler = (request) => {
      round += 1;
      const ids = (request.body as { requests: { id: string }[] }).requests.map((r) => r.id);
      return {
        status: 200,
        body: {
          responses: ids.map((id) =>
            round === 1 && id === '2'
              ? { id, status: 429, headers: throttled.headers, body: throttled.body }
              : { id, status: 200, body: {} },
          ),
        },
      };
    };
    const gw = gateway(clock);
    try {
      const outcomes = await gw.applyActions('post@kommune.dk', 'AAMk', [
        { kind: 'copy', destinationFolderId: 'a' },
        { kind: 'copy', destinationFolderId: 'b' },
      ]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
      expect(round).toBe(2);
      expect((seen.at(-1)?.body as { requests: { id: string }[] }).requests.map((r) => r.id)).toEqual(['2']);
      expect(slept).toContain(2128);
      expect(gw.stats.throttled).toBe(1);
    } finally {
      await gw.close();
    }
  });

  it('accepts the documented change and lifecycle notification payloads', () => {
    const change = parseNotifications(fixture('change-notification').body, 'secretClientValue');
    expect(change.changes).toHaveLength(1);
    expect(change.changes[0]).toMatchObject({ subscriptionId: '{subscription_guid}', changeType: 'created' });
    expect(parseNotifications(fixture('change-notification').body, 'other').rejected).toBe(1);
    const lifecycle = parseNotifications(fixture('lifecycle-reauthorization').body, '{secret client state}');
    expect(lifecycle.lifecycle).toEqual([
      expect.objectContaining({
        lifecycleEvent: 'reauthorizationRequired',
        subscriptionId: 'e3898f08-5cd0-4a6a-80fc-6addbfb73b7b',
      }),
    ]);
  });
});

describe('HTML bodies html-to-text cannot convert as they are', () => {
  it('still yield the message and the text of its body (default textBody), so the mail is routed', async () => {
    const message = fixture('message-get');
    const gw = defaultGateway();
    const cases: [html: string, text: RegExp][] = [
      [`${'<div>'.repeat(2500)}hi`, /^hi$/u], // overflowed the stack
      [`hi${'<div>'.repeat(200_000)}`, /^hi\b/u], // overflowed the stack after seconds
      ['<ol type="i" start="10000"><li>x</li></ol>', /^10000\. x$/u], // no Roman numerals past 3999
      ['<blockquote>x'.repeat(800), /^(?:x\s*){800}$/u], // re-prefixed every line at every level
    ];
    try {
      for (const [html, text] of cases) {
        handler = () => ({
          status: 200,
          body: {
            ...(message.body as Record<string, unknown>),
            body: { contentType: 'html', content: html },
          },
        });
        const m = await gw.getMessage('post@kommune.dk', 'AAMkADhMGAAA=');
        expect(m.bodyText, html.slice(0, 40)).toMatch(text);
        expect(m.bodyHtml).toBe(html);
      }
    } finally {
      await gw.close();
    }
  });
});
