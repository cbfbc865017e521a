export { buildHttpApp, type HttpApp, type HttpAppOptions } from './app.js';
export type { ReadinessCheck } from './health.js';
export { graphWebhookPlugin, type GraphWebhookOptions } from './graph-webhook.js';
export { decisionsApiPlugin, type DecisionsApiOptions } from './decisions.js';
