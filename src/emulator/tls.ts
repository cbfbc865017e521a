import { generate } from 'selfsigned';

export interface ServerTls {
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

/**
 * A throw-away CA and a server certificate for 127.0.0.1/localhost signed by it. Clients trust the
 * CA (never disable TLS checks). EC keys: generating RSA keys costs far more time at every start.
 */
export async function createServerTls(host: string): Promise<ServerTls> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 30 * 24 * 3600_000);
  const ca = await generate([{ name: 'commonName', value: 'mailroute Graph emulator CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1' && host !== '0.0.0.0') {
    altNames.push(/^[\d.:]+$/.test(host) ? { type: 7, ip: host } : { type: 2, value: host });
  }
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { caCertPem: ca.cert, certPem: server.cert, keyPem: server.private };
}
