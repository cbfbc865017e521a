export { openStore, type StoreOptions } from './open.js';
export { migrate, bundledMigrations, type Migration } from './migrate.js';
export {
  StoreError,
  type Database,
  type Sql,
  type SqlValue,
  type QueryResult,
  type StoreErrorKind,
} from './database.js';
export { deltaCursorRepository, subscriptionRepository, type SubscriptionRecord } from './mail-state.js';
export { syncConfiguredRouters, routerState, routerStateCache, type RouterState } from './routers.js';
export {
  recordIncomingMessages,
  claimMessage,
  saveDecided,
  markRecorded,
  unfinishedMessages,
  decisionForMessage,
  listDecisions,
  type DecisionFilter,
  type DecisionView,
  type RecordedAudit,
  LeaseLostError,
  type ClaimResult,
  type DecidedFields,
  type DecisionRecord,
  type DecisionState,
  type IncomingMessage,
  type MessageContent,
  type MessageKey,
} from './decisions.js';
