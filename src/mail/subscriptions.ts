import { NotFoundError } from './errors.js';
import type { StoredSubscription, SubscriptionStore } from './ports.js';
import type { MailboxGateway } from './types.js';

/** Outlook message subscriptions without resource data live at most 10,080 minutes (under 7 days). */
export const maxMessageSubscriptionMinutes = 10_080;

export interface SubscriptionManagerOptions {
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  clientState: string;
  /** Requested lifetime; default 10,000 minutes, just under Graph's maximum. */
  lifetimeMinutes?: number;
  /** Renew when less than this remains; default 1,440 minutes (a day of failed renewals to spare). */
  renewBeforeMinutes?: number;
  now?: () => number;
}

export interface RenewalReport {
  renewed: string[];
  recreated: string[];
  failed: { id: string; error: unknown }[];
}

/**
 * Keeps one change-notification subscription per routed folder alive. `renewDue` is what the
 * repeatable renew-subscriptions job calls.
 */
export class SubscriptionManager {
  private readonly lifetimeMs: number;
  private readonly renewBeforeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly gateway: Pick<
      MailboxGateway,
      'createSubscription' | 'renewSubscription' | 'deleteSubscription'
    >,
    private readonly store: SubscriptionStore,
    private readonly options: SubscriptionManagerOptions,
  ) {
    const lifetime = options.lifetimeMinutes ?? 10_000;
    if (lifetime > maxMessageSubscriptionMinutes || lifetime < 45) {
      throw new RangeError(`lifetimeMinutes must be 45..${maxMessageSubscriptionMinutes}`);
    }
    this.lifetimeMs = lifetime * 60_000;
    this.renewBeforeMs = Math.min(options.renewBeforeMinutes ?? 1440, lifetime / 2) * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Creates the folder's subscription, or renews it when it is due. */
  async ensure(mailbox: string, folderId: string): Promise<StoredSubscription> {
    const existing = await this.store.findByFolder(mailbox, folderId);
    if (existing && Date.parse(existing.expirationDateTime) - this.now() > this.renewBeforeMs)
      return existing;
    if (existing) return this.renew(existing);
    return this.create(mailbox, folderId);
  }

  async renewDue(): Promise<RenewalReport> {
    const report: RenewalReport = { renewed: [], recreated: [], failed: [] };
    for (const sub of await this.store.list()) {
      if (Date.parse(sub.expirationDateTime) - this.now() > this.renewBeforeMs) continue;
      try {
        const after = await this.renew(sub);
        if (after.id === sub.id) report.renewed.push(sub.id);
        else report.recreated.push(after.id);
      } catch (error) {
        report.failed.push({ id: sub.id, error });
      }
    }
    return report;
  }

  /** Reacts to a lifecycle notification; returns the folder whose delta round should run now. */
  async handleLifecycle(
    event: 'subscriptionRemoved' | 'missed' | 'reauthorizationRequired',
    subscriptionId: string,
  ): Promise<{ mailbox: string; folderId: string } | null> {
    const sub = await this.store.get(subscriptionId);
    if (!sub) return null;
    switch (event) {
      case 'reauthorizationRequired':
        // Renewing (PATCH expirationDateTime) reauthorizes the subscription.
        await this.renew(sub);
        break;
      case 'subscriptionRemoved':
        await this.store.delete(sub.id);
        await this.create(sub.mailbox, sub.folderId);
        break;
      case 'missed':
        break;
    }
    // Whatever happened, changes may have gone unnoticed: run a delta round.
    return { mailbox: sub.mailbox, folderId: sub.folderId };
  }

  async remove(mailbox: string, folderId: string): Promise<void> {
    const sub = await this.store.findByFolder(mailbox, folderId);
    if (!sub) return;
    try {
      await this.gateway.deleteSubscription(sub.id);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    await this.store.delete(sub.id);
  }

  /** The folder a notification's subscription watches (null for unknown subscriptions). */
  async folderFor(subscriptionId: string): Promise<{ mailbox: string; folderId: string } | null> {
    const sub = await this.store.get(subscriptionId);
    return sub ? { mailbox: sub.mailbox, folderId: sub.folderId } : null;
  }

  private expiry(): string {
    return new Date(this.now() + this.lifetimeMs).toISOString();
  }

  private async create(mailbox: string, folderId: string): Promise<StoredSubscription> {
    const info = await this.gateway.createSubscription({
      mailbox,
      folderId,
      notificationUrl: this.options.notificationUrl,
      lifecycleNotificationUrl: this.options.lifecycleNotificationUrl,
      clientState: this.options.clientState,
      expirationDateTime: this.expiry(),
      changeType: 'created',
    });
    const stored: StoredSubscription = {
      id: info.id,
      mailbox,
      folderId,
      expirationDateTime: info.expirationDateTime,
    };
    await this.store.put(stored);
    return stored;
  }

  private async renew(sub: StoredSubscription): Promise<StoredSubscription> {
    try {
      const info = await this.gateway.renewSubscription(sub.id, this.expiry());
      const stored = { ...sub, expirationDateTime: info.expirationDateTime };
      await this.store.put(stored);
      return stored;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      // Graph dropped it (expired or removed): start over.
      await this.store.delete(sub.id);
      return this.create(sub.mailbox, sub.folderId);
    }
  }
}
