// Separating the new text of a mail from the history it carries (replies, forwards) and from the
// sender's signature and disclaimer. Works on lines that are already whitespace-normalised and
// trimmed. Every pattern here runs on one line (or two joined lines) of bounded length, so a huge
// mail costs linear time.

/** Marker lines that htmlToText leaves where the HTML itself says "quote starts" / "signature starts". */
export const QUOTE_MARKER = '\uE000Q';
export const SIGNATURE_MARKER = '\uE000S';

/** Lines longer than this are never headers, closings or attributions. */
const MAX_MARKER_LINE = 300;

// "-----Original Message-----", "---------- Videresendt meddelelse ----------", "----- Forwarded by X on d -----".
const SEPARATOR_PHRASE = new RegExp(
  '^-{2,}\\s*(?:' +
    [
      'forwarded message',
      'original message',
      'videresendt (?:meddelelse|besked|e-?mail|mail|melding)',
      'oprindelig (?:meddelelse|besked|e-?mail|mail)',
      'original meddelelse',
      'opprinnelig melding',
      'ursprüngliche nachricht',
      'weitergeleitete nachricht',
      'ursprungligt meddelande',
      'vidarebefordrat meddelande',
      "message d'origine",
      'message transféré',
      'mensaje original',
      'mensaje reenviado',
    ].join('|') +
    ')\\s*-{2,}\\s*$',
  'iu',
);
const FORWARDED_BY = /^-{3,}.*(?:forwarded by|videresendt af)\b/iu;
// Apple Mail and others: "Begin forwarded message:", "Start på videresendt besked:".
const FORWARD_INTRO =
  /^(?:begin forwarded message|start (?:på|af) videresendt (?:besked|meddelelse|e-?mail|mail)|videresendt (?:besked|meddelelse|e-?mail|mail)|anfang der weitergeleiteten nachricht|vidarebefordrat brev|videresendt melding)\s*:?$/iu;
// Gmail / Apple Mail / Thunderbird attribution: "On Mon, 3 Jan 2024 at 10:00, Jens <j@x.dk> wrote:",
// "Den 3. jan. 2024 kl. 10.00 skrev Jens Hansen <j@x.dk>:", "Am ... schrieb ...:".
const ATTRIBUTION_START = /^(?:on|den|d\.|am|le|el|op|il|em|dne)\s/iu;
const ATTRIBUTION_VERB =
  /(?:wrote|skrev|schrieb|a écrit|escribió|schreef|ha scritto|kirjoitti|napisał|escreveu)(?:\s+[^:]{0,120})?\s*:$/iu;
// "Jens Hansen <jens@x.dk> skrev:" without a leading "On"/"Den": needs an address or a digit.
const ATTRIBUTION_TAIL = /(?:wrote|writes|skrev|skriver|schrieb|schreibt|a écrit)\s*:$/iu;

/**
 * ATTRIBUTION_TAIL's test, asked only of lines that end in ':' (the only ones it can match): the
 * expression tries its verbs at every position of a line, and most lines are not attributions.
 */
function endsInAttributionVerb(line: string): boolean {
  return line.endsWith(':') && ATTRIBUTION_TAIL.test(line);
}

const HEADER_FROM = /^\**\s*(?:from|fra|von|från|de|van)\s*\**\s*:/iu;
const HEADER_OTHER =
  /^\**\s*(?:sent|sendt|date|dato|to|til|subject|emne|cc|bcc|gesendet|an|betreff|datum|skickat|till|ämne|envoyé|à|objet|verzonden|aan|onderwerp|importance|vigtighed|prioritet)\s*\**\s*:/iu;
const HEADER_DATE = /^\**\s*(?:sent|sendt|date|dato|gesendet|datum|skickat|envoyé|verzonden)\s*\**\s*:/iu;
const HEADER_RECIPIENT = /^\**\s*(?:to|til|an|till|à|aan|cc)\s*\**\s*:/iu;
const HEADER_SUBJECT = /^\**\s*(?:subject|emne|betreff|ämne|objet|onderwerp)\s*\**\s*:/iu;
// Outlook, flattened onto one line: "From: X Sent: Y To: Z Subject: W".
const HEADER_ONE_LINE_SENT = /\b(?:sent|sendt|date|dato|gesendet|skickat)\s*:/iu;
const HEADER_ONE_LINE_TO = /\b(?:to|til|subject|emne|an|betreff|till|ämne)\s*:/iu;
const RULE_LINE = /^[-_=*~]{8,}$/u;

