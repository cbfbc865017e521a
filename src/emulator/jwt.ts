import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { constants } from 'node:crypto';

export type JwtPayload = Record<string, unknown>;

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: JwtPayload;
  signingInput: string;
  signature: Buffer;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  const header = parseJson(Buffer.from(h, 'base64url').toString('utf8'));
  const payload = parseJson(Buffer.from(p, 'base64url').toString('utf8'));
  if (!header || !payload) return undefined;
  return { header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

/** Verifies an RS256 or PS256 signature (what msal-node produces for certificate credentials). */
export function verifyRsaSignature(jwt: DecodedJwt, key: KeyObject): boolean {
  const alg = jwt.header['alg'];
  if (alg === 'RS256') return verify('sha256', Buffer.from(jwt.signingInput), key, jwt.signature);
  if (alg === 'PS256') {
    return verify(
      'sha256',
      Buffer.from(jwt.signingInput),
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
      jwt.signature,
    );
  }
  return false;
}

const VERIFIED_TOKENS_KEPT = 1_000;

/** The emulator's token-signing key (RS256, like Entra ID), published at the JWKS URI. */
export class TokenSigner {
  readonly kid: string;
  private readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  private readonly verified = new Map<string, JwtPayload>();

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    const der = publicKey.export({ type: 'spki', format: 'der' });
    this.kid = createHash('sha256').update(der).digest('base64url').slice(0, 27);
  }

  sign(payload: JwtPayload): string {
    const header = { typ: 'JWT', alg: 'RS256', kid: this.kid };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    return `${input}.${b64url(sign('sha256', Buffer.from(input), this.privateKey))}`;
  }

  /**
   * The payload if `token` carries this key's signature. A client sends the same token with every
   * request for an hour, so good signatures are remembered (the caller still checks the lifetime).
   */
  verify(token: string): JwtPayload | undefined {
    const known = this.verified.get(token);
    if (known) return known;
    const jwt = decodeJwt(token);
    if (!jwt || jwt.header['alg'] !== 'RS256') return undefined;
    if (!verifyRsaSignature(jwt, this.publicKey)) return undefined;
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.clear();
    this.verified.set(token, jwt.payload);
    return jwt.payload;
  }

  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ kty: jwk.kty, use: 'sig', kid: this.kid, x5t: this.kid, n: jwk.n, e: jwk.e }] };
  }
}

export function publicKeyFromCertificate(certificatePem: string): KeyObject {
  return createPublicKey(certificatePem);
}
