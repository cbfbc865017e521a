// The mail shapes normalisation takes and returns (re-exported by normalize.ts).

export interface MailAttachmentInfo {
  name: string;
  contentType: string;
  size?: number;
  /** True for inline parts (logos, embedded images) rather than attached files. */
  inline?: boolean;
}

export interface MailInput {
  subject: string | null;
  /** Plain text body, if any. */
  body: string | null;
  /** HTML body, if any (used when body is empty/absent, or when body looks like HTML). */
  bodyHtml?: string | null;
  /** "Name <addr@x.dk>" or "addr@x.dk". */
  from: string | null;
  to: string | string[] | null;
  date?: string | null;
  attachments?: MailAttachmentInfo[];
}

/** Where `NormalizedMail.text` came from. */
export type TextSource =
  /** the sender's own new text */
  | 'new'
  /** the new part was empty (a forward without a note): text is the first forwarded/quoted message */
  | 'history'
  /** there is no text at all */
  | 'none';

export interface NormalizedMail {
  /** Cleaned: Re:/Fwd:/SV:/VS:/Fw:/AW:/TR: prefixes removed, whitespace folded. */
  subject: string;
  /** The NEW text of the mail: no quoted history, no signature/disclaimer. */
  text: string;
  /** Quoted replies / forwarded history that was separated out (">" markers removed). */
  quoted: string;
  /** Trimmed signature/disclaimer. */
  signature: string;
  /** Lower-case address only. */
  fromAddress: string | null;
  /** The sender's display name ("Jens Hansen" of "Jens Hansen <jh@x.dk>"), '' when there is none. */
  fromName: string;
  fromDomain: string | null;
  /** Lower-case, de-duplicated, in order. */
  toAddresses: string[];
  attachments: MailAttachmentInfo[];
  textSource: TextSource;
  /** True when the body was longer than MAX_BODY_CHARS and only its start was processed. */
  truncated: boolean;
}
