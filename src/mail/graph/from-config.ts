import { readFile } from 'node:fs/promises';
import type { TenantConfig } from '../../config/index.js';
import type { GraphGatewayOptions } from './adapter.js';

/**
 * Gateway options for one tenant of the validated configuration. `secrets` is `Config.secrets`
 * (client secrets by environment variable name); certificate files are read here.
 */
export async function graphGatewayOptions(
  tenant: TenantConfig,
  secrets: Record<string, string>,
  extra: Partial<GraphGatewayOptions> = {},
): Promise<GraphGatewayOptions> {
  const graph = tenant.graph;
  const credential = graph.credential;
  let resolved: GraphGatewayOptions['credential'];
  if (credential.kind === 'secret') {
    const secret = secrets[credential.secretEnv];
    if (secret === undefined) throw new Error(`tenant '${tenant.id}': ${credential.secretEnv} is not set`);
    resolved = { kind: 'secret', clientSecret: secret };
  } else {
    resolved = {
      kind: 'certificate',
      certificatePem: await readFile(credential.certificatePath, 'utf8'),
      privateKeyPem: await readFile(credential.privateKeyPath, 'utf8'),
    };
  }
  return {
    tenantId: graph.tenantId,
    clientId: graph.clientId,
    credential: resolved,
    ...(graph.authority ? { authority: graph.authority } : {}),
    graphBaseUrl: graph.graphBaseUrl,
    limits: {
      maxConcurrent: tenant.limits.concurrentRequestsPerMailbox,
      requestsPerWindow: tenant.limits.requestsPer10Minutes,
    },
    ...extra,
  };
}
