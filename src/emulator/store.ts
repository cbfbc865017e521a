import { randomBytes, randomUUID } from 'node:crypto';
import type {
  EmulatorAttachment,
  EmulatorMessage,
  EmulatorMessageInput,
  ExtendedProperty,
  Recipient,
} from './types.js';

export const WELL_KNOWN_FOLDERS = [
  'inbox',
  'drafts',
  'sentitems',
  'deleteditems',
  'archive',
  'junkemail',
] as const;
const WELL_KNOWN_NAMES: Record<string, string> = {
  inbox: 'Inbox',
  drafts: 'Drafts',
  sentitems: 'Sent Items',
  deleteditems: 'Deleted Items',
  archive: 'Archive',
  junkemail: 'Junk Email',
};

export type ChangeType = 'created' | 'updated' | 'deleted';

export interface StoredMessage extends EmulatorMessage {
  /** Mailbox change sequence of the last change (drives delta). */
  version: number;
}

export interface Folder {
  id: string;
  displayName: string;
  parentFolderId: string;
  wellKnownName: string | null;
  /** Messages that left this folder (moved or deleted), with the sequence of their leaving. */
  removed: Map<string, number>;
}

export interface Mailbox {
  id: string;
  address: string;
  displayName: string;
  rootId: string;
  folders: Map<string, Folder>;
  wellKnown: Map<string, string>;
  messages: Map<string, StoredMessage>;
  seq: number;
}

export interface ChangeEvent {
  mailbox: Mailbox;
  message: StoredMessage;
  folderId: string;
  changeType: ChangeType;
}

/** Graph-looking opaque ids (URL safe, so they need no escaping in paths). */
export function newGraphId(prefix = 'AAMkA'): string {
  return prefix + randomBytes(33).toString('base64url');
}

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (): GraphError =>
  new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

/** Parses "Name <addr>" or "addr". */
export function parseAddress(text: string): EmailAddress {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(text);
  if (match) {
    const address = (match[2] ?? '').trim();
    return { name: (match[1] ?? '').trim() || address, address };
  }
  const address = text.trim();
  return { name: address, address };
}
interface EmailAddress {
  name: string;
  address: string;
}

export const recipient = (text: string): Recipient => ({ emailAddress: parseAddress(text) });

export class MailStore {
  readonly mailboxes = new Map<string, Mailbox>();
  private readonly byId = new Map<string, Mailbox>();
  private listeners: ((event: ChangeEvent) => void)[] = [];

  constructor(readonly now: () => number) {}

  onChange(listener: (event: ChangeEvent) => void): void {
    this.listeners.push(listener);
  }

  private emit(mailbox: Mailbox, message: StoredMessage, folderId: string, changeType: ChangeType): void {
    for (const listener of this.listeners) listener({ mailbox, message, folderId, changeType });
  }

