import { isRecord, sendJson, type Emulation, type EmulatorApp } from './context.js';
import type { CreateSubscriptionInput, SubscriptionManager } from './subscriptions.js';
import type { EmulatorSubscription } from './types.js';

/** `/v1.0/subscriptions`: create (with the validation handshake), list, get, renew, delete. */
export function registerSubscriptionRoutes(
  app: EmulatorApp,
  em: Emulation,
  subscriptions: SubscriptionManager,
): void {
  const subscriptionJson = (s: EmulatorSubscription): Record<string, unknown> => ({
    id: s.id,
    resource: s.resource,
    applicationId: s.applicationId,
    changeType: s.changeType,
    clientState: s.clientState,
    notificationUrl: s.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: s.lifecycleNotificationUrl,
    expirationDateTime: s.expirationDateTime,
    creatorId: s.applicationId,
    includeResourceData: false,
    latestSupportedTlsVersion: 'v1_2',
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  });

  app.get('/v1.0/subscriptions', async (req, reply) =>
    sendJson(reply, 200, {
      '@odata.context': `${em.graphUrl}/$metadata#subscriptions`,
      value: subscriptions
        .list()
        .filter((s) => s.applicationId === em.request(req).appId)
        .map(subscriptionJson),
    }),
  );
  app.post('/v1.0/subscriptions', async (req, reply) => {
    const body: CreateSubscriptionInput = isRecord(req.body) ? req.body : {};
    const subscription = await subscriptions.create(body, em.request(req).appId);
    return sendJson(reply, 201, {
      '@odata.context': `${em.graphUrl}/$metadata#subscriptions/$entity`,
      ...subscriptionJson(subscription),
    });
  });
  app.get('/v1.0/subscriptions/:id', async (req, reply) =>
    sendJson(reply, 200, {
      '@odata.context': `${em.graphUrl}/$metadata#subscriptions/$entity`,
      ...subscriptionJson(subscriptions.get((req.params as { id: string }).id)),
    }),
  );
  app.patch('/v1.0/subscriptions/:id', async (req, reply) => {
    const body = isRecord(req.body) ? req.body : {};
    const subscription = subscriptions.update((req.params as { id: string }).id, body);
    return sendJson(reply, 200, {
      '@odata.context': `${em.graphUrl}/$metadata#subscriptions/$entity`,
      ...subscriptionJson(subscription),
    });
  });
  app.delete('/v1.0/subscriptions/:id', async (req, reply) => {
    subscriptions.delete((req.params as { id: string }).id);
    return reply.code(204).send();
  });
}
