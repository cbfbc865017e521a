// PII masking for mail text: Danish CPR numbers, e-mail addresses, phone numbers, IBANs and Danish
// bank account numbers are replaced by fixed tokens. The tokens stay in the text on purpose: the
// featurizer turns them into features (a CPR number in a mail is a routing signal), while the
// numbers themselves never reach the training store.
//
// Every pattern is linear: candidates start only where a lookbehind says a token begins, all
// repetitions are bounded, and anything a regex cannot decide (a valid date, a checksum, a keyword
// nearby) is decided in code on the candidate. The passes run in a fixed order (IBAN, e-mail,
// account, CPR, phone) so that a later, looser pattern never sees the digits of an earlier, stricter
// one: the tokens contain no digits.

export type PiiKind = 'cpr' | 'email' | 'phone' | 'iban' | 'account';

export const PII_KINDS: readonly PiiKind[] = ['cpr', 'email', 'phone', 'iban', 'account'];

export const PII_TOKENS: Readonly<Record<PiiKind, string>> = {
  cpr: '[CPR]',
  email: '[EMAIL]',
  phone: '[PHONE]',
  iban: '[IBAN]',
  account: '[ACCOUNT]',
};

export interface PiiMaskResult {
  text: string;
  /** How many spans of each kind were replaced. */
  counts: Record<PiiKind, number>;
}

/** How far before a candidate keywords are looked for. */
const CONTEXT_CHARS = 40;

function contextBefore(text: string, offset: number): string {
  let start = Math.max(0, offset - CONTEXT_CHARS);
  // Do not start inside a word: "href" cut to "ref" would read as a keyword.
  while (start > 0 && start < offset && /[\p{L}\p{N}]/u.test(text[start - 1] ?? '')) start++;
  return text.slice(start, offset).toLowerCase();
}

/** Where the last match of `re` in `ctx` ends, or -1: the nearer keyword decides. */
function lastMatchEnd(ctx: string, re: RegExp): number {
  let end = -1;
  for (const m of ctx.matchAll(new RegExp(re.source, 'gu'))) end = (m.index ?? 0) + m[0].length;
  return end;
}

/** +1 when the positive keyword is nearer to the candidate, -1 when the negative one is, 0 for none. */
function nearerContext(ctx: string, positive: RegExp, negative: RegExp): -1 | 0 | 1 {
  const pos = lastMatchEnd(ctx, positive);
  const neg = lastMatchEnd(ctx, negative);
  if (pos < 0 && neg < 0) return 0;
  return pos >= neg ? 1 : -1;
}

// ---------------------------------------------------------------------------------------------
// CPR

/**
 * Full four-digit birth year from the two-digit year and the 7th digit (the first digit of the
 * serial number), by the CPR office's century table.
 */
