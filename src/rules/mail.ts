/** What rules can look at in a mail. Built by the route job from the normalised message. */
export interface RuleMail {
  senderAddress: string | null;
  recipients: string[];
  subject: string;
  body: string;
  attachments: { name: string; contentType: string }[];
  /** Internet message headers, names in any case. */
  headers: Record<string, string>;
  receivedAt: Date;
}
