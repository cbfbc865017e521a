import { htmlToPlainText } from '../../text/index.js';
import type {
  AttachmentInfo,
  MailAddress,
  MailFolder,
  MailMessage,
  MessageSummary,
  RemovedMessage,
} from '../types.js';

/*
 * Graph JSON -> mailroute types. Graph omits what was not selected and sends null for empty
 * values, so every field is read defensively; a missing required field is a contract violation.
 */

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function requireId(value: Json, what: string): string {
  const id = value.id;
  if (typeof id !== 'string' || id === '') throw new Error(`Graph ${what} without an id`);
  return id;
}

export function toAddress(value: unknown): MailAddress | undefined {
  if (!isObject(value) || !isObject(value.emailAddress)) return undefined;
  const address = str(value.emailAddress.address);
  if (address === undefined) return undefined;
  const name = str(value.emailAddress.name);
  return name ? { name, address } : { address };
}

function toAddresses(value: unknown): MailAddress[] {
  if (!Array.isArray(value)) return [];
  return value.map(toAddress).filter((a): a is MailAddress => a !== undefined);
}

export function fromAddress(address: MailAddress): Json {
  return {
    emailAddress: address.name
      ? { name: address.name, address: address.address }
      : { address: address.address },
  };
}

/** The value of a single-value extended property in `singleValueExtendedProperties`, if present. */
export function extendedPropertyValue(message: Json, propertyId: string): string | null {
  const props = message.singleValueExtendedProperties;
  if (!Array.isArray(props)) return null;
  const wanted = propertyId.toLowerCase();
  for (const p of props) {
    if (
      isObject(p) &&
      typeof p.id === 'string' &&
      p.id.toLowerCase() === wanted &&
      typeof p.value === 'string'
    ) {
      return p.value;
    }
  }
  return null;
}

export function toFolder(value: Json): MailFolder {
  const folder: MailFolder = {
    id: requireId(value, 'mailFolder'),
    displayName: str(value.displayName) ?? '',
  };
  const parent = str(value.parentFolderId);
  if (parent) folder.parentFolderId = parent;
  if (typeof value.totalItemCount === 'number') folder.totalItemCount = value.totalItemCount;
  return folder;
}

export function toSummary(value: Json, markerPropertyId: string): MessageSummary {
  const summary: MessageSummary = {
    id: requireId(value, 'message'),
    subject: str(value.subject) ?? '',
    hasAttachments: value.hasAttachments === true,
    categories: Array.isArray(value.categories) ? value.categories.filter((c) => typeof c === 'string') : [],
    routedDecisionId: extendedPropertyValue(value, markerPropertyId),
  };
  const optional = {
    internetMessageId: str(value.internetMessageId),
    conversationId: str(value.conversationId),
    receivedDateTime: str(value.receivedDateTime),
    parentFolderId: str(value.parentFolderId),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) Object.assign(summary, { [k]: v });
  const from = toAddress(value.from);
  if (from) summary.from = from;
  if (typeof value.isDraft === 'boolean') summary.isDraft = value.isDraft;
  return summary;
}

/** A delta item: `@removed` marks a message that left the folder or was deleted. */
export function toDeltaItem(value: Json, markerPropertyId: string): MessageSummary | RemovedMessage {
  const removed = value['@removed'];
  if (isObject(removed)) return { id: requireId(value, 'message'), reason: str(removed.reason) ?? 'deleted' };
  return toSummary(value, markerPropertyId);
}

function bodyOf(value: unknown): { contentType: string; content: string } | null {
  if (!isObject(value)) return null;
  return { contentType: (str(value.contentType) ?? 'text').toLowerCase(), content: str(value.content) ?? '' };
}

/**
 * @param message the message with the fields routing needs (body as Graph sends it by default, HTML)
 * @param textBody the same message's body requested as text, when available
 */
export function toMessage(
  message: Json,
  textBody: unknown,
  attachments: unknown,
  markerPropertyId: string,
): MailMessage {
  const summary = toSummary(message, markerPropertyId);
  const body = bodyOf(message.body);
  const text = bodyOf(textBody);
  const bodyHtml = body?.contentType === 'html' ? body.content : null;
  let bodyText: string;
  if (text && text.contentType === 'text') bodyText = text.content;
  else if (body?.contentType === 'text') bodyText = body.content;
  // text/'s capped conversion, which never throws: a message whose HTML cannot be converted is still routed.
  else bodyText = htmlToPlainText(bodyHtml ?? '');
  const result: MailMessage = {
    ...summary,
    replyTo: toAddresses(message.replyTo),
    toRecipients: toAddresses(message.toRecipients),
    ccRecipients: toAddresses(message.ccRecipients),
    bodyText,
    bodyHtml,
    attachments: toAttachments(attachments),
    headers: toHeaders(message.internetMessageHeaders),
  };
  const sender = toAddress(message.sender);
  if (sender) result.sender = sender;
  const sent = str(message.sentDateTime);
  if (sent) result.sentDateTime = sent;
  return result;
}

/** Graph's `internetMessageHeaders` ([{name, value}], absent for drafts) by lower-case name. */
export function toHeaders(value: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of Array.isArray(value) ? value.filter(isObject) : []) {
    const name = str(h.name)?.toLowerCase();
    const text = str(h.value) ?? '';
    if (!name) continue;
    headers[name] = headers[name] === undefined ? text : `${headers[name]}, ${text}`;
  }
  return headers;
}

export function toAttachments(value: unknown): AttachmentInfo[] {
  const list = isObject(value) && Array.isArray(value.value) ? value.value : [];
  return list.filter(isObject).map((a) => ({
    id: str(a.id) ?? '',
    name: str(a.name) ?? '',
    contentType: str(a.contentType) ?? 'application/octet-stream',
    size: typeof a.size === 'number' ? a.size : 0,
    isInline: a.isInline === true,
  }));
}
