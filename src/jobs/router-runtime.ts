import type { MailboxGateway } from '../mail/index.js';
import type { CompiledRule } from '../rules/index.js';
import type { RouterPolicy, ScoredLabel } from '../routing/index.js';
import type { MailInput } from '../text/index.js';

export interface TargetRuntime {
  label: string;
  name: string;
  action: 'forward' | 'move' | 'copy';
  mailbox: string | undefined;
  folder: string | undefined;
}

/** What the route job needs to know about the model part: a verdict for one mail. */
export interface RouterClassifier {
  readonly modelVersion: string;
  classify(mail: MailInput): Promise<{ top: ScoredLabel[]; explanation?: unknown }>;
}

/** One router as the worker runs it: configuration, compiled rules, and its current model. */
export interface RouterRuntime {
  tenantId: string;
  routerId: string;
  sourceMailbox: string;
  sourceFolder: string;
  reviewFolder: string;
  policy: RouterPolicy;
  targets: ReadonlyMap<string, TargetRuntime>;
  rules: readonly CompiledRule[];
  gateway: MailboxGateway;
  /** The active model version, read at every use so a hot swap takes effect on the next mail. */
  classifier(): RouterClassifier | undefined;
}
