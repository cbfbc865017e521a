// What bench/'s tests import: the parts of the benchmarks that are plain functions of their rows.
export { checkTargets, SPEED_DATASET, targetLines } from './model-targets.js';
export type { TargetCheck, TargetRow } from './model-targets.js';
