import type { JobContext, JobOutcome } from '../queue/index.js';
import {
  NotFoundError,
  ThrottledError,
  MailGatewayError,
  TransientGraphError,
  type MailMessage,
  type MessageAction,
} from '../mail/index.js';
import { evaluateRules, type RuleMail } from '../rules/index.js';
import { decide, needsFallback, type Decision, type ModelVerdict } from '../routing/index.js';
import {
  claimMessage,
  LeaseLostError,
  markRecorded,
  saveDecided,
  type Database,
  type DecidedFields,
  type DecisionRecord,
  type MessageContent,
  type RouterState,
} from '../store/index.js';
import { maskPii, normalizeMail, type MailInput } from '../text/index.js';
import type { RouterRuntime } from './router-runtime.js';

export interface RouteDependencies {
  store: Database;
  router(tenantId: string, routerId: string): RouterRuntime | undefined;
  /** This worker's identity for leases. */
  owner: string;
  leaseMs: number;
  /** After this many attempts a message goes to review with the reason, instead of retrying forever. */
  maxAttempts: number;
  /** Counts a recorded decision (metrics). */
  onRecorded?(router: RouterRuntime, decision: DecisionRecord, receivedAt: Date): void;
  /** Resolves a folder name of a mailbox to its id (cached by the caller). */
  folderId(router: RouterRuntime, mailbox: string, name: string): Promise<string>;
  /** The router's mode as stored (the caller may cache it briefly). */
  routerState(tenantId: string, routerId: string): Promise<RouterState | null>;
}

export interface RoutePayload {
  tenantId: string;
  routerId: string;
  messageId: string;
}

export const ROUTED_CATEGORY_PREFIX = 'mailroute: ';

function mailInput(message: MailMessage): MailInput {
  const address = (a: { name?: string; address: string } | undefined) =>
    a ? (a.name ? `${a.name} <${a.address}>` : a.address) : null;
  return {
    subject: message.subject,
    body: message.bodyText,
    bodyHtml: message.bodyHtml,
    from: address(message.from),
    to: message.toRecipients.map((r) => r.address),
    date: message.receivedDateTime ?? null,
    attachments: message.attachments
      .filter((a) => !a.isInline)
      .map((a) => ({ name: a.name, contentType: a.contentType, size: a.size })),
  };
}

/** What deciding produced: the fields to save, and the message as fetched (if it still existed). */
interface Decided {
  fields: DecidedFields;
  message?: MailMessage;
  /** The cleaned, masked content kept for training, saved with the decision. */
  content?: MessageContent;
}

/** Decides what to do with a message (claimed -> decided). Nothing is done to the mail yet. */
async function decideMessage(
  deps: RouteDependencies,
  router: RouterRuntime,
  decision: DecisionRecord,
  fetched: Promise<MailMessage>,
  ctx: JobContext,
): Promise<Decided> {
  let message: MailMessage;
  try {
    message = await fetched;
  } catch (error) {
    if (error instanceof NotFoundError) {
      // Moved or deleted by a person before mailroute got to it: nothing to route, nothing lost.
      return { fields: failed('the message is no longer in the source mailbox', false) };
    }
    throw error;
  }
  const input = mailInput(message);
  const normalized = normalizeMail(input);
  const ruleMail: RuleMail = {
    senderAddress: normalized.fromAddress,
    recipients: normalized.toAddresses,
    subject: normalized.subject,
    body: normalized.text,
    attachments: normalized.attachments,
    headers: message.headers,
    receivedAt: new Date(message.receivedDateTime ?? decision.receivedAt),
  };
  const override = evaluateRules(router.rules, 'override', ruleMail);
  let model: ModelVerdict | undefined;
  let explanation: unknown = null;
  const classifier = router.classifier();
  if (!override.decidedBy && classifier) {
    try {
      const verdict = await classifier.classify(input);
      model = { modelVersion: classifier.modelVersion, top: verdict.top };
      explanation = verdict.explanation ?? null;
    } catch (error) {
      ctx.log.error({ err: error }, 'classifier failed; deciding without the model');
    }
  }
  const fallback = needsFallback({ policy: router.policy, override, model })
    ? evaluateRules(router.rules, 'fallback', ruleMail)
    : undefined;
  const d: Decision = decide({ policy: router.policy, override, model, fallback });

  // Switching a router from shadow to active acts only on mail that arrived after the switch.
  const state = await deps.routerState(router.tenantId, router.routerId);
  const receivedAt = ruleMail.receivedAt;
  // Graph gives receivedDateTime in whole seconds: compare at that precision.
  const activeSince = state ? Math.floor(state.modeChangedAt.getTime() / 1000) * 1000 : Infinity;
  const act = d.act && state !== null && state.mode === 'active' && receivedAt.getTime() >= activeSince;

  const content: MessageContent = {
    senderAddress: normalized.fromAddress,
    subjectMasked: maskPii(normalized.subject).text,
    textMasked: maskPii(normalized.text).text,
  };
  const target = d.target ? router.targets.get(d.target) : undefined;
  const fields: DecidedFields = {
    outcome: d.outcome,
    decidedBy: d.decidedBy,
    targetLabel: d.target ?? null,
    acted: act,
    action: act ? (target?.action ?? 'review') : null,
    modelVersion: model?.modelVersion ?? null,
    scores: model ? model.top.slice(0, 3).map((s) => ({ label: s.label, probability: s.probability })) : null,
    ruleHits: {
      override: override.hits,
      fallback: fallback?.hits ?? [],
      errors: [...override.errors, ...(fallback?.errors ?? [])],
    },
    explanation,
    reason: act || !d.act ? d.reason : `${d.reason} (received before the router became active: not acted on)`,
  };
  return { fields, message, content };
}

