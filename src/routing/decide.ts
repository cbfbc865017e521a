import type { RuleEvaluation } from '../rules/index.js';

/** What a router allows: its mode, thresholds and targets. */
export interface RouterPolicy {
  mode: 'active' | 'shadow';
  /** Route on the model when its top probability is at least this (per-target thresholds override it). */
  threshold: number;
  targets: readonly { label: string; threshold?: number | undefined; enabled: boolean }[];
}

export interface ScoredLabel {
  label: string;
  probability: number;
}

/** The model's part: calibrated top-k, best first. */
export interface ModelVerdict {
  modelVersion: string;
  top: readonly ScoredLabel[];
}

export type DecidedBy = 'override-rule' | 'model' | 'fallback-rule' | 'review';

export interface Decision {
  outcome: 'routed' | 'review';
  /** The target label, when routed. */
  target: string | undefined;
  decidedBy: DecidedBy;
  /** The rule that decided, when a rule did. */
  rule: string | undefined;
  /** Why, in words a caseworker can read. */
  reason: string;
  /** False in shadow mode: record everything, act on nothing. */
  act: boolean;
}

export interface DecisionInput {
  policy: RouterPolicy;
  /** Override rules, evaluated before the model. */
  override: RuleEvaluation;
  /** The model's verdict; undefined when the router has no model yet, or it failed. */
  model: ModelVerdict | undefined;
  /** Fallback rules; evaluated only when needed (see `needsFallback`). */
  fallback: RuleEvaluation | undefined;
}

const pct = (p: number) => `${(p * 100).toFixed(1)} %`;

function usableTarget(policy: RouterPolicy, label: string) {
  return policy.targets.find((t) => t.label === label && t.enabled);
}

/** Is the model's verdict enough to route on? Returns the target label if so. */
export function confidentTarget(policy: RouterPolicy, model: ModelVerdict | undefined): string | undefined {
  const best = model?.top[0];
  if (!best) return undefined;
  const target = usableTarget(policy, best.label);
  if (!target) return undefined;
  return best.probability >= (target.threshold ?? policy.threshold) ? best.label : undefined;
}

/** The route job asks this before it spends time on fallback rules. */
export function needsFallback(input: Omit<DecisionInput, 'fallback'>): boolean {
  return !input.override.decidedBy && confidentTarget(input.policy, input.model) === undefined;
}

/**
 * The decision function: override rules, then the model against its threshold, then fallback
 * rules, else review. Pure: the route job does the I/O before and after.
 */
export function decide(input: DecisionInput): Decision {
  const { policy, override, model, fallback } = input;
  const act = policy.mode === 'active';

  const overrideRule = override.decidedBy;
  if (overrideRule && usableTarget(policy, overrideRule.target)) {
    return {
      outcome: 'routed',
      target: overrideRule.target,
      decidedBy: 'override-rule',
      rule: overrideRule.name,
      reason: `rule '${overrideRule.name}' sends it to ${overrideRule.target}`,
      act,
    };
  }

  const confident = confidentTarget(policy, model);
  const best = model?.top[0];
  if (confident && best) {
    const threshold = usableTarget(policy, confident)?.threshold ?? policy.threshold;
    return {
      outcome: 'routed',
      target: confident,
      decidedBy: 'model',
      rule: undefined,
      reason: `model ${model.modelVersion}: ${confident} ${pct(best.probability)} (threshold ${pct(threshold)})`,
      act,
    };
  }

  const fallbackRule = fallback?.decidedBy;
  if (fallbackRule && usableTarget(policy, fallbackRule.target)) {
    return {
      outcome: 'routed',
      target: fallbackRule.target,
      decidedBy: 'fallback-rule',
      rule: fallbackRule.name,
      reason: `model not confident; fallback rule '${fallbackRule.name}' sends it to ${fallbackRule.target}`,
      act,
    };
  }

  let why: string;
  if (!model || !best) why = 'no model answered';
  else if (!usableTarget(policy, best.label))
    why = `the model's best guess '${best.label}' is not an enabled target`;
  else {
    const threshold = usableTarget(policy, best.label)?.threshold ?? policy.threshold;
    why = `model not confident: ${best.label} ${pct(best.probability)} < ${pct(threshold)}`;
  }
  return { outcome: 'review', target: undefined, decidedBy: 'review', rule: undefined, reason: why, act };
}
