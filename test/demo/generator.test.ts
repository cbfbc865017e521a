import { compile } from 'html-to-text';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  attachmentContentType,
  demoHistory,
  demoMailStream,
  demoMunicipality,
  departmentShares,
  toJsonlRow,
  type DemoMail,
} from '../../src/demo/index.js';

const DAY = 86_400_000;
const htmlToText = compile({ wordwrap: false });
const END = new Date('2026-11-01T00:00:00Z');
const HISTORY_SIZE = 2000;

let history: DemoMail[];

beforeAll(() => {
  history = demoHistory({ seed: 42, count: HISTORY_SIZE, endDate: END });
});

const take = (iterator: Iterator<DemoMail>, n: number): DemoMail[] =>
  Array.from({ length: n }, () => {
    const next = iterator.next();
    if (next.done === true) throw new Error('the stream ended');
    return next.value;
  });

const text = (mail: DemoMail): string => (mail.contentType === 'html' ? htmlToText(mail.body) : mail.body);

/** Checks that every non-void element is closed in order (a cheap well-formedness test). */
function unbalancedTag(html: string): string | undefined {
  const voidElements = new Set(['br', 'meta', 'img', 'hr', 'input', 'link']);
  const stack: string[] = [];
  for (const match of html.matchAll(/<(\/?)([a-zA-Z][\w:]*)[^>]*?(\/?)>/g)) {
    const [, closing, rawName = '', selfClosing] = match;
    const name = rawName.toLowerCase();
    if (voidElements.has(name) || selfClosing === '/') continue;
    if (closing === '/') {
      if (stack.pop() !== name) return name;
    } else stack.push(name);
  }
  return stack.length === 0 ? undefined : stack.join(',');
}

describe('demo municipality', () => {
  it('has eight departments with unique labels and addresses in its domain', () => {
    const m = demoMunicipality;
    expect(m.name).toBe('Fjordby Kommune');
    expect(m.mainMailbox).toBe(`post@${m.domain}`);
    expect(m.reviewFolder).toBe('Til manuel fordeling');
    expect(m.departments.map((d) => d.label)).toEqual([
      'byggesag',
      'borgerservice',
      'parkering',
      'affald',
      'skat',
      'beskaeftigelse',
      'dagtilbud',
      'aeldre',
    ]);
    for (const d of m.departments) {
      expect(d.address).toBe(`${d.label}@fjordby.dk`);
      expect(d.description.length).toBeGreaterThan(20);
    }
    expect(new Set(departmentShares.map(([label]) => label))).toEqual(
      new Set(m.departments.map((d) => d.label)),
    );
  });
});

