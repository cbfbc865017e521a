import type { RuleMail } from './mail.js';
import { guardedTest, nestedQuantifier, RegexTimeoutError } from './regex-guard.js';
import { ruleSchema, type Condition, type RuleDefinition, type RuleKind } from './schema.js';

/** A rule that cannot reach a router. The message names the rule and the field. */
export class InvalidRuleError extends Error {
  override name = 'InvalidRuleError';
  constructor(readonly problems: string[]) {
    super(`invalid rules:\n  ${problems.join('\n  ')}`);
  }
}

export interface CompiledRule {
  name: string;
  kind: RuleKind;
  target: string;
  /** Position in the router's rule list; lower runs first. */
  position: number;
  definition: RuleDefinition;
  /** Throws RegexTimeoutError when a regular expression runs out of time. */
  matches(mail: RuleMail): boolean;
}

type Matcher = (mail: RuleMail) => boolean;
type TextMatch = Extract<Condition, { subject: unknown }>['subject'];

function wildcard(pattern: string): RegExp {
  const escaped = pattern
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 's');
}

function localTime(date: Date, timeZone: string): { weekday: string; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    weekday: get('weekday').toLowerCase().slice(0, 3),
    minutes: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

class Compiler {
  readonly problems: string[] = [];
  constructor(private readonly rule: string) {}

  private problem(path: string, message: string): void {
    this.problems.push(`rule '${this.rule}': ${path}: ${message}`);
  }

  private text(match: TextMatch, path: string): (text: string) => boolean {
    if ('contains' in match) {
      const needle = match.contains.toLocaleLowerCase('da');
      return (text) => text.toLocaleLowerCase('da').includes(needle);
    }
    if ('equals' in match) {
      const wanted = match.equals.trim().toLocaleLowerCase('da');
      return (text) => text.trim().toLocaleLowerCase('da') === wanted;
    }
    const nested = nestedQuantifier(match.regex);
    if (nested) {
      this.problem(
        `${path}.regex`,
        `nested quantifier '${nested}' can make matching take minutes; rewrite it`,
      );
      return () => false;
    }
    let pattern: RegExp;
    try {
      pattern = new RegExp(match.regex, match.flags ?? '');
    } catch (error) {
      this.problem(`${path}.regex`, `not a valid regular expression (${(error as Error).message})`);
      return () => false;
    }
    return (text) => guardedTest(pattern, text);
  }

  condition(c: Condition, path: string): Matcher {
    if ('all' in c) {
      const parts = c.all.map((x, i) => this.condition(x, `${path}.all[${i}]`));
      return (m) => parts.every((p) => p(m));
    }
    if ('any' in c) {
      const parts = c.any.map((x, i) => this.condition(x, `${path}.any[${i}]`));
      return (m) => parts.some((p) => p(m));
    }
    if ('not' in c) {
      const inner = this.condition(c.not, `${path}.not`);
      return (m) => !inner(m);
    }
    if ('sender' in c) {
      const re = wildcard(c.sender);
      return (m) => m.senderAddress !== null && re.test(m.senderAddress.toLowerCase());
    }
    if ('senderDomain' in c) {
      const re = wildcard(c.senderDomain);
      return (m) => {
        const domain = m.senderAddress?.split('@')[1];
        return domain !== undefined && re.test(domain.toLowerCase());
      };
    }
    if ('recipient' in c) {
      const re = wildcard(c.recipient);
      return (m) => m.recipients.some((r) => re.test(r.toLowerCase()));
    }
    if ('subject' in c) {
      const test = this.text(c.subject, `${path}.subject`);
      return (m) => test(m.subject);
    }
    if ('body' in c) {
      const test = this.text(c.body, `${path}.body`);
      return (m) => test(m.body);
    }
    if ('attachmentName' in c) {
      const re = wildcard(c.attachmentName);
      return (m) => m.attachments.some((a) => re.test(a.name.toLowerCase()));
    }
    if ('attachmentType' in c) {
      const re = wildcard(c.attachmentType);
      return (m) => m.attachments.some((a) => re.test(a.contentType.toLowerCase()));
    }
    if ('header' in c) {
      const name = c.header.name.toLowerCase();
      const test = this.text(c.header.value, `${path}.header.value`);
      return (m) => {
        const entry = Object.entries(m.headers).find(([k]) => k.toLowerCase() === name);
        return entry !== undefined && test(entry[1]);
      };
    }
    const { weekdays: days, from, to, timezone = 'Europe/Copenhagen' } = c.received;
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: timezone });
    } catch {
      this.problem(`${path}.received.timezone`, `unknown time zone '${timezone}'`);
      return () => false;
    }
    const start = from === undefined ? undefined : toMinutes(from);
    const end = to === undefined ? undefined : toMinutes(to);
    return (m) => {
      const local = localTime(m.receivedAt, timezone);
      if (days && !days.some((d) => d === local.weekday)) return false;
      if (start === undefined && end === undefined) return true;
      const s = start ?? 0;
      const e = end ?? 24 * 60;
      // A window across midnight (17:00-07:00) wraps.
      return s <= e ? local.minutes >= s && local.minutes < e : local.minutes >= s || local.minutes < e;
    };
  }
}

