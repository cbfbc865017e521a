import { convert } from 'html-to-text';
import { GraphError, type Folder, type Mailbox, type StoredMessage } from './store.js';

/** Properties of microsoft.graph.message that the emulator serves (for $select validation). */
const MESSAGE_PROPERTIES = [
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'categories',
  'receivedDateTime',
  'sentDateTime',
  'hasAttachments',
  'internetMessageId',
  'subject',
  'bodyPreview',
  'importance',
  'parentFolderId',
  'conversationId',
  'conversationIndex',
  'isDeliveryReceiptRequested',
  'isReadReceiptRequested',
  'isRead',
  'isDraft',
  'webLink',
  'inferenceClassification',
  'body',
  'uniqueBody',
  'sender',
  'from',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'replyTo',
  'flag',
  'internetMessageHeaders',
] as const;
const MESSAGE_PROPERTY_SET = new Set(MESSAGE_PROPERTIES.map((p) => p.toLowerCase()));

export const badRequest = (message: string, code = 'BadRequest'): GraphError =>
  new GraphError(400, code, message);

export function parseSelect(select: string | undefined): string[] | undefined {
  if (select === undefined || select.trim() === '') return undefined;
  const fields = select.split(',').map((s) => s.trim());
  for (const field of fields) {
    if (
      !MESSAGE_PROPERTY_SET.has(field.toLowerCase()) &&
      field.toLowerCase() !== 'singlevalueextendedproperties'
    ) {
      throw badRequest(`Could not find a property named '${field}' on type 'microsoft.graph.message'.`);
    }
  }
  return fields;
}

export interface DateFilter {
  op: 'ge' | 'gt' | 'le' | 'lt' | 'eq';
  value: number;
}

/** `$filter` on receivedDateTime: comparisons joined by `and`. */
export function parseFilter(filter: string | undefined): DateFilter[] {
  if (filter === undefined || filter.trim() === '') return [];
  const clauses = filter.trim().split(/\s+and\s+/i);
  return clauses.map((clause) => {
    const match = /^\(?\s*receivedDateTime\s+(ge|gt|le|lt|eq)\s+'?([0-9T:.\-+Z]+)'?\s*\)?$/i.exec(
      clause.trim(),
    );
    if (!match) throw badRequest(`Invalid filter clause: '${clause}'.`, 'ErrorInvalidUrlQueryFilter');
    const value = Date.parse(match[2] ?? '');
    if (Number.isNaN(value))
      throw badRequest(`Invalid filter clause: '${clause}'.`, 'ErrorInvalidUrlQueryFilter');
    return { op: (match[1] ?? 'eq').toLowerCase() as DateFilter['op'], value };
  });
}

export function matchesFilter(message: StoredMessage, filters: DateFilter[]): boolean {
  const t = Date.parse(message.receivedDateTime);
  return filters.every((f) => {
    switch (f.op) {
      case 'ge':
        return t >= f.value;
      case 'gt':
        return t > f.value;
      case 'le':
        return t <= f.value;
      case 'lt':
        return t < f.value;
      case 'eq':
        return t === f.value;
    }
  });
}

/** A message list's `$filter`: receivedDateTime comparisons, or one single-value extended property. */
export type MessageFilter =
  { kind: 'dates'; dates: DateFilter[] } | { kind: 'property'; id: string; value: string };

const unquote = (s: string) => s.replace(/''/g, "'");

/**
 * `$filter` of a message list. Besides receivedDateTime, Graph finds messages by a single-value
 * extended property: `singleValueExtendedProperties/Any(ep: ep/id eq '{id}' and ep/value eq '{value}')`
 * (how mailroute finds its own forwards again after a crash).
 */
