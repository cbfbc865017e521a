import { readFileSync } from 'node:fs';
import type { Config, RouterConfig, TenantConfig } from '../config/index.js';
import { ConfigError } from '../config/index.js';
import type { RouterClassifier, RouterRuntime, TargetRuntime } from '../jobs/index.js';
import { GraphMailboxGateway, type GraphCredential, type MailboxGateway } from '../mail/index.js';
import { compileRules, InvalidRuleError } from '../rules/index.js';

function credentialOf(tenant: TenantConfig, secrets: Record<string, string>): GraphCredential {
  const c = tenant.graph.credential;
  if (c.kind === 'secret') return { kind: 'secret', clientSecret: secrets[c.secretEnv] ?? '' };
  return {
    kind: 'certificate',
    certificatePem: readFileSync(c.certificatePath, 'utf8'),
    privateKeyPem: readFileSync(c.privateKeyPath, 'utf8'),
  };
}

/** One Graph gateway per tenant (its own app registration, token cache and per-mailbox limits). */
export function createGateways(config: Config): Map<string, GraphMailboxGateway> {
  const gateways = new Map<string, GraphMailboxGateway>();
  for (const tenant of config.tenants) {
    gateways.set(
      tenant.id,
      new GraphMailboxGateway({
        tenantId: tenant.graph.tenantId,
        clientId: tenant.graph.clientId,
        credential: credentialOf(tenant, config.secrets),
        ...(tenant.graph.authority ? { authority: tenant.graph.authority } : {}),
        graphBaseUrl: tenant.graph.graphBaseUrl,
        ...(tenant.graph.caCertFile ? { caCertPem: readFileSync(tenant.graph.caCertFile, 'utf8') } : {}),
        limits: {
          maxConcurrent: tenant.limits.concurrentRequestsPerMailbox,
          requestsPerWindow: tenant.limits.requestsPer10Minutes,
        },
        deltaPageSize: config.ingest.deltaPageSize,
      }),
    );
  }
  return gateways;
}

function targetsOf(router: RouterConfig): Map<string, TargetRuntime> {
  return new Map(
    router.targets.map((t) => [
      t.label,
      { label: t.label, name: t.name, action: t.action, mailbox: t.mailbox?.toLowerCase(), folder: t.folder },
    ]),
  );
}

/**
 * Builds what the worker runs for every configured router. Rules are compiled here, so an invalid
 * rule stops start-up with a message naming the router, the rule and the field, and never reaches
 * a running router.
 */
export function buildRouters(
  config: Config,
  gateways: Map<string, MailboxGateway>,
  classifiers: Map<string, () => RouterClassifier | undefined>,
): Map<string, RouterRuntime> {
  const routers = new Map<string, RouterRuntime>();
  const problems: string[] = [];
  config.routers.forEach((router, i) => {
    const gateway = gateways.get(router.tenant);
    if (!gateway) return; // the schema already reported the unknown tenant
    let rules;
    try {
      rules = compileRules(router.rules, { targets: router.targets.map((t) => t.label) });
    } catch (error) {
      if (!(error instanceof InvalidRuleError)) throw error;
      problems.push(
        ...error.problems.map((p) => `${config.source}: routers[${i}].rules (router '${router.id}'): ${p}`),
      );
      return;
    }
    routers.set(routerKey(router.tenant, router.id), {
      tenantId: router.tenant,
      routerId: router.id,
      sourceMailbox: router.source.mailbox.toLowerCase(),
      sourceFolder: router.source.folder,
      reviewFolder: router.review.folder,
      policy: {
        mode: router.mode,
        threshold: router.threshold,
        targets: router.targets.map((t) => ({ label: t.label, threshold: t.threshold, enabled: true })),
      },
      targets: targetsOf(router),
      rules,
      gateway,
      classifier: classifiers.get(routerKey(router.tenant, router.id)) ?? (() => undefined),
    });
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return routers;
}

export function routerKey(tenantId: string, routerId: string): string {
  return `${tenantId}/${routerId}`;
}

/** Folder ids by mailbox and name, resolved once through Graph. */
export function folderResolver() {
  const cache = new Map<string, Promise<string>>();
  return (router: RouterRuntime, mailbox: string, name: string): Promise<string> => {
    const key = `${router.tenantId}|${mailbox}|${name}`;
    let id = cache.get(key);
    if (!id) {
      id = router.gateway.resolveFolder(mailbox, name).then((f) => f.id);
      // A failed lookup (Graph down, folder not created yet) is tried again next time.
      id.catch(() => cache.delete(key));
      cache.set(key, id);
    }
    return id;
  };
}