// Quote prefixes: ">" (every mail client), and the Usenet/mailing-list variants "|>", ": " and
// "initials>" ("mjs> ..."), and "|" when no other "|" follows on the line (table rows have several).
const QUOTE_PREFIX = /^(?:>|\|>|\|(?![^|]*\|)|:(?=[\s:]|$)|[A-Za-z]{1,5}>)/u;
const QUOTE_PREFIXES = /^(?:(?:>|\|>|\||:(?=[\s:]|$)|[A-Za-z]{1,5}>)\s?)+/u;

export function isQuotedLine(line: string): boolean {
  return QUOTE_PREFIX.test(line);
}

/** The line without its quote prefixes ("> > text" -> "text"). */
export function stripQuotePrefix(line: string): string {
  return isQuotedLine(line) ? line.replace(QUOTE_PREFIXES, '').trim() : line;
}

function isHeaderBlockAt(lines: readonly string[], i: number): boolean {
  const line = lines[i] ?? '';
  if (line.length > MAX_MARKER_LINE || !HEADER_FROM.test(line)) return false;
  const rest = line.replace(HEADER_FROM, '');
  if (HEADER_ONE_LINE_SENT.test(rest) && HEADER_ONE_LINE_TO.test(rest)) return true;
  // Within the next few non-empty lines: a date key ("Sent:", "Dato:"), or both a recipient and a
  // subject key, or any other key when the From line itself carries a time (Lotus Notes). A memo
  // with only "From:" and "Subject:" lines is the sender's own text, not history.
  const timeInFrom = /\d{1,2}[:.]\d{2}/u.test(rest);
  let seen = 0;
  let recipient = false;
  let subject = false;
  for (let j = i + 1; j < lines.length && seen < 5; j++) {
    const next = lines[j] ?? '';
    if (next === '') continue;
    seen++;
    if (next.length > MAX_MARKER_LINE || !HEADER_OTHER.test(next)) continue;
    if (HEADER_DATE.test(next) || timeInFrom) return true;
    if (HEADER_RECIPIENT.test(next)) recipient = true;
    if (HEADER_SUBJECT.test(next)) subject = true;
    if (recipient && subject) return true;
  }
  return false;
}

function isAttributionAt(lines: readonly string[], i: number): boolean {
  const line = lines[i] ?? '';
  if (line.length > MAX_MARKER_LINE) return false;
  if (ATTRIBUTION_START.test(line)) {
    if (ATTRIBUTION_VERB.test(line)) return true;
    // Wrapped over two lines by the sender's client.
    const next = lines[i + 1] ?? '';
    const joined = `${line} ${next}`;
    if (next !== '' && joined.length <= MAX_MARKER_LINE && ATTRIBUTION_VERB.test(joined)) return true;
    return false;
  }
  return endsInAttributionVerb(line) && /[@\d]/u.test(line);
}

/**
 * An attribution line directly followed by ">" quotes that the sender answers below (bottom-posting
 * or interleaved replies): the attribution belongs to the quote, not to a history that runs to the end.
 */
export function isInlineAttribution(lines: readonly string[], i: number, lastUnquoted: number): boolean {
  if (!isAttributionAt(lines, i)) return false;
  let j = ATTRIBUTION_VERB.test(lines[i] ?? '') || endsInAttributionVerb(lines[i] ?? '') ? i + 1 : i + 2;
  while (j < lines.length && lines[j] === '') j++;
  return isQuotedLine(lines[j] ?? '') && lastUnquoted > j;
}

/** Index of the last non-empty line that is not ">"-quoted, or -1. */
export function lastUnquotedLine(lines: readonly string[]): number {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] ?? '';
    if (l !== '' && !isQuotedLine(l)) return i;
  }
  return -1;
}

/** Index of the line where the quoted history starts, or -1. */
export function findHistoryStart(lines: readonly string[]): number {
  const lastUnquoted = lastUnquotedLine(lines);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    let hit =
      line === QUOTE_MARKER ||
      (line.length <= MAX_MARKER_LINE &&
        (SEPARATOR_PHRASE.test(line) || FORWARDED_BY.test(line) || FORWARD_INTRO.test(line))) ||
      isHeaderBlockAt(lines, i) ||
      (isAttributionAt(lines, i) && !isInlineAttribution(lines, i, lastUnquoted));
    // A ">"-quoted block that runs to the end of the mail is history too (bottom-quoting).
    if (!hit && isQuotedLine(line)) hit = i > lastUnquoted;
    if (!hit) continue;
    // Take a rule line ("________", "-----") just above the header along into the history.
    let start = i;
    for (let k = i - 1; k >= 0 && k >= i - 2; k--) {
      const above = lines[k] ?? '';
      if (above === '') continue;
      if (RULE_LINE.test(above) || above === QUOTE_MARKER) start = k;
      break;
    }
    return start;
  }
  return -1;
}

