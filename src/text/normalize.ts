// Mail normalisation: a Graph message, an .eml or a JSONL record -> the clean new text of the mail,
// with quoted history, signature and disclaimer separated out. Pure and deterministic; never throws
// on odd input (wrong types, empty fields, megabytes of text).
import { convert, type DomNode, type FormatCallback, type HtmlToTextOptions } from 'html-to-text';
import { repairMojibake } from './charset.js';
import type { MailAttachmentInfo, MailInput, NormalizedMail, TextSource } from './types.js';
import {
  QUOTE_MARKER,
  SIGNATURE_MARKER,
  findHistoryStart,
  firstHistoryMessage,
  isInlineAttribution,
  isQuotedLine,
  lastUnquotedLine,
  splitSignature,
  splitTrailingDisclaimer,
  stripQuotePrefix,
} from './quote.js';

export { parseEml } from './eml.js';
export {
  graphMessageToMailInput,
  type GraphAttachmentLike,
  type GraphEmailAddress,
  type GraphItemBody,
  type GraphMessageLike,
} from './graph-message.js';

export type { MailAttachmentInfo, MailInput, NormalizedMail, TextSource } from './types.js';

/**
 * Only the first 100,000 characters of a (converted) body are processed. The new text of a mail is
 * at its start; what lies beyond is history, attachments pasted inline or machine output, and the
 * cap keeps a 5 MB body well under a second.
 */
export const MAX_BODY_CHARS = 100_000;
/**
 * HTML is cut to this many characters (after dropping <head>, <style>, <script>, comments and inline
 * data: URIs) before conversion: html-to-text needs 0.7-1.7 ms per KB on a busy 2-core machine, and the
 * new text of a mail is at the top. Patterns that run on the raw HTML are ASCII-only without the `u`
 * flag: with it, V8 is ~50x slower on megabytes of markup.
 */
export const MAX_HTML_CHARS = 131_072;
/** Deeper tag nesting than this is converted by the plain tag stripper (htmlparser2 is quadratic in depth). */
const MAX_HTML_DEPTH = 400;
const MAX_SUBJECT_CHARS = 1_000;
const MAX_ADDRESS_FIELD_CHARS = 10_000;
const MAX_DISPLAY_NAME_CHARS = 200;

// ---------------------------------------------------------------------------------------------
// HTML

