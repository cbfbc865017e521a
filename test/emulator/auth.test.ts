import { createHash, X509Certificate } from 'node:crypto';
import { ConfidentialClientApplication, type INetworkModule, type NetworkResponse } from '@azure/msal-node';
import { generate } from 'selfsigned';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphEmulator, type GraphEmulator } from '../../src/emulator/index.js';
import { errorCode, TestClient } from './helpers.js';

/** msal-node network client whose fetch trusts the emulator's CA (what docs/emulator.md describes). */
function trustingNetworkClient(ca: string): { client: INetworkModule; agent: Agent } {
  const agent = new Agent({ connect: { ca } });
  const send = async <T>(
    url: string,
    method: string,
    headers?: Record<string, string>,
    body?: string,
  ): Promise<NetworkResponse<T>> => {
    const response = await fetch(url, {
      method,
      ...(headers ? { headers } : {}),
      ...(body !== undefined ? { body } : {}),
      dispatcher: agent,
    });
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      responseHeaders[key] = value;
    });
    return { headers: responseHeaders, body: (await response.json()) as T, status: response.status };
  };
  return {
    agent,
    client: {
      sendGetRequestAsync: <T>(url: string, options?: { headers?: Record<string, string> }) =>
        send<T>(url, 'GET', options?.headers),
      sendPostRequestAsync: <T>(url: string, options?: { headers?: Record<string, string>; body?: string }) =>
        send<T>(url, 'POST', options?.headers, options?.body ?? ''),
    },
  };
}

let emulator: GraphEmulator;
let client: TestClient;
let certPem: string;
let keyPem: string;
const agents: Agent[] = [];

beforeAll(async () => {
  const cert = await generate([{ name: 'commonName', value: 'mailroute-cert-client' }], {
    keySize: 2048,
    algorithm: 'sha256',
  });
  certPem = cert.cert;
  keyPem = cert.private;
  emulator = await startGraphEmulator({
    clients: [
      { clientId: 'mailroute-demo', clientSecret: 'demo-secret' },
      { clientId: 'mailroute-cert', certificatePem: certPem },
    ],
  });
  emulator.addMailbox('post@emu-auth.example');
  client = new TestClient(emulator);
});

afterAll(async () => {
  await client.close();
  await Promise.all(agents.map((a) => a.close()));
  await emulator.close();
});

