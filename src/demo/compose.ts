import type { Ctx, Draft } from './context.js';
import { demoMunicipality } from './municipality.js';
import { asciiDanish } from './people.js';
import { departmentSignature, municipalAnswers } from './templates/answers.js';

export interface DemoAttachment {
  name: string;
  contentType: string;
  size: number;
}

export interface DemoMail {
  subject: string;
  body: string;
  contentType: 'text' | 'html';
  /** "Name <address>" of a citizen or business. */
  from: string;
  to: string[];
  receivedDateTime: string;
  attachments?: DemoAttachment[];
  /** The department that truly owns the mail (ground truth). */
  label: string;
  /** True for mails a human would also hesitate on. */
  ambiguous: boolean;
}

const attachmentTypes: Record<string, { contentType: string; min: number; max: number }> = {
  pdf: { contentType: 'application/pdf', min: 30_000, max: 3_500_000 },
  jpg: { contentType: 'image/jpeg', min: 150_000, max: 4_800_000 },
  png: { contentType: 'image/png', min: 60_000, max: 2_000_000 },
  heic: { contentType: 'image/heic', min: 900_000, max: 3_000_000 },
  dwg: { contentType: 'image/vnd.dwg', min: 120_000, max: 6_000_000 },
  docx: {
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    min: 15_000,
    max: 400_000,
  },
  xlsx: {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    min: 10_000,
    max: 300_000,
  },
};

/** Content type by file extension, as a mail client would set it. */
export function attachmentContentType(name: string): string {
  const extension = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return attachmentTypes[extension]?.contentType ?? 'application/octet-stream';
}

function attachment(c: Ctx, name: string): DemoAttachment {
  const extension = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  const type = attachmentTypes[extension];
  return {
    name,
    contentType: type?.contentType ?? 'application/octet-stream',
    size: type ? c.int(type.min, type.max) : c.int(10_000, 100_000),
  };
}

const greetingsFormal = [
  'Til Fjordby Kommune',
  'Kære Fjordby Kommune',
  'Goddag',
  'Til rette vedkommende',
  'Kære sagsbehandler',
];
const greetingsInformal = [
  'Hej',
  'Hej.',
  'Hejsa',
  'Hej med jer',
  'Hallo',
  'Godmorgen',
  'Hej Fjordby Kommune',
];
const greetingsEnglish = [
  'Hello,',
  'Hi,',
  'Dear Sir or Madam,',
  'Good morning,',
  'Dear Fjordby Municipality,',
];

const departmentGreetings: Record<string, readonly string[]> = {
  byggesag: ['Til Byggesagsafdelingen', 'Kære Byggesag', 'Att. Teknik og Miljø', 'Til byggesagsbehandleren'],
  borgerservice: ['Kære Borgerservice', 'Hej Borgerservice', 'Til Borgerservice'],
  parkering: ['Til Parkeringsafdelingen', 'Att. Parkering', 'Hej Parkering'],
  affald: ['Til Affald og Genbrug', 'Hej Genbrug', 'Kære Renovationen'],
  skat: ['Til Opkrævningen', 'Att. Skatteafdelingen', 'Kære Opkrævning'],
  beskaeftigelse: ['Til Jobcentret', 'Kære Jobcenter', 'Hej Jobcenter Fjordby'],
  dagtilbud: ['Til Pladsanvisningen', 'Kære Pladsanvisning', 'Hej Dagtilbud'],
  aeldre: ['Til Visitationen', 'Kære Ældre og Sundhed', 'Til Hjemmeplejen'],
};

/**
 * Citizens often greet the department they think handles their matter, and are often wrong
 * (Borgerservice is everybody's first guess).
 */
function departmentGreeting(c: Ctx, label: string): string {
  const guess = c.chance(0.55)
    ? label
    : c.chance(0.5)
      ? 'borgerservice'
      : c.pick(Object.keys(departmentGreetings));
  return c.pick(departmentGreetings[guess] ?? greetingsFormal);
}

