import { composeMail, type ComposeOptions, type DemoMail } from './compose.js';
import { Ctx, type Draft, type Template } from './context.js';
import { demoMunicipality, departmentShares } from './municipality.js';
import { Rng } from './random.js';
import { aeldre } from './templates/aeldre.js';
import { affald } from './templates/affald.js';
import { ambiguous } from './templates/ambiguous.js';
import { beskaeftigelse } from './templates/beskaeftigelse.js';
import { borgerservice } from './templates/borgerservice.js';
import { byggesag } from './templates/byggesag.js';
import { dagtilbud } from './templates/dagtilbud.js';
import { parkering } from './templates/parkering.js';
import { skat } from './templates/skat.js';
import { asides } from './templates/answers.js';
import { vague, vagueHints } from './templates/vague.js';

const DAY = 86_400_000;

/** Share of mails that span two departments (flagged ambiguous). */
const AMBIGUOUS_SHARE = 0.07;
/** Share of mails that barely say what they are about ("se vedhæftede", "status på min sag"). */
const VAGUE_SHARE = 0.11;
/** Share of ordinary mails that mention another department's matter as context. */
const ASIDE_SHARE = 0.25;
/** Share of mails written in English by expats. */
const ENGLISH_SHARE = 0.035;

const templates: Record<string, Template[]> = {
  byggesag,
  borgerservice,
  parkering,
  affald,
  skat,
  beskaeftigelse,
  dagtilbud,
  aeldre,
};

const labels = demoMunicipality.departments.map((department) => department.label);

/** Whether a template writes English; decided once per template with a probe context. */
const englishTemplates = new Map<Template, boolean>();
function isEnglish(template: Template): boolean {
  let english = englishTemplates.get(template);
  if (english === undefined) {
    english = template(new Ctx(new Rng(1), new Date(Date.UTC(2026, 0, 1)))).english === true;
    englishTemplates.set(template, english);
  }
  return english;
}

/**
 * Seasons move the mix a little: garden waste and building in summer, property tax around the two
 * instalments (January, July), passports before the summer holidays, childcare sign-ups in spring.
 * Factors by month, January first.
 */
const seasonal: Record<string, readonly number[]> = {
  affald: [0.8, 0.8, 1, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1, 1, 0.8],
  skat: [1.5, 1.3, 1, 0.8, 0.8, 0.9, 1.5, 1.3, 1, 0.8, 0.8, 0.8],
  borgerservice: [1, 1, 1.2, 1.2, 1.2, 1.2, 1, 0.9, 0.9, 1, 1, 1],
  dagtilbud: [1.3, 1.3, 1.3, 1, 1, 1, 0.6, 1, 1, 1, 1, 0.8],
  beskaeftigelse: [1.1, 1, 1, 1, 1, 1, 0.7, 1, 1, 1, 1, 1],
  byggesag: [0.8, 0.9, 1.2, 1.2, 1.2, 1.2, 1, 1.2, 1.2, 1, 0.9, 0.8],
  aeldre: [1.1, 1.1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.1],
};

/** Relative mail volume by month (January first). */
const monthVolume: readonly number[] = [1, 1, 1, 1, 1, 0.95, 0.7, 0.9, 1, 1, 1, 0.85];

function sharesIn(when: Date): (readonly [string, number])[] {
  const month = when.getUTCMonth();
  return departmentShares.map(
    ([label, weight]) => [label, weight * (seasonal[label]?.[month] ?? 1)] as const,
  );
}

/** What every composed mail needs to know about the others. */
function shared(rng: Rng, when: Date): Pick<ComposeOptions, 'labels' | 'subjectOf'> {
  return {
    labels,
    subjectOf: (label) => rng.pick(danishTemplates(label))(new Ctx(rng, when)).subject,
  };
}

/** A draft written by the citizen (not a firm), for mails that combine two matters. */
function citizenDraft(rng: Rng, c: Ctx, label: string): Draft {
  for (;;) {
    const draft = rng.pick(danishTemplates(label))(c);
    if (draft.sender === undefined) return draft;
  }
}

function danishTemplates(label: string): Template[] {
  return (templates[label] ?? []).filter((template) => !isEnglish(template));
}

