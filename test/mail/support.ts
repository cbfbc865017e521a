import { generate } from 'selfsigned';
import { startGraphEmulator, type EmulatorOptions, type GraphEmulator } from '../../src/emulator/index.js';
import {
  GraphMailboxGateway,
  type DeltaSink,
  type DeltaSinkPage,
  type GraphGatewayOptions,
  type MessageSummary,
} from '../../src/mail/index.js';

export const source = 'post@kommune.dk';
export const target = 'byggesag@kommune.dk';

export async function startEmulator(options: EmulatorOptions = {}): Promise<GraphEmulator> {
  const emulator = await startGraphEmulator(options);
  emulator.addMailbox(source, 'Post');
  emulator.addMailbox(target, 'Byggesag');
  return emulator;
}

/** A gateway that talks to the emulator through msal-node and the Graph client over HTTPS. */
export function gatewayFor(
  emulator: GraphEmulator,
  options: Partial<GraphGatewayOptions> = {},
): GraphMailboxGateway {
  return new GraphMailboxGateway({
    tenantId: emulator.tenantId,
    clientId: 'mailroute-demo',
    credential: { kind: 'secret', clientSecret: 'demo-secret' },
    authority: emulator.authority,
    graphBaseUrl: emulator.graphUrl,
    caCertPem: emulator.caCertPem,
    retry: { baseDelayMs: 50, maxDelayMs: 2000 },
    ...options,
  });
}

export function deliverMany(
  emulator: GraphEmulator,
  count: number,
  prefix = 'Besked',
  mailbox = source,
): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(
      emulator.deliver(mailbox, {
        subject: `${prefix} ${i}`,
        body: `Hej, det drejer sig om sag ${i}.`,
        from: `Borger ${i} <borger${i}@example.dk>`,
        receivedDateTime: new Date(Date.UTC(2026, 10, 1, 8, 0, 0) + i * 1000).toISOString(),
      }),
    );
  }
  return ids;
}

/** Records what a delta round handed over; counts anything handed over twice. */
export class RecordingSink implements DeltaSink {
  readonly seen = new Map<string, number>();
  readonly removed: string[] = [];
  readonly pages: DeltaSinkPage[] = [];
  /** Throw on this (1-based) accepted page, once, before recording anything: a crash. */
  crashOnPage: number | null = null;
  onUpsert: ((m: MessageSummary) => Promise<void>) | null = null;

  async accept(page: DeltaSinkPage): Promise<void> {
    if (this.crashOnPage !== null && this.pages.length + 1 === this.crashOnPage) {
      this.crashOnPage = null;
      throw new Error('simulated crash');
    }
    for (const m of page.upserts) {
      this.seen.set(m.id, (this.seen.get(m.id) ?? 0) + 1);
      if (this.onUpsert) await this.onUpsert(m);
    }
    this.removed.push(...page.removed.map((r) => r.id));
    this.pages.push(page);
  }

  get duplicates(): number {
    let n = 0;
    for (const count of this.seen.values()) if (count > 1) n += count - 1;
    return n;
  }
}

/** A self-signed certificate for a local HTTPS webhook receiver (the emulator is told to trust it). */
export async function webhookTls(): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  stepMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
