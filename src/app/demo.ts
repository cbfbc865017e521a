import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/index.js';
import { demoHistory, demoMailStream, demoMunicipality, type DemoMail } from '../demo/index.js';
import { startGraphEmulator, type GraphEmulator } from '../emulator/index.js';
import type { Logger } from '../log/index.js';
import { saveModel, trainModel, type MailRecord } from '../model/index.js';
import { startMailroute, type RunningMailroute } from './mailroute.js';

/*
 * `mailroute demo`: the whole main job on one machine with no set-up. A Graph emulator holds the
 * demo tenant (Fjordby Kommune: a main mailbox and eight department mailboxes whose inboxes hold
 * the already sorted history); a first model is trained from that history; the worker and the API
 * run on PGlite and the in-process queue; a generator sends new citizen mail to the main mailbox
 * and the router routes it live. The generator knows each mail's true department, so the demo can
 * say how often the router was right (on made-up mail: a demonstration, never a benchmark).
 */

export interface DemoOptions {
  /** Port of the API (webhooks, /metrics); Graph's notifications are posted to it. */
  port: number;
  /** Everything the demo writes: the PGlite store, the trained model, the emulator's CA. Wiped at start. */
  dataDir: string;
  /** Historical mails to train the first model on. */
  historyCount: number;
  /** Milliseconds between two new mails. */
  intervalMs: number;
  seed: number;
  logger: Logger;
  /** Progress lines for the person running the demo. */
  say: (line: string) => void;
}

export interface DemoTally {
  sent: number;
  routed: number;
  review: number;
  failed: number;
  /** Sent but not decided yet. */
  pending: number;
  /** Routed to the department the generator wrote the mail for. */
  correct: number;
  /** correct / routed (null before anything was routed). */
  accuracy: number | null;
}

export interface RunningDemo {
  url: string;
  emulatorUrl: string;
  modelDir: string;
  mailroute: RunningMailroute;
  emulator: GraphEmulator;
  tally(): Promise<DemoTally>;
  close(): Promise<void>;
}

const ROUTER_ID = 'post';
const TENANT_ID = 'fjordby';
const SECRET_ENV = 'DEMO_GRAPH_CLIENT_SECRET';

function recordOf(mail: DemoMail, id: string): MailRecord {
  return {
    id,
    mail: {
      subject: mail.subject,
      body: mail.contentType === 'text' ? mail.body : null,
      bodyHtml: mail.contentType === 'html' ? mail.body : null,
      from: mail.from,
      to: mail.to,
      date: mail.receivedDateTime,
      attachments: mail.attachments?.map((a) => ({ name: a.name, contentType: a.contentType, size: a.size })),
    },
    label: mail.label,
    date: mail.receivedDateTime,
  };
}

/** The demo router: every department a forward target, one override and one fallback rule. */
function demoRouters(modelDir: string) {
  return [
    {
      id: ROUTER_ID,
      tenant: TENANT_ID,
      mode: 'active',
      source: { mailbox: demoMunicipality.mainMailbox },
      review: { folder: demoMunicipality.reviewFolder },
      threshold: 0.6,
      model: modelDir,
      targets: demoMunicipality.departments.map((d) => ({
        label: d.label,
        name: d.name,
        action: 'forward',
        mailbox: d.address,
      })),
      rules: [
        {
          name: 'inkasso-til-opkraevning',
          kind: 'override',
          target: 'skat',
          description: 'Debt collectors write about arrears: always Skat og opkrævning.',
          when: { any: [{ senderDomain: 'nordlysinkasso.dk' }, { senderDomain: 'kc-oest.dk' }] },
        },
        {
          name: 'storskrald',
          kind: 'fallback',
          target: 'affald',
          description: 'When the model is unsure, bulky waste in the subject goes to Affald og genbrug.',
          when: { subject: { contains: 'storskrald' } },
        },
      ],
    },
  ];
}

