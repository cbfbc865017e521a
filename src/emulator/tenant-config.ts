import type { GraphEmulator } from './types.js';

/**
 * The `tenants:` block of a mailroute configuration that talks to `emulator` (tenant `fjordby`,
 * the client secret in EMULATOR_SECRET, which the emulator knows as `demo-secret`), trusting the
 * emulator's CA from `caFile`. Used by the end-to-end tests and bench:pipeline.
 */
export function emulatorTenantYaml(emulator: GraphEmulator, caFile: string): string {
  return `tenants:
  - id: fjordby
    name: Fjordby Kommune
    graph:
      tenantId: ${emulator.tenantId}
      clientId: mailroute-demo
      credential: { kind: secret, secretEnv: EMULATOR_SECRET }
      authority: ${emulator.authority}
      graphBaseUrl: ${emulator.graphUrl}
      caCertFile: ${caFile}
`;
}