// Closing phrases that open a signature, when they stand on a short line of their own (maybe
// followed by a name): Danish, Norwegian, Swedish, German and English.
const CLOSING = new RegExp(
  '^(?:' +
    [
      '(?:med )?venlig(?:st|e)? hilsen(?:er)?',
      'vennlig hilsen',
      'med vänliga hälsningar',
      'vänliga hälsningar',
      'mvh\\.?',
      'm\\.v\\.h\\.?',
      'vh\\.?',
      'kh\\.?',
      '(?:de )?bedste hilsn?er',
      'bedste hilsen',
      'mange hilsner',
      'kærlig hilsen',
      'hilsen',
      'hilsner',
      'mit freundlichen grüßen',
      'mfg',
      'viele grüße',
      '(?:best|kind|warm|warmest|kindest|many) regards',
      'regards',
      'best wishes',
      'best',
      'cheers',
      'sincerely',
      'yours sincerely',
      'yours faithfully',
      'yours truly',
      'thanks and regards',
      'with kind regards',
      'with best regards',
      'br',
      'på forhånd tak',
      'på forhånd mange tak',
      'thanks in advance',
    ].join('|') +
    ')(?=$|[\\s,.!:;-])',
  'iu',
);
const MAX_CLOSING_LINE = 60;
// "Sendt fra min iPhone", "Sent from my Samsung Galaxy", "Hent Outlook til iOS", "Get Outlook for Android".
const MOBILE_FOOTER =
  /^(?:sent|sendt|skickat|gesendet|envoyé)\s+(?:from|fra|från|von|de)\s+\S|^(?:get|hent|få)\s+outlook\s+(?:for|til|för)\s/iu;
// Typical confidentiality disclaimers. Each needs the formal wording, so a citizen writing about
// "fortrolige oplysninger" in the body is not cut.
const DISCLAIMER = [
  /\b(?:this|the) (?:e-?mail|message|communication|transmission)\b.{0,120}\b(?:confidential|privileged|intended (?:solely |only )?for)\b/iu,
  /\bif you (?:have received|are not the intended|received this)\b/iu,
  /^(?:confidentiality notice|disclaimer|ansvarsfraskrivelse|fortrolighedserklæring)\b/iu,
  /\bdenne (?:e-?mail|mail|meddelelse|besked|henvendelse)\b.{0,160}\b(?:fortrolig|udelukkende|alene|kun) /iu,
  /\bhvis (?:du|de|De) (?:har modtaget|ikke er (?:den )?rette modtager|ved en fejl)/iu,
  /\b(?:er|kan være) (?:fortrolig|beskyttet)\b.{0,80}\b(?:modtager|adressat)/iu,
  /\blæs (?:mere )?om,? hvordan vi behandler (?:dine )?personoplysninger\b/iu,
  /\bsend (?:aldrig|ikke) (?:cpr|følsomme oplysninger)\b.{0,80}\b(?:almindelig|usikker) (?:e-?mail|mail)\b/iu,
];

// Every disclaimer pattern contains one of these words; testing them first (ASCII-fast, no `u`
// flag) keeps the full patterns off ordinary paragraphs.
const DISCLAIMER_HINT =
  /confiden|privileged|intended|received|disclaimer|fortrolig|beskyttet|udelukkende|alene|modtaget|modtager|personoplysninger|følsomme|ansvarsfrask|denne (?:e-?mail|mail|meddelelse|besked|henvendelse)/i;

function isDisclaimerParagraph(paragraph: string): boolean {
  return DISCLAIMER_HINT.test(paragraph) && DISCLAIMER.some((re) => re.test(paragraph));
}

/**
 * Where, inside a paragraph found to be a disclaimer, the disclaimer starts: the first line that
 * (alone or joined with the next, for wrapped text) has the wording. HTML mail often puts the last
 * sentence of the message and the disclaimer on adjacent lines without a blank line between.
 */
function disclaimerStart(lines: readonly string[], from: number, to: number): number {
  for (let k = from; k < to; k++) {
    const line = lines[k] ?? '';
    const joined = k + 1 < to ? `${line} ${lines[k + 1] ?? ''}` : line;
    if (isDisclaimerParagraph(line)) return k;
    if (joined !== line && isDisclaimerParagraph(joined) && !isDisclaimerParagraph(lines[k + 1] ?? ''))
      return k;
  }
  return from;
}