const conditionKinds = [
  'all',
  'any',
  'not',
  'sender',
  'senderDomain',
  'recipient',
  'subject',
  'body',
  'attachmentName',
  'attachmentType',
  'header',
  'received',
];

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeCondition(value: unknown): string {
  const keys = typeof value === 'object' && value !== null ? Object.keys(value) : [];
  const unknown = keys.filter((k) => !conditionKinds.includes(k));
  if (unknown.length > 0)
    return `unknown condition '${unknown.join("', '")}' (expected one of ${conditionKinds.join(', ')})`;
  if (keys.length !== 1) return `expected exactly one condition of ${conditionKinds.join(', ')}`;
  return `invalid '${keys[0]}' condition: a text match is { contains }, { equals } or { regex, flags }`;
}

export interface RuleContext {
  /** Labels of the router's targets: a rule may only send mail to one of them. */
  targets: readonly string[];
}

/**
 * Validates and compiles a router's rules, in order. Every problem of every rule is collected, so
 * one save reports them all; nothing is returned unless all rules are valid.
 */
export function compileRules(input: readonly unknown[], context: RuleContext): CompiledRule[] {
  const problems: string[] = [];
  const compiled: CompiledRule[] = [];
  const names = new Set<string>();
  input.forEach((raw, position) => {
    const label =
      typeof raw === 'object' && raw !== null && 'name' in raw && typeof raw.name === 'string'
        ? raw.name
        : `#${position + 1}`;
    const parsed = ruleSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path
          .map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`))
          .join('')
          .slice(1);
        const message =
          issue.code === 'invalid_union' ? describeCondition(valueAt(raw, issue.path)) : issue.message;
        problems.push(`rule '${label}': ${path || '(rule)'}: ${message}`);
      }
      return;
    }
    const rule = parsed.data;
    if (names.has(rule.name)) problems.push(`rule '${rule.name}': name: used by an earlier rule too`);
    names.add(rule.name);
    if (!context.targets.includes(rule.target)) {
      problems.push(
        `rule '${rule.name}': target: unknown target '${rule.target}' (known: ${context.targets.join(', ') || 'none'})`,
      );
    }
    const compiler = new Compiler(rule.name);
    const matches = compiler.condition(rule.when, 'when');
    problems.push(...compiler.problems);
    compiled.push({
      name: rule.name,
      kind: rule.kind,
      target: rule.target,
      position,
      definition: rule,
      matches,
    });
  });
  if (problems.length > 0) throw new InvalidRuleError(problems);
  return compiled;
}

export interface RuleEvaluation {
  /** Names of every enabled rule of this kind that matched, in order. */
  hits: string[];
  /** The first matching rule: it decides. */
  decidedBy: CompiledRule | undefined;
  /** Rules that could not be evaluated (a regular expression ran out of time): counted as no match. */
  errors: { rule: string; message: string }[];
}

export function evaluateRules(
  rules: readonly CompiledRule[],
  kind: RuleKind,
  mail: RuleMail,
): RuleEvaluation {
  const result: RuleEvaluation = { hits: [], decidedBy: undefined, errors: [] };
  for (const rule of rules) {
    if (rule.kind !== kind || !rule.definition.enabled) continue;
    let matched = false;
    try {
      matched = rule.matches(mail);
    } catch (error) {
      if (!(error instanceof RegexTimeoutError)) throw error;
      result.errors.push({ rule: rule.name, message: error.message });
    }
    if (matched) {
      result.hits.push(rule.name);
      result.decidedBy ??= rule;
    }
  }
  return result;
}