/** One mail received at `when`, drawn from the demo's mix of departments and kinds of mail. */
function generateMail(rng: Rng, when: Date): DemoMail {
  const kind = rng.weighted<'ambiguous' | 'vague' | 'english' | 'normal'>([
    ['ambiguous', AMBIGUOUS_SHARE],
    ['vague', VAGUE_SHARE],
    ['english', ENGLISH_SHARE],
    ['normal', 1 - AMBIGUOUS_SHARE - VAGUE_SHARE - ENGLISH_SHARE],
  ]);
  if (kind === 'ambiguous') {
    const c = new Ctx(rng, when);
    if (rng.chance(0.5)) {
      const entry = rng.pick(ambiguous);
      return composeMail(c, entry.template(c), { label: entry.label, ambiguous: true, ...shared(rng, when) });
    }
    // Two requests in one mail: the municipality gives it to the department of the first (main) one.
    const label = rng.weighted(sharesIn(when));
    const other = rng.weighted(sharesIn(when).filter(([candidate]) => candidate !== label));
    const main = citizenDraft(rng, c, label);
    const second = citizenDraft(rng, c, other);
    const connector = rng.pick([
      '\n\nOg så et andet spørgsmål: ',
      '\nDesuden: ',
      '\n\nJeg vil også gerne høre om noget andet. ',
      '\n\nPS: ',
      '\n',
    ]);
    const subject = rng.weighted<string>([
      [main.subject, 2],
      [second.subject, 1],
      [rng.pick(['Spørgsmål', 'Et par spørgsmål', 'Henvendelse', 'Hjælp', 'To ting']), 1],
    ]);
    const draft: Draft = {
      ...main,
      subject,
      body: `${main.body}${connector}${second.body}`,
      attachments: [...(main.attachments ?? []), ...(second.attachments ?? [])],
    };
    return composeMail(c, draft, { label, ambiguous: true, ...shared(rng, when) });
  }
  const label = rng.weighted(sharesIn(when));
  if (kind === 'vague') {
    const c = new Ctx(rng, when);
    // "Se vedhæftede" is by far the most common of them.
    const draft = rng.weighted(vague.map((template, i) => [template, i === 0 ? 4 : 1] as const))(c);
    const hints = vagueHints[label];
    if (hints !== undefined && rng.chance(0.35)) {
      const hint = rng.pick(hints);
      draft.subject = draft.subject === '' ? hint : `${draft.subject} - ${hint}`;
    }
    return composeMail(c, draft, { label, ambiguous: false, ...shared(rng, when) });
  }
  const english = (templates[label] ?? []).filter(isEnglish);
  const pool = kind === 'english' && english.length > 0 ? english : danishTemplates(label);
  const c = new Ctx(rng, when, { expat: kind === 'english' });
  const draft = rng.pick(pool)(c);
  if (draft.english !== true && draft.sender === undefined && rng.chance(ASIDE_SHARE)) {
    const other = rng.pick(labels.filter((candidate) => candidate !== label));
    const aside = rng.pick(asides[other] ?? [])(c);
    draft.body = rng.chance(0.5) ? `${aside} ${draft.body}` : `${draft.body}\n${aside}`;
  }
  return composeMail(c, draft, { label, ambiguous: false, ...shared(rng, when) });
}

/** Remembers recent mails so the generator never repeats one (subject + body), within a bounded window. */
class Seen {
  private readonly keys = new Set<string>();
  private readonly order: string[] = [];

  constructor(private readonly capacity: number) {}

  /** Adds the mail; false if it was already there. */
  add(mail: DemoMail): boolean {
    const key = `${mail.subject}\u0000${mail.body}`;
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    this.order.push(key);
    if (this.order.length > this.capacity) {
      const oldest = this.order.shift();
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    return true;
  }
}

function uniqueMail(rng: Rng, when: Date, seen: Seen): DemoMail {
  for (;;) {
    const mail = generateMail(rng.fork(), when);
    if (seen.add(mail)) return mail;
  }
}

/** A time of day as mail arrives at a municipality: mostly working hours and evenings, few at night. */
const hourWeights: readonly (readonly [number, number])[] = [
  [0, 1],
  [1, 0.5],
  [2, 0.3],
  [3, 0.2],
  [4, 0.3],
  [5, 0.8],
  [6, 3],
  [7, 6],
  [8, 10],
  [9, 11],
  [10, 11],
  [11, 10],
  [12, 9],
  [13, 10],
  [14, 9],
  [15, 8],
  [16, 6],
  [17, 5],
  [18, 5],
  [19, 6],
  [20, 7],
  [21, 6],
  [22, 4],
  [23, 2],
];

export interface DemoHistoryOptions {
  seed: number;
  count: number;
  /** The history covers the ~12 months before this date. Default: now (then dates, and with them the text, depend on the clock). */
  endDate?: Date;
}

/**
 * `count` historical mails received over the 12 months before `endDate`, sorted by date, each with its
 * true department. Deterministic for a seed and end date.
 */
export function demoHistory(options: DemoHistoryOptions): DemoMail[] {
  if (!Number.isInteger(options.count) || options.count < 0)
    throw new RangeError(`count must be a non-negative integer, got ${options.count}`);
  const end = (options.endDate ?? new Date()).getTime();
  const start = end - 365 * DAY;
  const startOfFirstDay = Math.floor(start / DAY) * DAY;
  const rng = new Rng(options.seed);
  const times: number[] = [];
  while (times.length < options.count) {
    const day = startOfFirstDay + rng.int(0, 366) * DAY;
    const weekday = new Date(day).getUTCDay();
    if ((weekday === 0 || weekday === 6) && !rng.chance(0.4)) continue;
    // Summer holidays and Christmas are quiet.
    if (!rng.chance(monthVolume[new Date(day).getUTCMonth()] ?? 1)) continue;
    const time = day + rng.weighted(hourWeights) * 3_600_000 + rng.int(0, 3599) * 1000;
    if (time < start || time >= end) continue;
    times.push(time);
  }
  times.sort((a, b) => a - b);
  const seen = new Seen(Number.POSITIVE_INFINITY);
  return times.map((time) => uniqueMail(rng, new Date(time), seen));
}

export interface DemoMailStreamOptions {
  seed: number;
  /** Time of the first mail. Default: now. */
  startDate?: Date;
  /** Mean gap between mails' receivedDateTime, in seconds (exponentially distributed). Default 4. */
  meanGapSeconds?: number;
}

/** An endless stream of new mails from the same distribution as the history, in date order. */
export function* demoMailStream(options: DemoMailStreamOptions): Generator<DemoMail, never, undefined> {
  const rng = new Rng(options.seed ^ 0x5eed);
  const meanGap = (options.meanGapSeconds ?? 4) * 1000;
  // Graph reports receivedDateTime in whole seconds.
  let time = Math.floor((options.startDate ?? new Date()).getTime() / 1000) * 1000;
  const seen = new Seen(50_000);
  for (;;) {
    yield uniqueMail(rng, new Date(time), seen);
    time += Math.max(1000, Math.round(rng.exponential(meanGap) / 1000) * 1000);
  }
}
