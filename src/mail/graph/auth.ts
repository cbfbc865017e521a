import { X509Certificate } from 'node:crypto';
import {
  AuthError,
  ConfidentialClientApplication,
  type Configuration,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { AuthenticationError, TransientGraphError } from '../errors.js';
import type { FetchFn } from './transport.js';

/*
 * App-only authentication (client credentials) with msal-node. The authority's OpenID metadata
 * is given to msal up front, so the token POST is the only call it makes, to Microsoft or to the
 * emulator alike. msal keeps the token in its in-memory cache until shortly before it expires.
 */

export type GraphCredential =
  | { kind: 'secret'; clientSecret: string }
  | {
      kind: 'certificate';
      /** PEM of the certificate registered on the app (public part). */
      certificatePem: string;
      /** PEM (PKCS#8) of its private key. */
      privateKeyPem: string;
    };

export interface GraphAuthOptions {
  tenantId: string;
  clientId: string;
  credential: GraphCredential;
  /** Default `https://login.microsoftonline.com/<tenantId>`. */
  authority?: string;
  /** Default `https://graph.microsoft.com/.default`. */
  scope?: string;
}

export interface TokenProvider {
  getAccessToken(): Promise<string>;
  /** The next `getAccessToken` skips the cache (Graph refused the cached token). */
  invalidate(): void;
  /** Token requests msal actually sent (cache misses); for tests and metrics. */
  readonly tokenRequests: number;
}

/** The OpenID metadata of an Entra ID (v2) authority; msal needs no discovery call with it. */
export function authorityMetadata(authority: string): string {
  const base = authority.replace(/\/+$/, '');
  return JSON.stringify({
    token_endpoint: `${base}/oauth2/v2.0/token`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    issuer: `${base}/v2.0`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid'],
    request_uri_parameter_supported: false,
    tenant_region_scope: null,
    cloud_instance_name: 'microsoftonline.com',
  });
}

class FetchNetworkModule implements INetworkModule {
  constructor(private readonly fetchFn: FetchFn) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'GET', options);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'POST', options);
  }

  private async send<T>(
    url: string,
    method: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    const response = await this.fetchFn(url, { method, headers: options?.headers, body: options?.body });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => (headers[key] = value));
    const text = await response.text();
    // msal reads the token endpoint's JSON; T is the shape it expects from that endpoint.
    const body = (text ? JSON.parse(text) : {}) as T;
    return { status: response.status, headers, body };
  }
}

function thumbprintSha256(certificatePem: string): string {
  return new X509Certificate(certificatePem).fingerprint256.replace(/:/g, '');
}

export function createTokenProvider(options: GraphAuthOptions, fetchFn: FetchFn): TokenProvider {
  const authority = (options.authority ?? `https://login.microsoftonline.com/${options.tenantId}`).replace(
    /\/+$/,
    '',
  );
  const host = new URL(authority).host;
  const credential = options.credential;
  const config: Configuration = {
    auth: {
      clientId: options.clientId,
      authority,
      knownAuthorities: [host],
      authorityMetadata: authorityMetadata(authority),
      ...(credential.kind === 'secret'
        ? { clientSecret: credential.clientSecret }
        : {
            clientCertificate: {
              thumbprintSha256: thumbprintSha256(credential.certificatePem),
              privateKey: credential.privateKeyPem,
              x5c: credential.certificatePem,
            },
          }),
    },
    system: { networkClient: new FetchNetworkModule(fetchFn) },
  };
  const app = new ConfidentialClientApplication(config);
  const scopes = [options.scope ?? 'https://graph.microsoft.com/.default'];
  let tokenRequests = 0;
  // msal's cache lookup costs more CPU than a Graph request's own work here: keep the token at
  // hand until five minutes before it expires (msal itself renews from then on).
  let held: { token: string; renewAfter: number } | undefined;
  return {
    invalidate() {
      held = undefined;
      app.clearCache();
    },
    get tokenRequests() {
      return tokenRequests;
    },
    async getAccessToken() {
      if (held && Date.now() < held.renewAfter) return held.token;
      try {
        const result = await app.acquireTokenByClientCredential({ scopes });
        if (!result?.accessToken)
          throw new AuthenticationError('the token endpoint returned no access token');
        if (!result.fromCache) tokenRequests += 1;
        held = result.expiresOn
          ? { token: result.accessToken, renewAfter: result.expiresOn.getTime() - 5 * 60_000 }
          : undefined;
        return result.accessToken;
      } catch (error) {
        if (error instanceof AuthenticationError) throw error;
        if (
          error instanceof AuthError &&
          error.errorCode !== 'network_error' &&
          !/^5\d\d$/.test(error.errorCode)
        ) {
          throw new AuthenticationError(
            `token request failed: ${error.errorCode}`,
            { code: error.errorCode },
            { cause: error },
          );
        }
        throw new TransientGraphError('token request failed', {}, { cause: error });
      }
    },
  };
}
