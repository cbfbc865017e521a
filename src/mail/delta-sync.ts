import { SyncStateGoneError } from './errors.js';
import { deltaCursorKey, type DeltaCursorStore } from './ports.js';
import type { DeltaPage, MailboxGateway, MessageSummary, RemovedMessage } from './types.js';

export interface DeltaSinkPage {
  mailbox: string;
  folderId: string;
  upserts: MessageSummary[];
  removed: RemovedMessage[];
  /** True while a full resync runs after the delta token expired (410). */
  resync: boolean;
}

/**
 * Receives each page of a delta round. It must make the page durable (enqueue route jobs, record
 * removals) before it resolves, and be idempotent by message id: the cursor is saved only after it
 * resolves, so a crash in between hands the same page over again.
 */
export interface DeltaSink {
  accept(page: DeltaSinkPage): Promise<void>;
}

export interface DeltaRoundResult {
  pages: number;
  upserts: number;
  removed: number;
  /** Messages skipped because they already carry mailroute's routed marker. */
  skippedRouted: number;
  resynced: boolean;
  /** False when the round stopped at `maxPages`; the next round continues from the saved cursor. */
  complete: boolean;
}

export interface DeltaSyncOptions {
  /** Prefer: odata.maxpagesize (Graph caps message pages; 10-1000 are sensible). */
  pageSize?: number;
  /** Skip messages that already carry mailroute's routed marker (default true). */
  skipRouted?: boolean;
  /** Stop after this many pages (a job that must yield); the cursor says where to go on. */
  maxPages?: number;
}

/**
 * Delta query per source folder: the source of truth for what arrived. The link to continue from
 * is persisted after each fully processed page, so a restart resumes where it stopped without
 * re-reading pages; an expired token (410) restarts with a full sync that re-routes nothing
 * already marked as routed.
 */
export class DeltaSync {
  constructor(
    private readonly gateway: Pick<MailboxGateway, 'deltaPage'>,
    private readonly cursors: DeltaCursorStore,
    private readonly options: DeltaSyncOptions = {},
  ) {}

  async round(mailbox: string, folderId: string, sink: DeltaSink): Promise<DeltaRoundResult> {
    const key = deltaCursorKey(mailbox, folderId);
    const result: DeltaRoundResult = {
      pages: 0,
      upserts: 0,
      removed: 0,
      skippedRouted: 0,
      resynced: false,
      complete: false,
    };
    let link = await this.cursors.load(key);
    const fetchPage = (from: string | null) =>
      this.gateway.deltaPage({ mailbox, folderId, link: from, pageSize: this.options.pageSize });
    // The next page is asked for while this one is handed over (one request ahead, never more):
    // Graph's latency then overlaps the sink's work. The cursor still moves only after a page has
    // been handed over in full.
    let ahead: Promise<DeltaPage> | undefined;
    for (;;) {
      let page: DeltaPage;
      try {
        page = await (ahead ?? fetchPage(link));
      } catch (error) {
        ahead = undefined;
        if (!(error instanceof SyncStateGoneError) || result.resynced) throw error;
        await this.cursors.clear(key);
        link = null;
        result.resynced = true;
        continue;
      }
      ahead = undefined;
      result.pages += 1;
      const more =
        page.nextLink !== null &&
        (this.options.maxPages === undefined || result.pages < this.options.maxPages);
      if (more && page.nextLink !== null) {
        ahead = fetchPage(page.nextLink);
        // Awaited on the next turn; if the hand-over below fails first, nobody awaits it.
        ahead.catch(() => undefined);
      }
      const upserts =
        this.options.skipRouted === false
          ? page.upserts
          : page.upserts.filter((m) => m.routedDecisionId === null);
      result.skippedRouted += page.upserts.length - upserts.length;
      if (upserts.length > 0 || page.removed.length > 0) {
        await sink.accept({ mailbox, folderId, upserts, removed: page.removed, resync: result.resynced });
      }
      result.upserts += upserts.length;
      result.removed += page.removed.length;
      const next = page.nextLink ?? page.deltaLink;
      if (next === null)
        throw new Error('Graph returned a delta page with neither @odata.nextLink nor @odata.deltaLink');
      await this.cursors.save(key, next);
      if (page.nextLink === null) {
        result.complete = true;
        return result;
      }
      if (!more) return result;
      link = page.nextLink;
    }
  }
}

/**
 * Runs delta rounds so that at most one runs per folder at a time; a trigger that arrives during a
 * round causes exactly one more round after it (notifications coalesce, none is lost).
 */
export class DeltaRoundRunner {
  private readonly running = new Map<string, Promise<void>>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sync: DeltaSync,
    private readonly sink: DeltaSink,
    private readonly onError: (error: unknown, mailbox: string, folderId: string) => void = () => undefined,
  ) {}

  /** Starts (or queues) a round; resolves when the round that covers this trigger finished. */
  trigger(mailbox: string, folderId: string): Promise<void> {
    const key = deltaCursorKey(mailbox, folderId);
    const current = this.running.get(key);
    if (current) {
      this.pending.add(key);
      return current.then(() => this.running.get(key) ?? Promise.resolve());
    }
    const run = (async () => {
      try {
        do {
          this.pending.delete(key);
          try {
            await this.sync.round(mailbox, folderId, this.sink);
          } catch (error) {
            this.onError(error, mailbox, folderId);
          }
        } while (this.pending.has(key));
      } finally {
        this.running.delete(key);
      }
    })();
    this.running.set(key, run);
    return run;
  }

  /** The periodic round that catches whatever notifications were lost. */
  startPeriodic(intervalMs: number, folders: () => { mailbox: string; folderId: string }[]): void {
    this.stopPeriodic();
    this.timer = setInterval(() => {
      for (const f of folders()) void this.trigger(f.mailbox, f.folderId);
    }, intervalMs);
    this.timer.unref();
  }

  stopPeriodic(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Waits for every running round. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }
}
