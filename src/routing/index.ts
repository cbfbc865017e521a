export {
  decide,
  needsFallback,
  confidentTarget,
  type Decision,
  type DecisionInput,
  type DecidedBy,
  type ModelVerdict,
  type RouterPolicy,
  type ScoredLabel,
} from './decide.js';
