import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { parseNotifications, type ChangeNotification, type LifecycleNotification } from '../mail/index.js';

/*
 * The Microsoft Graph webhook receiver. Graph wants the validation token echoed as text/plain
 * within 10 s and every notification acknowledged with 202 within 3 s, so the handler only checks
 * clientState (constant time) and answers; the work (a delta round) starts after the reply.
 */

export interface GraphWebhookOptions {
  /** The clientState mailroute gave its subscriptions. */
  clientState: string;
  /** Default `/graph/notifications`. */
  path?: string;
  /** Default `/graph/lifecycle`. */
  lifecyclePath?: string;
  /** Called after the 202 went out. Change notifications only say "this folder changed". */
  onChanges(changes: ChangeNotification[]): Promise<void> | void;
  onLifecycle(events: LifecycleNotification[]): Promise<void> | void;
}

const querystring = {
  type: 'object',
  properties: { validationToken: { type: 'string', maxLength: 4096 } },
} as const;

const response = {
  200: { type: 'string' },
  202: { type: 'null' },
} as const;

const graphWebhook: FastifyPluginAsync<GraphWebhookOptions> = async (app, options) => {
  const routes = [options.path ?? '/graph/notifications', options.lifecyclePath ?? '/graph/lifecycle'];
  for (const url of routes) {
    app.post<{ Querystring: { validationToken?: string } }>(
      url,
      { schema: { querystring, response }, logLevel: 'warn' },
      async (request, reply) => {
        const token = request.query.validationToken;
        if (token !== undefined) {
          // The validation handshake: echo the (already URL-decoded) token as plain text.
          return reply.code(200).type('text/plain; charset=utf-8').send(token);
        }
        const parsed = parseNotifications(request.body, options.clientState);
        if (parsed.rejected > 0)
          request.log.warn({ rejected: parsed.rejected }, 'graph notifications rejected');
        setImmediate(() => {
          void (async () => {
            try {
              if (parsed.changes.length > 0) await options.onChanges(parsed.changes);
              if (parsed.lifecycle.length > 0) await options.onLifecycle(parsed.lifecycle);
            } catch (error) {
              request.log.error({ err: error }, 'handling graph notifications failed');
            }
          })();
        });
        return reply.code(202).send();
      },
    );
  }
};

export const graphWebhookPlugin = fp(graphWebhook, { name: 'mailroute-graph-webhook', fastify: '5.x' });