  private iso(): string {
    return new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  addMailbox(address: string, displayName?: string): Mailbox {
    const key = address.toLowerCase();
    const existing = this.mailboxes.get(key);
    if (existing) return existing;
    const rootId = newGraphId('AAMkAR');
    const mailbox: Mailbox = {
      id: randomUUID(),
      address,
      displayName: displayName ?? address.split('@')[0] ?? address,
      rootId,
      folders: new Map(),
      wellKnown: new Map([['msgfolderroot', rootId]]),
      messages: new Map(),
      seq: 0,
    };
    mailbox.folders.set(rootId, {
      id: rootId,
      displayName: 'Top of Information Store',
      parentFolderId: newGraphId('AAMkAP'),
      wellKnownName: 'msgfolderroot',
      removed: new Map(),
    });
    for (const name of WELL_KNOWN_FOLDERS) {
      const id = newGraphId('AAMkAF');
      mailbox.folders.set(id, {
        id,
        displayName: WELL_KNOWN_NAMES[name] ?? name,
        parentFolderId: rootId,
        wellKnownName: name,
        removed: new Map(),
      });
      mailbox.wellKnown.set(name, id);
    }
    this.mailboxes.set(key, mailbox);
    this.byId.set(mailbox.id, mailbox);
    return mailbox;
  }

  /** By address (case-insensitive) or by user id. */
  findMailbox(idOrAddress: string): Mailbox | undefined {
    return this.mailboxes.get(idOrAddress.toLowerCase()) ?? this.byId.get(idOrAddress.toLowerCase());
  }

  mailbox(idOrAddress: string): Mailbox {
    const mailbox = this.findMailbox(idOrAddress);
    if (!mailbox) {
      throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${idOrAddress}' is invalid.`);
    }
    return mailbox;
  }

  /** A folder by id or well-known name (case-insensitive). */
  folder(mailbox: Mailbox, idOrName: string): Folder {
    const id = mailbox.wellKnown.get(idOrName.toLowerCase()) ?? idOrName;
    const folder = mailbox.folders.get(id);
    if (!folder) throw notFound();
    return folder;
  }

  createFolder(mailbox: Mailbox, displayName: string, parent?: string): Folder {
    const parentFolder = this.folder(mailbox, parent ?? 'msgfolderroot');
    for (const folder of mailbox.folders.values()) {
      if (
        folder.parentFolderId === parentFolder.id &&
        folder.displayName.toLowerCase() === displayName.toLowerCase()
      ) {
        throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
      }
    }
    const id = newGraphId('AAMkAF');
    const folder: Folder = {
      id,
      displayName,
      parentFolderId: parentFolder.id,
      wellKnownName: null,
      removed: new Map(),
    };
    mailbox.folders.set(id, folder);
    return folder;
  }

  childFolders(mailbox: Mailbox, parentId: string): Folder[] {
    return [...mailbox.folders.values()].filter((f) => f.parentFolderId === parentId);
  }

  deliver(mailbox: Mailbox, input: EmulatorMessageInput, folderName = 'inbox'): StoredMessage {
    const folder = this.folder(mailbox, folderName);
    const received = input.receivedDateTime ? new Date(input.receivedDateTime) : new Date(this.now());
    if (Number.isNaN(received.getTime()))
      throw new Error(`invalid receivedDateTime '${input.receivedDateTime}'`);
    const receivedIso = received.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const from = recipient(input.from);
    const internetMessageId = input.internetMessageId ?? `<${randomUUID()}@emulator.mailroute.local>`;
    const attachments: EmulatorAttachment[] = (input.attachments ?? []).map((a) => ({
      id: newGraphId('AAMkAA'),
      name: a.name,
      contentType: a.contentType,
      size: a.size,
      isInline: false,
      lastModifiedDateTime: receivedIso,
    }));
    const message = this.insert(
      mailbox,
      folder,
      {
        subject: input.subject,
        body: { contentType: input.contentType ?? 'text', content: input.body },
        from,
        sender: from,
        toRecipients: (input.to ?? [mailbox.address]).map(recipient),
        ccRecipients: (input.cc ?? []).map(recipient),
        bccRecipients: [],
        replyTo: [],
        categories: [],
        singleValueExtendedProperties: [],
        internetMessageId,
        internetMessageHeaders: [
          { name: 'Message-ID', value: internetMessageId },
          { name: 'Date', value: received.toUTCString() },
          { name: 'From', value: input.from },
          { name: 'To', value: (input.to ?? [mailbox.address]).join(', ') },
          { name: 'Subject', value: input.subject },
          ...(input.headers ?? []),
        ],
        conversationId: newGraphId('AAQkA'),
        receivedDateTime: receivedIso,
        sentDateTime: receivedIso,
        isRead: false,
        isDraft: false,
        importance: 'normal',
        attachments,
      },
      true,
    );
    return message;
  }

  /** Stores a new message in a folder (fresh id) and emits 'created'. */
  insert(
    mailbox: Mailbox,
    folder: Folder,
    data: Omit<
      StoredMessage,
      | 'id'
      | 'mailbox'
      | 'parentFolderId'
      | 'version'
      | 'changeKey'
      | 'createdDateTime'
      | 'lastModifiedDateTime'
    >,
    /** The data was built for this message alone, so it need not be copied. */
    fresh = false,
  ): StoredMessage {
    const now = this.iso();
    const message: StoredMessage = {
      ...(fresh ? data : structuredClone(data)),
      id: newGraphId(),
      mailbox: mailbox.address,
      parentFolderId: folder.id,
      createdDateTime: now,
      lastModifiedDateTime: now,
      changeKey: '',
      version: 0,
    };
    this.touch(mailbox, message);
    mailbox.messages.set(message.id, message);
    folder.removed.delete(message.id);
    this.emit(mailbox, message, folder.id, 'created');
    return message;
  }

  message(mailbox: Mailbox, id: string, folder?: Folder): StoredMessage {
    const message = mailbox.messages.get(id);
    if (!message || (folder && message.parentFolderId !== folder.id)) throw notFound();
    return message;
  }

  private touch(mailbox: Mailbox, message: StoredMessage): void {
    mailbox.seq += 1;
    message.version = mailbox.seq;
    message.lastModifiedDateTime = this.iso();
    message.changeKey = `CQAAAB${Buffer.from(`${message.id}:${message.version}`).toString('base64url').slice(-22)}`;
  }

  update(mailbox: Mailbox, message: StoredMessage, change: (m: StoredMessage) => void): StoredMessage {
    change(message);
    this.touch(mailbox, message);
    this.emit(mailbox, message, message.parentFolderId, 'updated');
    return message;
  }

  /** Ids are immutable: a move keeps the id (what `Prefer: IdType="ImmutableId"` gives in Graph). */
  move(mailbox: Mailbox, message: StoredMessage, destination: Folder): StoredMessage {
    const source = this.folder(mailbox, message.parentFolderId);
    if (source.id === destination.id) return message;
    this.touch(mailbox, message);
    source.removed.set(message.id, message.version);
    message.parentFolderId = destination.id;
    destination.removed.delete(message.id);
    this.emit(mailbox, message, source.id, 'deleted');
    this.emit(mailbox, message, destination.id, 'created');
    return message;
  }

  copy(mailbox: Mailbox, message: StoredMessage, destination: Folder): StoredMessage {
    return this.insert(mailbox, destination, message);
  }

  /** Graph's DELETE moves to Deleted Items; deleting from Deleted Items removes for good. */
  remove(mailbox: Mailbox, message: StoredMessage): void {
    const deletedItems = this.folder(mailbox, 'deleteditems');
    if (message.parentFolderId !== deletedItems.id) {
      this.move(mailbox, message, deletedItems);
      return;
    }
    mailbox.seq += 1;
    deletedItems.removed.set(message.id, mailbox.seq);
    mailbox.messages.delete(message.id);
    this.emit(mailbox, message, deletedItems.id, 'deleted');
  }

  messagesIn(mailbox: Mailbox, folder?: Folder): StoredMessage[] {
    const all = [...mailbox.messages.values()];
    return folder ? all.filter((m) => m.parentFolderId === folder.id) : all;
  }
}

export function setExtendedProperties(message: StoredMessage, properties: ExtendedProperty[]): void {
  for (const property of properties) {
    const existing = message.singleValueExtendedProperties.find(
      (p) => p.id.toLowerCase() === property.id.toLowerCase(),
    );
    if (existing) existing.value = property.value;
    else message.singleValueExtendedProperties.push({ id: property.id, value: property.value });
  }
}