const rambles = [
  'Jeg har prøvet at ringe flere gange, men kommer ikke igennem, og ventetiden i telefonen er over en halv time.',
  'Det er virkelig frustrerende, for jeg har brugt hele formiddagen på jeres hjemmeside uden at finde svar.',
  'Jeg har også skrevet til jer tidligere, men har ikke fået noget svar, så nu prøver jeg igen.',
  'Undskyld hvis jeg skriver til den forkerte afdeling, jeg ved ikke helt hvem der tager sig af det.',
  'Min nabo sagde at jeg bare skulle skrive her, så det gør jeg.',
  'Jeg er ikke så god til computere, så min datter hjælper mig med at skrive.',
  'Vi har haft en svær tid med sygdom i familien, så vi har ikke fået gjort noget ved det før nu.',
  'Jeg arbejder i dagtimerne og kan derfor ikke komme forbi rådhuset i jeres åbningstid.',
  'Jeg håber virkelig I kan hjælpe, for jeg ved ikke hvad jeg ellers skal gøre.',
];

const commonMisspellings: readonly (readonly [RegExp, string])[] = [
  [/\bdesværre\b/g, 'desvære'],
  [/\btilladelse\b/g, 'tiladelse'],
  [/\bhilsen\b/g, 'hilsn'],
  [/\bmodtaget\b/g, 'modtagt'],
  [/\bikke\b/g, 'ik'],
  [/\bnoget\b/g, 'noe'],
  [/\bvenlig\b/g, 'venlige'],
  [/\bhar\b/g, 'ha'],
  [/\bjeg\b/g, 'jg'],
  [/\bangående\b/g, 'angåede'],
];

/** Words people commonly get wrong. */
function misspell(c: Ctx, text: string): string {
  let result = text;
  for (const [pattern, replacement] of commonMisspellings)
    if (c.chance(0.3)) result = result.replace(pattern, replacement);
  return result;
}

/** Typing errors: swapped, dropped or doubled letters in a few words. */
function typos(c: Ctx, text: string, rate: number): string {
  return text.replace(/\p{L}{5,}/gu, (word) => {
    if (!c.chance(rate)) return word;
    const i = c.int(1, word.length - 2);
    switch (c.int(0, 2)) {
      case 0:
        return word.slice(0, i) + word.charAt(i + 1) + word.charAt(i) + word.slice(i + 2);
      case 1:
        return word.slice(0, i) + word.slice(i + 1);
      default:
        return word.slice(0, i) + word.charAt(i) + word.slice(i);
    }
  });
}

