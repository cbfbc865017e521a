import { AuthenticationHandler, Client, GraphError } from '@microsoft/microsoft-graph-client';
import {
  AuthenticationError,
  classifyGraphFailure,
  InvalidRequestError,
  MailGatewayError,
  parseRetryAfter,
  TransientGraphError,
  type GraphFailure,
} from '../errors.js';
import {
  graphMailboxLimits,
  MailboxLimiter,
  systemClock,
  type Clock,
  type MailboxLimits,
} from '../limiter.js';
import type {
  ActionOutcome,
  DeltaPage,
  DeltaPageRequest,
  FoundForward,
  ForwardRequest,
  ForwardResult,
  MailboxGateway,
  MailFolder,
  MailMessage,
  MessageAction,
  SubscriptionInfo,
  SubscriptionRequest,
} from '../types.js';
import { createTokenProvider, type GraphAuthOptions, type TokenProvider } from './auth.js';
import {
  extendedPropertyValue,
  fromAddress,
  isObject,
  requireId,
  toDeltaItem,
  toFolder,
  toMessage,
  type Json,
} from './mapping.js';
import {
  createFetch,
  defaultRetryPolicy,
  FetchHandler,
  GraphPolicyHandler,
  type FetchFn,
  type PolicyStats,
  type RetryPolicy,
} from './transport.js';

/** mailroute's own MAPI property set; the GUID only has to be stable and unique to mailroute. */
export const mailroutePropertySet = '{8d3f6a2e-5b1c-4e7a-9c0d-2f4b6e8a1c35}';
/** On a source message: the id of the decision that routed it. */
export const routedMarkerPropertyId = `String ${mailroutePropertySet} Name MailrouteDecisionId`;
/** On a forward draft (and the sent copy): the decision it carries out. */
export const forwardMarkerPropertyId = `String ${mailroutePropertySet} Name MailrouteForwardDecisionId`;

const wellKnownFolders = new Set([
  'inbox',
  'drafts',
  'sentitems',
  'deleteditems',
  'archive',
  'junkemail',
  'outbox',
  'msgfolderroot',
  'clutter',
  'conversationhistory',
]);

const summaryFields = [
  'id',
  'internetMessageId',
  'conversationId',
  'subject',
  'from',
  'receivedDateTime',
  'hasAttachments',
  'categories',
  'parentFolderId',
  'isDraft',
];
const messageFields = [
  ...summaryFields,
  'sender',
  'replyTo',
  'toRecipients',
  'ccRecipients',
  'sentDateTime',
  'body',
  'internetMessageHeaders',
];

export interface GraphGatewayOptions extends GraphAuthOptions {
  /** Default `https://graph.microsoft.com/v1.0`. */
  graphBaseUrl?: string;
  /** PEM of an extra CA to trust for the token endpoint and Graph (the emulator's). */
  caCertPem?: string;
  limits?: Partial<MailboxLimits>;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  /** Default page size for delta (Prefer: odata.maxpagesize). */
  deltaPageSize?: number;
  /** Ask delta for the routed marker ($expand); default true. */
  markerInDelta?: boolean;
  /** How many recent messages per folder `findForwardByDecisionId` scans when Graph cannot filter. */
  forwardScanLimit?: number;
  /**
   * Where `getMessage` gets the plain-text body: 'local' (default) converts the HTML body, one
   * request per message; 'graph' asks Graph for its text rendering too, in a $batch of three.
   */
  textBody?: 'local' | 'graph';
  /** Concurrency slots a `$batch` holds: 'per-request' (default, safe for Graph) or 'one'. */
  batchSlots?: 'per-request' | 'one';
}

interface BatchRequest {
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  body?: Json;
  headers?: Record<string, string>;
  dependsOn?: string[];
}

