import vm from 'node:vm';

/*
 * Rule authors write regular expressions; a bad one (`(a+)+$`) can backtrack for minutes on the
 * wrong mail and stall a worker. Two guards: patterns with nested quantifiers are refused when the
 * rule is saved, and every match runs in a V8 context with a time limit, on at most the first
 * 64 KiB of the text. A match that runs out of time counts as no match and is reported.
 */

export const REGEX_TIMEOUT_MS = 50;
export const REGEX_INPUT_LIMIT = 64 * 1024;

const script = new vm.Script('pattern.test(text)');

export class RegexTimeoutError extends Error {
  override name = 'RegexTimeoutError';
}

export function guardedTest(pattern: RegExp, text: string): boolean {
  const context = vm.createContext({ pattern, text: text.slice(0, REGEX_INPUT_LIMIT) });
  try {
    return script.runInContext(context, { timeout: REGEX_TIMEOUT_MS }) === true;
  } catch (error) {
    if (
      typeof error === 'object' &&
      error !== null &&
      'code' in error &&
      error.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT'
    ) {
      throw new RegexTimeoutError(
        `regular expression /${pattern.source}/ ran longer than ${REGEX_TIMEOUT_MS} ms`,
      );
    }
    throw error;
  }
}

/**
 * Finds a quantified group that itself contains a quantifier, the shape behind catastrophic
 * backtracking: `(a+)+`, `(\w*\s?)*`, `(x|y+){2,}`. Returns the offending part, or undefined.
 */
export function nestedQuantifier(source: string): string | undefined {
  const stack: { start: number; quantified: boolean }[] = [];
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      // Skip a character class: its contents are not quantifiers.
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
      continue;
    }
    if (c === '(') {
      stack.push({ start: i, quantified: false });
      continue;
    }
    const isQuantifier = c === '*' || c === '+' || (c === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(i)));
    if (c === ')') {
      const group = stack.pop();
      const next = source[i + 1];
      const groupQuantified =
        next === '*' || next === '+' || (next === '{' && /^\{\d+,\d*\}/.test(source.slice(i + 1)));
      if (group && group.quantified && groupQuantified) return source.slice(group.start, i + 2);
      if (group?.quantified && stack.length > 0) stack[stack.length - 1]!.quantified = true;
      continue;
    }
    if (isQuantifier && stack.length > 0) stack[stack.length - 1]!.quantified = true;
  }
  return undefined;
}
