import { Agent, fetch } from 'undici';
import { DEFAULT_CLIENT, startGraphEmulator } from './server.js';

export interface EmulatorMeasurement {
  scenario: string;
  requests: number;
  messages: number;
  ms: number;
}

/**
 * Measures the emulator over real HTTPS on this machine: token, a full delta sync and list paging of
 * `messages` messages, and $batch GETs. Used by `mailroute emulator --measure N`.
 */
export async function measureEmulator(messages: number, pageSize = 100): Promise<EmulatorMeasurement[]> {
  const emulator = await startGraphEmulator();
  const agent = new Agent({ connect: { ca: emulator.caCertPem } });
  const box = 'measure@emulator.example';
  const results: EmulatorMeasurement[] = [];
  try {
    emulator.addMailbox(box);
    let t = performance.now();
    for (let i = 0; i < messages; i++) {
      emulator.deliver(box, {
        subject: `Besked ${i}`,
        body: `Hej, det drejer sig om sag ${i}. `.repeat(20),
        from: `Borger ${i} <borger${i}@example.dk>`,
        receivedDateTime: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      });
    }
    results.push({ scenario: 'deliver (in process)', requests: 0, messages, ms: performance.now() - t });

    const call = async (
      url: string,
      init: { method?: string; headers?: Record<string, string>; body?: string } = {},
    ) => {
      const response = await fetch(url, { ...init, dispatcher: agent });
      const body = (await response.json()) as Record<string, unknown>;
      if (response.status >= 400) throw new Error(`${url}: ${response.status} ${JSON.stringify(body)}`);
      return body;
    };
    t = performance.now();
    const token = await call(`${emulator.authority}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: DEFAULT_CLIENT.clientId,
        client_secret: DEFAULT_CLIENT.clientSecret ?? '',
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });
    results.push({ scenario: 'token (client secret)', requests: 1, messages: 0, ms: performance.now() - t });
    const auth = { authorization: `Bearer ${String(token['access_token'])}` };

    const walk = async (scenario: string, first: string, headers: Record<string, string>) => {
      const start = performance.now();
      let url: string | undefined = first;
      let requests = 0;
      let seen = 0;
      while (url) {
        const page = await call(url, { headers });
        requests += 1;
        seen += (page['value'] as unknown[]).length;
        url = typeof page['@odata.nextLink'] === 'string' ? page['@odata.nextLink'] : undefined;
      }
      results.push({ scenario, requests, messages: seen, ms: performance.now() - start });
    };
    await walk(
      `delta sync, maxpagesize ${pageSize}`,
      `${emulator.graphUrl}/users/${box}/mailFolders/inbox/messages/delta`,
      {
        ...auth,
        prefer: `odata.maxpagesize=${pageSize}`,
      },
    );
    await walk(
      `list paging, $top ${pageSize}`,
      `${emulator.graphUrl}/users/${box}/mailFolders/inbox/messages?$top=${pageSize}&$select=subject,from,receivedDateTime`,
      auth,
    );
    const ids = emulator
      .listMessages(box)
      .slice(0, 200)
      .map((m) => m.id);
    t = performance.now();
    let batches = 0;
    for (let i = 0; i < ids.length; i += 20) {
      const requests = ids
        .slice(i, i + 20)
        .map((id, n) => ({ id: String(n), method: 'GET', url: `/users/${box}/messages/${id}` }));
      await call(`${emulator.graphUrl}/$batch`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ requests }),
      });
      batches += 1;
    }
    results.push({
      scenario: '$batch of 20 GETs',
      requests: batches,
      messages: ids.length,
      ms: performance.now() - t,
    });
  } finally {
    await agent.close();
    await emulator.close();
  }
  return results;
}
