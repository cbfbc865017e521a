import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/*
 * Graph change and lifecycle notifications as they arrive at the webhook. A notification only
 * tells mailroute that a folder changed; the delta round finds out what changed.
 */

const changeNotification = z.object({
  subscriptionId: z.string().min(1),
  subscriptionExpirationDateTime: z.string().optional(),
  changeType: z.string().min(1),
  resource: z.string().optional(),
  clientState: z.string().nullish(),
  tenantId: z.string().optional(),
  resourceData: z.object({ id: z.string().optional() }).passthrough().nullish(),
});

const lifecycleNotification = z.object({
  subscriptionId: z.string().min(1),
  subscriptionExpirationDateTime: z.string().optional(),
  lifecycleEvent: z.enum(['subscriptionRemoved', 'missed', 'reauthorizationRequired']),
  clientState: z.string().nullish(),
  tenantId: z.string().optional(),
});

const notificationCollection = z.object({ value: z.array(z.unknown()) });

export type ChangeNotification = z.infer<typeof changeNotification>;
export type LifecycleNotification = z.infer<typeof lifecycleNotification>;

export interface ParsedNotifications {
  changes: ChangeNotification[];
  lifecycle: LifecycleNotification[];
  /** Items whose clientState did not match, or that were not notifications at all. */
  rejected: number;
}

/** Compares in constant time (hashing first makes the lengths equal and hides them). */
export function clientStateMatches(expected: string, received: string | null | undefined): boolean {
  if (typeof received !== 'string') return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(received, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Splits a notification POST body into change and lifecycle notifications with a valid clientState. */
export function parseNotifications(body: unknown, expectedClientState: string): ParsedNotifications {
  const parsed = notificationCollection.safeParse(body);
  const result: ParsedNotifications = { changes: [], lifecycle: [], rejected: 0 };
  if (!parsed.success) return result;
  for (const item of parsed.data.value) {
    const lifecycle = lifecycleNotification.safeParse(item);
    if (lifecycle.success) {
      if (clientStateMatches(expectedClientState, lifecycle.data.clientState))
        result.lifecycle.push(lifecycle.data);
      else result.rejected += 1;
      continue;
    }
    const change = changeNotification.safeParse(item);
    if (change.success && clientStateMatches(expectedClientState, change.data.clientState)) {
      result.changes.push(change.data);
    } else {
      result.rejected += 1;
    }
  }
  return result;
}
