// Public surface of mail/: the MailboxGateway port, its Graph adapter, and the ingest use cases.
export * from './types.js';
export * from './errors.js';
export * from './limiter.js';
export * from './ports.js';
export * from './delta-sync.js';
export * from './subscriptions.js';
export * from './notifications.js';
export * from './ingest.js';
export {
  GraphMailboxGateway,
  routedMarkerPropertyId,
  forwardMarkerPropertyId,
  mailroutePropertySet,
  type GraphGatewayOptions,
} from './graph/adapter.js';
export type { GraphCredential } from './graph/auth.js';
export { graphGatewayOptions } from './graph/from-config.js';
export type { RetryPolicy } from './graph/transport.js';
