import { randomUUID } from 'node:crypto';
import { Agent, fetch } from 'undici';
import type { FaultInjector } from './faults.js';
import { GraphError, type ChangeEvent, type MailStore } from './store.js';
import type { EmulatorSubscription, LifecycleEvent } from './types.js';

/** Graph's maximum subscription length for Outlook messages: under 7 days (10,080 minutes). */
export const MAX_MESSAGE_SUBSCRIPTION_MINUTES = 10_080;
/** Graph raises shorter expirations to 45 minutes after the request. */
const MIN_SUBSCRIPTION_MINUTES = 45;
const CHANGE_TYPES = new Set(['created', 'updated', 'deleted']);

export interface SubscriptionSettings {
  tenantId: string;
  now: () => number;
  validationTimeoutMs: number;
  retries: number;
  baseDelayMs: number;
  notificationCa: string[];
}

export interface CreateSubscriptionInput {
  changeType?: unknown;
  notificationUrl?: unknown;
  lifecycleNotificationUrl?: unknown;
  resource?: unknown;
  expirationDateTime?: unknown;
  clientState?: unknown;
  latestSupportedTlsVersion?: unknown;
}

const invalid = (message: string): GraphError => new GraphError(400, 'InvalidRequest', message);
const NOTIFICATIONS_PER_POST = 100;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Subscriptions on message resources, the validation handshake and webhook delivery (with retries,
 * dropped and duplicated notifications from the mailbox's FaultSpec).
 */
export class SubscriptionManager {
  private readonly subscriptions = new Map<string, EmulatorSubscription>();
  private readonly pending = new Set<Promise<void>>();
  private readonly outbox = new Map<string, object[]>();
  private readonly dispatcher: Agent;

  constructor(
    private readonly store: MailStore,
    private readonly faults: FaultInjector,
    private readonly settings: SubscriptionSettings,
  ) {
    this.dispatcher = new Agent({
      connect: settings.notificationCa.length > 0 ? { ca: settings.notificationCa } : {},
    });
    store.onChange((event) => this.onChange(event));
  }

  async close(): Promise<void> {
    await this.flush();
    await this.dispatcher.close();
  }

  list(): EmulatorSubscription[] {
    this.expire();
    return [...this.subscriptions.values()].map((s) => ({ ...s }));
  }

  get(id: string): EmulatorSubscription {
    this.expire();
    const subscription = this.subscriptions.get(id);
    if (!subscription) {
      throw new GraphError(
        404,
        'ResourceNotFound',
        `The object was not found. Subscription '${id}' does not exist.`,
      );
    }
    return subscription;
  }

  private expire(): void {
    const now = this.settings.now();
    for (const [id, s] of this.subscriptions) {
      if (Date.parse(s.expirationDateTime) <= now) this.subscriptions.delete(id);
    }
  }

  private expiration(value: unknown): string {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
      throw invalid('expirationDateTime is a required property and must be a valid DateTimeOffset.');
    }
    const now = this.settings.now();
    const requested = Date.parse(value);
    if (requested <= now) throw invalid('Subscription expiration can only be in the future.');
    if (requested > now + MAX_MESSAGE_SUBSCRIPTION_MINUTES * 60_000) {
      throw invalid(
        `Subscription expiration can only be ${MAX_MESSAGE_SUBSCRIPTION_MINUTES} minutes in the future.`,
      );
    }
    return new Date(Math.max(requested, now + MIN_SUBSCRIPTION_MINUTES * 60_000)).toISOString();
  }

  /** users/{id|upn}/messages or users/{id|upn}/mailFolders('{id|name}')/messages or .../mailFolders/{id}/messages. */
  private parseResource(resource: string): { mailbox: string; folderId: string | null } {
    const path = resource.replace(/^\/+/, '').split('?')[0] ?? '';
    const match =
      /^users(?:\/|\(')([^/']+)'?\)?\/(?:mailFolders(?:\/|\(')([^/']+)'?\)?\/)?messages$/i.exec(path) ??
      undefined;
    if (!match?.[1]) {
      throw invalid(
        `The resource '${resource}' is not supported by the emulator (use users/{id}/messages or a folder).`,
      );
    }
    const mailbox = this.store.mailbox(match[1]);
    const folderId = match[2] ? this.store.folder(mailbox, match[2]).id : null;
    return { mailbox: mailbox.address, folderId };
  }

  async create(input: CreateSubscriptionInput, applicationId: string): Promise<EmulatorSubscription> {
    if (typeof input.changeType !== 'string' || input.changeType.trim() === '') {
      throw invalid('changeType is a required property.');
    }
    for (const type of input.changeType.split(',')) {
      if (!CHANGE_TYPES.has(type.trim())) throw invalid(`'${type}' is not a valid changeType.`);
    }
    if (typeof input.notificationUrl !== 'string') throw invalid('notificationUrl is a required property.');
    if (typeof input.resource !== 'string') throw invalid('resource is a required property.');
    const lifecycleUrl =
      typeof input.lifecycleNotificationUrl === 'string' ? input.lifecycleNotificationUrl : null;
    if (input.clientState !== undefined && input.clientState !== null) {
      if (typeof input.clientState !== 'string' || input.clientState.length > 128) {
        throw invalid('clientState must be a string of at most 128 characters.');
      }
    }
    const { mailbox, folderId } = this.parseResource(input.resource);
    const expirationDateTime = this.expiration(input.expirationDateTime);
    await this.validate(input.notificationUrl);
    if (lifecycleUrl) await this.validate(lifecycleUrl);
    const subscription: EmulatorSubscription = {
      id: randomUUID(),
      resource: input.resource,
      changeType: input.changeType,
      notificationUrl: input.notificationUrl,
      lifecycleNotificationUrl: lifecycleUrl,
      clientState: typeof input.clientState === 'string' ? input.clientState : null,
      expirationDateTime,
      applicationId,
      mailbox,
      folderId,
    };
    this.subscriptions.set(subscription.id, subscription);
    return subscription;
  }

  update(id: string, body: Record<string, unknown>): EmulatorSubscription {
    const subscription = this.get(id);
    if (body['expirationDateTime'] !== undefined) {
      subscription.expirationDateTime = this.expiration(body['expirationDateTime']);
    }
    if (typeof body['notificationUrl'] === 'string') subscription.notificationUrl = body['notificationUrl'];
    return subscription;
  }

  delete(id: string): void {
    this.get(id);
    this.subscriptions.delete(id);
  }

  /** Graph POSTs `?validationToken=...` and requires the token back as text/plain within 10 s. */
  private async validate(url: string): Promise<void> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw invalid(`Invalid notification url '${url}'.`);
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') {
      throw invalid(`Invalid notification url '${url}'.`);
    }
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    target.searchParams.set('validationToken', token);
    const failed = (why: string): GraphError =>
      new GraphError(400, 'ValidationError', `Subscription validation request failed. ${why}`);
    let status: number;
    let text: string;
    let contentType: string;
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: '',
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(this.settings.validationTimeoutMs),
      });
      status = response.status;
      contentType = response.headers.get('content-type') ?? '';
      text = await response.text();
    } catch (error) {
      throw failed(
        `Notification endpoint must respond with 200 OK to validation request (${String(error)}).`,
      );
    }
    if (status !== 200) throw failed(`Notification endpoint must respond with 200 OK to validation request.`);
    if (!contentType.toLowerCase().startsWith('text/plain')) {
      throw failed('Response must have content type text/plain.');
    }
    if (text !== token) throw failed('Response must exactly match validationToken query parameter.');
  }

  private onChange(event: ChangeEvent): void {
    const now = this.settings.now();
    for (const subscription of this.subscriptions.values()) {
      if (subscription.mailbox.toLowerCase() !== event.mailbox.address.toLowerCase()) continue;
      if (subscription.folderId !== null && subscription.folderId !== event.folderId) continue;
      if (!subscription.changeType.split(',').some((t) => t.trim() === event.changeType)) continue;
      if (Date.parse(subscription.expirationDateTime) <= now) continue;
      const resource = `Users/${event.mailbox.id}/Messages/${event.message.id}`;
      const notification = {
        subscriptionId: subscription.id,
        subscriptionExpirationDateTime: subscription.expirationDateTime,
        changeType: event.changeType,
        resource,
        resourceData: {
          '@odata.type': '#Microsoft.Graph.Message',
          '@odata.id': resource,
          '@odata.etag': `W/"${event.message.changeKey}"`,
          id: event.message.id,
        },
        clientState: subscription.clientState,
        tenantId: this.settings.tenantId,
      };
      const fault = this.faults.fault(event.mailbox.address);
      if (
        fault?.dropNotificationRate !== undefined &&
        this.faults.draw(event.mailbox.address) < fault.dropNotificationRate
      ) {
        continue;
      }
      let copies = 1;
      if (
        fault?.duplicateNotificationRate !== undefined &&
        this.faults.draw(event.mailbox.address) < fault.duplicateNotificationRate
      ) {
        copies = 2;
      }
      for (let i = 0; i < copies; i++) this.send(subscription.notificationUrl, notification);
    }
  }

  /**
   * Queues a notification for its URL. Like Graph, the emulator batches the notifications that
   * arise together (here: in one turn of the event loop) into one POST, up to
   * NOTIFICATIONS_PER_POST each: a burst of mail is a few POSTs, not one per message.
   */
  private send(url: string, notification: object): void {
    const queued = this.outbox.get(url);
    if (queued) {
      queued.push(notification);
      return;
    }
    this.outbox.set(url, [notification]);
    if (this.outbox.size === 1) setImmediate(() => this.sendQueued());
  }

  private sendQueued(): void {
    for (const [url, notifications] of this.outbox) {
      for (let i = 0; i < notifications.length; i += NOTIFICATIONS_PER_POST) {
        void this.track(this.post(url, { value: notifications.slice(i, i + NOTIFICATIONS_PER_POST) }));
      }
    }
    this.outbox.clear();
  }

  async lifecycle(id: string, event: LifecycleEvent): Promise<void> {
    const subscription = this.get(id);
    if (event === 'subscriptionRemoved') this.subscriptions.delete(id);
    if (!subscription.lifecycleNotificationUrl) {
      throw new Error(`subscription ${id} has no lifecycleNotificationUrl`);
    }
    const body = {
      value: [
        {
          subscriptionId: subscription.id,
          subscriptionExpirationDateTime: subscription.expirationDateTime,
          tenantId: this.settings.tenantId,
          clientState: subscription.clientState,
          lifecycleEvent: event,
        },
      ],
    };
    await this.track(this.post(subscription.lifecycleNotificationUrl, body));
  }

  private track(delivery: Promise<void>): Promise<void> {
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
    return delivery;
  }

  async flush(): Promise<void> {
    this.sendQueued();
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Delivers with retries (Graph keeps retrying with back-off when the receiver does not answer 2xx). */
  private async post(url: string, body: unknown): Promise<void> {
    for (let attempt = 0; attempt <= this.settings.retries; attempt++) {
      if (attempt > 0) await sleep(this.settings.baseDelayMs * 2 ** (attempt - 1));
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify(body),
          dispatcher: this.dispatcher,
          signal: AbortSignal.timeout(3_000),
        });
        await response.arrayBuffer();
        if (response.status >= 200 && response.status < 300) return;
      } catch {
        // unreachable or slow receiver: retry like Graph does
      }
    }
  }
}