interface BatchResponse {
  id: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

function quote(value: string): string {
  return value.replace(/'/g, "''");
}

function user(mailbox: string): string {
  return `/users/${encodeURIComponent(mailbox)}`;
}

function expandMarker(propertyId: string): string {
  return `singleValueExtendedProperties($filter=id eq '${quote(propertyId)}')`;
}

/** Maps whatever the Graph client threw to a named MailGatewayError. */
export function toGatewayError(error: unknown, what: string): MailGatewayError {
  if (error instanceof MailGatewayError) return error;
  if (error instanceof GraphError && error.statusCode > 0) {
    const failure: GraphFailure = { status: error.statusCode };
    if (error.code) failure.code = error.code;
    if (error.requestId) failure.requestId = error.requestId;
    const retryAfter = parseRetryAfter(error.headers?.get('retry-after'));
    if (retryAfter !== undefined) failure.retryAfterMs = retryAfter;
    return classifyGraphFailure(`${what}: ${error.statusCode} ${error.code ?? ''}`.trim(), failure, error);
  }
  // The Graph client wraps what the token provider threw into a GraphError without status, keeping
  // only the error's name as `code`: our AuthenticationError must stay one.
  if (error instanceof GraphError && error.code === 'AuthenticationError') {
    return new AuthenticationError(`${what}: token request refused`, {}, { cause: error });
  }
  return new TransientGraphError(
    `${what}: ${error instanceof Error ? error.message : String(error)}`,
    {},
    { cause: error },
  );
}

function failureOf(response: BatchResponse): MailGatewayError {
  const error = isObject(response.body) && isObject(response.body.error) ? response.body.error : {};
  const failure: GraphFailure = { status: response.status };
  if (typeof error.code === 'string') failure.code = error.code;
  const retryAfter = parseRetryAfter(response.headers['retry-after'] ?? response.headers['Retry-After']);
  if (retryAfter !== undefined) failure.retryAfterMs = retryAfter;
  return classifyGraphFailure(
    `batch request ${response.id}: ${response.status} ${failure.code ?? ''}`.trim(),
    failure,
  );
}

export class GraphMailboxGateway implements MailboxGateway {
  readonly limiter: MailboxLimiter;
  private readonly client: Client;
  private readonly policy: GraphPolicyHandler;
  private readonly tokens: TokenProvider;
  private readonly closeFetch: () => Promise<void>;
  private readonly clock: Clock;
  private readonly retry: RetryPolicy;
  private readonly folderCache = new Map<string, MailFolder>();

  constructor(private readonly options: GraphGatewayOptions) {
    this.clock = options.clock ?? systemClock;
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    this.limiter = new MailboxLimiter({ ...graphMailboxLimits, ...options.limits }, this.clock);
    const http = createFetch(options.caCertPem);
    const fetchFn: FetchFn = http.fetch;
    this.closeFetch = () => http.close();
    this.tokens = createTokenProvider(options, fetchFn);
    const base = new URL(options.graphBaseUrl ?? 'https://graph.microsoft.com/v1.0');
    const version = base.pathname.replace(/^\/+|\/+$/g, '') || 'v1.0';
    this.policy = new GraphPolicyHandler(
      this.limiter,
      this.retry,
      this.clock,
      () => this.tokens.invalidate(),
      options.batchSlots ?? 'per-request',
    );
    const auth = new AuthenticationHandler({ getAccessToken: () => this.tokens.getAccessToken() });
    const send = new FetchHandler(fetchFn);
    this.policy.setNext(auth);
    auth.setNext(send);
    const customHosts = base.hostname === 'graph.microsoft.com' ? undefined : new Set([base.hostname]);
    this.client = Client.initWithMiddleware({
      middleware: this.policy,
      baseUrl: `${base.origin}/`,
      defaultVersion: version,
      ...(customHosts ? { customHosts } : {}),
    });
  }

  /** Requests sent (including retries), retries and 429s seen by this gateway. */
  get stats(): PolicyStats & { tokenRequests: number } {
    return { ...this.policy.stats, tokenRequests: this.tokens.tokenRequests };
  }

  async close(): Promise<void> {
    await this.closeFetch();
  }

  async listFolders(mailbox: string): Promise<MailFolder[]> {
    const folders: MailFolder[] = [];
    let link: string | null =
      `${user(mailbox)}/mailFolders?$top=100&$select=id,displayName,parentFolderId,totalItemCount`;
    while (link) {
      const page = await this.get(link, 'list mail folders');
      for (const f of Array.isArray(page.value) ? page.value : []) if (isObject(f)) folders.push(toFolder(f));
      link = typeof page['@odata.nextLink'] === 'string' ? page['@odata.nextLink'] : null;
    }
    return folders;
  }

  async resolveFolder(mailbox: string, nameOrPath: string): Promise<MailFolder> {
    const cacheKey = `${mailbox.toLowerCase()}|${nameOrPath.toLowerCase()}`;
    const cached = this.folderCache.get(cacheKey);
    if (cached) return cached;
    let folder: MailFolder;
    if (wellKnownFolders.has(nameOrPath.toLowerCase()) || /^[A-Za-z0-9+/=_-]{40,}$/.test(nameOrPath)) {
      folder = toFolder(
        await this.get(`${user(mailbox)}/mailFolders/${encodeURIComponent(nameOrPath)}`, 'get folder'),
      );
    } else {
      const parts = nameOrPath.split('/').filter((p) => p !== '');
      let children = await this.listFolders(mailbox);
      let found: MailFolder | undefined;
      for (const [i, part] of parts.entries()) {
        found = children.find((f) => f.displayName.toLowerCase() === part.toLowerCase());
        if (!found) {
          throw classifyGraphFailure(`folder '${nameOrPath}' not found in ${mailbox}`, {
            status: 404,
            code: 'ErrorItemNotFound',
          });
        }
        if (i < parts.length - 1) children = await this.childFolders(mailbox, found.id);
      }
      if (!found) throw new InvalidRequestError(`empty folder path '${nameOrPath}'`);
      folder = found;
    }
    this.folderCache.set(cacheKey, folder);
    return folder;
  }

  async deltaPage(request: DeltaPageRequest): Promise<DeltaPage> {
    const pageSize = request.pageSize ?? this.options.deltaPageSize ?? 100;
    let link = request.link;
    if (link === null) {
      const params = [`$select=${summaryFields.join(',')}`];
      if (this.options.markerInDelta !== false)
        params.push(`$expand=${expandMarker(routedMarkerPropertyId)}`);
      link = `${user(request.mailbox)}/mailFolders/${encodeURIComponent(request.folderId)}/messages/delta?${params.join('&')}`;
    }
    const page = await this.get(link, 'delta', { Prefer: `odata.maxpagesize=${pageSize}` });
    const result: DeltaPage = { upserts: [], removed: [], nextLink: null, deltaLink: null };
    for (const item of Array.isArray(page.value) ? page.value : []) {
      if (!isObject(item)) continue;
      const mapped = toDeltaItem(item, routedMarkerPropertyId);
      if ('reason' in mapped) result.removed.push(mapped);
      else result.upserts.push(mapped);
    }
    if (typeof page['@odata.nextLink'] === 'string') result.nextLink = page['@odata.nextLink'];
    else if (typeof page['@odata.deltaLink'] === 'string') result.deltaLink = page['@odata.deltaLink'];
    else throw new InvalidRequestError('delta response without @odata.nextLink or @odata.deltaLink');
    return result;
  }

  async getMessage(mailbox: string, messageId: string): Promise<MailMessage> {
    const path = `${user(mailbox)}/messages/${encodeURIComponent(messageId)}`;
    if (this.options.textBody !== 'graph') {
      // One request (two with attachments): each inner request of a $batch would count against
      // the mailbox's budget as well, and the text is derived from the HTML here.
      const message = await this.get(
        `${path}?$select=${messageFields.join(',')}&$expand=${expandMarker(routedMarkerPropertyId)}`,
        'get message',
      );
      const attachments =
        message.hasAttachments === true
          ? await this.get(
              `${path}/attachments?$select=id,name,contentType,size,isInline`,
              'list attachments',
            )
          : null;
      return toMessage(message, null, attachments, routedMarkerPropertyId);
    }
    const [full, text, attachments] = await this.batch([
      {
        id: 'message',
        method: 'GET',
        url: `${path}?$select=${messageFields.join(',')}&$expand=${expandMarker(routedMarkerPropertyId)}`,
      },
      {
        id: 'text',
        method: 'GET',
        url: `${path}?$select=body`,
        headers: { Prefer: 'outlook.body-content-type="text"' },
      },
      {
        id: 'attachments',
        method: 'GET',
        url: `${path}/attachments?$select=id,name,contentType,size,isInline`,
      },
    ]);
    if (!full || full.status >= 300 || !isObject(full.body))
      throw full ? failureOf(full) : new TransientGraphError('no batch response');
    return toMessage(
      full.body,
      text && text.status < 300 && isObject(text.body) ? text.body.body : null,
      attachments && attachments.status < 300 ? attachments.body : null,
      routedMarkerPropertyId,
    );
  }

  async forward(request: ForwardRequest): Promise<ForwardResult> {
    const path = `${user(request.mailbox)}/messages/${encodeURIComponent(request.messageId)}`;
    const to = request.to.map(fromAddress);
    if (request.mode === 'direct') {
      const body: Json = { toRecipients: to };
      if (request.comment) body.comment = request.comment;
      if (request.replyTo?.length) body.message = { replyTo: request.replyTo.map(fromAddress) };
      await this.call('POST', `${path}/forward`, 'forward', body);
      return { draftId: null };
    }
    const createBody: Json = { toRecipients: to };
    if (request.comment) createBody.comment = request.comment;
    const draft = await this.call('POST', `${path}/createForward`, 'createForward', createBody);
    const draftId = requireId(draft, 'forward draft');
    const draftPath = `${user(request.mailbox)}/messages/${encodeURIComponent(draftId)}`;
    const patch: Json = {
      singleValueExtendedProperties: [{ id: forwardMarkerPropertyId, value: request.decisionId }],
    };
    if (request.replyTo?.length) patch.replyTo = request.replyTo.map(fromAddress);
    // Tag, send (and mark the source) in one round trip, each waiting for the one before (a failed
    // step fails the ones after it with 424).
    const requests: BatchRequest[] = [
      { id: 'tag', method: 'PATCH', url: draftPath, body: patch },
      { id: 'send', method: 'POST', url: `${draftPath}/send`, dependsOn: ['tag'] },
    ];
    if (request.markSource) {
      const mark: Json = {
        categories: request.markSource.categories,
        singleValueExtendedProperties: [{ id: routedMarkerPropertyId, value: request.decisionId }],
      };
      requests.push({ id: 'mark', method: 'PATCH', url: path, body: mark, dependsOn: ['send'] });
    }
    const responses = await this.batch(requests);
    for (let i = 0; i < requests.length; i++) {
      const response = responses[i];
      if (!response || response.status >= 300)
        throw response ? failureOf(response) : new TransientGraphError('no batch response');
    }
    return { draftId };
  }

  async findForwardByDecisionId(mailbox: string, decisionId: string): Promise<FoundForward | null> {
    for (const folder of ['drafts', 'sentitems'] as const) {
      const id = await this.findTagged(mailbox, folder, decisionId);
      if (id) return { id, folder };
    }
    return null;
  }

  async sendDraft(mailbox: string, draftId: string): Promise<void> {
    await this.call('POST', `${user(mailbox)}/messages/${encodeURIComponent(draftId)}/send`, 'send draft');
  }

  async move(mailbox: string, messageId: string, destinationFolderId: string): Promise<string> {
    const moved = await this.call(
      'POST',
      `${user(mailbox)}/messages/${encodeURIComponent(messageId)}/move`,
      'move',
      {
        destinationId: destinationFolderId,
      },
    );
    return requireId(moved, 'moved message');
  }

  async copy(mailbox: string, messageId: string, destinationFolderId: string): Promise<string> {
    const copied = await this.call(
      'POST',
      `${user(mailbox)}/messages/${encodeURIComponent(messageId)}/copy`,
      'copy',
      {
        destinationId: destinationFolderId,
      },
    );
    return requireId(copied, 'copied message');
  }

  async setCategories(mailbox: string, messageId: string, categories: string[]): Promise<void> {
    await this.call('PATCH', `${user(mailbox)}/messages/${encodeURIComponent(messageId)}`, 'set categories', {
      categories,
    });
  }

  async setRoutedMarker(mailbox: string, messageId: string, decisionId: string): Promise<void> {
    await this.call(
      'PATCH',
      `${user(mailbox)}/messages/${encodeURIComponent(messageId)}`,
      'set routed marker',
      {
        singleValueExtendedProperties: [{ id: routedMarkerPropertyId, value: decisionId }],
      },
    );
  }

  async getRoutedMarker(mailbox: string, messageId: string): Promise<string | null> {
    const message = await this.get(
      `${user(mailbox)}/messages/${encodeURIComponent(messageId)}?$select=id&$expand=${expandMarker(routedMarkerPropertyId)}`,
      'get routed marker',
    );
    return extendedPropertyValue(message, routedMarkerPropertyId);
  }

  async applyActions(mailbox: string, messageId: string, actions: MessageAction[]): Promise<ActionOutcome[]> {
    const path = `${user(mailbox)}/messages/${encodeURIComponent(messageId)}`;
    // Categories and the marker go in ONE PATCH (one request of the mailbox's budget, not two);
    // moves and copies run after it, so the moved message carries them.
    const update: Json = {};
    const requests: BatchRequest[] = [];
    const requestOf: string[] = [];
    for (const action of actions) {
      switch (action.kind) {
        case 'categories':
          update.categories = action.categories;
          requestOf.push('update');
          break;
        case 'marker':
          update.singleValueExtendedProperties = [{ id: routedMarkerPropertyId, value: action.decisionId }];
          requestOf.push('update');
          break;
        case 'move':
        case 'copy':
          requestOf.push(String(requests.length + 1));
          requests.push({
            id: String(requests.length + 1),
            method: 'POST',
            url: `${path}/${action.kind}`,
            body: { destinationId: action.destinationFolderId },
          });
          break;
      }
    }
    if (Object.keys(update).length > 0) {
      for (const r of requests) r.dependsOn = ['update'];
      requests.unshift({ id: 'update', method: 'PATCH', url: path, body: update });
    }
    const responses = await this.batch(requests);
    const byId = new Map(requests.map((r, i) => [r.id, responses[i]]));
    return actions.map((action, i): ActionOutcome => {
      const response = byId.get(requestOf[i] ?? '');
      if (!response)
        return { kind: action.kind, ok: false, error: new TransientGraphError('no batch response') };
      if (response.status >= 300) return { kind: action.kind, ok: false, error: failureOf(response) };
      const newId =
        isObject(response.body) && typeof response.body.id === 'string' ? response.body.id : undefined;
      return newId && (action.kind === 'move' || action.kind === 'copy')
        ? { kind: action.kind, ok: true, messageId: newId }
        : { kind: action.kind, ok: true };
    });
  }

  async createSubscription(request: SubscriptionRequest): Promise<SubscriptionInfo> {
    const body: Json = {
      changeType: request.changeType ?? 'created',
      notificationUrl: request.notificationUrl,
      resource: `users/${request.mailbox}/mailFolders('${request.folderId}')/messages`,
      expirationDateTime: request.expirationDateTime,
      clientState: request.clientState,
    };
    if (request.lifecycleNotificationUrl) body.lifecycleNotificationUrl = request.lifecycleNotificationUrl;
    return toSubscription(await this.call('POST', '/subscriptions', 'create subscription', body));
  }

  async renewSubscription(subscriptionId: string, expirationDateTime: string): Promise<SubscriptionInfo> {
    return toSubscription(
      await this.call('PATCH', `/subscriptions/${encodeURIComponent(subscriptionId)}`, 'renew subscription', {
        expirationDateTime,
      }),
    );
  }

  async deleteSubscription(subscriptionId: string): Promise<void> {
    await this.call('DELETE', `/subscriptions/${encodeURIComponent(subscriptionId)}`, 'delete subscription');
  }

  /**
   * Sends up to 20 requests per `$batch` and retries the inner requests Graph throttled (429) or
   * could not serve (503/504), honouring their Retry-After; dependants that failed with 424 only
   * because of such a request are retried with it. Returns the responses in request order.
   */
  private async batch(requests: BatchRequest[]): Promise<BatchResponse[]> {
    const results = new Map<string, BatchResponse>();
    for (let start = 0; start < requests.length; start += 20) {
      const chunk = requests.slice(start, start + 20);
      const chunkIds = new Set(chunk.map((r) => r.id));
      let pending = chunk.map((r) => ({
        ...r,
        headers: headersOf(r),
        // dependsOn may only name requests of the same batch.
        ...(r.dependsOn ? { dependsOn: r.dependsOn.filter((d) => chunkIds.has(d)) } : {}),
      }));
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        for (const r of pending) r.headers.Prefer = mergePrefer(r.headers.Prefer, 'IdType="ImmutableId"');
        const payload = await this.call('POST', '/$batch', '$batch', { requests: pending });
        const responses = (Array.isArray(payload.responses) ? payload.responses : [])
          .filter(isObject)
          .map((r): BatchResponse => ({
            id: String(r.id),
            status: typeof r.status === 'number' ? r.status : 500,
            body: r.body,
            headers: isObject(r.headers)
              ? Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), String(v)]))
              : {},
          }));
        const retry = new Set<string>();
        let waitMs = 0;
        for (const r of responses) {
          if (r.status === 429 || r.status === 503 || r.status === 504) {
            retry.add(r.id);
            if (r.status === 429) this.policy.stats.throttled += 1;
            const after = parseRetryAfter(r.headers['retry-after'], this.clock.now());
            waitMs = Math.max(
              waitMs,
              after ?? Math.min(this.retry.baseDelayMs * 2 ** attempt, this.retry.maxDelayMs),
            );
          }
        }
        for (const r of responses) {
          const request = pending.find((p) => p.id === r.id);
          if (r.status === 424 && request?.dependsOn?.some((d) => retry.has(d))) retry.add(r.id);
        }
        for (const r of responses)
          if (!retry.has(r.id) || attempt >= this.retry.maxRetries) results.set(r.id, r);
        for (const p of pending) {
          if (!responses.some((r) => r.id === p.id)) {
            results.set(p.id, { id: p.id, status: 500, body: null, headers: {} });
          }
        }
        if (retry.size === 0 || attempt >= this.retry.maxRetries) break;
        const mailbox = mailboxOf(pending);
        if (mailbox) this.limiter.pause(mailbox, waitMs);
        await this.clock.sleep(waitMs);
        pending = pending
          .filter((p) => retry.has(p.id))
          .map((p) => (p.dependsOn ? { ...p, dependsOn: p.dependsOn.filter((d) => retry.has(d)) } : p));
      }
    }
    return requests.map((r) => results.get(r.id) ?? { id: r.id, status: 500, body: null, headers: {} });
  }

  private async childFolders(mailbox: string, folderId: string): Promise<MailFolder[]> {
    const folders: MailFolder[] = [];
    let link: string | null =
      `${user(mailbox)}/mailFolders/${encodeURIComponent(folderId)}/childFolders?$top=100&$select=id,displayName,parentFolderId,totalItemCount`;
    while (link) {
      const page = await this.get(link, 'list child folders');
      for (const f of Array.isArray(page.value) ? page.value : []) if (isObject(f)) folders.push(toFolder(f));
      link = typeof page['@odata.nextLink'] === 'string' ? page['@odata.nextLink'] : null;
    }
    return folders;
  }

  private async findTagged(mailbox: string, folder: string, decisionId: string): Promise<string | null> {
    const base = `${user(mailbox)}/mailFolders/${folder}/messages`;
    const filter = `singleValueExtendedProperties/Any(ep: ep/id eq '${quote(forwardMarkerPropertyId)}' and ep/value eq '${quote(decisionId)}')`;
    try {
      const page = await this.get(
        `${base}?$filter=${encodeURIComponent(filter)}&$select=id&$top=1`,
        'find forward',
      );
      const first = Array.isArray(page.value) ? page.value.find(isObject) : undefined;
      return first ? requireId(first, 'message') : null;
    } catch (error) {
      if (!(error instanceof InvalidRequestError)) throw error;
    }
    // Graph (or the emulator) could not filter on the property: scan the newest messages.
    const limit = this.options.forwardScanLimit ?? 500;
    let link: string | null =
      `${base}?$select=id&$top=100&$orderby=receivedDateTime desc&$expand=${expandMarker(forwardMarkerPropertyId)}`;
    let scanned = 0;
    while (link && scanned < limit) {
      const page = await this.get(link, 'scan for forward');
      for (const m of Array.isArray(page.value) ? page.value : []) {
        if (!isObject(m)) continue;
        scanned += 1;
        if (extendedPropertyValue(m, forwardMarkerPropertyId) === decisionId) return requireId(m, 'message');
      }
      link = typeof page['@odata.nextLink'] === 'string' ? page['@odata.nextLink'] : null;
    }
    return null;
  }

  private async get(path: string, what: string, headers: Record<string, string> = {}): Promise<Json> {
    try {
      const result: unknown = await this.client.api(path).headers(headers).get();
      return isObject(result) ? result : {};
    } catch (error) {
      throw toGatewayError(error, what);
    }
  }

  private async call(
    method: 'POST' | 'PATCH' | 'DELETE',
    path: string,
    what: string,
    body?: Json,
  ): Promise<Json> {
    try {
      const request = this.client.api(path);
      let result: unknown;
      if (method === 'POST') result = await request.post(body ?? {});
      else if (method === 'PATCH') result = await request.patch(body ?? {});
      else result = await request.delete();
      return isObject(result) ? result : {};
    } catch (error) {
      throw toGatewayError(error, what);
    }
  }
}

function headersOf(request: BatchRequest): Record<string, string> {
  return { ...request.headers, ...(request.body ? { 'Content-Type': 'application/json' } : {}) };
}

function mergePrefer(current: string | undefined, preference: string): string {
  if (!current) return preference;
  return current.toLowerCase().includes(preference.toLowerCase()) ? current : `${current}, ${preference}`;
}

function mailboxOf(requests: BatchRequest[]): string | null {
  const url = requests[0]?.url ?? '';
  const match = /\/users\/([^/?]+)/i.exec(url);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

function toSubscription(value: Json): SubscriptionInfo {
  const info: SubscriptionInfo = {
    id: requireId(value, 'subscription'),
    resource: typeof value.resource === 'string' ? value.resource : '',
    changeType: typeof value.changeType === 'string' ? value.changeType : '',
    expirationDateTime: typeof value.expirationDateTime === 'string' ? value.expirationDateTime : '',
  };
  if (typeof value.notificationUrl === 'string') info.notificationUrl = value.notificationUrl;
  return info;
}