function failed(reason: string, act: boolean): DecidedFields {
  return {
    outcome: 'failed',
    decidedBy: 'error',
    targetLabel: null,
    acted: act,
    action: act ? 'review' : null,
    modelVersion: null,
    scores: null,
    ruleHits: {},
    explanation: null,
    reason,
  };
}

/**
 * Does what the decision says, so that a retry after a crash at any point finds what already
 * happened instead of doing it twice (docs/adr/0003-exactly-once-routing.md):
 * forward = createForward -> tag the draft with the decision id -> send, found again by that tag;
 * then the source message gets categories and the routed marker (in the same $batch as the tag
 * and the send, when this attempt creates the forward); a move comes last.
 *
 * `justDecided` is the message as fetched by this same attempt, which saved the decision a moment
 * ago: no forward for that decision can exist yet, so there is nothing to search for (two Graph
 * requests saved per mail, out of a budget of 10,000 per mailbox per 10 minutes).
 */
async function act(
  deps: RouteDependencies,
  router: RouterRuntime,
  decision: DecisionRecord,
  messageId: string,
  justDecided?: MailMessage,
) {
  const gateway = router.gateway;
  const source = router.sourceMailbox;
  const decisionId = String(decision.id);
  const target = decision.targetLabel ? router.targets.get(decision.targetLabel) : undefined;
  const toReview = decision.outcome !== 'routed' || !target;

  const label = toReview ? 'til manuel fordeling' : target.name;
  const categories = [`${ROUTED_CATEGORY_PREFIX}${label}`];
  if (!toReview && target.action === 'forward' && target.mailbox) {
    const found = justDecided ? null : await gateway.findForwardByDecisionId(source, decisionId);
    if (found?.folder === 'drafts') await gateway.sendDraft(source, found.id);
    if (!found) {
      const original = justDecided ?? (await gateway.getMessage(source, messageId));
      const sender = original.from ? [original.from] : [];
      await gateway.forward({
        mailbox: source,
        messageId,
        to: [{ address: target.mailbox, name: target.name }],
        decisionId,
        replyTo: sender,
        comment: `mailroute: ${decision.reason ?? ''}`,
        mode: 'draft',
        markSource: { categories },
      });
      return;
    }
  }
  const actions: MessageAction[] = [
    { kind: 'categories', categories },
    { kind: 'marker', decisionId },
  ];
  if (toReview) {
    actions.push({
      kind: 'move',
      destinationFolderId: await deps.folderId(router, source, router.reviewFolder),
    });
  } else if (target.action !== 'forward' && target.folder) {
    const folder = await deps.folderId(router, source, target.folder);
    // A copy is made only while the source has no marker yet: the marker comes after the copy in
    // one $batch, so at worst a crash between them repeats the copy (see the ADR).
    if (target.action === 'copy' && (await gateway.getRoutedMarker(source, messageId)) === decisionId) {
      return;
    }
    actions.push({ kind: target.action, destinationFolderId: folder });
  }
  const outcomes = await gateway.applyActions(source, messageId, actions);
  const failure = outcomes.find((o) => !o.ok);
  if (failure && !failure.ok) throw failure.error;
}

