// Microsoft Graph message JSON -> MailInput. Only the shape is described here (text/ imports no
// Graph library): the fields of https://learn.microsoft.com/graph/api/resources/message that
// normalisation needs, all optional, because a $select may leave any of them out.
import type { MailAttachmentInfo, MailInput } from './types.js';

export interface GraphEmailAddress {
  emailAddress?: { name?: string | null; address?: string | null } | null;
}

export interface GraphItemBody {
  contentType?: string | null;
  content?: string | null;
}

export interface GraphAttachmentLike {
  name?: string | null;
  contentType?: string | null;
  size?: number | null;
  isInline?: boolean | null;
}

export interface GraphMessageLike {
  subject?: string | null;
  body?: GraphItemBody | null;
  from?: GraphEmailAddress | null;
  sender?: GraphEmailAddress | null;
  toRecipients?: GraphEmailAddress[] | null;
  receivedDateTime?: string | null;
  sentDateTime?: string | null;
  attachments?: GraphAttachmentLike[] | null;
}

function formatAddress(recipient: GraphEmailAddress | null | undefined): string | null {
  const email = recipient?.emailAddress;
  const address = typeof email?.address === 'string' ? email.address.trim() : '';
  if (address === '') return null;
  const name = typeof email?.name === 'string' ? email.name.replace(/[<>"]/gu, '').trim() : '';
  return name !== '' && name.toLowerCase() !== address.toLowerCase() ? `"${name}" <${address}>` : address;
}

/** Maps a Graph message (as JSON) to the input of normalizeMail. Never throws. */
export function graphMessageToMailInput(message: GraphMessageLike | null | undefined): MailInput {
  const m: GraphMessageLike = typeof message === 'object' && message !== null ? message : {};
  const content = typeof m.body?.content === 'string' ? m.body.content : null;
  const isHtml = typeof m.body?.contentType === 'string' && m.body.contentType.toLowerCase() === 'html';
  const to = Array.isArray(m.toRecipients)
    ? m.toRecipients.map(formatAddress).filter((a): a is string => a !== null)
    : [];
  const attachments: MailAttachmentInfo[] = Array.isArray(m.attachments)
    ? m.attachments
        .filter((a): a is GraphAttachmentLike => typeof a === 'object' && a !== null)
        .map((a) => {
          const info: MailAttachmentInfo = {
            name: typeof a.name === 'string' ? a.name : '',
            contentType: typeof a.contentType === 'string' ? a.contentType : 'application/octet-stream',
          };
          if (typeof a.size === 'number') info.size = a.size;
          if (a.isInline === true) info.inline = true;
          return info;
        })
    : [];
  return {
    subject: typeof m.subject === 'string' ? m.subject : null,
    body: isHtml ? null : content,
    bodyHtml: isHtml ? content : null,
    // "from" is who the mail is from; "sender" differs only for send-on-behalf and delegates.
    from: formatAddress(m.from) ?? formatAddress(m.sender),
    to,
    date: m.receivedDateTime ?? m.sentDateTime ?? null,
    attachments,
  };
}