function cprYear(yy: number, seventh: number): number {
  if (seventh <= 3) return 1900 + yy;
  if (seventh === 4 || seventh === 9) return yy <= 36 ? 2000 + yy : 1900 + yy;
  return yy <= 57 ? 2000 + yy : 1800 + yy;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when the ten digits start with a real calendar date under the century rule. */
export function isValidCprDate(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  const day = Number(digits.slice(0, 2));
  const month = Number(digits.slice(2, 4));
  const yy = Number(digits.slice(4, 6));
  const seventh = Number(digits[6]);
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(cprYear(yy, seventh), month);
}

/**
 * The classic modulus-11 check. Since 2007 the CPR office issues numbers that fail it, so it is only
 * a supporting signal here: it lets an unseparated ten-digit number be masked without a keyword, and
 * it never rejects a number.
 */
export function cprMod11(digits: string): boolean {
  const weights = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += Number(digits[i]) * (weights[i] ?? 0);
  return sum % 11 === 0;
}

const CPR_POSITIVE =
  /(?<!\p{L})(cpr|personn(?:umme)?r|person[\s.-]*nr|fødselsn(?:umme)?r|p-nr|civil registration|personal id)/u;
const CPR_NEGATIVE =
  /(?<!\p{L})(ordre|order|faktura|invoice|kunde|customer|sag|case|journal|j\.\s?nr|ref|tlf|telefon|mobil|phone|fax|konto|account|reg|cvr|ean|vare|item|ticket|tracking|pakke|forsendelse|sporing)/u;

const CPR_RE = /(?<![\p{N}_/+]|\p{N}[-–.,])(\d{6})([-– \u00A0]?)(\d{4})(?![\p{N}\p{L}]|[-–/.,]\p{N})/gu;

function maskCpr(text: string, counter: { n: number }): string {
  return text.replace(CPR_RE, (match: string, head: string, sep: string, tail: string, offset: number) => {
    const digits = head + tail;
    if (!isValidCprDate(digits)) return match;
    const context = nearerContext(contextBefore(text, offset), CPR_POSITIVE, CPR_NEGATIVE);
    let mask: boolean;
    if (context !== 0) mask = context > 0;
    else if (sep === '-' || sep === '–') mask = true;
    else mask = cprMod11(digits);
    if (!mask) return match;
    counter.n++;
    return PII_TOKENS.cpr;
  });
}

// ---------------------------------------------------------------------------------------------
// E-mail

/** An e-mail address: a local part of at most 64 characters, '@', a domain of up to 9 labels. */
export const EMAIL_PATTERN = String.raw`(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}][\p{L}\p{N}-]{0,62}(?:\.[\p{L}\p{N}-]{1,63}){1,8}`;
const EMAIL_AT = new RegExp(EMAIL_PATTERN, 'uy');
const LOCAL_PART_END = /[\p{L}\p{N}._%+-]+$/u;
/** 64 characters are at most 128 UTF-16 units. */
const MAX_LOCAL_PART_UNITS = 128;

/**
 * The matches of EMAIL_PATTERN in `text`, as a global search would find them, looked for only around
 * each '@': a match holds exactly one '@' and starts where the run of local-part characters before
 * it starts, so the expression is tried once per '@' instead of at every word of the text (it was
 * the costliest step of masking).
 */
export function emailMatches(text: string): { start: number; match: string }[] {
  const found: { start: number; match: string }[] = [];
  let searched = 0;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', Math.max(at + 1, searched))) {
    const run = LOCAL_PART_END.exec(text.slice(Math.max(searched, at - MAX_LOCAL_PART_UNITS), at));
    if (run === null) continue;
    EMAIL_AT.lastIndex = at - run[0].length;
    const match = EMAIL_AT.exec(text);
    if (match === null) continue;
    found.push({ start: match.index, match: match[0] });
    searched = match.index + match[0].length;
  }
  return found;
}

