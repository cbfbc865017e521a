import type { DeltaRoundRunner } from './delta-sync.js';
import type { ChangeNotification, LifecycleNotification } from './notifications.js';
import type { SubscriptionManager } from './subscriptions.js';

/**
 * Connects the webhook to ingest: each notified folder gets a delta round (rounds coalesce per
 * folder); lifecycle events renew or recreate the subscription and run a round as well.
 */
export function notificationHandlers(
  subscriptions: SubscriptionManager,
  trigger: Pick<DeltaRoundRunner, 'trigger'>,
): {
  onChanges(changes: ChangeNotification[]): Promise<void>;
  onLifecycle(events: LifecycleNotification[]): Promise<void>;
} {
  return {
    async onChanges(changes) {
      const ids = new Set(changes.map((c) => c.subscriptionId));
      const rounds: Promise<void>[] = [];
      for (const id of ids) {
        const folder = await subscriptions.folderFor(id);
        if (folder) rounds.push(trigger.trigger(folder.mailbox, folder.folderId));
      }
      await Promise.all(rounds);
    },
    async onLifecycle(events) {
      const rounds: Promise<void>[] = [];
      for (const event of events) {
        const folder = await subscriptions.handleLifecycle(event.lifecycleEvent, event.subscriptionId);
        if (folder) rounds.push(trigger.trigger(folder.mailbox, folder.folderId));
      }
      await Promise.all(rounds);
    },
  };
}