export interface SignatureSplit {
  body: string[];
  signature: string[];
}

/** Splits the new part of a mail into body and signature/disclaimer. */
export function splitSignature(lines: readonly string[]): SignatureSplit {
  let cut = -1;
  for (let i = 0; i < lines.length && cut < 0; i++) {
    const line = lines[i] ?? '';
    if (line === SIGNATURE_MARKER || /^--\s*$/u.test(line)) cut = i;
    else if (line.length <= MAX_CLOSING_LINE && CLOSING.test(line)) {
      // "Best" and "BR" also start ordinary sentences ("Best practice is..."): only on a line of their own.
      const phrase = (CLOSING.exec(line)?.[0] ?? '').toLowerCase();
      if ((phrase === 'best' || phrase === 'br') && !/^\p{L}+[,.!]?$/u.test(line)) continue;
      cut = i;
    } else if (line.length <= MAX_MARKER_LINE && MOBILE_FOOTER.test(line)) cut = i;
  }
  // Disclaimers: a paragraph after the first one, with formal confidentiality wording.
  const end = cut < 0 ? lines.length : cut;
  let firstContent = lines.findIndex((l) => l !== '');
  if (firstContent < 0) firstContent = 0;
  let paraStart = -1;
  for (let i = 0; i <= end; i++) {
    const line = i < end ? (lines[i] ?? '') : '';
    if (line !== '' && paraStart < 0) paraStart = i;
    if ((line === '' || i === end) && paraStart >= 0) {
      const paragraph = lines.slice(paraStart, i).join(' ');
      if (paragraph.length <= 4000 && isDisclaimerParagraph(paragraph)) {
        // Never the whole mail: some of the sender's own text must come before the disclaimer.
        const k = disclaimerStart(lines, paraStart, i);
        if (k > firstContent) {
          cut = k;
          break;
        }
      }
      paraStart = -1;
    }
  }
  if (cut < 0) return { body: [...lines], signature: [] };
  return { body: lines.slice(0, cut), signature: lines.slice(cut).filter((l) => l !== SIGNATURE_MARKER) };
}

/** Removes disclaimer paragraphs trailing the whole mail (after the history), returning both parts. */
export function splitTrailingDisclaimer(lines: readonly string[]): SignatureSplit {
  let end = lines.length;
  while (end > 0 && lines[end - 1] === '') end--;
  let cut = end;
  for (;;) {
    let start = cut;
    while (start > 0 && lines[start - 1] === '') start--;
    let paraStart = start;
    while (paraStart > 0 && lines[paraStart - 1] !== '') paraStart--;
    if (paraStart >= start) break;
    const paragraph = lines.slice(paraStart, start).join(' ');
    if (paragraph.length > 4000 || !isDisclaimerParagraph(paragraph)) break;
    cut = disclaimerStart(lines, paraStart, start);
    if (cut > paraStart) break; // the paragraph also holds the end of the message: stop here
  }
  return { body: lines.slice(0, cut), signature: lines.slice(cut, end) };
}

const HISTORY_PREAMBLE_LINE = (line: string): boolean =>
  line === '' ||
  line === QUOTE_MARKER ||
  RULE_LINE.test(line) ||
  (line.length <= MAX_MARKER_LINE &&
    (SEPARATOR_PHRASE.test(line) ||
      FORWARDED_BY.test(line) ||
      FORWARD_INTRO.test(line) ||
      HEADER_FROM.test(line) ||
      HEADER_OTHER.test(line)));

/**
 * The body of the first message inside the history (its header lines skipped, its own history cut
 * off), for mails whose new part is empty: a forward without a note still has to be routed by what
 * was forwarded.
 */
export function firstHistoryMessage(history: readonly string[]): string[] {
  let lines = history.map(stripQuotePrefix);
  // Up to a few nested levels of forwards whose own notes are empty.
  for (let depth = 0; depth < 5 && lines.length > 0; depth++) {
    let i = 0;
    if (isAttributionAt(lines, 0)) i = ATTRIBUTION_VERB.test(lines[0] ?? '') ? 1 : 2;
    while (i < lines.length && HISTORY_PREAMBLE_LINE(lines[i] ?? '')) i++;
    const rest = lines.slice(i);
    const next = findHistoryStart(rest);
    const own = next < 0 ? rest : rest.slice(0, next);
    const body = splitSignature(own).body;
    if (body.some((l) => l !== '')) return body;
    if (next < 0) return [];
    lines = rest.slice(next).map(stripQuotePrefix);
  }
  return [];
}
