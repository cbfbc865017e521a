/*
 * The few named failures the rest of mailroute reacts to. Graph failures are classified by HTTP
 * status and Graph error code, never by message text (shared/CONVENTIONS.md rule 7).
 */

export interface GraphFailure {
  status?: number;
  code?: string;
  /** Graph's `request-id` / `client-request-id`, for support tickets. */
  requestId?: string;
  /** From the Retry-After header, when Graph sent one. */
  retryAfterMs?: number;
}

export class MailGatewayError extends Error {
  override name = 'MailGatewayError';
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  /** True when the same request may succeed later without any change. */
  readonly retryable: boolean = false;
  constructor(message: string, failure: GraphFailure = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.status = failure.status;
    this.code = failure.code;
    this.requestId = failure.requestId;
  }
}

/** 429 (or 503 with Retry-After) that outlived the client's retries: delay the job by `retryAfterMs`. */
export class ThrottledError extends MailGatewayError {
  override name = 'ThrottledError';
  override readonly retryable = true;
  readonly retryAfterMs: number;
  constructor(message: string, failure: GraphFailure = {}, options?: { cause?: unknown }) {
    super(message, failure, options);
    this.retryAfterMs = failure.retryAfterMs ?? 1000;
  }
}

/** 5xx, timeouts and broken connections. */
export class TransientGraphError extends MailGatewayError {
  override name = 'TransientGraphError';
  override readonly retryable = true;
}

/** No token, or Graph refused it (401). Permanent until the credentials are fixed. */
export class AuthenticationError extends MailGatewayError {
  override name = 'AuthenticationError';
}

/** 403: the app lacks the permission, or RBAC for Applications keeps it out of this mailbox. */
export class AccessDeniedError extends MailGatewayError {
  override name = 'AccessDeniedError';
}

/** 404: the mailbox, folder, message or subscription does not exist (any more). */
export class NotFoundError extends MailGatewayError {
  override name = 'NotFoundError';
}

/** 410 or a sync-state code: the delta token expired; the folder needs a full resync. */
export class SyncStateGoneError extends MailGatewayError {
  override name = 'SyncStateGoneError';
}

/** 400 and other 4xx: the request itself is wrong; retrying cannot help. */
export class InvalidRequestError extends MailGatewayError {
  override name = 'InvalidRequestError';
}

const syncStateCodes = new Set([
  'syncstatenotfound',
  'syncstateinvalid',
  'resyncrequired',
  'resyncapplicationrequired',
]);
const notFoundCodes = new Set([
  'erroritemnotfound',
  'resourcenotfound',
  'itemnotfound',
  'mailboxnotenabledforrestapi',
  'errorinvalidid',
]);

/** Maps a Graph failure to one of the named classes; status first, then code. */
export function classifyGraphFailure(
  message: string,
  failure: GraphFailure,
  cause?: unknown,
): MailGatewayError {
  const status = failure.status;
  const code = failure.code?.toLowerCase();
  const options = cause === undefined ? undefined : { cause };
  if (status === 410 || (code !== undefined && syncStateCodes.has(code))) {
    return new SyncStateGoneError(message, failure, options);
  }
  if (status === 429) return new ThrottledError(message, failure, options);
  if (status === 503 && failure.retryAfterMs !== undefined)
    return new ThrottledError(message, failure, options);
  if (status === 401) return new AuthenticationError(message, failure, options);
  if (status === 403) return new AccessDeniedError(message, failure, options);
  if (status === 404 || (code !== undefined && notFoundCodes.has(code))) {
    return new NotFoundError(message, failure, options);
  }
  if (status === undefined || status <= 0 || status >= 500)
    return new TransientGraphError(message, failure, options);
  if (status >= 400) return new InvalidRequestError(message, failure, options);
  return new MailGatewayError(message, failure, options);
}

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
