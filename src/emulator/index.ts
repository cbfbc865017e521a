/**
 * A local Microsoft Graph emulator (the subset mailroute uses) over HTTPS, for the demo and the tests.
 * See docs/emulator.md.
 */
export { startGraphEmulator, DEFAULT_TENANT_ID, DEFAULT_CLIENT } from './server.js';
export { MAX_MESSAGE_SUBSCRIPTION_MINUTES } from './subscriptions.js';
export { measureEmulator, type EmulatorMeasurement } from './measure.js';
export { seedFromJsonl, seedFromEml, type SeedResult } from './seed.js';
export type {
  EmulatorClient,
  EmulatorOptions,
  EmulatorMessageInput,
  EmulatorMessage,
  EmulatorAttachment,
  EmulatorSubscription,
  EmulatorStats,
  EmailAddress,
  ExtendedProperty,
  FaultSpec,
  GraphEmulator,
  LifecycleEvent,
  Recipient,
} from './types.js';
export { emulatorTenantYaml } from './tenant-config.js';