function attribute(elem: DomNode, name: string): string {
  const attribs: unknown = elem.attribs;
  if (typeof attribs !== 'object' || attribs === null) return '';
  const value: unknown = (attribs as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

function textOf(nodes: readonly DomNode[], out: string[] = [], budget = { left: 2_000 }): string[] {
  for (const node of nodes) {
    if (budget.left <= 0) break;
    if (node.type === 'text' && typeof node.data === 'string') {
      out.push(node.data);
      budget.left -= node.data.length;
    } else if (Array.isArray(node.children)) textOf(node.children, out, budget);
  }
  return out;
}

function webUrl(href: string): URL | null {
  let url: URL;
  try {
    url = new URL(href.trim());
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
}

const SAFE_LINKS_HOST = /(?:^|\.)safelinks\.protection\.outlook\.com$/u;
/**
 * A link forwarded between Microsoft 365 tenants is wrapped once per tenant; deeper nesting is made
 * up, and unwrapping it costs a parse of the whole href per level.
 */
const MAX_SAFE_LINKS_UNWRAP = 3;

/** The domain a link points to (Outlook Safe Links unwrapped), without "www.", or '' for non-web links. */
export function linkDomain(href: string): string {
  let url = webUrl(href);
  // The parsed host name, not the href: the URL parser maps "。", "．" and "%EF%BC%8E" to ".".
  for (let level = 0; url !== null && level < MAX_SAFE_LINKS_UNWRAP; level++) {
    if (!SAFE_LINKS_HOST.test(url.hostname)) break;
    const inner = url.searchParams.get('url');
    if (inner === null) break;
    url = webUrl(inner);
  }
  return url === null ? '' : url.hostname.toLowerCase().replace(/^www\./u, '');
}

// Links become their text plus the domain they point to ("Læs mere (kk.dk)"): the words are what a
// reader sees, the domain is a routing signal; the full URL (tracking ids, tokens) is noise.
const formatLink: FormatCallback = (elem, walk, builder) => {
  walk(elem.children, builder);
  const domain = linkDomain(attribute(elem, 'href'));
  if (domain === '') return;
  const shown = textOf(elem.children).join('').toLowerCase();
  if (shown.includes(domain)) return;
  builder.addInline(` (${domain})`);
};

// Table cells of layout tables (Outlook signatures, newsletters) must not run into each other.
const formatCell: FormatCallback = (elem, walk, builder) => {
  builder.addInline(' ');
  walk(elem.children, builder);
  builder.addInline(' ');
};

function markerBlock(marker: string): FormatCallback {
  return (elem, walk, builder) => {
    builder.openBlock({ leadingLineBreaks: 1 });
    builder.addLiteral(marker);
    builder.closeBlock({ trailingLineBreaks: 1 });
    builder.openBlock({ leadingLineBreaks: 1 });
    walk(elem.children, builder);
    builder.closeBlock({ trailingLineBreaks: 1 });
  };
}

const plainBlock: FormatCallback = (elem, walk, builder, options) => {
  builder.openBlock({ leadingLineBreaks: options.leadingLineBreaks ?? 1 });
  walk(elem.children, builder);
  builder.closeBlock({ trailingLineBreaks: options.trailingLineBreaks ?? 1 });
};

/**
 * html-to-text re-prefixes ("> ") or re-indents every line of a blockquote or list once per level it
 * is nested in, which costs depth times size. Deeper levels than this are laid out as plain blocks:
 * their lines keep the prefixes and indents of the levels above.
 */
const MAX_PREFIXED_NESTING = 8;

/** How deeply the element being formatted is nested in elements of its kind (conversion is synchronous). */
interface Nesting {
  depth: number;
}
const quoteNesting: Nesting = { depth: 0 };
const listNesting: Nesting = { depth: 0 };

/** html-to-text's own formatter `builtIn` down to MAX_PREFIXED_NESTING levels of `nesting`, a plain block below. */
function nestingCapped(nesting: Nesting, builtIn: string): FormatCallback {
  return (elem, walk, builder, options) => {
    const format =
      (nesting.depth < MAX_PREFIXED_NESTING ? builder.options.formatters[builtIn] : undefined) ?? plainBlock;
    nesting.depth++;
    try {
      format(elem, walk, builder, options);
    } finally {
      nesting.depth--;
    }
  };
}

// In a list html-to-text lays out, the list formatter makes each item's line and the item's content
// is inline; in a list laid out as a plain block, each item is a line of its own.
const formatListItem: FormatCallback = (elem, walk, builder, options) => {
  if (listNesting.depth > MAX_PREFIXED_NESTING) plainBlock(elem, walk, builder, options);
  else walk(elem.children, builder);
};

const MAX_ROMAN = 3_999;
const orderedList = nestingCapped(listNesting, 'orderedList');
// html-to-text writes Roman numerals up to 3999 only and throws on five-digit ones: an <ol type="i">
// whose numbers (from `start`) leave that range is numbered in decimal.
const formatOrderedList: FormatCallback = (elem, walk, builder, options) => {
  const type = attribute(elem, 'type');
  let list = elem;
  if (type === 'i' || type === 'I') {
    const first = Number(attribute(elem, 'start') || '1');
    const items = elem.children.filter((child) => child.name === 'li').length;
    if (!Number.isInteger(first) || first < 1 || first + items - 1 > MAX_ROMAN) {
      const attribs: unknown = elem.attribs;
      list = { ...elem, attribs: { ...(typeof attribs === 'object' ? attribs : {}), type: '1' } };
    }
  }
  orderedList(list, walk, builder, options);
};

/** Formatters and selectors both conversions use so that deep or odd lists and blockquotes stay cheap. */
const NESTING_FORMATTERS: Record<string, FormatCallback> = {
  mailrouteBlockquote: nestingCapped(quoteNesting, 'blockquote'),
  mailrouteUnorderedList: nestingCapped(listNesting, 'unorderedList'),
  mailrouteOrderedList: formatOrderedList,
  mailrouteListItem: formatListItem,
};
const NESTING_SELECTORS = [
  { selector: 'blockquote', format: 'mailrouteBlockquote' },
  { selector: 'ul', format: 'mailrouteUnorderedList' },
  { selector: 'ol', format: 'mailrouteOrderedList' },
  { selector: 'li', format: 'mailrouteListItem' },
];

/**
 * What html-to-text writes where it stops descending (limits.maxDepth): text deeper than that would
 * be left out without a trace, so a conversion that contains it is not used.
 */
const DEPTH_CUT = '\uE000D';
const LIMITS = { maxInputLength: MAX_HTML_CHARS + 1, maxDepth: MAX_HTML_DEPTH + 50, ellipsis: DEPTH_CUT };

const block = { leadingLineBreaks: 1, trailingLineBreaks: 1 };
const HTML_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  formatters: {
    ...NESTING_FORMATTERS,
    mailrouteLink: formatLink,
    mailrouteCell: formatCell,
    mailrouteQuote: markerBlock(QUOTE_MARKER),
    mailrouteSignature: markerBlock(SIGNATURE_MARKER),
  },
  selectors: [
    ...NESTING_SELECTORS,
    { selector: 'a', format: 'mailrouteLink' },
    { selector: 'img', format: 'skip' },
    { selector: 'head', format: 'skip' },
    { selector: 'table', format: 'block', options: block },
    { selector: 'tr', format: 'block', options: block },
    { selector: 'td', format: 'mailrouteCell' },
    { selector: 'th', format: 'mailrouteCell' },
    { selector: 'hr', format: 'block', options: block },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((h) => ({ selector: h, options: { uppercase: false } })),
    { selector: 'th', options: { uppercase: false } },
    // Where the HTML says outright that history or a signature starts (Gmail, Outlook, Apple Mail,
    // Thunderbird), a marker line tells the text rules.
    { selector: 'div.gmail_quote', format: 'mailrouteQuote' },
    { selector: 'div.gmail_quote_container', format: 'mailrouteQuote' },
    { selector: 'div#divRplyFwdMsg', format: 'mailrouteQuote' },
    { selector: 'div#mail-editor-reference-message-container', format: 'mailrouteQuote' },
    { selector: 'blockquote[type=cite]', format: 'mailrouteQuote' },
    { selector: 'div.moz-cite-prefix', format: 'mailrouteQuote' },
    { selector: 'div.moz-forward-container', format: 'mailrouteQuote' },
    { selector: 'div.gmail_signature', format: 'mailrouteSignature' },
    { selector: 'div#Signature', format: 'mailrouteSignature' },
    { selector: 'div.moz-signature', format: 'mailrouteSignature' },
  ],
  limits: LIMITS,
};

// html-to-text's own layout (links as "text [url]", tables in columns, headings in capitals), as the
// Graph adapter has always turned HTML bodies into text; only images are dropped.
const PLAIN_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  formatters: NESTING_FORMATTERS,
  selectors: [...NESTING_SELECTORS, { selector: 'img', format: 'skip' }],
  limits: LIMITS,
};

const MARKERS = /\uE000/gu;

/**
 * Removes whole elements and comments that carry no text, in one linear pass: each search starts
 * where the previous one ended. As in a browser, a comment, script, style or title that is never
 * closed runs to the end of the document, and <head> ends at <body> at the latest; an <xml> or <head>
 * that is never closed loses only its opening tag.
 */
function dropBlocks(html: string): string {
  // A tag name ends at white space, "/" or ">": <style-x> is another element, and "</style x>" closes.
  const open = /<!--|<(style|script|head|xml|title)(?=[\s/>])/gi;
  const parts: string[] = [];
  let pos = 0;
  for (;;) {
    open.lastIndex = pos;
    const m = open.exec(html);
    if (m === null) break;
    parts.push(html.slice(pos, m.index));
    const name = m[1]?.toLowerCase();
    const close =
      name === undefined
        ? /-->/g
        : new RegExp(`</${name}(?=[\\s/>])${name === 'head' ? '|<body(?=[\\s/>])' : ''}`, 'gi');
    close.lastIndex = m.index + m[0].length;
    const end = close.exec(html);
    if (end !== null && end[0].startsWith('<body')) {
      pos = end.index;
      continue;
    }
    const after = end === null ? -1 : name === undefined ? end.index + 2 : html.indexOf('>', end.index);
    if (after >= 0) pos = after + 1;
    else if (name === 'head' || name === 'xml') {
      const tagEnd = html.indexOf('>', m.index);
      pos = tagEnd < 0 ? html.length : tagEnd + 1;
    } else {
      pos = html.length;
      break;
    }
  }
  parts.push(html.slice(pos));
  return parts.join(' ');
}

const VOID_OR_IMPLIED = new Set(
  'area base br col embed hr img input link meta param source track wbr p li td th tr option dt dd'.split(
    ' ',
  ),
);

/**
 * A rough nesting depth of `html` (any tag name; void and implicitly closed elements not counted),
 * to give the stripped text at once for trees far too deep to convert. What it misses, html-to-text's
 * depth limit catches (DEPTH_CUT).
 */
function nestingDepth(html: string): number {
  let depth = 0;
  let max = 0;
  for (const m of html.matchAll(/<(\/?)([a-z][^\s/<>]*)[^<>]{0,2000}?(\/?)>/gi)) {
    const name = (m[2] ?? '').toLowerCase();
    if (VOID_OR_IMPLIED.has(name) || m[3] === '/') continue;
    depth = m[1] === '/' ? Math.max(0, depth - 1) : depth + 1;
    if (depth > max) max = depth;
  }
  return max;
}

function prepareHtml(html: string): string {
  // Inline images as data: URIs can be megabytes; they carry no text.
  const lean = dropBlocks(html.replace(MARKERS, '')).replace(
    /\b(?:src|href)\s*=\s*(["'])data:[^"']*\1/gi,
    '',
  );
  return capText(lean, MAX_HTML_CHARS);
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', aelig: 'æ', oslash: 'ø', aring: 'å',
  AElig: 'Æ', Oslash: 'Ø', Aring: 'Å', ndash: '–', mdash: '—', euro: '€', hellip: '…',
}; // prettier-ignore

/** The fallback for HTML the parser cannot take: tags out, block ends as line breaks, basic entities. */
function stripTags(html: string): string {
  return html
    .replace(/<(?:br|\/p|\/div|\/tr|\/li|\/h[1-6]|\/table|hr)\b[^<>]{0,2000}>/giu, '\n')
    .replace(/<[^<>]{0,2000}>/gu, ' ')
    .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/giu, (whole: string, name: string) => {
      if (name.startsWith('#')) {
        const code =
          name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
      }
      return ENTITIES[name] ?? whole;
    });
}

/**
 * HTML -> text by `options` (HTML_OPTIONS: with quote and signature marker lines, as routing reads
 * it), within the caps above; also reports whether the HTML had to be cut.
 * Too deep a tree, a conversion that would leave text out and a conversion that fails all give the
 * plain tag stripper's text instead. Never throws.
 */
function convertHtml(html: string, options: HtmlToTextOptions): { text: string; truncated: boolean } {
  const prepared = prepareHtml(html);
  const truncated = prepared.length >= MAX_HTML_CHARS;
  if (nestingDepth(prepared) <= MAX_HTML_DEPTH) {
    try {
      const text = convert(prepared, options);
      if (!text.includes(DEPTH_CUT)) return { text, truncated };
    } catch {
      // html-to-text can still give up on odd trees; the stripped text is better than nothing.
    }
  }
  return { text: stripTags(prepared), truncated };
}

/**
 * HTML -> plain text in html-to-text's own layout: links as "text [url]", tables in columns,
 * headings in capitals, images dropped, no line wrapping. For a plain-text rendering of a body
 * (as Graph gives one), not for routing, which takes `normalizeMail`. Same caps and fallbacks as
 * `htmlToText`; never throws.
 */
export function htmlToPlainText(html: string): string {
  if (typeof html !== 'string' || html === '') return '';
  return convertHtml(html, PLAIN_OPTIONS).text.trim();
}

/**
 * HTML -> plain text: scripts, styles, images and <head> dropped; links kept as their text and
 * domain ("Læs mere (kk.dk)"); block elements and table rows on their own lines; blockquotes
 * prefixed with "> ". No line wrapping.
 */
export function htmlToText(html: string): string {
  if (typeof html !== 'string' || html === '') return '';
  return convertHtml(html, HTML_OPTIONS)
    .text.split('\n')
    .filter((line) => line !== QUOTE_MARKER && line !== SIGNATURE_MARKER)
    .join('\n')
    .replace(MARKERS, '')
    .replace(/\n{3,}/gu, '\n\n')
    .trim();
}

const HTML_START = /^\s*(?:<!doctype html|<html|<head|<body|<meta|<div|<p[\s>]|<table|<span|<font|<br)/iu;
const HTML_TAGS = /<\/(?:p|div|span|td|tr|table|html|body|font|a|b|strong)\s*>|<br\s*\/?>/giu;

function looksLikeHtml(text: string): boolean {
  if (HTML_START.test(text)) return true;
  let count = 0;
  const sample = text.length > 20_000 ? text.slice(0, 20_000) : text;
  for (const _ of sample.matchAll(HTML_TAGS)) if (++count >= 3) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Text

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max);
  // Do not leave half a surrogate pair.
  if (/[\uD800-\uDBFF]$/u.test(cut)) cut = cut.slice(0, -1);
  return cut;
}

/**
 * Printable ASCII and \n only: text that every step of cleanLines before the split leaves as it is
 * (mojibake needs Ã or Â, NFC changes no ASCII, and every line ending, exotic space, control and
 * format character it replaces lies outside), so those steps are skipped. English mail mostly is.
 */
const ONLY_PRINTABLE_ASCII = /^[\n\x20-\x7e]*$/;

/**
 * Unicode and whitespace clean-up: NFC, mojibake repair, line endings, exotic spaces to spaces,
 * zero-width and control characters dropped, runs of spaces folded, lines trimmed.
 */
function cleanLines(text: string): string[] {
  const cleaned = ONLY_PRINTABLE_ASCII.test(text)
    ? text
    : repairMojibake(text)
        .normalize('NFC')
        .replace(/\r\n?|[\u2028\u2029\u0085]/gu, '\n')
        .replace(/[\t\v\f\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/gu, ' ')
        // Control and format characters (zero-width spaces, soft hyphens, BOM, bidi marks), except \n.
        .replace(/(?!\n)[\p{Cc}\p{Cf}]/gu, '');
  return cleaned
    .split('\n')
    .map((line) => (line.includes('  ') ? line.replace(/ {2,}/gu, ' ') : line).trim());
}

/** Joins lines, folding runs of blank lines into one and trimming. */
function joinLines(lines: readonly string[]): string {
  const out: string[] = [];
  for (const line of lines) {
    if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(line);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Subject and addresses

// Reply/forward prefixes in the languages Danish mail arrives in, and "[EKSTERN]"-style tags that
// mail gateways add; repeated and numbered forms ("SV: VS: Re[2]:") are removed in a loop.
const SUBJECT_PREFIX =
  /^(?:(?:re|fw|fwd|sv|vs|aw|tr|wg|vb|antw|rv|réf|ref)\s*(?:\[\d{1,3}\]|\(\d{1,3}\))?\s*[:：]|\[(?:ekstern|external|extern|ext|ekstern afsender)\]|(?:ekstern|external)\s*:)\s*/iu;

/** Removes reply/forward prefixes and gateway tags, folds whitespace, NFC. */
export function cleanSubject(subject: string | null | undefined): string {
  let s = cleanLines(capText(str(subject), MAX_SUBJECT_CHARS).replace(MARKERS, ''))
    .join(' ')
    .replace(/ {2,}/gu, ' ')
    .trim();
  for (let i = 0; i < 20; i++) {
    const next = s.replace(SUBJECT_PREFIX, '');
    if (next === s) break;
    s = next;
  }
  return s.trim();
}

// An address in angle brackets, or a bare address standing between separators.
const ADDRESS_RE =
  /<\s*(?:mailto:)?([^<>\s]{3,320})\s*>|(?<![^\s<>"',;:()[\]])(?:mailto:)?([^\s<>"',;:()[\]@]{1,64}@[^\s<>"',;:()[\]@]{1,255})/giu;
const VALID_ADDRESS =
  /^[^@\s]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)+$/u;

function addressesIn(field: string): string[] {
  // Quoted display names may contain commas and even other addresses: "Hansen, Jens (old@x.dk)".
  const capped = capText(field, MAX_ADDRESS_FIELD_CHARS)
    .normalize('NFC')
    .replace(/"[^"]{0,500}"/gu, ' ');
  const out: string[] = [];
  for (const m of capped.matchAll(ADDRESS_RE)) {
    const addr = (m[1] ?? m[2] ?? '').toLowerCase().replace(/\.$/u, '');
    if (VALID_ADDRESS.test(addr)) out.push(addr);
  }
  return out;
}

/**
 * The display name of a sender field: "Name <addr@x.dk>", "addr@x.dk (Name)" and '"Name" <addr>'
 * all give "Name" (what is left without addresses, quotes and brackets); '' when there is none.
 */
export function parseDisplayName(field: string | null | undefined): string {
  return capText(str(field), MAX_DISPLAY_NAME_CHARS)
    .normalize('NFC')
    .replace(ADDRESS_RE, ' ')
    .replace(/["()<>]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** The lower-case address in "Name <addr@x.dk>" or "addr@x.dk", or null. */
export function parseAddress(field: string | null | undefined): string | null {
  return addressesIn(str(field))[0] ?? null;
}

/** All lower-case addresses in a field or list of fields, de-duplicated, in order. */
export function parseAddressList(field: string | readonly string[] | null | undefined): string[] {
  const fields = Array.isArray(field) ? field : [field];
  const seen = new Set<string>();
  for (const f of fields) {
    if (typeof f !== 'string') continue;
    for (const addr of addressesIn(f)) seen.add(addr);
  }
  return [...seen];
}

function cleanAttachments(list: unknown): MailAttachmentInfo[] {
  if (!Array.isArray(list)) return [];
  const out: MailAttachmentInfo[] = [];
  for (const item of list as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const a = item as Record<string, unknown>;
    const info: MailAttachmentInfo = {
      name: cleanLines(capText(str(a.name), 500).replace(MARKERS, ''))
        .join(' ')
        .trim(),
      contentType: str(a.contentType).toLowerCase().split(';')[0]?.trim() || 'application/octet-stream',
    };
    if (typeof a.size === 'number' && Number.isFinite(a.size) && a.size >= 0) info.size = a.size;
    if (a.inline === true) info.inline = true;
    out.push(info);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function bodySource(input: MailInput): { text: string; truncated: boolean } {
  const plain = str(input.body).replace(MARKERS, '');
  const html = str(input.bodyHtml);
  if (plain.trim() !== '' && !looksLikeHtml(plain)) return { text: plain, truncated: false };
  if (html.trim() !== '') return convertHtml(html, HTML_OPTIONS);
  if (plain.trim() !== '') return convertHtml(plain, HTML_OPTIONS);
  return { text: '', truncated: false };
}

/**
 * Normalises one mail: picks the plain or HTML body, converts HTML, repairs encoding damage,
 * separates quoted history, signature and disclaimers from the new text, cleans subject and
 * addresses. Pure, deterministic, never throws.
 */
export function normalizeMail(input: MailInput): NormalizedMail {
  const mail: Partial<MailInput> = typeof input === 'object' && input !== null ? input : {};
  const source = bodySource({
    subject: null,
    from: null,
    to: null,
    body: str(mail.body),
    bodyHtml: str(mail.bodyHtml),
  });
  const truncated = source.truncated || source.text.length > MAX_BODY_CHARS;
  const lines = cleanLines(capText(source.text, MAX_BODY_CHARS));

  const historyStart = findHistoryStart(lines);
  const newPart = historyStart < 0 ? lines : lines.slice(0, historyStart);
  let history = historyStart < 0 ? [] : lines.slice(historyStart);

  // Inline ">" quotes between the sender's own lines, and the attribution line above them, belong
  // to the history too.
  const own: string[] = [];
  const inlineQuoted: string[] = [];
  const lastUnquoted = lastUnquotedLine(newPart);
  let attributionLines = 0;
  newPart.forEach((line, i) => {
    if (attributionLines === 0 && isInlineAttribution(newPart, i, lastUnquoted)) {
      attributionLines = /[:：]$/u.test(line) ? 1 : 2;
    }
    if (attributionLines > 0) {
      attributionLines--;
      inlineQuoted.push(line);
    } else (isQuotedLine(line) ? inlineQuoted : own).push(line);
  });

  const { body, signature } = splitSignature(own);
  const trailing = splitTrailingDisclaimer(history);
  history = trailing.body;
  const signatureLines = [
    ...signature,
    ...(trailing.signature.length > 0 ? ['', ...trailing.signature] : []),
  ];

  const quotedLines = [...inlineQuoted, ...(inlineQuoted.length > 0 ? [''] : []), ...history]
    .filter((l) => l !== QUOTE_MARKER && l !== SIGNATURE_MARKER)
    .map(stripQuotePrefix);

  let text = joinLines(body.filter((l) => l !== QUOTE_MARKER));
  let textSource: TextSource = text === '' ? 'none' : 'new';
  if (text === '' && (history.length > 0 || inlineQuoted.length > 0)) {
    text = joinLines(firstHistoryMessage([...inlineQuoted, ...history]).filter((l) => l !== QUOTE_MARKER));
    if (text !== '') textSource = 'history';
  }

  const fromAddress = parseAddress(str(mail.from));
  return {
    subject: cleanSubject(str(mail.subject)),
    text,
    quoted: joinLines(quotedLines),
    signature: joinLines(signatureLines.filter((l) => l !== SIGNATURE_MARKER && l !== QUOTE_MARKER)),
    fromAddress,
    fromName: parseDisplayName(mail.from),
    fromDomain: fromAddress === null ? null : (fromAddress.split('@')[1] ?? null),
    toAddresses: parseAddressList(
      Array.isArray(mail.to)
        ? (mail.to as unknown[]).filter((t): t is string => typeof t === 'string')
        : str(mail.to),
    ),
    attachments: cleanAttachments(mail.attachments),
    textSource,
    truncated,
  };
}