export function parseMessageFilter(filter: string | undefined): MessageFilter {
  const property =
    /^singleValueExtendedProperties\/Any\(\s*(\w+)\s*:\s*\1\/id\s+eq\s+'((?:[^']|'')*)'\s+and\s+\1\/value\s+eq\s+'((?:[^']|'')*)'\s*\)$/i.exec(
      filter?.trim() ?? '',
    );
  if (property)
    return { kind: 'property', id: unquote(property[2] ?? ''), value: unquote(property[3] ?? '') };
  return { kind: 'dates', dates: parseFilter(filter) };
}

export function matchesMessageFilter(message: StoredMessage, filter: MessageFilter): boolean {
  if (filter.kind === 'dates') return matchesFilter(message, filter.dates);
  return message.singleValueExtendedProperties.some(
    (p) => p.id.toLowerCase() === filter.id.toLowerCase() && p.value === filter.value,
  );
}

/** `$orderby receivedDateTime [asc|desc]`; Graph's default order for messages is newest first. */
export function parseOrderBy(orderBy: string | undefined): 'asc' | 'desc' {
  if (orderBy === undefined || orderBy.trim() === '') return 'desc';
  const match = /^receivedDateTime(?:\s+(asc|desc))?$/i.exec(orderBy.trim());
  if (!match) throw badRequest(`The $orderby '${orderBy}' is not supported by the emulator.`);
  return (match[1] ?? 'asc').toLowerCase() === 'desc' ? 'desc' : 'asc';
}

export function sortMessages(messages: StoredMessage[], order: 'asc' | 'desc'): StoredMessage[] {
  const sign = order === 'desc' ? -1 : 1;
  // Parse each date once: the comparator runs n log n times on every page request.
  const keyed = messages.map((m) => ({ m, t: Date.parse(m.receivedDateTime) }));
  keyed.sort((a, b) => sign * (a.t - b.t) || (a.m.id < b.m.id ? -1 : a.m.id > b.m.id ? 1 : 0));
  return keyed.map((k) => k.m);
}

/** `$expand=singleValueExtendedProperties($filter=id eq '...')`; undefined = not expanded, [] = all. */
export function parseExpand(expand: string | undefined): string[] | undefined {
  if (expand === undefined || expand.trim() === '') return undefined;
  const match = /^singleValueExtendedProperties(?:\(\s*\$filter\s*=\s*(.*)\))?$/i.exec(expand.trim());
  if (!match) {
    if (/^attachments$/i.test(expand.trim())) return undefined;
    throw badRequest(`Parsing OData Select and Expand failed: Could not find a property named '${expand}'.`);
  }
  if (match[1] === undefined) return [];
  const ids: string[] = [];
  for (const clause of match[1].split(/\s+or\s+/i)) {
    const idMatch = /^\s*id\s+eq\s+'([^']+)'\s*$/i.exec(clause);
    if (!idMatch) throw badRequest(`Invalid filter clause: '${clause}'.`, 'ErrorInvalidUrlQueryFilter');
    ids.push((idMatch[1] ?? '').toLowerCase());
  }
  return ids;
}

export interface ViewOptions {
  graphUrl: string;
  select?: string[] | undefined;
  expandProperties?: string[] | undefined;
  /** `Prefer: outlook.body-content-type="text"`. */
  bodyAsText?: boolean;
  includeAttachments?: boolean;
}

const etag = (m: StoredMessage): string => `W/"${m.changeKey}"`;

/**
 * Graph's own HTML-to-text never fails a request. html-to-text throws on some hostile shapes (thousands
 * of nested tags, a roman-numbered list starting past 3999); then the tags are stripped instead, so
 * one such message does not fail every page of its folder.
 */
function htmlAsText(html: string): string {
  try {
    return convert(html, { wordwrap: false });
  } catch {
    return html.replace(/<[^>]*>/g, ' ');
  }
}

