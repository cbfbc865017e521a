import type { DemoMail } from './compose.js';

/** One line in the format of shared/data and the emulator's `seedFromJsonl` (`{id, subject, body, from, to, date, label}`). */
export interface DemoJsonlRow {
  id: string;
  subject: string;
  body: string;
  from: string;
  to: string[];
  date: string;
  label: string;
}

export function toJsonlRow(mail: DemoMail, id: string): DemoJsonlRow {
  return {
    id,
    subject: mail.subject,
    body: mail.body,
    from: mail.from,
    to: mail.to,
    date: mail.receivedDateTime,
    label: mail.label,
  };
}
