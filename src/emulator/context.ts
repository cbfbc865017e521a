import { randomUUID } from 'node:crypto';
import type { Server as HttpsServer } from 'node:https';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultInjector } from './faults.js';
import { parsePrefer, parseExpand, parseSelect, type ViewOptions } from './odata.js';
import type { Folder, Mailbox, MailStore } from './store.js';

/*
 * What the route modules share: the mailbox store, the fault injector, the emulator's URLs (known
 * once it listens) and per-request bookkeeping kept outside fastify's types.
 */

export const JSON_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
export type EmulatorApp = FastifyInstance<HttpsServer>;

export const DEFAULT_PAGE = 10;
export const MAX_PAGE = 1000;

/** What the emulator knows about one request. */
export interface RequestContext {
  requestId: string;
  clientRequestId: string;
  /** Preferences honoured, echoed in Preference-Applied. */
  applied: string[];
  appId: string;
  admittedMailbox: string | undefined;
  /** performance.now() before which the response is not sent (the injected latency). */
  respondAt: number;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export class Emulation {
  baseUrl = '';
  graphUrl = '';
  private readonly contexts = new WeakMap<FastifyRequest, RequestContext>();

  constructor(
    readonly tenantId: string,
    readonly now: () => number,
    readonly store: MailStore,
    readonly faults: FaultInjector,
  ) {}

  request(req: FastifyRequest): RequestContext {
    let context = this.contexts.get(req);
    if (!context) {
      context = {
        requestId: randomUUID(),
        clientRequestId: str(req.headers['client-request-id']) ?? randomUUID(),
        applied: [],
        appId: '',
        admittedMailbox: undefined,
        respondAt: 0,
      };
      this.contexts.set(req, context);
    }
    return context;
  }

  /** Graph's error body: {error: {code, message, innerError: {date, request-id, client-request-id}}}. */
  errorBody(req: FastifyRequest, code: string, message: string): Record<string, unknown> {
    const context = this.request(req);
    return {
      error: {
        code,
        message,
        innerError: {
          date: new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, ''),
          'request-id': context.requestId,
          'client-request-id': context.clientRequestId,
        },
      },
    };
  }
}

export const sendJson = (reply: FastifyReply, status: number, body: unknown): FastifyReply =>
  reply.code(status).header('content-type', JSON_TYPE).send(JSON.stringify(body));

export interface MailParams {
  user: string;
  folder?: string;
  id?: string;
  action?: string;
}

export const params = (req: FastifyRequest): MailParams => req.params as MailParams;

/** The query string with one value per key. */
export function query(req: FastifyRequest): Record<string, string | undefined> {
  const q = req.query as Record<string, unknown>;
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(q)) out[key] = Array.isArray(value) ? str(value[0]) : str(value);
  return out;
}

/** The mailbox and (for /mailFolders/{f}/... routes) the folder a request addresses. */
export function resolveTarget(
  em: Emulation,
  req: FastifyRequest,
): { mailbox: Mailbox; folder: Folder | undefined } {
  const p = params(req);
  const mailbox = em.store.mailbox(p.user);
  return { mailbox, folder: p.folder === undefined ? undefined : em.store.folder(mailbox, p.folder) };
}

export function viewOptions(
  em: Emulation,
  req: FastifyRequest,
  q: Record<string, string | undefined>,
): ViewOptions {
  const prefer = parsePrefer(req.headers.prefer);
  const bodyAsText = prefer.get('outlook.body-content-type')?.toLowerCase() === 'text';
  if (bodyAsText) em.request(req).applied.push('outlook.body-content-type="text"');
  return {
    graphUrl: em.graphUrl,
    select: parseSelect(q['$select']),
    expandProperties: parseExpand(q['$expand']),
    bodyAsText,
    includeAttachments: /^attachments$/i.test((q['$expand'] ?? '').trim()),
  };
}

/** The request's own URL with query parameters replaced (for @odata.nextLink). */
export function nextLink(em: Emulation, req: FastifyRequest, set: Record<string, string>): string {
  const url = new URL(req.url, em.graphUrl);
  for (const [key, value] of Object.entries(set)) url.searchParams.set(key, value);
  return `${em.baseUrl}${url.pathname}${url.search}`;
}