export async function routeMessage(
  deps: RouteDependencies,
  payload: RoutePayload,
  ctx: JobContext,
): Promise<JobOutcome> {
  const router = deps.router(payload.tenantId, payload.routerId);
  if (!router) return { status: 'failed', reason: `unknown router ${payload.tenantId}/${payload.routerId}` };
  const key = { tenantId: payload.tenantId, routerId: payload.routerId, graphId: payload.messageId };
  // The message is fetched while the claim runs: almost every claim succeeds, and the job holds
  // one of the mailbox's few slots for one database round trip less. A GET is safe to waste, but
  // not to leave running: the job's slot stands for it until it is answered.
  const fetched = router.gateway.getMessage(router.sourceMailbox, payload.messageId);
  const answered = fetched.then(
    () => undefined,
    () => undefined,
  );
  const claim = await claimMessage(deps.store, key, deps.owner, deps.leaseMs).catch(
    async (error: unknown) => {
      await answered;
      throw error;
    },
  );
  const decidesNow =
    claim.status === 'claimed' &&
    claim.decision.state === 'claimed' &&
    claim.decision.attempts <= deps.maxAttempts;
  if (!decidesNow) await answered;
  switch (claim.status) {
    case 'unknown':
      return { status: 'failed', reason: 'message was never recorded by ingest' };
    case 'done':
      return { status: 'done' };
    case 'busy':
      return {
        status: 'retry',
        delayMs: Math.max(100, claim.leaseUntil.getTime() - Date.now() + 50),
        reason: 'another worker holds the message',
      };
    case 'claimed':
      break;
  }
  let decision = claim.decision;
  let justDecided: MailMessage | undefined;
  try {
    if (decision.state === 'claimed') {
      const decided: Decided = decidesNow
        ? await decideMessage(deps, router, decision, fetched, ctx)
        : { fields: failed(`gave up after ${decision.attempts - 1} attempts`, true) };
      await saveDecided(deps.store, decision.id, deps.owner, decided.fields, decided.content);
      decision = { ...decision, ...decided.fields, state: 'decided' };
      justDecided = decided.message;
    }
    if (decision.state === 'decided' && decision.acted) {
      try {
        await act(deps, router, decision, payload.messageId, justDecided);
      } catch (error) {
        if (!isPermanent(error) && decision.attempts <= deps.maxAttempts) throw error;
        decision = await sendToReviewAfterFailure(deps, router, decision, payload.messageId, error, ctx);
      }
    }
    if (decision.state === 'decided' || decision.state === 'acted') {
      await markRecorded(deps.store, decision.id, deps.owner, {
        tenantId: router.tenantId,
        actor: `worker:${deps.owner}`,
        details: { outcome: decision.outcome, target: decision.targetLabel, acted: decision.acted },
      });
      deps.onRecorded?.(router, { ...decision, state: 'recorded' }, decision.receivedAt);
    }
    return { status: 'done' };
  } catch (error) {
    if (error instanceof LeaseLostError) return { status: 'done' };
    if (error instanceof ThrottledError) {
      return { status: 'retry', delayMs: error.retryAfterMs, reason: 'Graph throttled the mailbox' };
    }
    throw error;
  }
}

/**
 * A target that no longer exists, a message Graph refuses, or too many attempts: the mail goes to
 * the review folder with the reason recorded, never dropped and never retried forever.
 */
async function sendToReviewAfterFailure(
  deps: RouteDependencies,
  router: RouterRuntime,
  decision: DecisionRecord,
  messageId: string,
  error: unknown,
  ctx: JobContext,
): Promise<DecisionRecord> {
  let reason = `could not ${decision.action ?? 'act'}: ${error instanceof Error ? error.message : String(error)}`;
  const review: DecisionRecord = {
    ...decision,
    outcome: 'failed',
    decidedBy: 'error',
    targetLabel: null,
    action: 'review',
  };
  let acted = true;
  try {
    await act(deps, router, review, messageId);
  } catch (reviewError) {
    // The source message itself is gone or refused: nothing more can be done to it.
    acted = false;
    reason += `; moving it to review failed too: ${reviewError instanceof Error ? reviewError.message : String(reviewError)}`;
  }
  ctx.log.warn({ decisionId: decision.id, acted }, 'action failed; decision recorded as failed');
  await deps.store.query(
    `UPDATE decisions SET outcome = 'failed', decided_by = 'error', target_label = NULL, action = $2, acted = $3, reason = $4
     WHERE id = $1 AND lease_owner = $5`,
    [decision.id, acted ? 'review' : null, acted, reason, deps.owner],
  );
  return { ...review, acted, action: acted ? 'review' : null, reason };
}

function isPermanent(error: unknown): boolean {
  return (
    error instanceof MailGatewayError &&
    !(error instanceof TransientGraphError) &&
    !(error instanceof ThrottledError)
  );
}
