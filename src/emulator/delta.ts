import { randomUUID } from 'node:crypto';

import {
  DEFAULT_PAGE,
  isRecord,
  MAX_PAGE,
  params,
  query,
  resolveTarget,
  sendJson,
  str,
  viewOptions,
  type Emulation,
  type EmulatorApp,
} from './context.js';
import {
  matchesFilter,
  messageJson,
  parseFilter,
  parseOrderBy,
  parsePrefer,
  parseSelect,
  sortMessages,
  type DateFilter,
} from './odata.js';
import { GraphError, notFound } from './store.js';

/** The state of one delta round between its pages (the skip token points at it). */
interface DeltaRound {
  mailboxId: string;
  folderId: string;
  /** Message ids of the round, in order. */
  ids: string[];
  offset: number;
  endSeq: number;
  select: string | undefined;
  expand: string | undefined;
  filter: string | undefined;
  order: 'asc' | 'desc';
}

/**
 * What a delta token carries: mailbox, folder, the change sequence reached, and the query of the
 * first request ($select, $expand, $filter), which Graph keeps in its nextLink and deltaLink.
 */
interface DeltaToken {
  m: string;
  f: string;
  s: number;
  sel?: string | undefined;
  exp?: string | undefined;
  fil?: string | undefined;
}

/** `GET /users/{u}/mailFolders/{f}/messages/delta` with skip and delta tokens. */
export function registerDeltaRoute(app: EmulatorApp, em: Emulation): void {
  const { store, faults } = em;
  const deltaRounds = new Map<string, DeltaRound>();

  const gone = (): GraphError =>
    new GraphError(
      410,
      'syncStateNotFound',
      'The sync state is not found or has expired; start a new full synchronization without a delta token.',
    );

  const encodeToken = (token: DeltaToken): string => Buffer.from(JSON.stringify(token)).toString('base64url');
  const decodeToken = (text: string): DeltaToken | undefined => {
    try {
      const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
      if (
        isRecord(value) &&
        typeof value['m'] === 'string' &&
        typeof value['f'] === 'string' &&
        typeof value['s'] === 'number'
      ) {
        return {
          m: value['m'],
          f: value['f'],
          s: value['s'],
          sel: str(value['sel']),
          exp: str(value['exp']),
          fil: str(value['fil']),
        };
      }
    } catch {
      return undefined;
    }
    return undefined;
  };

  app.get('/v1.0/users/:user/mailFolders/:folder/messages/delta', async (req, reply) => {
    const { mailbox, folder } = resolveTarget(em, req);
    if (!folder) throw notFound();
    const q = query(req);
    const prefer = parsePrefer(req.headers.prefer);
    const maxPageSize = Number(prefer.get('odata.maxpagesize'));
    let pageSize = DEFAULT_PAGE;
    if (Number.isInteger(maxPageSize) && maxPageSize > 0) {
      pageSize = Math.min(maxPageSize, MAX_PAGE);
      em.request(req).applied.push(`odata.maxpagesize=${pageSize}`);
    }
    let round: DeltaRound | undefined;
    let skipToken = q['$skiptoken'];
    if (skipToken !== undefined) {
      round = deltaRounds.get(skipToken);
      if (!round || round.mailboxId !== mailbox.id || round.folderId !== folder.id) throw gone();
      deltaRounds.delete(skipToken);
    } else {
      const deltaTokenText = q['$deltatoken'];
      let since = 0;
      let select = q['$select'];
      let expand = q['$expand'];
      let filter = q['$filter'];
      if (deltaTokenText !== undefined) {
        if (faults.takeExpiredDeltaToken(mailbox.address)) throw gone();
        const token = decodeToken(deltaTokenText);
        if (!token || token.m !== mailbox.id || token.f !== folder.id || token.s > mailbox.seq) throw gone();
        since = token.s;
        select = token.sel;
        expand = token.exp;
        filter = token.fil;
      }
      parseSelect(select);
      const filters: DateFilter[] = parseFilter(filter);
      const order = parseOrderBy(q['$orderby']);
      const changed = store
        .messagesIn(mailbox, folder)
        .filter((m) => m.version > since && matchesFilter(m, filters));
      const ids =
        since === 0
          ? sortMessages(changed, order).map((m) => m.id)
          : changed.sort((a, b) => a.version - b.version).map((m) => m.id);
      if (since > 0) {
        for (const [id, seq] of folder.removed) {
          if (seq > since && mailbox.messages.get(id)?.parentFolderId !== folder.id) ids.push(id);
        }
      }
      round = {
        mailboxId: mailbox.id,
        folderId: folder.id,
        ids,
        offset: 0,
        endSeq: mailbox.seq,
        select,
        expand,
        filter,
        order,
      };
    }
    const view = viewOptions(em, req, { ...q, $select: round.select, $expand: round.expand });
    const pageIds = round.ids.slice(round.offset, round.offset + pageSize);
    const value = pageIds.map((id) => {
      const message = mailbox.messages.get(id);
      if (message && message.parentFolderId === folder.id) return messageJson(mailbox, message, view);
      return { '@odata.type': '#microsoft.graph.message', id, '@removed': { reason: 'deleted' } };
    });
    const body: Record<string, unknown> = {
      '@odata.context': `${em.graphUrl}/$metadata#Collection(message)`,
      value,
    };
    const path = `${em.graphUrl}/users/${encodeURIComponent(params(req).user)}/mailFolders/${encodeURIComponent(params(req).folder ?? '')}/messages/delta`;
    if (round.offset + pageSize < round.ids.length) {
      skipToken = randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, '');
      deltaRounds.set(skipToken, { ...round, offset: round.offset + pageSize });
      body['@odata.nextLink'] = `${path}?%24skiptoken=${skipToken}`;
    } else {
      const token = encodeToken({
        m: mailbox.id,
        f: folder.id,
        s: round.endSeq,
        sel: round.select,
        exp: round.expand,
        fil: round.filter,
      });
      body['@odata.deltaLink'] = `${path}?%24deltatoken=${token}`;
    }
    return sendJson(reply, 200, body);
  });
}
