import { ejerlav, firmsOf, makePerson, phoneNumber, type Firm, type Person } from './people.js';
import type { Rng } from './random.js';

export type AttachmentKind = 'pdf' | 'jpg' | 'png' | 'dwg' | 'docx' | 'xlsx' | 'heic';

/** What a template writes: the heart of the mail. Greeting, sign-off and noise are added around it. */
export interface Draft {
  subject: string;
  body: string;
  /** Attachment file names; the content type follows from the extension. */
  attachments?: string[];
  /** Sender other than the citizen (a firm, a relative). */
  sender?: { name: string; email: string; signature?: string };
  /** The body is complete as written: no greeting or sign-off is added. */
  bare?: boolean;
  /** Written in English (an expat): Danish noise is not applied. */
  english?: boolean;
}

export type Template = (c: Ctx) => Draft;

const months = [
  'januar',
  'februar',
  'marts',
  'april',
  'maj',
  'juni',
  'juli',
  'august',
  'september',
  'oktober',
  'november',
  'december',
] as const;
const monthsShort = [
  'jan.',
  'feb.',
  'mar.',
  'apr.',
  'maj',
  'jun.',
  'jul.',
  'aug.',
  'sep.',
  'okt.',
  'nov.',
  'dec.',
] as const;
const weekdays = ['søndag', 'mandag', 'tirsdag', 'onsdag', 'torsdag', 'fredag', 'lørdag'] as const;
const englishMonths = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Danish thousands separator and decimal comma: 1250 -> "1.250,00". */
export function danishAmount(value: number, decimals = 2): string {
  const [whole = '0', fraction] = value.toFixed(decimals).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return fraction === undefined ? grouped : `${grouped},${fraction}`;
}

/** Slots for templates: everything random a mail mentions, derived from one seeded generator. */
export class Ctx {
  readonly person: Person;

  constructor(
    readonly rng: Rng,
    /** When the mail is received. */
    readonly now: Date,
    options: { expat?: boolean } = {},
  ) {
    this.person = makePerson(rng, options);
  }

  pick<T>(items: readonly T[]): T {
    return this.rng.pick(items);
  }

  chance(probability: number): boolean {
    return this.rng.chance(probability);
  }

  int(min: number, max: number): number {
    return this.rng.int(min, max);
  }

  /** `text` with the given probability, else ''. */
  maybe(probability: number, text: string | (() => string)): string {
    if (!this.rng.chance(probability)) return '';
    return typeof text === 'string' ? text : text();
  }

  /** A fictional CPR number whose first six digits are a real date (ddmmyy-xxxx). */
  cpr(born: Date = this.person.born): string {
    const day = pad(born.getUTCDate());
    const month = pad(born.getUTCMonth() + 1);
    const year = pad(born.getUTCFullYear() % 100);
    return `${day}${month}${year}-${pad(this.int(0, 9999), 4)}`;
  }

  plate(): string {
    const letters = 'ABCDEFHJKLMNPRSTUVXYZ';
    const letter = (): string => letters.charAt(this.int(0, letters.length - 1));
    const plate = `${letter()}${letter()} ${this.int(10, 99)} ${this.int(100, 999)}`;
    return this.chance(0.25) ? plate.replace(/ /g, '') : plate;
  }

  matrikel(): string {
    const number = `${this.int(1, 48)}${this.chance(0.7) ? this.pick(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'k', 'ab', 'bc', 'ø']) : ''}`;
    return this.pick([
      `matr.nr. ${number} ${this.pick(ejerlav)}`,
      `matr. nr. ${number}`,
      `matrikel ${number} ${this.pick(ejerlav)}`,
      `matr.nr ${number}`,
    ]);
  }

  caseNo(): string {
    const year = this.now.getUTCFullYear() - (this.chance(0.3) ? 1 : 0);
    return `${year}-${pad(this.int(1000, 999999), 6)}`;
  }

  phone(): string {
    return phoneNumber(this.rng);
  }

