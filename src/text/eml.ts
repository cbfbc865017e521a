// .eml (RFC 822 / MIME) -> MailInput, via mailparser. Text parts are decoded with the lenient
// decoder (unknown or lying charsets do not produce U+FFFD or mojibake); HTML is NOT converted here
// so that normalizeMail converts every HTML body the same way.
import { simpleParser, type AddressObject } from 'mailparser';
import { LenientCharsetDecoder, RELABELLED_CHARSET } from './charset.js';
import type { MailAttachmentInfo, MailInput } from './types.js';

function addressTexts(field: AddressObject | AddressObject[] | undefined): string[] {
  if (field === undefined) return [];
  const objects = Array.isArray(field) ? field : [field];
  const out: string[] = [];
  for (const obj of objects) {
    for (const entry of obj.value) {
      if (entry.address) out.push(entry.name ? `${entry.name} <${entry.address}>` : entry.address);
      // Groups ("Undisclosed recipients: a@x, b@y;") nest their members.
      for (const member of entry.group ?? []) if (member.address) out.push(member.address);
    }
  }
  return out;
}

const TEXT_CONTENT_TYPE = /^content-type:[ \t]*text\/[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gimu;
const CHARSET_PARAM = /(charset[ \t]*=[ \t]*)("?)([^";\s]*)\2/iu;
const UTF8_OR_ASCII = new Set(['', 'utf8', 'usascii', 'ascii']);

/**
 * mailparser decodes parts declared UTF-8 or US-ASCII (or nothing, which means US-ASCII) with
 * Buffer.toString, so raw Latin-1 bytes in them become U+FFFD. Such text parts are relabelled with a
 * private charset name that only the lenient decoder knows: valid UTF-8 stays UTF-8, anything else
 * is read as windows-1252. Works on the bytes as latin1 (one char per byte, lossless).
 */
function relabelTextParts(raw: Buffer): Buffer {
  let text = raw.toString('latin1');
  text = text.replace(TEXT_CONTENT_TYPE, (header: string) => {
    const param = CHARSET_PARAM.exec(header);
    if (param === null) return `${header}; charset="${RELABELLED_CHARSET}"`;
    const key = (param[3] ?? '').toLowerCase().replace(/[^a-z0-9]/gu, '');
    if (!UTF8_OR_ASCII.has(key)) return header;
    return header.replace(CHARSET_PARAM, `$1"${RELABELLED_CHARSET}"`);
  });
  // A message without any Content-Type header is text/plain; us-ascii by definition.
  const headerEnd = text.search(/\r?\n\r?\n/u);
  const headers = headerEnd < 0 ? text : text.slice(0, headerEnd);
  if (!/^content-type:/imu.test(headers))
    text = `Content-Type: text/plain; charset="${RELABELLED_CHARSET}"\r\n${text}`;
  return Buffer.from(text, 'latin1');
}

/** Parses a raw RFC 822 message. Rejects only when mailparser itself fails on the input. */
export async function parseEml(raw: Buffer | string): Promise<MailInput> {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  const parsed = await simpleParser(relabelTextParts(bytes), {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    Iconv: LenientCharsetDecoder,
  });
  const from = addressTexts(parsed.from);
  const date = parsed.date;
  const attachments: MailAttachmentInfo[] = parsed.attachments.map((a) => {
    const info: MailAttachmentInfo = {
      name: a.filename ?? '',
      contentType: a.contentType || 'application/octet-stream',
      size: a.size,
    };
    if (a.contentDisposition === 'inline' || a.related === true) info.inline = true;
    return info;
  });
  return {
    subject: parsed.subject ?? null,
    // mailparser gives '' for a message without a text/plain part.
    body: parsed.text ? parsed.text : null,
    bodyHtml: typeof parsed.html === 'string' ? parsed.html : null,
    from: from[0] ?? null,
    to: addressTexts(parsed.to),
    date: date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : null,
    attachments,
  };
}