function signOff(c: Ctx, name: string, first: string, formal: boolean, english: boolean): string {
  if (english)
    return `${c.pick(['Kind regards', 'Best regards', 'Thanks', 'Best'])},\n${c.pick([name, first])}`;
  if (formal) return `${c.pick(['Med venlig hilsen', 'Venlig hilsen', 'Med venlig hilsen', 'Vh.'])}\n${name}`;
  return c.pick([
    `Mvh ${first}`,
    `Mvh\n${name}`,
    `Hilsen ${first}`,
    `Venlig hilsen\n${name}`,
    `mvh ${first.toLowerCase()}`,
    first,
    '',
  ]);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A plain-text body as Outlook, Gmail or a phone would put it in HTML. */
function toHtml(c: Ctx, text: string): string {
  const [own = '', ...quotedParts] = text.split(/\n(?=Den .+ skrev |On .+ wrote:|-{5,} Videresendt)/);
  const quoted = quotedParts.join('\n');
  const lines = own.replace(/\n+$/, '').split('\n');
  const style = c.int(0, 2);
  if (style === 0) {
    const paragraphs = lines
      .map((line) =>
        line.trim() === ''
          ? '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
          : `<p class="MsoNormal">${escapeHtml(line)}<o:p></o:p></p>`,
      )
      .join('\n');
    const quote =
      quoted === ''
        ? ''
        : `\n<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">\n${quoted
            .split('\n')
            .map((line) => `<p class="MsoNormal">${escapeHtml(line.replace(/^> ?/, ''))}</p>`)
            .join('\n')}\n</div>`;
    return `<html xmlns:o="urn:schemas-microsoft-com:office:office">\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n<style>p.MsoNormal{margin:0cm;font-size:11.0pt;font-family:"Calibri",sans-serif;}</style>\n</head>\n<body lang="DA" link="#0563C1">\n<div class="WordSection1">\n${paragraphs}${quote}\n</div>\n</body>\n</html>`;
  }
  if (style === 1) {
    const quote =
      quoted === ''
        ? ''
        : `<br><div class="gmail_quote"><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">${quoted
            .split('\n')
            .map((line) => escapeHtml(line.replace(/^> ?/, '')))
            .join('<br>')}</blockquote></div>`;
    return `<div dir="ltr">${lines.map(escapeHtml).join('<br>')}</div>${quote}`;
  }
  const quote =
    quoted === ''
      ? ''
      : `<div><br></div><blockquote type="cite">${quoted
          .split('\n')
          .map((line) => `<div>${escapeHtml(line.replace(/^> ?/, ''))}</div>`)
          .join('')}</blockquote>`;
  return `<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head><body dir="auto">${lines
    .map((line) => (line.trim() === '' ? '<div><br></div>' : `<div>${escapeHtml(line)}</div>`))
    .join('')}${quote}</body></html>`;
}

export interface ComposeOptions {
  label: string;
  ambiguous: boolean;
  /** Labels of all departments, for quoting an answer from another one. */
  labels: readonly string[];
  /** A subject a citizen would have used for a matter of the given department (for old threads). */
  subjectOf: (label: string) => string;
}

/** Wraps a template's draft in what real mail has around it: greetings, sign-offs, noise, quotes, HTML. */
export function composeMail(c: Ctx, draft: Draft, options: ComposeOptions): DemoMail {
  const person = c.person;
  const english = draft.english === true;
  const firm = draft.sender !== undefined;
  const senderName = draft.sender?.name ?? person.name;
  const senderEmail = draft.sender?.email ?? person.email;
  const formal = firm || c.chance(0.45);

  const parts: string[] = [];
  let subject = draft.subject;
  // Dates written "12. jan." at the end of a sentence would otherwise end in "..".
  let core = draft.body
    .replace(/ +\n/g, '\n')
    .replace(/ +$/g, '')
    .replace(/\.\.(?=\s|$)/g, '.');
  if (!english && !firm && c.chance(0.08)) core = `${c.pick(rambles)} ${core} ${c.pick(rambles)}`;
  if (!english && c.chance(0.06) && !firm) core = `${core}\n${c.pick(rambles)}`;

  // Typing errors in what the citizen wrote, not in names and addresses the mail client fills in.
  const sloppy = !english && !firm && c.chance(0.2);
  if (sloppy) core = typos(c, core, 0.06);

  if (draft.bare === true) {
    parts.push(core);
  } else {
    const greeting = english
      ? c.pick(greetingsEnglish)
      : !firm && c.chance(0.12)
        ? departmentGreeting(c, options.label)
        : formal
          ? c.pick(greetingsFormal)
          : c.pick([...greetingsInformal, '']);
    if (greeting !== '')
      parts.push(c.chance(0.5) || english ? `${greeting}${/[.,!]$/.test(greeting) ? '' : ','}\n` : greeting);
    parts.push(core);
    if (!firm && !english && c.chance(0.06)) parts.push(`Mit cpr-nr. er ${c.cpr()}.`);
    if (!firm && c.chance(0.12))
      parts.push(
        english
          ? `My phone number is ${person.phone}.`
          : `${c.pick(['I kan ringe på', 'Mit telefonnummer er', 'Tlf.'])} ${person.phone}`,
      );
    if (!english && c.chance(formal ? 0.85 : 0.5) && !firm)
      parts.push(
        c.pick([
          'På forhånd tak.',
          'Tak på forhånd',
          'Jeg ser frem til at høre fra jer.',
          'Håber I kan hjælpe.',
          'Tak',
        ]),
      );
    const close = firm
      ? `${c.pick(['Med venlig hilsen', 'Venlig hilsen'])}\n\n${draft.sender?.signature ?? senderName}`
      : signOff(c, senderName, person.first, formal, english);
    if (close !== '') parts.push(`\n${close}`);
    if (!firm && c.chance(0.08)) parts.push(`\n${person.address}`);
  }
  let body = parts.join('\n');

  // Noise on what the citizen typed; firms and expats write cleanly enough.
  if (!firm && !english) {
    if (c.chance(0.12)) {
      body = asciiDanish(body);
      subject = asciiDanish(subject);
    }
    if (c.chance(0.05)) {
      body = body.toLowerCase();
      subject = subject.toLowerCase();
    }
    if (sloppy) body = misspell(c, body);
  }

  if (!firm && c.chance(0.13))
    body += `\n\n${c.pick(['Sendt fra min iPhone', 'Sendt fra min iPhone', 'Sendt fra min Samsung Galaxy-smartphone.', 'Hent Outlook til Android', 'Sendt fra Mail til Windows'])}`;

  // A reply in an earlier thread, quoting the municipality's answer (sometimes from another department).
  if (c.chance(0.12)) {
    // Only citizens reuse an old thread about something else; firms keep one thread per matter.
    const department = !firm && c.chance(0.45) ? c.pick(options.labels) : options.label;
    const answer = c.pick(municipalAnswers[department] ?? [])(c);
    const signature = departmentSignature[department] ?? '';
    const quote = `${c.pick(['Hej', `Kære ${firm ? (senderName.split(' ')[0] ?? '') : person.first}`, 'Goddag'])}\n\n${answer}\n\nMed venlig hilsen\n\n${signature}\n${demoMunicipality.name}`;
    const header = english
      ? `On ${c.quoteStamp(c.int(2, 40))}, ${demoMunicipality.name} <${demoMunicipality.mainMailbox}> wrote:`
      : `Den ${c.quoteStamp(c.int(2, 40))} skrev ${demoMunicipality.name} <${demoMunicipality.mainMailbox}>:`;
    body += `\n\n${header}\n${quote
      .split('\n')
      .map((line) => (line === '' ? '>' : `> ${line}`))
      .join('\n')}`;
    // Replying to an old thread keeps that thread's subject more often than not.
    const threadSubject =
      department !== options.label && c.chance(0.7)
        ? options.subjectOf(department)
        : subject === ''
          ? c.pick(['Din henvendelse', 'Svar fra Fjordby Kommune'])
          : subject;
    subject = `${c.pick(['SV: ', 'Sv: ', 'Re: ', 'RE: '])}${threadSubject}`;
  } else if (!english && !firm && c.chance(0.04)) {
    // A forwarded letter from the municipality, with a short question on top.
    // The forwarded mail is the municipality's answer to an earlier mail on the same matter.
    const answer = c.pick(municipalAnswers[options.label] ?? [])(c);
    const forwarded = `SV: ${subject === '' ? 'Din henvendelse' : subject}`;
    body = `${c.pick(['Hvad betyder det her?', 'Se nedenfor.', 'Jeg forstår ikke helt det her svar, kan I forklare?', 'Videresender lige, se nedenstående'])}\n\n${body}\n\n---------- Videresendt meddelelse ---------\nFra: ${demoMunicipality.name} <noreply@${demoMunicipality.domain}>\nDato: ${c.quoteStamp(c.int(3, 60))}\nEmne: ${forwarded}\nTil: <${senderEmail}>\n\n${answer}\n\n${departmentSignature[options.label] ?? ''}`;
    subject = `${c.pick(['VS: ', 'Fwd: ', 'Fw: '])}${forwarded}`;
  }

  body = body.replace(/\.\.(?=\s|$)/gm, '.');
  if (c.chance(0.02)) subject = '';

  const names = [...(draft.attachments ?? [])];
  if (names.length === 0 && c.chance(0.05))
    names.push(
      c.pick([
        'dokumentation.pdf',
        'brev.pdf',
        `IMG_${String(c.int(1000, 9999))}.HEIC`,
        'billede.jpg',
        'ansoegning.docx',
      ]),
    );
  const attachments = names.map((name) => attachment(c, name));

  const html = c.chance(english ? 0.3 : firm ? 0.55 : 0.14);
  return {
    subject,
    body: html ? toHtml(c, body) : body,
    contentType: html ? 'html' : 'text',
    from: `${senderName} <${senderEmail}>`,
    to: [demoMunicipality.mainMailbox],
    receivedDateTime: c.now.toISOString(),
    ...(attachments.length > 0 ? { attachments } : {}),
    label: options.label,
    ambiguous: options.ambiguous,
  };
}