export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const { say } = options;
  const dataDir = resolve(options.dataDir);
  // The emulator is new every run, so yesterday's delta links and ids mean nothing: start clean.
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });

  const emulator = await startGraphEmulator({ throttling: {} });
  try {
    const { mainMailbox, departments, reviewFolder, name } = demoMunicipality;
    emulator.addMailbox(mainMailbox, name);
    emulator.createFolder(mainMailbox, reviewFolder);
    for (const d of departments) emulator.addMailbox(d.address, d.name);

    // History: what caseworkers sorted by hand over the last year, already in the departments' inboxes.
    const started = Date.now();
    const history = demoHistory({ seed: options.seed, count: options.historyCount, endDate: new Date() });
    const records = history.map((mail) => {
      const department = departments.find((d) => d.label === mail.label);
      const id = emulator.deliver(department?.address ?? mainMailbox, mail);
      return recordOf(mail, id);
    });
    const trained = trainModel(records, { seed: options.seed });
    const modelDir = join(dataDir, 'models', 'bootstrap');
    const manifest = await saveModel(modelDir, trained);
    const validation = trained.report.validation;
    say(
      `trained model ${manifest.version} on ${history.length} sorted history mails in ` +
        `${((Date.now() - started) / 1000).toFixed(1)} s` +
        (validation ? ` (validation accuracy ${(validation.accuracy * 100).toFixed(1)} %)` : ''),
    );

    const caFile = join(dataDir, 'emulator-ca.pem');
    writeFileSync(caFile, emulator.caCertPem);
    const config = loadConfig({
      file: 'config/demo.yaml',
      // The demo never reads production settings from the environment.
      env: {
        [SECRET_ENV]: 'demo-secret',
        MAILROUTE_WEBHOOK_CLIENT_STATE: randomBytes(16).toString('hex'),
      },
      overrides: (raw) => {
        raw.server = {
          ...(raw.server as object),
          port: options.port,
          publicUrl: `http://127.0.0.1:${options.port}`,
        };
        raw.store = { ...(raw.store as object), dataDir: join(dataDir, 'pglite') };
        raw.tenants = [
          {
            id: TENANT_ID,
            name,
            graph: {
              tenantId: emulator.tenantId,
              clientId: 'mailroute-demo',
              credential: { kind: 'secret', secretEnv: SECRET_ENV },
              authority: emulator.authority,
              graphBaseUrl: emulator.graphUrl,
              caCertFile: caFile,
            },
          },
        ];
        raw.routers = demoRouters(modelDir);
      },
    });
    const mailroute = await startMailroute(config, { api: true, worker: true }, options.logger);

    // The live stream: a new mail every intervalMs, received "now".
    const truth = new Map<string, string>();
    const stream = demoMailStream({ seed: options.seed + 1 });
    const timer = setInterval(() => {
      const mail = stream.next().value;
      const id = emulator.deliver(mainMailbox, { ...mail, receivedDateTime: new Date().toISOString() });
      truth.set(id, mail.label);
    }, options.intervalMs);

    const tally = async (): Promise<DemoTally> => {
      const { rows } = await mailroute.store.query<{
        graph_id: string;
        outcome: string | null;
        target_label: string | null;
      }>(
        `SELECT m.graph_id, d.outcome, d.target_label FROM decisions d
         JOIN messages m ON m.id = d.message_id
         WHERE d.tenant_id = $1 AND d.router_id = $2 AND d.state = 'recorded'`,
        [TENANT_ID, ROUTER_ID],
      );
      const t: DemoTally = {
        sent: truth.size,
        routed: 0,
        review: 0,
        failed: 0,
        pending: 0,
        correct: 0,
        accuracy: null,
      };
      for (const row of rows) {
        const label = truth.get(row.graph_id);
        if (label === undefined) continue;
        if (row.outcome === 'routed') {
          t.routed += 1;
          if (row.target_label === label) t.correct += 1;
        } else if (row.outcome === 'review') t.review += 1;
        else t.failed += 1;
      }
      t.pending = t.sent - t.routed - t.review - t.failed;
      t.accuracy = t.routed > 0 ? t.correct / t.routed : null;
      return t;
    };

    return {
      url: mailroute.url,
      emulatorUrl: emulator.graphUrl,
      modelDir,
      mailroute,
      emulator,
      tally,
      async close() {
        clearInterval(timer);
        await mailroute.close();
        await emulator.close();
      },
    };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}
