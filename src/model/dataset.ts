// Labelled mail records in JSONL (the fields of shared/data: id, subject, body, from, to, date, label).
// A bad line stops with its line number and the reason, or is skipped and counted.
import type { MailInput } from '../text/index.js';

export interface MailRecord {
  id: string;
  mail: MailInput;
  /** Null when the record has no label (prediction input). */
  label: string | null;
  date: string | null;
}

export class DatasetError extends Error {
  override name = 'DatasetError';
  constructor(
    readonly line: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`line ${line}: ${reason}`, options);
  }
}

export interface ParseResult {
  records: MailRecord[];
  /** Lines skipped with skipInvalid, with their reasons. */
  skipped: { line: number; reason: string }[];
}

function optionalString(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string')
    throw new Error(`field '${field}' must be a string or null, got ${typeof value}`);
  return value;
}

/** Validates one parsed JSON value as a mail record. Throws an Error with the reason. */
export function toMailRecord(value: unknown, requireLabel: boolean, fallbackId: string): MailRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('not a JSON object');
  const o = value as Record<string, unknown>;
  const id = typeof o.id === 'string' ? o.id : typeof o.id === 'number' ? String(o.id) : fallbackId;
  const subject = optionalString(o.subject, 'subject');
  const body = optionalString(o.body, 'body');
  const bodyHtml = optionalString(o.bodyHtml, 'bodyHtml');
  const from = optionalString(o.from, 'from');
  const date = optionalString(o.date, 'date');
  if (date !== null && !Number.isFinite(Date.parse(date)))
    throw new Error(`field 'date' is not a date: ${JSON.stringify(date.slice(0, 40))}`);
  let to: string | string[] | null;
  if (Array.isArray(o.to)) {
    if (!o.to.every((t) => typeof t === 'string')) throw new Error("field 'to' must hold only strings");
    to = o.to;
  } else {
    to = optionalString(o.to, 'to');
  }
  if (subject === null && body === null && bodyHtml === null)
    throw new Error('record has neither subject nor body');
  let label: string | null = null;
  if (o.label !== undefined && o.label !== null) {
    if (typeof o.label !== 'string' || o.label.trim() === '')
      throw new Error("field 'label' must be a non-empty string");
    label = o.label;
  }
  if (requireLabel && label === null) throw new Error("missing field 'label'");
  let attachments: MailInput['attachments'];
  if (Array.isArray(o.attachments)) {
    attachments = o.attachments.filter(
      (a): a is { name: string; contentType: string } =>
        typeof a === 'object' &&
        a !== null &&
        typeof (a as Record<string, unknown>).name === 'string' &&
        typeof (a as Record<string, unknown>).contentType === 'string',
    );
  }
  const mail: MailInput = { subject, body, bodyHtml, from, to, date };
  if (attachments) mail.attachments = attachments;
  return { id, mail, label, date };
}

/**
 * Line number `line` of a JSONL file as a mail record; null for an empty line. A bad line throws a
 * DatasetError with the line number and the reason.
 */
export function parseJsonlLine(text: string, line: number, requireLabel: boolean): MailRecord | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  try {
    return toMailRecord(JSON.parse(trimmed), requireLabel, `line-${line}`);
  } catch (error) {
    const reason =
      error instanceof SyntaxError
        ? `invalid JSON (${error.message})`
        : error instanceof Error
          ? error.message
          : String(error);
    throw new DatasetError(line, reason, { cause: error });
  }
}

/** Parses JSONL text. Empty lines are ignored. */
export function parseJsonl(
  text: string,
  options: { requireLabel: boolean; skipInvalid?: boolean },
): ParseResult {
  const records: MailRecord[] = [];
  const skipped: { line: number; reason: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    try {
      const record = parseJsonlLine(lines[i]!, i + 1, options.requireLabel);
      if (record !== null) records.push(record);
    } catch (error) {
      if (!(error instanceof DatasetError) || !options.skipInvalid) throw error;
      skipped.push({ line: error.line, reason: error.reason });
    }
  }
  return { records, skipped };
}
