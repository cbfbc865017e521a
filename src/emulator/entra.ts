import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { isRecord, sendJson, str, type Emulation, type EmulatorApp } from './context.js';
import { decodeJwt, publicKeyFromCertificate, type TokenSigner, verifyRsaSignature } from './jwt.js';
import type { EmulatorClient } from './types.js';

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const TOKEN_LIFETIME_S = 3599;
const ROLES = ['Mail.ReadWrite', 'Mail.Send', 'MailboxSettings.Read', 'User.Read.All'];

/** Entra ID's part: OpenID metadata, signing keys, instance discovery and the token endpoint. */
export function openIdConfiguration(em: Emulation): Record<string, unknown> {
  const { tenantId } = em;
  const baseUrl = em.baseUrl;
  const authority = `${baseUrl}/${tenantId}`;
  return {
    token_endpoint: `${authority}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${authority}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${authority}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${baseUrl}/oidc/userinfo`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid', 'name'],
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: new URL(baseUrl).host,
    rbac_url: 'https://pas.windows.net',
  };
}

export function registerEntraRoutes(
  app: EmulatorApp,
  em: Emulation,
  signer: TokenSigner,
  clients: EmulatorClient[],
): void {
  const { tenantId, now } = em;

  app.get('/:tenant/v2.0/.well-known/openid-configuration', async (req, reply) => {
    const { tenant } = req.params as { tenant: string };
    if (tenant !== tenantId)
      return sendTokenError(reply, 400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`);
    return sendJson(reply, 200, openIdConfiguration(em));
  });
  app.get('/:tenant/discovery/v2.0/keys', async (_req, reply) => sendJson(reply, 200, signer.jwks()));
  app.get('/common/discovery/instance', async (_req, reply) => {
    const hostPort = new URL(em.baseUrl).host;
    return sendJson(reply, 200, {
      tenant_discovery_endpoint: `${em.baseUrl}/${tenantId}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: hostPort, preferred_cache: hostPort, aliases: [hostPort] }],
    });
  });

  function sendTokenError(
    reply: FastifyReply,
    status: number,
    error: string,
    aadsts: number,
    description: string,
  ): FastifyReply {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = new Date(now())
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d{3}Z$/, 'Z');
    return reply
      .code(status)
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'no-store, no-cache')
      .send(
        JSON.stringify({
          error,
          error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
          error_codes: [aadsts],
          timestamp,
          trace_id: traceId,
          correlation_id: correlationId,
          error_uri: `${em.baseUrl}/error?code=${aadsts}`,
        }),
      );
  }

  const thumbprints = new Map<string, { sha1: string; sha256: string }>();
  for (const client of clients) {
    if (client.certificatePem) {
      const cert = new X509Certificate(client.certificatePem);
      thumbprints.set(client.clientId, {
        sha1: createHash('sha1').update(cert.raw).digest('base64url'),
        sha256: createHash('sha256').update(cert.raw).digest('base64url'),
      });
    }
  }

  app.post('/:tenant/oauth2/v2.0/token', async (req, reply) => {
    const { tenant } = req.params as { tenant: string };
    if (tenant !== tenantId) {
      return sendTokenError(
        reply,
        400,
        'invalid_request',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    const form = isRecord(req.body) ? req.body : {};
    const grantType = str(form['grant_type']);
    if (grantType !== 'client_credentials') {
      return sendTokenError(
        reply,
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grantType ?? ''}'.`,
      );
    }
    const clientId = str(form['client_id']) ?? '';
    const client = clients.find((c) => c.clientId === clientId);
    if (!client) {
      return sendTokenError(
        reply,
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenantId}'.`,
      );
    }
    const scopes = (str(form['scope']) ?? '')
      .split(/\s+/)
      .filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s));
    if (
      scopes.length !== 1 ||
      !['https://graph.microsoft.com/.default', `${GRAPH_APP_ID}/.default`].includes(scopes[0] ?? '')
    ) {
      return sendTokenError(
        reply,
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scopes.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    const secret = str(form['client_secret']);
    const assertion = str(form['client_assertion']);
    if (secret !== undefined) {
      if (client.clientSecret === undefined || secret !== client.clientSecret) {
        return sendTokenError(
          reply,
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
        );
      }
    } else if (assertion !== undefined) {
      if (str(form['client_assertion_type']) !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
        return sendTokenError(
          reply,
          400,
          'invalid_request',
          700025,
          `Client assertion type must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.`,
        );
      }
      const jwt = decodeJwt(assertion);
      const thumbprint = thumbprints.get(clientId);
      if (!jwt || !client.certificatePem || !thumbprint) {
        return sendTokenError(
          reply,
          401,
          'invalid_client',
          700027,
          'Client assertion failed signature validation.',
        );
      }
      const x5t = str(jwt.header['x5t#S256']) ?? str(jwt.header['x5t']);
      if (x5t !== thumbprint.sha256 && x5t !== thumbprint.sha1) {
        return sendTokenError(
          reply,
          401,
          'invalid_client',
          700027,
          `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found.]`,
        );
      }
      if (!verifyRsaSignature(jwt, publicKeyFromCertificate(client.certificatePem))) {
        return sendTokenError(
          reply,
          401,
          'invalid_client',
          700027,
          'Client assertion failed signature validation.',
        );
      }
      const claims = jwt.payload;
      // The assertion comes from a real-clock client, so its lifetime is checked against the real clock.
      const nowS = Date.now() / 1000;
      if (typeof claims['exp'] !== 'number' || claims['exp'] < nowS - 300) {
        return sendTokenError(
          reply,
          401,
          'invalid_client',
          700024,
          'Client assertion is not within its valid time range.',
        );
      }
      if (claims['iss'] !== clientId || claims['sub'] !== clientId) {
        return sendTokenError(
          reply,
          401,
          'invalid_client',
          700023,
          `Client assertion subject and issuer must be the client id '${clientId}'.`,
        );
      }
      const tokenEndpoint = `${em.baseUrl}/${tenantId}/oauth2/v2.0/token`;
      if (claims['aud'] !== tokenEndpoint && claims['aud'] !== `${em.baseUrl}/${tenantId}/v2.0`) {
        return sendTokenError(
          reply,
          401,
          'invalid_client',
          700021,
          `Client assertion audience claim does not match Realm issuer. Expected '${tokenEndpoint}'.`,
        );
      }
    } else {
      return sendTokenError(
        reply,
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    const iat = Math.floor(now() / 1000);
    const accessToken = signer.sign({
      aud: GRAPH_AUDIENCE,
      iss: `https://sts.windows.net/${tenantId}/`,
      iat,
      nbf: iat,
      exp: iat + TOKEN_LIFETIME_S,
      app_displayname: clientId,
      appid: clientId,
      appidacr: secret !== undefined ? '1' : '2',
      idp: `https://sts.windows.net/${tenantId}/`,
      idtyp: 'app',
      oid: createHash('sha256')
        .update(`${tenantId}:${clientId}`)
        .digest('hex')
        .slice(0, 32)
        .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
      roles: ROLES,
      sub: clientId,
      tid: tenantId,
      uti: randomUUID().replace(/-/g, ''),
      ver: '1.0',
    });
    return reply
      .code(200)
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'no-store, no-cache')
      .send(
        JSON.stringify({
          token_type: 'Bearer',
          expires_in: TOKEN_LIFETIME_S,
          ext_expires_in: TOKEN_LIFETIME_S,
          access_token: accessToken,
        }),
      );
  });
}
