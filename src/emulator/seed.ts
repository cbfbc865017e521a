import { readFile } from 'node:fs/promises';
import { simpleParser, type AddressObject } from 'mailparser';
import type { EmulatorMessageInput, GraphEmulator } from './types.js';

export interface SeedResult {
  delivered: number;
  skipped: number;
  /** Count per label (JSONL `label`), for demo output. */
  labels: Record<string, number>;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * Delivers every line of a JSONL file in the format of shared/data (`{id, subject, body, from, to,
 * date, label}`; nulls allowed) into a mailbox folder. `limit` caps the number of messages.
 */
export async function seedFromJsonl(
  emulator: GraphEmulator,
  file: string,
  mailbox: string,
  options: { folder?: string; limit?: number } = {},
): Promise<SeedResult> {
  const content = await readFile(file, 'utf8');
  const result: SeedResult = { delivered: 0, skipped: 0, labels: {} };
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  for (const line of content.split('\n')) {
    if (result.delivered >= limit) break;
    if (line.trim() === '') continue;
    let row: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      row = parsed as Record<string, unknown>;
    } catch {
      result.skipped += 1;
      continue;
    }
    const body = text(row['body']) ?? '';
    const subject =
      text(row['subject']) ??
      body
        .split('\n')
        .find((l) => l.trim() !== '')
        ?.slice(0, 80) ??
      '(no subject)';
    const to = Array.isArray(row['to'])
      ? row['to'].filter((t): t is string => typeof t === 'string')
      : text(row['to'])?.split(/[,;]\s*/);
    const date = text(row['date']);
    const received =
      date !== undefined && !Number.isNaN(Date.parse(date)) ? new Date(date).toISOString() : undefined;
    const input: EmulatorMessageInput = {
      subject,
      body,
      from: text(row['from']) ?? 'unknown.sender@example.org',
      ...(to ? { to } : {}),
      ...(received ? { receivedDateTime: received } : {}),
      ...(text(row['id']) ? { internetMessageId: `<${String(row['id'])}@seed.mailroute.local>` } : {}),
    };
    emulator.deliver(mailbox, input, options.folder);
    result.delivered += 1;
    const label = text(row['label']);
    if (label) result.labels[label] = (result.labels[label] ?? 0) + 1;
  }
  return result;
}

const addresses = (value: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) =>
    a.value
      .filter((v) => v.address)
      .map((v) => (v.name ? `${v.name} <${v.address ?? ''}>` : (v.address ?? ''))),
  );

/** Delivers RFC 822 (.eml) files into a mailbox folder (attachments as metadata). */
export async function seedFromEml(
  emulator: GraphEmulator,
  files: string[],
  mailbox: string,
  options: { folder?: string } = {},
): Promise<SeedResult> {
  const result: SeedResult = { delivered: 0, skipped: 0, labels: {} };
  for (const file of files) {
    const mail = await simpleParser(await readFile(file));
    const from = addresses(mail.from)[0] ?? 'unknown.sender@example.org';
    const html = typeof mail.html === 'string' ? mail.html : undefined;
    emulator.deliver(
      mailbox,
      {
        subject: mail.subject ?? '',
        body: html ?? mail.text ?? '',
        contentType: html ? 'html' : 'text',
        from,
        to: addresses(mail.to),
        cc: addresses(mail.cc),
        ...(mail.date ? { receivedDateTime: mail.date.toISOString() } : {}),
        ...(mail.messageId ? { internetMessageId: mail.messageId } : {}),
        attachments: mail.attachments.map((a) => ({
          name: a.filename ?? 'attachment',
          contentType: a.contentType,
          size: a.size,
        })),
      },
      options.folder,
    );
    result.delivered += 1;
  }
  return result;
}