describe('demoHistory', () => {
  it('is deterministic for a seed and end date, and differs between seeds', () => {
    const again = demoHistory({ seed: 42, count: 300, endDate: END });
    const first = demoHistory({ seed: 42, count: 300, endDate: END });
    expect(again).toEqual(first);
    const other = demoHistory({ seed: 43, count: 300, endDate: END });
    const same = other.filter((mail, i) => mail.body === first[i]?.body).length;
    expect(same).toBeLessThan(10);
  });

  it('spreads the mails over the 12 months before the end date, sorted by date', () => {
    const times = history.map((mail) => Date.parse(mail.receivedDateTime));
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0))).toBe(true);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(END.getTime() - 365 * DAY);
    expect(Math.min(...times)).toBeLessThan(END.getTime() - 355 * DAY);
    expect(Math.max(...times)).toBeLessThan(END.getTime());
    expect(Math.max(...times)).toBeGreaterThan(END.getTime() - 5 * DAY);
    const months = new Set(history.map((mail) => mail.receivedDateTime.slice(0, 7)));
    expect(months.size).toBeGreaterThanOrEqual(12);
    const weekend = history.filter((mail) =>
      [0, 6].includes(new Date(mail.receivedDateTime).getUTCDay()),
    ).length;
    expect(weekend / HISTORY_SIZE).toBeLessThan(2 / 7);
  });

  it('has every department with the intended imbalance', () => {
    const counts = new Map<string, number>();
    for (const mail of history) counts.set(mail.label, (counts.get(mail.label) ?? 0) + 1);
    const total = departmentShares.reduce((sum, [, weight]) => sum + weight, 0);
    for (const [label, weight] of departmentShares) {
      const share = (counts.get(label) ?? 0) / HISTORY_SIZE;
      expect(Math.abs(share - weight / total), label).toBeLessThan(0.03);
    }
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([label]) => label);
    expect(ranked.slice(0, 2).sort()).toEqual(['borgerservice', 'byggesag']);
    expect(ranked.at(-1)).toBe('dagtilbud');
  });

  it('follows the seasons: garden waste in summer, property tax at the instalments, a quiet July', () => {
    const share = (label: string, months: number[]): number => {
      const inMonths = history.filter((mail) =>
        months.includes(new Date(mail.receivedDateTime).getUTCMonth()),
      );
      return inMonths.filter((mail) => mail.label === label).length / inMonths.length;
    };
    expect(share('affald', [3, 4, 5, 6, 7, 8])).toBeGreaterThan(share('affald', [10, 11, 0, 1]));
    expect(share('skat', [0, 6])).toBeGreaterThan(share('skat', [3, 4, 9, 10]));
    const perMonth = Array.from(
      { length: 12 },
      (_, month) => history.filter((mail) => new Date(mail.receivedDateTime).getUTCMonth() === month).length,
    );
    const july = perMonth[6] ?? 0;
    expect(july).toBeLessThan(
      Math.min(...perMonth.filter((_, month) => month !== 6 && month !== 11 && month !== 10)),
    );
  });

  it('flags 4-10 % of the mails as ambiguous', () => {
    const share = history.filter((mail) => mail.ambiguous).length / HISTORY_SIZE;
    expect(share).toBeGreaterThanOrEqual(0.04);
    expect(share).toBeLessThanOrEqual(0.1);
  });

  it('never repeats a mail', () => {
    const keys = new Set(history.map((mail) => `${mail.subject}\u0000${mail.body}`));
    expect(keys.size).toBe(HISTORY_SIZE);
  });

  it('writes Danish with æøå, and some mails without them', () => {
    const withDanish = history.filter((mail) => /[æøåÆØÅ]/.test(mail.subject + mail.body)).length;
    const transliterated = history.filter(
      (mail) => !/[æøåÆØÅ]/.test(mail.body) && /\b\w*(aa|oe|ae)\w*\b/.test(mail.body),
    ).length;
    expect(withDanish / HISTORY_SIZE).toBeGreaterThan(0.6);
    expect(transliterated).toBeGreaterThan(20);
    expect(history.some((mail) => /\b(Hello|Dear|Kind regards|Best regards)\b/.test(mail.body))).toBe(true);
  });

  it('has quoted replies, forwards, phone signatures and very short mails', () => {
    const bodies = history.map(text);
    expect(
      bodies.filter((b) => b.includes('skrev Fjordby Kommune <post@fjordby.dk>:')).length,
    ).toBeGreaterThan(100);
    expect(history.filter((m) => /^(SV|Sv|Re|RE): /.test(m.subject)).length).toBeGreaterThan(100);
    expect(
      bodies.filter((b) => b.includes('---------- Videresendt meddelelse ---------')).length,
    ).toBeGreaterThan(10);
    expect(bodies.filter((b) => b.includes('Sendt fra min iPhone')).length).toBeGreaterThan(20);
    expect(bodies.filter((b) => b.length < 40).length).toBeGreaterThan(5);
    expect(bodies.filter((b) => b.length > 600).length).toBeGreaterThan(20);
  });

  it('sends HTML that parses as HTML, and plain text without markup', () => {
    const html = history.filter((mail) => mail.contentType === 'html');
    expect(html.length / HISTORY_SIZE).toBeGreaterThan(0.08);
    for (const mail of html) {
      expect(mail.body).toMatch(/<(p|div|br)\b/);
      expect(unbalancedTag(mail.body), mail.body).toBeUndefined();
      const plain = htmlToText(mail.body);
      expect(plain.trim().length).toBeGreaterThan(5);
      expect(plain).not.toMatch(/<\/?(p|div|br|span|html|body)\b/);
    }
    for (const mail of history.filter((m) => m.contentType === 'text'))
      expect(mail.body).not.toMatch(/<(p|div|br)\b/);
  });

  it('attaches files of sane types and sizes, drawings only for building cases', () => {
    const withAttachments = history.filter((mail) => (mail.attachments ?? []).length > 0);
    expect(withAttachments.length / HISTORY_SIZE).toBeGreaterThan(0.05);
    const kinds = new Set<string>();
    for (const mail of withAttachments) {
      for (const attachment of mail.attachments ?? []) {
        const extension = /\.([a-zA-Z]+)$/.exec(attachment.name)?.[1]?.toLowerCase();
        expect(extension, attachment.name).toBeDefined();
        kinds.add(extension ?? '');
        expect(attachment.contentType).toBe(attachmentContentType(attachment.name));
        expect(attachment.contentType).not.toBe('application/octet-stream');
        expect(attachment.size).toBeGreaterThan(1000);
        expect(attachment.size).toBeLessThan(10_000_000);
        if (extension === 'dwg') expect(mail.label === 'byggesag' || mail.ambiguous).toBe(true);
      }
    }
    for (const kind of ['pdf', 'jpg', 'dwg', 'docx']) expect(kinds).toContain(kind);
  });

  it('writes only date-valid CPR numbers', () => {
    let found = 0;
    for (const mail of history) {
      for (const [, dd, mm, yy] of text(mail).matchAll(/\b(\d{2})(\d{2})(\d{2})-\d{4}\b/g)) {
        found += 1;
        const day = Number(dd);
        const month = Number(mm);
        const date = new Date(Date.UTC(2000 + Number(yy), month - 1, day));
        expect(date.getUTCMonth() + 1, `${dd}${mm}${yy}`).toBe(month);
        expect(date.getUTCDate(), `${dd}${mm}${yy}`).toBe(day);
      }
    }
    expect(found).toBeGreaterThan(30);
  });

  it('comes from varied citizens and firms to the main mailbox', () => {
    const domains = new Map<string, number>();
    for (const mail of history) {
      const match = /^(.+) <([^@\s<>]+)@([a-z0-9.-]+\.[a-z]+)>$/.exec(mail.from);
      expect(match, mail.from).not.toBeNull();
      const domain = match?.[3] ?? '';
      domains.set(domain, (domains.get(domain) ?? 0) + 1);
      expect(mail.to).toEqual([demoMunicipality.mainMailbox]);
    }
    for (const freemail of ['gmail.com', 'hotmail.dk', 'outlook.dk', 'live.dk', 'yahoo.dk']) {
      expect(domains.get(freemail) ?? 0, freemail).toBeGreaterThan(0);
    }
    const firms = [...domains.keys()].filter(
      (d) => d.endsWith('.dk') && !/^(hotmail|outlook|live|yahoo|mail|jubii)\.dk$/.test(d),
    );
    expect(firms.length).toBeGreaterThan(8);
  });

  it('converts to the shared JSONL row format', () => {
    const mail = history[0];
    if (mail === undefined) throw new Error('empty history');
    expect(toJsonlRow(mail, 'demo-1')).toEqual({
      id: 'demo-1',
      subject: mail.subject,
      body: mail.body,
      from: mail.from,
      to: mail.to,
      date: mail.receivedDateTime,
      label: mail.label,
    });
  });
});

