import { randomUUID } from 'node:crypto';
import { recipient, type Folder, type MailStore, type Mailbox, type StoredMessage } from './store.js';
import type { Recipient } from './types.js';

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const formatRecipients = (list: Recipient[]): string =>
  list
    .map((r) =>
      r.emailAddress.name ? `${r.emailAddress.name} <${r.emailAddress.address}>` : r.emailAddress.address,
    )
    .join('; ');

/** The body Outlook builds for a forward: the comment, a separator, the original header block and body. */
function forwardBody(original: StoredMessage, comment: string): StoredMessage['body'] {
  const header = [
    `From: ${formatRecipients([original.from])}`,
    `Sent: ${new Date(original.sentDateTime).toUTCString()}`,
    `To: ${formatRecipients(original.toRecipients)}`,
    ...(original.ccRecipients.length > 0 ? [`Cc: ${formatRecipients(original.ccRecipients)}`] : []),
    `Subject: ${original.subject}`,
  ];
  if (original.body.contentType === 'html') {
    return {
      contentType: 'html',
      content:
        `<html><body><div>${escapeHtml(comment)}</div><hr>` +
        `<div>${header.map((h) => `<b>${escapeHtml(h.split(':')[0] ?? '')}:</b>${escapeHtml(h.slice(h.indexOf(':') + 1))}`).join('<br>')}</div>` +
        `<div>${original.body.content}</div></body></html>`,
    };
  }
  return {
    contentType: 'text',
    content: `${comment}\r\n\r\n________________________________\r\n${header.join('\r\n')}\r\n\r\n${original.body.content}`,
  };
}

const forwardSubject = (subject: string): string => (/^fw:/i.test(subject) ? subject : `FW: ${subject}`);

export function asRecipients(value: unknown): Recipient[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const list: Recipient[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) return undefined;
    const emailAddress: unknown = (item as Record<string, unknown>)['emailAddress'];
    if (typeof emailAddress !== 'object' || emailAddress === null) return undefined;
    const address: unknown = (emailAddress as Record<string, unknown>)['address'];
    const name: unknown = (emailAddress as Record<string, unknown>)['name'];
    if (typeof address !== 'string') return undefined;
    list.push({ emailAddress: { address, name: typeof name === 'string' ? name : address } });
  }
  return list;
}

/** Mail transport between the emulator's mailboxes (sending, forwarding, non-delivery reports). */
export class Transport {
  constructor(private readonly store: MailStore) {}

  private self(mailbox: Mailbox): Recipient {
    return { emailAddress: { name: mailbox.displayName, address: mailbox.address } };
  }

  /** A draft forward of `original` in Drafts (createForward). */
  createForward(
    mailbox: Mailbox,
    original: StoredMessage,
    toRecipients: Recipient[],
    comment: string,
  ): StoredMessage {
    const drafts = this.store.folder(mailbox, 'drafts');
    return this.store.insert(mailbox, drafts, {
      ...this.forwardContent(mailbox, original, toRecipients, comment),
      isDraft: true,
      isRead: true,
    });
  }

  private forwardContent(
    mailbox: Mailbox,
    original: StoredMessage,
    toRecipients: Recipient[],
    comment: string,
  ): Omit<
    StoredMessage,
    'id' | 'mailbox' | 'parentFolderId' | 'version' | 'changeKey' | 'createdDateTime' | 'lastModifiedDateTime'
  > {
    const now = new Date(this.store.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      subject: forwardSubject(original.subject),
      body: forwardBody(original, comment),
      from: this.self(mailbox),
      sender: this.self(mailbox),
      toRecipients,
      ccRecipients: [],
      bccRecipients: [],
      replyTo: [],
      categories: [],
      singleValueExtendedProperties: [],
      internetMessageId: `<${randomUUID()}@emulator.mailroute.local>`,
      conversationId: original.conversationId,
      receivedDateTime: now,
      sentDateTime: now,
      isRead: true,
      isDraft: false,
      importance: original.importance,
      attachments: structuredClone(original.attachments),
    };
  }

  /** POST /forward: sends at once; a copy lands in Sent Items. */
  forward(mailbox: Mailbox, original: StoredMessage, toRecipients: Recipient[], comment: string): void {
    const sentItems = this.store.folder(mailbox, 'sentitems');
    const sent = this.store.insert(
      mailbox,
      sentItems,
      this.forwardContent(mailbox, original, toRecipients, comment),
    );
    this.transmit(mailbox, sent);
  }

  /** POST /send of a draft: the draft moves to Sent Items (keeping its immutable id) and is transmitted. */
  send(mailbox: Mailbox, draft: StoredMessage): void {
    const sentItems = this.store.folder(mailbox, 'sentitems');
    const now = new Date(this.store.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.store.update(mailbox, draft, (m) => {
      m.isDraft = false;
      m.sentDateTime = now;
      m.receivedDateTime = now;
    });
    this.store.move(mailbox, draft, sentItems);
    this.transmit(mailbox, draft);
  }

  /**
   * Delivers into the inbox of every recipient that is a mailbox of the emulator. For any other
   * address the sender gets a non-delivery report in its inbox, as Exchange does for an unknown
   * recipient (the emulator has no Internet to send to).
   */
  private transmit(mailbox: Mailbox, message: StoredMessage): void {
    const recipients = [...message.toRecipients, ...message.ccRecipients, ...message.bccRecipients];
    const unknown: string[] = [];
    for (const r of recipients) {
      const target = this.store.findMailbox(r.emailAddress.address);
      if (!target) {
        unknown.push(r.emailAddress.address);
        continue;
      }
      const inbox: Folder = this.store.folder(target, 'inbox');
      this.store.insert(target, inbox, {
        ...message,
        bccRecipients: [],
        categories: [],
        singleValueExtendedProperties: [],
        isRead: false,
        isDraft: false,
        receivedDateTime: message.sentDateTime,
      });
    }
    if (unknown.length > 0) {
      const domain = mailbox.address.split('@')[1] ?? 'emulator.mailroute.local';
      const inbox = this.store.folder(mailbox, 'inbox');
      const now = new Date(this.store.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
      this.store.insert(mailbox, inbox, {
        subject: `Undeliverable: ${message.subject}`,
        body: {
          contentType: 'text',
          content:
            `Your message to ${unknown.join(', ')} couldn't be delivered.\r\n` +
            `${unknown.join(', ')} wasn't found at ${domain}.\r\n\r\n` +
            `Remote server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'`,
        },
        from: recipient(`Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@${domain}>`),
        sender: recipient(`Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@${domain}>`),
        toRecipients: [this.self(mailbox)],
        ccRecipients: [],
        bccRecipients: [],
        replyTo: [],
        categories: [],
        singleValueExtendedProperties: [],
        internetMessageId: `<${randomUUID()}@emulator.mailroute.local>`,
        conversationId: message.conversationId,
        receivedDateTime: now,
        sentDateTime: now,
        isRead: false,
        isDraft: false,
        importance: 'normal',
        attachments: [],
      });
    }
  }
}