  /** An amount of kroner in one of the ways people write it. */
  amount(min: number, max: number, round = 1): string {
    const value =
      Math.round(this.int(min, max) / round) * round +
      (round === 1 && this.chance(0.3) ? this.int(1, 99) / 100 : 0);
    return this.rng.weighted<string>([
      [`${danishAmount(value)} kr.`, 4],
      [`kr. ${danishAmount(value)}`, 1],
      [`${danishAmount(value, 0)} kr`, 2],
      [`${Math.round(value)},-`, 1],
    ]);
  }

  /** A date `days` from the mail's date, written as Danes do. */
  date(minDays: number, maxDays: number): string {
    const d = new Date(this.now.getTime() + this.int(minDays, maxDays) * 86_400_000);
    const day = d.getUTCDate();
    const month = d.getUTCMonth();
    return this.rng.weighted<string>([
      [`${day}. ${months[month] ?? ''}`, 4],
      [`den ${day}/${month + 1}`, 2],
      [`${pad(day)}.${pad(month + 1)}.${d.getUTCFullYear()}`, 2],
      [`${weekdays[d.getUTCDay()] ?? ''} d. ${day}.`, 1],
      [`${day}. ${monthsShort[month] ?? ''}`, 1],
    ]);
  }

  englishDate(minDays: number, maxDays: number): string {
    const d = new Date(this.now.getTime() + this.int(minDays, maxDays) * 86_400_000);
    return `${d.getUTCDate()} ${englishMonths[d.getUTCMonth()] ?? ''}`;
  }

  /** "12. nov. 2026 kl. 10.14", as Outlook and Gmail in Danish write a quote header. */
  quoteStamp(daysBack: number): string {
    const d = new Date(this.now.getTime() - daysBack * 86_400_000);
    return `${d.getUTCDate()}. ${monthsShort[d.getUTCMonth()] ?? ''} ${d.getUTCFullYear()} kl. ${pad(this.int(8, 15))}.${pad(this.int(0, 59))}`;
  }

  child(): { first: string; born: Date; cpr: string; age: string } {
    const other = makePerson(this.rng, { minAge: 0, maxAge: 5 });
    const born = new Date(this.now.getTime() - this.int(120, 1900) * 86_400_000);
    const months = Math.floor((this.now.getTime() - born.getTime()) / (30.4 * 86_400_000));
    const age = months < 24 ? `${months} mdr.` : `${Math.floor(months / 12)} år`;
    return { first: other.first, born, cpr: this.cpr(born), age };
  }

  /** An elderly relative (a parent) of the sender. */
  elder(): { name: string; born: Date; cpr: string; address: string } {
    const other = makePerson(this.rng, { minAge: 72, maxAge: 97 });
    return { name: other.name, born: other.born, cpr: this.cpr(other.born), address: other.address };
  }

  firm(kind: Firm['kind']): Firm {
    return this.pick(firmsOf(kind));
  }

  /** A firm employee as sender, with the firm signature. */
  firmSender(kind: Firm['kind']): { firm: Firm; sender: NonNullable<Draft['sender']> } {
    const firm = this.firm(kind);
    const employee = makePerson(this.rng);
    const local = this.chance(0.5)
      ? employee.first.toLowerCase().replace(/[^a-z]/g, '') || 'kontakt'
      : this.pick(['info', 'kontakt', 'post', 'mail']);
    return {
      firm,
      sender: {
        name: this.chance(0.6) ? employee.name : firm.name,
        email: `${local}@${firm.domain}`,
        signature: `${employee.name}\n${firm.name}\nTlf. ${this.phone()}${this.chance(0.6) ? `\nCVR ${this.int(10000000, 49999999)}` : ''}\nwww.${firm.domain}`,
      },
    };
  }

  /** "2 m" or "2,5 meter" style measures. */
  metres(min: number, max: number): string {
    const value = this.int(min * 10, max * 10) / 10;
    return `${String(value).replace('.', ',')} ${this.pick(['m', 'meter', 'm'])}`;
  }

  squareMetres(min: number, max: number): string {
    return `${this.int(min, max)} ${this.pick(['m2', 'm²', 'kvm', 'kvadratmeter'])}`;
  }

  year(offset = 0): number {
    return this.now.getUTCFullYear() + offset;
  }

  month(offset = 0): string {
    const index = (((this.now.getUTCMonth() + offset) % 12) + 12) % 12;
    return months[index] ?? 'januar';
  }
}
