export { loadConfig, parseConfig, configFileFromEnvironment, ConfigError } from './load.js';
export type { Config, Environment, LoadConfigOptions } from './load.js';
export type { TenantConfig, RouterConfig, TargetConfig } from './schema.js';

import { environmentSchema } from './schema.js';

/** The environment variables mailroute reads itself (tenant secrets are named in the file). */
export const environmentVariables: readonly string[] = [
  ...Object.keys(environmentSchema.shape),
  'MAILROUTE_CONFIG',
];