function maskEmail(text: string, counter: { n: number }): string {
  let out = '';
  let copied = 0;
  for (const { start, match } of emailMatches(text)) {
    out += text.slice(copied, start) + maskedEmail(match, counter);
    copied = start + match.length;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function maskedEmail(match: string, counter: { n: number }): string {
  const at = match.indexOf('@');
  const labels = match.slice(at + 1).split('.');
  // Drop trailing labels that cannot be a top-level domain ("jens@kk.dk.2024" keeps ".2024").
  while (labels.length > 1 && !/^\p{L}{2,24}$/u.test(labels[labels.length - 1] ?? '')) labels.pop();
  if (labels.length < 2) return match;
  const address = `${match.slice(0, at)}@${labels.join('.')}`;
  if (/^[.]|[.]$/.test(match.slice(0, at))) return match;
  counter.n++;
  return PII_TOKENS.email + match.slice(address.length);
}

// ---------------------------------------------------------------------------------------------
// IBAN

/** Lengths of IBANs per country (SWIFT IBAN registry), for the countries mail here is likely to name. */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AT: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24, FI: 18,
  FO: 18, FR: 27, GB: 22, GL: 18, GR: 27, HR: 21, HU: 28, IE: 22, IS: 26, IT: 27, LI: 21, LT: 20,
  LU: 20, LV: 21, MC: 27, MT: 31, NL: 18, NO: 15, PL: 28, PT: 25, RO: 24, SE: 24, SI: 19, SK: 24,
  SM: 27, TR: 26, UA: 29,
}; // prettier-ignore

export function ibanChecksumValid(iban: string): boolean {
  const compact = iban.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

// Groups of exactly four keep the split of an unspaced IBAN unique (no backtracking blow-up).
const IBAN_RE = /(?<![\p{N}])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?/gu;

function maskIban(text: string, counter: { n: number }): string {
  return text.replace(IBAN_RE, (match: string) => {
    // Candidate ends (in characters of `match`) after each alphanumeric character, longest first;
    // the regex is greedy and may have swallowed a following number.
    const ends: number[] = [];
    let alnum = 0;
    for (let i = 0; i < match.length; i++) {
      if (match[i] !== ' ') {
        alnum++;
        ends.push(i + 1);
      }
    }
    const expected = IBAN_LENGTHS[match.slice(0, 2)];
    for (let len = alnum; len >= 15; len--) {
      if (expected !== undefined && len !== expected) continue;
      const end = ends[len - 1] ?? 0;
      const next = match[end];
      if (next !== undefined && next !== ' ') continue; // would cut a group in half
      if (!ibanChecksumValid(match.slice(0, end))) continue;
      counter.n++;
      return PII_TOKENS.iban + match.slice(end);
    }
    return match;
  });
}

// ---------------------------------------------------------------------------------------------
// Danish bank accounts: registration number (4 digits) + account number (up to 10 digits)

const ACCOUNT_KEYWORD = String.raw`(?:(?:bank|nem|løn)?konto(?:nummer|nr)?|kontonr|kto(?:nr)?|account(?:\s+(?:no|number|nr))?)`;
const ACCOUNT_PAIR_RE = new RegExp(
  String.raw`(?<![\p{L}\p{N}\-–/.,])(\d{4})((?:[ \t]*[-–,/][ \t]*|[ \t]+)(?:${ACCOUNT_KEYWORD}\.?[ \t]*(?::[ \t]*)?)?)(\d{6,10})(?![\p{N}]|[-–/.,]\p{N})`,
  'giu',
);
const ACCOUNT_ALONE_RE = new RegExp(
  String.raw`(?<!\p{L})(${ACCOUNT_KEYWORD}\.?[ \t]*(?::[ \t]*)?)(\d{6,10})(?![\p{N}]|[-–/.,]\p{N})`,
  'giu',
);
// Every ACCOUNT_KEYWORD contains one of these (same flags, so the same case folding): testing them
// first keeps ACCOUNT_ALONE_RE, which tries its keywords at every position, off most texts.
const ACCOUNT_KEYWORD_HINT = /k(?:on)?to|account/iu;
const REG_BEFORE = /(?<!\p{L})reg(?:istrerings)?\.?[ \t]*-?(?:nr|nummer)?\.?[ \t]*:?[ \t]*$/u;
const BANK_CONTEXT =
  /(?<!\p{L})(konto|bank|reg\.?|registreringsn|overfør|indbetal|udbetal|nemkonto|account|sort code)/u;
const NOT_ACCOUNT_CONTEXT =
  /(?<!\p{L})(sag|sags|case|journal|j\.\s?nr|ordre|order|faktura|invoice|kunde|customer|ref|tlf|telefon|cvr|ean)/u;

function maskAccount(text: string, counter: { n: number }): string {
  const paired = text.replace(
    ACCOUNT_PAIR_RE,
    (match: string, _reg: string, middle: string, account: string, offset: number) => {
      const ctx = contextBefore(text, offset);
      const keywordBetween = /\p{L}/u.test(middle);
      const regBefore = REG_BEFORE.test(ctx);
      let mask: boolean;
      const context = nearerContext(ctx, BANK_CONTEXT, NOT_ACCOUNT_CONTEXT);
      if (keywordBetween || regBefore) mask = true;
      else if (context !== 0) mask = context > 0;
      // Without any context only the zero-padded ten-digit form is typical enough to mask; a
      // year and a serial (case number "2024-123456") stay.
      else {
        const sep = middle.trim() || ' ';
        mask = account.length === 10 && (sep === '-' || sep === '–' || sep === ' ');
      }
      if (!mask) return match;
      counter.n++;
      return PII_TOKENS.account;
    },
  );
  if (!ACCOUNT_KEYWORD_HINT.test(paired)) return paired;
  return paired.replace(ACCOUNT_ALONE_RE, (match: string, keyword: string) => {
    counter.n++;
    return keyword + PII_TOKENS.account;
  });
}

// ---------------------------------------------------------------------------------------------
// Phone numbers

const PHONE_CONTEXT =
  /(?<!\p{L})(tlf|telefon|mobil|mob|ring|sms|phone|tel|mobile|cell|call|fax|kontakt|contact|opkald|nummer på|nr\. på|nr på)/u;
const NOT_PHONE_CONTEXT =
  /(?<!\p{L})(kr|dkk|eur|beløb|amount|ordre|order|faktura|invoice|kunde|customer|sag|case|journal|ref|cvr|ean|konto|account|reg|pakke|sporing|tracking|nr\.?\s*:?\s*$)/u;

// International: "+45 12 34 56 78", "+4512345678", "0045 12345678", "(+45) 1234 5678", "+46 8 123 456 78",
// "+44 (0)20 7946 0958". Groups are separated by exactly one separator, so the split is unique.
const PHONE_INTL_RE =
  /(?<![\p{N}+])(?:\(\+\d{1,3}\)|\+\d{1,3}|0045)(?:[ \-.]?\(0\))?[ \-.]?(?:\(\d{1,4}\)[ \-.]?)?\d{1,12}(?:[ \-.]\d{1,5}){0,7}(?![\p{N}])/gu;
// Danish eight-digit numbers without a country code; subscriber numbers start with 2-9.
const PHONE_PAIRS_RE =
  /(?<![\p{L}\p{N}+/]|\p{N}[-–.,:])[2-9]\d([ -])\d{2}\1\d{2}\1\d{2}(?![\p{N}]|[-–/.,]\p{N})/gu;
const PHONE_FOURS_RE = /(?<![\p{L}\p{N}+/]|\p{N}[-–.,:])[2-9]\d{3}[ -]\d{4}(?![\p{N}]|[-–/.,]\p{N})/gu;
const PHONE_PLAIN_RE = /(?<![\p{L}\p{N}+/]|\p{N}[-–.,:])[2-9]\d{7}(?![\p{N}]|[-–/.,]\p{N})/gu;

function intlPhoneLength(match: string): number {
  // Keep the longest prefix of digit groups that is a plausible number, so that a date or an amount
  // written right after the number is not swallowed. +45 numbers have exactly eight national digits.
  let all = '';
  let best = 0;
  for (const m of match.matchAll(/\d+/g)) {
    all += m[0];
    const end = (m.index ?? 0) + m[0].length;
    const ok = all.startsWith('45') ? all.length === 10 : all.length >= 8 && all.length <= 15;
    if (ok) best = end;
  }
  return best;
}

function maskPhone(text: string, counter: { n: number }): string {
  let out = text.replace(PHONE_INTL_RE, (match: string) => {
    const len = intlPhoneLength(match);
    if (len === 0) return match;
    counter.n++;
    return PII_TOKENS.phone + match.slice(len);
  });
  out = out.replace(PHONE_PAIRS_RE, (match: string, _sep: string, offset: number, whole: string) => {
    // "12 34 56 78" is a phone number unless an amount or reference keyword is nearer.
    if (nearerContext(contextBefore(whole, offset), PHONE_CONTEXT, NOT_PHONE_CONTEXT) < 0) return match;
    counter.n++;
    return PII_TOKENS.phone;
  });
  const contextual = (match: string, offset: number, whole: string): string => {
    if (nearerContext(contextBefore(whole, offset), PHONE_CONTEXT, NOT_PHONE_CONTEXT) <= 0) return match;
    counter.n++;
    return PII_TOKENS.phone;
  };
  out = out.replace(PHONE_FOURS_RE, contextual);
  out = out.replace(PHONE_PLAIN_RE, contextual);
  return out;
}

// ---------------------------------------------------------------------------------------------

/**
 * Replaces personal data in `text` with `[CPR]`, `[EMAIL]`, `[PHONE]`, `[IBAN]` and `[ACCOUNT]`.
 * Pure and deterministic; `kinds` limits which kinds are masked (default: all).
 */
export function maskPii(text: string, kinds: readonly PiiKind[] = PII_KINDS): PiiMaskResult {
  const want = new Set(kinds);
  const counters: Record<PiiKind, { n: number }> = {
    cpr: { n: 0 },
    email: { n: 0 },
    phone: { n: 0 },
    iban: { n: 0 },
    account: { n: 0 },
  };
  let out = typeof text === 'string' ? text : '';
  if (want.has('iban')) out = maskIban(out, counters.iban);
  if (want.has('email')) out = maskEmail(out, counters.email);
  if (want.has('account')) out = maskAccount(out, counters.account);
  if (want.has('cpr')) out = maskCpr(out, counters.cpr);
  if (want.has('phone')) out = maskPhone(out, counters.phone);
  return {
    text: out,
    counts: {
      cpr: counters.cpr.n,
      email: counters.email.n,
      phone: counters.phone.n,
      iban: counters.iban.n,
      account: counters.account.n,
    },
  };
}
