export {
  compileRules,
  evaluateRules,
  InvalidRuleError,
  type CompiledRule,
  type RuleContext,
  type RuleEvaluation,
} from './compile.js';
export { ruleSchema, conditionSchema, type Condition, type RuleDefinition, type RuleKind } from './schema.js';
export type { RuleMail } from './mail.js';
export { RegexTimeoutError, REGEX_TIMEOUT_MS } from './regex-guard.js';
