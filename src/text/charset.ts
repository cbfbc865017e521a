// Character set handling for mail that lies about its encoding: declared charsets that are unknown,
// ISO-8859-1 that is really windows-1252, "latin1" that is really UTF-8, and text that was decoded
// the wrong way once already ("BlÃ¥ bog" for "Blå bog").
import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';

/** Charset name eml.ts puts on text parts declared UTF-8, US-ASCII or nothing, see relabelTextParts. */
export const RELABELLED_CHARSET = 'x-mailroute-utf-8';
const UTF8_NAMES = new Set(['utf8', 'unicode11utf8', 'unicode20utf8', 'xunicode20utf8', 'xmailrouteutf8']);
// WHATWG maps these labels to windows-1252, as every browser and mail client does: senders that say
// ISO-8859-1 routinely use 0x80-0x9F for "–", "€" and curly quotes.
const LATIN1_NAMES = new Set([
  'ascii',
  'usascii',
  'iso88591',
  'iso885911987',
  'latin1',
  'l1',
  'cp819',
  'ibm819',
  'isoir100',
  'windows1252',
  'cp1252',
  'xcp1252',
]);

function charsetKey(charset: string): string {
  return charset.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function strictUtf8(buf: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return null;
  }
}

/**
 * Decodes `buf` declared as `charset`, never throwing: UTF-8 that is not valid UTF-8 and charsets
 * nobody knows are read as windows-1252 (the commonest truth for Danish mail), and bytes declared
 * as a Latin-1 family charset that form valid multi-byte UTF-8 are read as UTF-8.
 */
export function decodeLenient(buf: Buffer, charset: string | null | undefined): string {
  const key = charsetKey(charset ?? '');
  if (key === '' || UTF8_NAMES.has(key)) {
    return strictUtf8(buf) ?? iconv.decode(buf, 'windows-1252');
  }
  if (LATIN1_NAMES.has(key)) {
    // Pure ASCII decodes the same either way; only text with high bytes can be mislabelled UTF-8.
    if (buf.some((b) => b >= 0x80)) {
      const utf8 = strictUtf8(buf);
      if (utf8 !== null) return utf8;
    }
    return iconv.decode(buf, 'windows-1252');
  }
  if (iconv.encodingExists(charset ?? '')) return iconv.decode(buf, charset ?? '');
  return strictUtf8(buf) ?? iconv.decode(buf, 'windows-1252');
}

/**
 * Stream with the interface mailparser expects from its `Iconv` option, decoding with
 * {@link decodeLenient}. It buffers the whole part: text parts are small, and decoding needs to see
 * all bytes to decide whether they are valid UTF-8.
 */
export class LenientCharsetDecoder extends Transform {
  private readonly chunks: Buffer[] = [];
  private readonly charset: string;

  constructor(fromCharset: string, _toCharset?: string) {
    super();
    this.charset = fromCharset;
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.push(Buffer.from(decodeLenient(Buffer.concat(this.chunks), this.charset), 'utf8'));
    callback();
  }
}

// "Ã" or "Â" followed by the second byte of a two-byte UTF-8 sequence, as windows-1252 shows it.
const MOJIBAKE =
  /[ÃÂ][\u00A0-\u00BF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2013-\u2122]/;

/**
 * Repairs text that is UTF-8 read as windows-1252 ("KÃ¸benhavn" -> "København"). Only applied when
 * such a pair occurs AND the whole text round-trips: every character is representable in
 * windows-1252 and the bytes are valid UTF-8. Text mixing correct and broken letters is left alone.
 */
export function repairMojibake(text: string): string {
  if (!MOJIBAKE.test(text)) return text;
  const bytes = iconv.encode(text, 'windows-1252');
  if (iconv.decode(bytes, 'windows-1252') !== text) return text;
  return strictUtf8(bytes) ?? text;
}
