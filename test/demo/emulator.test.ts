import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHistory, demoMunicipality, type DemoMail } from '../../src/demo/index.js';
import { startGraphEmulator, type GraphEmulator } from '../../src/emulator/index.js';

/** Demo mails delivered into the real Graph emulator come back over HTTPS as Graph messages. */
describe('demo mail in the Graph emulator', () => {
  let emulator: GraphEmulator;
  let agent: Agent;
  let mails: DemoMail[];

  beforeAll(async () => {
    emulator = await startGraphEmulator();
    agent = new Agent({ connect: { ca: emulator.caCertPem } });
    // Enough mails to include HTML bodies and attachments.
    mails = demoHistory({ seed: 77, count: 60, endDate: new Date('2026-11-01T00:00:00Z') });
    emulator.addMailbox(demoMunicipality.mainMailbox, demoMunicipality.name);
    for (const department of demoMunicipality.departments)
      emulator.addMailbox(department.address, department.name);
    for (const mail of mails) emulator.deliver(demoMunicipality.mainMailbox, mail);
  });

  afterAll(async () => {
    await agent.close();
    await emulator.close();
  });

  it('keeps subject, sender, body type, received time and attachments', async () => {
    const tokenResponse = await fetch(`${emulator.authority}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'mailroute-demo',
        client_secret: 'demo-secret',
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
      dispatcher: agent,
    });
    expect(tokenResponse.status).toBe(200);
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };

    const url = `${emulator.graphUrl}/users/${encodeURIComponent(demoMunicipality.mainMailbox)}/mailFolders/inbox/messages?$top=100&$select=subject,from,body,receivedDateTime,hasAttachments`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, dispatcher: agent });
    const raw = await response.text();
    expect(response.status, raw).toBe(200);
    const page = JSON.parse(raw) as {
      value: {
        subject: string;
        receivedDateTime: string;
        hasAttachments: boolean;
        from: { emailAddress: { name: string; address: string } };
        body: { contentType: string; content: string };
      }[];
    };
    expect(page.value).toHaveLength(mails.length);
    const byTime = new Map(page.value.map((message) => [Date.parse(message.receivedDateTime), message]));
    for (const mail of mails) {
      const message = byTime.get(Date.parse(mail.receivedDateTime));
      expect(message, mail.receivedDateTime).toBeDefined();
      if (message === undefined) continue;
      expect(message.body.contentType).toBe(mail.contentType);
      expect(message.body.content).toBe(mail.body);
      expect(`${message.from.emailAddress.name} <${message.from.emailAddress.address}>`).toBe(mail.from);
      expect(message.hasAttachments).toBe((mail.attachments ?? []).length > 0);
      // Graph leaves an empty subject empty; the router must cope with it.
      expect(message.subject).toBe(mail.subject);
    }
    expect(mails.some((mail) => mail.contentType === 'html')).toBe(true);
    expect(mails.some((mail) => (mail.attachments ?? []).length > 0)).toBe(true);
  });
});
