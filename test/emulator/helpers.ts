import { Agent, fetch } from 'undici';
import { startGraphEmulator, type EmulatorOptions, type GraphEmulator } from '../../src/emulator/index.js';

export interface GraphResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

/** A client that trusts only the emulator's CA (no TLS checks disabled anywhere). */
export class TestClient {
  readonly agent: Agent;
  token = '';

  constructor(readonly emulator: GraphEmulator) {
    this.agent = new Agent({ connect: { ca: emulator.caCertPem } });
  }

  async raw(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ): Promise<GraphResponse> {
    const response = await fetch(url, { ...init, dispatcher: this.agent });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    if (text !== '' && (response.headers.get('content-type') ?? '').includes('json')) {
      body = JSON.parse(text) as Record<string, unknown>;
    }
    return { status: response.status, headers: response.headers, body, text };
  }

  async tokenRequest(form: Record<string, string>): Promise<GraphResponse> {
    return this.raw(`${this.emulator.authority}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  async login(clientId = 'mailroute-demo', secret = 'demo-secret'): Promise<void> {
    const response = await this.tokenRequest({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
      scope: 'https://graph.microsoft.com/.default',
    });
    if (response.status !== 200) throw new Error(`token request failed: ${response.text}`);
    this.token = String(response.body['access_token']);
  }

  /** A Graph call; `path` is relative to /v1.0 or an absolute nextLink/deltaLink. */
  async graph(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<GraphResponse> {
    const url = path.startsWith('https://') ? path : `${this.emulator.graphUrl}${path}`;
    return this.raw(url, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

export async function startWithClient(
  options: EmulatorOptions = {},
): Promise<{ emulator: GraphEmulator; client: TestClient }> {
  const emulator = await startGraphEmulator(options);
  const client = new TestClient(emulator);
  await client.login();
  return { emulator, client };
}

export const values = (response: GraphResponse): Record<string, unknown>[] =>
  response.body['value'] as Record<string, unknown>[];

export const errorCode = (response: GraphResponse): string =>
  String((response.body['error'] as Record<string, unknown> | undefined)?.['code']);
