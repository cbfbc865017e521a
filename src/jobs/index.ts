export { purgeExpired, type RetentionPolicy, type PurgeResult } from './purge.js';
export { routeMessage, ROUTED_CATEGORY_PREFIX, type RouteDependencies, type RoutePayload } from './route.js';
export type { RouterRuntime, RouterClassifier, TargetRuntime } from './router-runtime.js';
export {
  syncMailbox,
  requestSync,
  routeJobSink,
  type IngestDependencies,
  type SyncPayload,
} from './ingest.js';
