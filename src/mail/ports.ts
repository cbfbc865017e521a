/*
 * What the mail use cases need from the store, as narrow ports. The store module implements
 * them with PostgreSQL/PGlite; the in-memory versions serve tests and the embedded demo.
 */

/** Where a folder's delta round continues: a nextLink mid-round, or the deltaLink between rounds. */
export interface DeltaCursorStore {
  load(key: string): Promise<string | null>;
  save(key: string, link: string): Promise<void>;
  clear(key: string): Promise<void>;
}

export interface StoredSubscription {
  /** Graph's subscription id. */
  id: string;
  mailbox: string;
  folderId: string;
  expirationDateTime: string;
}

export interface SubscriptionStore {
  list(): Promise<StoredSubscription[]>;
  get(id: string): Promise<StoredSubscription | null>;
  findByFolder(mailbox: string, folderId: string): Promise<StoredSubscription | null>;
  put(subscription: StoredSubscription): Promise<void>;
  delete(id: string): Promise<void>;
}

export function deltaCursorKey(mailbox: string, folderId: string): string {
  return `${mailbox.toLowerCase()}|${folderId}`;
}

export class InMemoryDeltaCursorStore implements DeltaCursorStore {
  readonly links = new Map<string, string>();
  saves = 0;
  load(key: string): Promise<string | null> {
    return Promise.resolve(this.links.get(key) ?? null);
  }
  save(key: string, link: string): Promise<void> {
    this.saves += 1;
    this.links.set(key, link);
    return Promise.resolve();
  }
  clear(key: string): Promise<void> {
    this.links.delete(key);
    return Promise.resolve();
  }
}

export class InMemorySubscriptionStore implements SubscriptionStore {
  private readonly byId = new Map<string, StoredSubscription>();
  list(): Promise<StoredSubscription[]> {
    return Promise.resolve([...this.byId.values()].map((s) => ({ ...s })));
  }
  get(id: string): Promise<StoredSubscription | null> {
    const found = this.byId.get(id);
    return Promise.resolve(found ? { ...found } : null);
  }
  findByFolder(mailbox: string, folderId: string): Promise<StoredSubscription | null> {
    const key = mailbox.toLowerCase();
    for (const s of this.byId.values()) {
      if (s.mailbox.toLowerCase() === key && s.folderId === folderId) return Promise.resolve({ ...s });
    }
    return Promise.resolve(null);
  }
  put(subscription: StoredSubscription): Promise<void> {
    this.byId.set(subscription.id, { ...subscription });
    return Promise.resolve();
  }
  delete(id: string): Promise<void> {
    this.byId.delete(id);
    return Promise.resolve();
  }
}
