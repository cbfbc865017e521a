/*
 * The MailboxGateway port: only what routing needs from a mailbox. The Graph adapter in graph/
 * implements it; tests may implement it with fakes.
 */

export interface MailAddress {
  name?: string;
  address: string;
}

export interface MailFolder {
  id: string;
  displayName: string;
  parentFolderId?: string;
  totalItemCount?: number;
}

export interface AttachmentInfo {
  id: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
}

/** What a delta round reports for a new or changed message (no body: routing fetches it). */
export interface MessageSummary {
  /** Immutable id (survives moves). */
  id: string;
  internetMessageId?: string;
  conversationId?: string;
  subject: string;
  from?: MailAddress;
  receivedDateTime?: string;
  hasAttachments: boolean;
  categories: string[];
  parentFolderId?: string;
  isDraft?: boolean;
  /** The decision id mailroute stored on the message when it routed it, else null. */
  routedDecisionId: string | null;
}

export interface MailMessage extends MessageSummary {
  sender?: MailAddress;
  replyTo: MailAddress[];
  toRecipients: MailAddress[];
  ccRecipients: MailAddress[];
  sentDateTime?: string;
  /** Body as plain text (Graph's text rendering, or converted from HTML). */
  bodyText: string;
  /** Body as HTML when the message has one. */
  bodyHtml: string | null;
  attachments: AttachmentInfo[];
  /** Internet message headers by lower-case name (repeated headers joined with ", "). */
  headers: Record<string, string>;
}

export interface RemovedMessage {
  id: string;
  /** Graph: 'deleted' (moved out or soft-deleted) or 'changed'. */
  reason: string;
}

export interface DeltaPage {
  upserts: MessageSummary[];
  removed: RemovedMessage[];
  /** Continue the round with this link. */
  nextLink: string | null;
  /** The round is complete; start the next round from this link. */
  deltaLink: string | null;
}

export interface DeltaPageRequest {
  mailbox: string;
  folderId: string;
  /** A nextLink or deltaLink from an earlier page; null starts a full sync. */
  link: string | null;
  pageSize?: number;
}

export interface ForwardRequest {
  mailbox: string;
  messageId: string;
  to: MailAddress[];
  /** Stored on the forward draft so an interrupted forward can be found again. */
  decisionId: string;
  comment?: string;
  /** Set Reply-To on the forward so the department answers the citizen directly. */
  replyTo?: MailAddress[];
  /** 'draft' (default): createForward -> tag the draft -> send. 'direct': one forward call. */
  mode?: 'draft' | 'direct';
  /**
   * Mode 'draft': once sent, the source message gets these categories and the routed marker (the
   * decision id), in the same `$batch` as the tag and the send, after them.
   */
  markSource?: { categories: string[] };
}

export interface ForwardResult {
  /** Id of the draft that was sent (mode 'draft'), or null (mode 'direct'). */
  draftId: string | null;
}

export interface FoundForward {
  id: string;
  folder: 'drafts' | 'sentitems';
}

export interface SubscriptionRequest {
  mailbox: string;
  folderId: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  clientState: string;
  expirationDateTime: string;
  changeType?: string;
}

export interface SubscriptionInfo {
  id: string;
  resource: string;
  changeType: string;
  expirationDateTime: string;
  notificationUrl?: string;
}

export interface MailboxGateway {
  /** Resolves a well-known name (`inbox`, `archive`...), a display name or a `Parent/Child` path. */
  resolveFolder(mailbox: string, nameOrPath: string): Promise<MailFolder>;
  listFolders(mailbox: string): Promise<MailFolder[]>;
  /** One page of a delta round over one folder. */
  deltaPage(request: DeltaPageRequest): Promise<DeltaPage>;
  getMessage(mailbox: string, messageId: string): Promise<MailMessage>;
  forward(request: ForwardRequest): Promise<ForwardResult>;
  /** Looks for a forward mailroute made for this decision, in Drafts and Sent Items. */
  findForwardByDecisionId(mailbox: string, decisionId: string): Promise<FoundForward | null>;
  /** Sends a forward draft found by `findForwardByDecisionId` in Drafts. */
  sendDraft(mailbox: string, draftId: string): Promise<void>;
  /** Moves inside the mailbox; returns the message id after the move (immutable ids keep it). */
  move(mailbox: string, messageId: string, destinationFolderId: string): Promise<string>;
  /** Copies inside the mailbox; returns the id of the copy. */
  copy(mailbox: string, messageId: string, destinationFolderId: string): Promise<string>;
  setCategories(mailbox: string, messageId: string, categories: string[]): Promise<void>;
  /** Marks the message as routed by mailroute with this decision id (a single-value extended property). */
  setRoutedMarker(mailbox: string, messageId: string, decisionId: string): Promise<void>;
  getRoutedMarker(mailbox: string, messageId: string): Promise<string | null>;
  /** Several actions on one message in one `$batch` round trip; each fails or succeeds on its own. */
  applyActions(mailbox: string, messageId: string, actions: MessageAction[]): Promise<ActionOutcome[]>;
  createSubscription(request: SubscriptionRequest): Promise<SubscriptionInfo>;
  renewSubscription(subscriptionId: string, expirationDateTime: string): Promise<SubscriptionInfo>;
  deleteSubscription(subscriptionId: string): Promise<void>;
}

export type MessageAction =
  | { kind: 'categories'; categories: string[] }
  | { kind: 'marker'; decisionId: string }
  | { kind: 'move'; destinationFolderId: string }
  | { kind: 'copy'; destinationFolderId: string };

export type ActionOutcome =
  | { kind: MessageAction['kind']; ok: true; messageId?: string }
  | { kind: MessageAction['kind']; ok: false; error: Error };
