import { describe, expect, it } from 'vitest';
import { loadRouterModels } from '../../src/app/index.js';
import { ConfigError, parseConfig } from '../../src/config/index.js';

/** Routers name their model directory in the configuration; the worker loads it at start. */
const config = (model: string, labels: string[]) =>
  parseConfig(
    `
tenants:
  - id: kommune
    name: Kommune
    graph: { tenantId: t1, clientId: c1, credential: { kind: secret, secretEnv: GRAPH_SECRET } }
routers:
  - id: post
    tenant: kommune
    source: { mailbox: post@kommune.dk }
    review: { folder: Til manuel fordeling }
    model: ${model}
    targets:
${labels.map((l) => `      - { label: ${l}, name: ${l}, action: forward, mailbox: ${l}@kommune.dk }`).join('\n')}
`,
    'config/test.yaml',
    { GRAPH_SECRET: 'x' },
  );

const fixtureLabels = ['borgerservice', 'byggesag', 'parkering', 'skat'];

async function problemsOf(model: string, labels: string[]): Promise<string[]> {
  const error = await loadRouterModels(config(model, labels)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error instanceof ConfigError ? error.problems : [];
}

describe('router models', () => {
  it('loads the configured model version and classifies with it (onnxruntime)', async () => {
    const models = await loadRouterModels(config('models/fixture-tiny', fixtureLabels));
    try {
      const classifier = models.classifiers.get('kommune/post')?.();
      expect(classifier?.modelVersion).toMatch(/^[0-9a-f]{64}$/);
      const verdict = await classifier?.classify({
        subject: 'Ansøgning om byggetilladelse til carport',
        body: 'Jeg vil gerne bygge en carport på min grund. Vedhæftet er tegninger.',
        from: 'borger@example.dk',
        to: ['post@kommune.dk'],
      });
      expect(verdict?.top).toHaveLength(3);
      expect(verdict?.top[0]?.label).toBe('byggesag');
      const sum = (verdict?.top ?? []).reduce((s, t) => s + t.probability, 0);
      expect(sum).toBeGreaterThan(0);
      expect(sum).toBeLessThanOrEqual(1 + 1e-6);
      expect(verdict?.explanation).toMatchObject({ target: 'byggesag' });
    } finally {
      await models.dispose();
    }
  });

  it('stops start-up naming the router and the path when the model directory is missing', async () => {
    const [problem] = await problemsOf('models/no-such-model', fixtureLabels);
    expect(problem).toContain("routers[0].model (router 'post')");
    expect(problem).toContain('models/no-such-model');
  });

  it('stops start-up when the model predicts a label the router has no target for', async () => {
    const [problem] = await problemsOf('models/fixture-tiny', ['byggesag', 'parkering']);
    expect(problem).toContain('the model predicts labels with no target: borgerservice, skat');
  });
});