/** The JSON Graph returns for a message. */
export function messageJson(
  mailbox: Mailbox,
  m: StoredMessage,
  options: ViewOptions,
): Record<string, unknown> {
  // HTML to text is the costly part of a page: do it only when the response needs it.
  let text: string | undefined;
  const bodyText = (): string =>
    (text ??= m.body.contentType === 'html' ? htmlAsText(m.body.content) : m.body.content);
  const wants = (field: string): boolean =>
    !options.select || options.select.some((f) => f.toLowerCase() === field.toLowerCase());
  const body =
    options.bodyAsText && m.body.contentType === 'html' && (wants('body') || wants('uniqueBody'))
      ? { contentType: 'text', content: bodyText() }
      : m.body;
  const full: Record<string, unknown> = {
    '@odata.etag': etag(m),
    id: m.id,
    createdDateTime: m.createdDateTime,
    lastModifiedDateTime: m.lastModifiedDateTime,
    changeKey: m.changeKey,
    categories: m.categories,
    receivedDateTime: m.receivedDateTime,
    sentDateTime: m.sentDateTime,
    hasAttachments: m.attachments.some((a) => !a.isInline),
    internetMessageId: m.internetMessageId,
    subject: m.subject,
    bodyPreview: wants('bodyPreview') ? bodyText().replace(/\s+/g, ' ').trim().slice(0, 255) : undefined,
    importance: m.importance,
    parentFolderId: m.parentFolderId,
    conversationId: m.conversationId,
    conversationIndex: Buffer.from(m.conversationId.slice(0, 22)).toString('base64'),
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: m.isRead,
    isDraft: m.isDraft,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(m.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: 'focused',
    body,
    uniqueBody: body,
    sender: m.sender,
    from: m.from,
    toRecipients: m.toRecipients,
    ccRecipients: m.ccRecipients,
    bccRecipients: m.bccRecipients,
    replyTo: m.replyTo,
    flag: { flagStatus: 'notFlagged' },
    internetMessageHeaders: m.internetMessageHeaders,
  };
  let json: Record<string, unknown>;
  if (options.select) {
    json = { '@odata.etag': full['@odata.etag'], id: m.id };
    for (const field of options.select) {
      const key = MESSAGE_PROPERTIES.find((p) => p.toLowerCase() === field.toLowerCase());
      if (key) json[key] = full[key];
    }
  } else {
    // Graph leaves uniqueBody and internetMessageHeaders out unless they are selected.
    delete full['uniqueBody'];
    delete full['internetMessageHeaders'];
    json = full;
  }
  if (options.expandProperties) {
    const wanted = options.expandProperties;
    const properties = m.singleValueExtendedProperties.filter(
      (p) => wanted.length === 0 || wanted.includes(p.id.toLowerCase()),
    );
    // Graph omits the navigation property when the filter matched nothing.
    if (properties.length > 0) json['singleValueExtendedProperties'] = properties.map((p) => ({ ...p }));
  }
  if (options.includeAttachments) {
    json['attachments'] = m.attachments.map((a) => attachmentJson(a));
  }
  void mailbox;
  return json;
}

export function attachmentJson(a: StoredMessage['attachments'][number]): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    '@odata.mediaContentType': a.contentType,
    id: a.id,
    lastModifiedDateTime: a.lastModifiedDateTime,
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    isInline: a.isInline,
    contentId: null,
    contentLocation: null,
  };
}

export function folderJson(mailbox: Mailbox, folder: Folder, allFolders: Folder[]): Record<string, unknown> {
  const messages = [...mailbox.messages.values()].filter((m) => m.parentFolderId === folder.id);
  return {
    id: folder.id,
    displayName: folder.displayName,
    parentFolderId: folder.parentFolderId,
    childFolderCount: allFolders.filter((f) => f.parentFolderId === folder.id).length,
    unreadItemCount: messages.filter((m) => !m.isRead).length,
    totalItemCount: messages.length,
    sizeInBytes: messages.reduce((n, m) => n + m.body.content.length + m.subject.length, 0),
    isHidden: false,
  };
}

/** Parses a `Prefer` header (possibly several, comma separated) into lower-cased keys. */
export function parsePrefer(header: string | string[] | undefined): Map<string, string> {
  const prefs = new Map<string, string>();
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  for (const value of values) {
    for (const part of value.split(',')) {
      const [key, ...rest] = part.split('=');
      if (!key || key.trim() === '') continue;
      prefs.set(key.trim().toLowerCase(), rest.join('=').trim().replace(/^"|"$/g, ''));
    }
  }
  return prefs;
}