describe('demoMailStream', () => {
  const start = new Date('2026-11-23T09:00:00Z');

  it('is deterministic for a seed and start date, and differs between seeds', () => {
    const a = take(demoMailStream({ seed: 5, startDate: start }), 100);
    expect(take(demoMailStream({ seed: 5, startDate: start }), 100)).toEqual(a);
    const b = take(demoMailStream({ seed: 6, startDate: start }), 100);
    expect(b.filter((mail, i) => mail.body === a[i]?.body).length).toBeLessThan(5);
  });

  it('delivers new mails a few seconds apart, from the start date on', () => {
    const mails = take(demoMailStream({ seed: 9, startDate: start, meanGapSeconds: 5 }), 1000);
    const times = mails.map((mail) => Date.parse(mail.receivedDateTime));
    expect(times[0]).toBe(start.getTime());
    expect(times.every((t, i) => i === 0 || t > (times[i - 1] ?? 0))).toBe(true);
    const meanGap = ((times.at(-1) ?? 0) - start.getTime()) / 999 / 1000;
    expect(meanGap).toBeGreaterThan(4);
    expect(meanGap).toBeLessThan(6);
  });

  it('keeps the history distribution: all departments, some ambiguous', () => {
    const mails = take(demoMailStream({ seed: 11, startDate: start }), 1000);
    expect(new Set(mails.map((mail) => mail.label)).size).toBe(8);
    const ambiguous = mails.filter((mail) => mail.ambiguous).length;
    expect(ambiguous).toBeGreaterThan(30);
    expect(ambiguous).toBeLessThan(110);
    expect(new Set(mails.map((mail) => `${mail.subject}\u0000${mail.body}`)).size).toBe(1000);
  });
});
