import { InvalidCronError } from './errors.js';

// A small cron evaluator (UTC) so the in-process adapter can run schedules without another
// dependency, and so both adapters accept exactly the same patterns (the BullMQ adapter checks
// patterns here before handing them to BullMQ).

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const SECOND: FieldSpec = { name: 'second', min: 0, max: 59 };
const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 };
const DAY: FieldSpec = { name: 'day of month', min: 1, max: 31 };
const MONTH: FieldSpec = {
  name: 'month',
  min: 1,
  max: 12,
  names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
};
const WEEKDAY: FieldSpec = {
  name: 'day of week',
  min: 0,
  max: 7,
  names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
};

export interface CronSchedule {
  readonly pattern: string;
  /** The first matching instant strictly after `after` (whole seconds, UTC). */
  next(after: Date): Date;
}

function parseValue(text: string, spec: FieldSpec, pattern: string): number {
  const byName = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  const value = byName >= 0 ? byName + (spec === MONTH ? 1 : 0) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
    throw new InvalidCronError(
      `cron '${pattern}': ${spec.name} '${text}' is not a value from ${spec.min} to ${spec.max}`,
    );
  }
  return value;
}

function parseField(text: string, spec: FieldSpec, pattern: string): { values: Set<number>; any: boolean } {
  const values = new Set<number>();
  const any = text === '*' || text === '?';
  for (const part of text.split(',')) {
    const [range = '', stepText, extra] = part.split('/');
    if (extra !== undefined || range === '')
      throw new InvalidCronError(`cron '${pattern}': bad ${spec.name} '${part}'`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) {
      throw new InvalidCronError(`cron '${pattern}': bad step '${stepText}' in ${spec.name}`);
    }
    let from: number;
    let to: number;
    if (range === '*' || range === '?') {
      from = spec.min;
      to = spec === WEEKDAY ? 6 : spec.max;
    } else if (range.includes('-')) {
      const [a = '', b = '', more] = range.split('-');
      if (more !== undefined)
        throw new InvalidCronError(`cron '${pattern}': bad range '${range}' in ${spec.name}`);
      from = parseValue(a, spec, pattern);
      to = parseValue(b, spec, pattern);
      if (from > to)
        throw new InvalidCronError(`cron '${pattern}': range '${range}' in ${spec.name} runs backwards`);
    } else {
      from = parseValue(range, spec, pattern);
      to = stepText === undefined ? from : spec === WEEKDAY ? 6 : spec.max;
    }
    for (let v = from; v <= to; v += step) values.add(spec === WEEKDAY && v === 7 ? 0 : v);
  }
  return { values, any };
}

export function parseCron(pattern: string): CronSchedule {
  const fields = pattern.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new InvalidCronError(`cron '${pattern}': expected 5 fields (minute first) or 6 (second first)`);
  }
  const withSeconds = fields.length === 6 ? fields : ['0', ...fields];
  const [s = '', mi = '', h = '', d = '', mo = '', w = ''] = withSeconds;
  const seconds = parseField(s, SECOND, pattern).values;
  const minutes = parseField(mi, MINUTE, pattern).values;
  const hours = parseField(h, HOUR, pattern).values;
  const days = parseField(d, DAY, pattern);
  const months = parseField(mo, MONTH, pattern).values;
  const weekdays = parseField(w, WEEKDAY, pattern);

  // Classic cron: when both day fields are restricted, a day matches if EITHER matches.
  const dayMatches = (t: Date): boolean => {
    const byDay = days.values.has(t.getUTCDate());
    const byWeekday = weekdays.values.has(t.getUTCDay());
    if (days.any) return byWeekday;
    if (weekdays.any) return byDay;
    return byDay || byWeekday;
  };

  return {
    pattern,
    next(after: Date): Date {
      const t = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
      const limit = after.getTime() + 8 * 366 * 24 * 3600 * 1000;
      while (t.getTime() <= limit) {
        if (!months.has(t.getUTCMonth() + 1)) {
          t.setUTCMonth(t.getUTCMonth() + 1, 1);
          t.setUTCHours(0, 0, 0);
        } else if (!dayMatches(t)) {
          t.setUTCDate(t.getUTCDate() + 1);
          t.setUTCHours(0, 0, 0);
        } else if (!hours.has(t.getUTCHours())) {
          t.setUTCHours(t.getUTCHours() + 1, 0, 0);
        } else if (!minutes.has(t.getUTCMinutes())) {
          t.setUTCMinutes(t.getUTCMinutes() + 1, 0);
        } else if (!seconds.has(t.getUTCSeconds())) {
          t.setUTCSeconds(t.getUTCSeconds() + 1);
        } else {
          return t;
        }
      }
      throw new InvalidCronError(`cron '${pattern}' never matches`);
    },
  };
}