describe('emulator auth', () => {
  it('publishes OpenID metadata and keys', async () => {
    const res = await client.raw(`${emulator.authority}/v2.0/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(res.body['token_endpoint']).toBe(`${emulator.authority}/oauth2/v2.0/token`);
    expect(res.body).toEqual(emulator.openIdConfiguration);
    const keys = await client.raw(String(res.body['jwks_uri']));
    expect((keys.body['keys'] as unknown[]).length).toBe(1);
  });

  it('issues a token for the client secret and rejects a wrong one with an AADSTS body', async () => {
    const wrong = await client.tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'mailroute-demo',
      client_secret: 'nope',
      scope: 'https://graph.microsoft.com/.default',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body['error']).toBe('invalid_client');
    expect(wrong.body['error_codes']).toEqual([7000215]);
    expect(String(wrong.body['error_description'])).toMatch(/^AADSTS7000215: /);
    const unknown = await client.tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'who',
      client_secret: 'x',
      scope: 'https://graph.microsoft.com/.default',
    });
    expect(unknown.body['error']).toBe('unauthorized_client');
    const badScope = await client.tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'mailroute-demo',
      client_secret: 'demo-secret',
      scope: 'Mail.Read',
    });
    expect(badScope.body['error']).toBe('invalid_scope');
    await client.login();
    const ok = await client.graph('GET', '/users/post@emu-auth.example/mailFolders');
    expect(ok.status).toBe(200);
  });

  it('answers 401 InvalidAuthenticationToken without or with a forged token', async () => {
    const none = await client.raw(`${emulator.graphUrl}/users/post@emu-auth.example/messages`);
    expect(none.status).toBe(401);
    expect(errorCode(none)).toBe('InvalidAuthenticationToken');
    const forged = await client.raw(`${emulator.graphUrl}/users/post@emu-auth.example/messages`, {
      headers: { authorization: `Bearer ${client.token.slice(0, -4)}AAAA` },
    });
    expect(forged.status).toBe(401);
    expect(errorCode(forged)).toBe('InvalidAuthenticationToken');
    const message = (r: { body: Record<string, unknown> }) =>
      String((r.body['error'] as Record<string, unknown>)['message']);
    expect(message(forged)).toMatch(/Invalid signature/);
    const malformed = await client.raw(`${emulator.graphUrl}/users/post@emu-auth.example/messages`, {
      headers: { authorization: 'Bearer not-a-jwt' },
    });
    expect(malformed.status).toBe(401);
    expect(message(malformed)).toMatch(/not well formed/);
  });

  it('expires tokens on the fake clock', async () => {
    let clock = Date.UTC(2026, 10, 1);
    const timed = await startGraphEmulator({ now: () => clock });
    const c = new TestClient(timed);
    try {
      timed.addMailbox('a@emu-auth.example');
      await c.login();
      expect((await c.graph('GET', '/users/a@emu-auth.example')).status).toBe(200);
      clock += 3600_000;
      const expired = await c.graph('GET', '/users/a@emu-auth.example');
      expect(expired.status).toBe(401);
      expect(String((expired.body['error'] as Record<string, unknown>)['message'])).toMatch(/expired/);
    } finally {
      await c.close();
      await timed.close();
    }
  });

  it('gives msal-node a token for a client secret (authorityMetadata + knownAuthorities + CA-trusting network client)', async () => {
    const { client: networkClient, agent } = trustingNetworkClient(emulator.caCertPem);
    agents.push(agent);
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: 'mailroute-demo',
        clientSecret: 'demo-secret',
        authority: emulator.authority,
        knownAuthorities: [emulator.hostPort],
        authorityMetadata: JSON.stringify(emulator.openIdConfiguration),
      },
      system: { networkClient },
    });
    const result = await app.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    });
    expect(result?.accessToken).toBeTruthy();
    client.token = result?.accessToken ?? '';
    expect((await client.graph('GET', '/users/post@emu-auth.example')).status).toBe(200);
  });

  it('gives msal-node a token for a certificate (client assertion verified against the registered certificate)', async () => {
    const { client: networkClient, agent } = trustingNetworkClient(emulator.caCertPem);
    agents.push(agent);
    const thumbprintSha256 = createHash('sha256').update(new X509Certificate(certPem).raw).digest('hex');
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: 'mailroute-cert',
        clientCertificate: { thumbprintSha256, privateKey: keyPem },
        authority: emulator.authority,
        knownAuthorities: [emulator.hostPort],
        authorityMetadata: JSON.stringify(emulator.openIdConfiguration),
      },
      system: { networkClient },
    });
    const result = await app.acquireTokenByClientCredential({
      scopes: ['https://graph.microsoft.com/.default'],
    });
    client.token = result?.accessToken ?? '';
    expect((await client.graph('GET', '/users/post@emu-auth.example')).status).toBe(200);

    // A key that does not belong to the registered certificate is refused.
    const other = await generate([{ name: 'commonName', value: 'intruder' }], {
      keySize: 2048,
      algorithm: 'sha256',
    });
    const intruder = new ConfidentialClientApplication({
      auth: {
        clientId: 'mailroute-cert',
        clientCertificate: { thumbprintSha256, privateKey: other.private },
        authority: emulator.authority,
        knownAuthorities: [emulator.hostPort],
        authorityMetadata: JSON.stringify(emulator.openIdConfiguration),
      },
      system: { networkClient },
    });
    await expect(
      intruder.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }),
    ).rejects.toThrow(/AADSTS700027/);
  });
});
