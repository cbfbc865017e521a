/** Public types of the Graph emulator (agreed with the gateway engineers; add, never change). */

export interface EmulatorClient {
  clientId: string;
  clientSecret?: string;
  /** Public certificate (PEM) for client-assertion auth. */
  certificatePem?: string;
}

export interface EmulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0 = random free port. */
  port?: number;
  /** Default a fixed GUID (DEFAULT_TENANT_ID). */
  tenantId?: string;
  /** Default: one client { clientId: 'mailroute-demo', clientSecret: 'demo-secret' }. */
  clients?: EmulatorClient[];
  /** Fake clock (ms since epoch) for subscription expiry, tokens and throttling windows. */
  now?: () => number;
  /** Added to every Graph request (default 0). */
  latencyMs?: number;
  /** Graph's per-app-per-mailbox limits (10000 per 10 minutes / 4 concurrent); off by default. */
  throttling?: { requestsPer10Min?: number; maxConcurrent?: number } | false;
  /** Extra CA certificates (PEM) trusted when POSTing to https:// notification URLs. */
  notificationCa?: string[];
  /** Webhook delivery retries when the receiver does not answer 2xx (default 3 retries, 200 ms base, doubling). */
  notificationRetry?: { retries?: number; baseDelayMs?: number };
  /** Milliseconds to wait for the validation handshake answer (Graph: 10 s). */
  validationTimeoutMs?: number;
}

export interface EmulatorMessageInput {
  subject: string;
  body: string;
  contentType?: 'text' | 'html';
  /** "Name <addr>" or addr. */
  from: string;
  to?: string[];
  cc?: string[];
  receivedDateTime?: string;
  internetMessageId?: string;
  attachments?: { name: string; contentType: string; size: number }[];
  /** Headers besides the standard ones (Message-ID, Date, From, To, Subject) the emulator writes. */
  headers?: { name: string; value: string }[];
}

export interface EmailAddress {
  name: string;
  address: string;
}

export interface Recipient {
  emailAddress: EmailAddress;
}

export interface ExtendedProperty {
  id: string;
  value: string;
}

export interface EmulatorAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  lastModifiedDateTime: string;
}

/** A message as the emulator stores it (returned by `listMessages` for inspection). */
export interface EmulatorMessage {
  id: string;
  mailbox: string;
  parentFolderId: string;
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  from: Recipient;
  sender: Recipient;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  replyTo: Recipient[];
  categories: string[];
  singleValueExtendedProperties: ExtendedProperty[];
  internetMessageId: string;
  conversationId: string;
  receivedDateTime: string;
  sentDateTime: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  isRead: boolean;
  isDraft: boolean;
  importance: 'low' | 'normal' | 'high';
  attachments: EmulatorAttachment[];
  /** The Internet message headers of received mail (Graph has none for drafts). */
  internetMessageHeaders?: { name: string; value: string }[];
}

export interface FaultSpec {
  /** 429 + Retry-After once N requests were served in the window. */
  throttleAfter?: number;
  /**
   * Makes throttleAfter a rate: at most throttleAfter requests per sliding window of this many
   * seconds (by the `now` clock), so a client that waits Retry-After makes progress. Without it,
   * throttleAfter counts every request since `faults.set` and throttles until `faults.clear`.
   */
  throttleWindowSeconds?: number;
  /** Probability 0..1 of a 429 per request. */
  throttleRate?: number;
  /** Default 1. */
  retryAfterSeconds?: number;
  /** Probability of a 503/504/500. */
  serverErrorRate?: number;
  /** The next N requests fail with 503. */
  serverErrorBurst?: number;
  latencyMs?: number;
  /** Probability a change notification is not sent. */
  dropNotificationRate?: number;
  duplicateNotificationRate?: number;
  /** Next delta request with a deltatoken -> 410 Gone (syncStateNotFound). */
  expireDeltaTokens?: boolean;
  /** Deterministic randomness. */
  seed?: number;
}

export type LifecycleEvent = 'missed' | 'subscriptionRemoved' | 'reauthorizationRequired';

/** A subscription as the emulator stores it (inspection). */
export interface EmulatorSubscription {
  id: string;
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  expirationDateTime: string;
  applicationId: string;
  mailbox: string;
  /** Folder id the subscription watches, or null for all messages of the mailbox. */
  folderId: string | null;
}

export interface EmulatorStats {
  requests: number;
  maxConcurrent: number;
  throttled: number;
}

export interface GraphEmulator {
  /** 'https://127.0.0.1:PORT' (Graph at `${baseUrl}/v1.0`). */
  readonly baseUrl: string;
  /** `${baseUrl}/v1.0`. */
  readonly graphUrl: string;
  /** `${baseUrl}/${tenantId}`. */
  readonly authority: string;
  readonly tenantId: string;
  /** PEM of the CA that signed the server certificate. */
  readonly caCertPem: string;
  /** `host:port`, for msal-node's `knownAuthorities`. */
  readonly hostPort: string;
  /** The OpenID configuration document, for msal-node's `authorityMetadata` (JSON.stringify it). */
  readonly openIdConfiguration: Record<string, unknown>;
  addMailbox(address: string, displayName?: string): void;
  createFolder(mailbox: string, displayName: string, parent?: string): string;
  deliver(mailbox: string, message: EmulatorMessageInput, folder?: string): string;
  listMessages(mailbox: string, folder?: string): EmulatorMessage[];
  /** Folder id of a well-known name ('inbox', ...) or of an existing id. */
  folderId(mailbox: string, folder: string): string;
  faults: {
    set(mailbox: string, spec: FaultSpec): void;
    clear(mailbox?: string): void;
  };
  stats(mailbox: string): EmulatorStats;
  subscriptions(): EmulatorSubscription[];
  /** Sends a lifecycle notification to the subscription's lifecycleNotificationUrl. */
  triggerLifecycle(subscriptionId: string, event: LifecycleEvent): Promise<void>;
  /** Resolves when every pending webhook delivery (including retries) has finished. */
  flushNotifications(): Promise<void>;
  close(): Promise<void>;
}
