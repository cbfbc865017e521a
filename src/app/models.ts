import type { Config } from '../config/index.js';
import { ConfigError } from '../config/index.js';
import type { RouterClassifier } from '../jobs/index.js';
import { loadModel, type Classifier } from '../model/index.js';
import { routerKey } from './routers.js';

/** The route job's view of a loaded model version: top-3 targets with calibrated probabilities and why. */
export function routerClassifierOf(model: Classifier): RouterClassifier {
  return {
    modelVersion: model.version,
    async classify(mail) {
      const [prediction] = await model.predict([mail], { topK: 3, explain: true });
      if (!prediction) throw new Error(`model ${model.version} returned no prediction`);
      return { top: prediction.top, explanation: prediction.explanation };
    },
  };
}

export interface RouterModels {
  /** The current model of each router that has one, by `tenant/router`. */
  classifiers: Map<string, () => RouterClassifier | undefined>;
  dispose(): Promise<void>;
}

/**
 * Loads the model version each router names (`routers[].model`, a model directory). A missing or
 * broken directory, or a model that predicts a label the router has no target for, stops start-up
 * with the router and the path named.
 */
export async function loadRouterModels(config: Config): Promise<RouterModels> {
  const loaded: Classifier[] = [];
  const classifiers = new Map<string, () => RouterClassifier | undefined>();
  const problems: string[] = [];
  for (const [i, router] of config.routers.entries()) {
    if (!router.model) continue;
    const where = `${config.source}: routers[${i}].model (router '${router.id}')`;
    let model: Classifier;
    try {
      model = await loadModel(router.model);
    } catch (error) {
      problems.push(`${where}: cannot load '${router.model}': ${(error as Error).message}`);
      continue;
    }
    loaded.push(model);
    const targets = new Set(router.targets.map((t) => t.label));
    const unknown = model.labels.filter((label) => !targets.has(label));
    if (unknown.length > 0) {
      problems.push(`${where}: the model predicts labels with no target: ${unknown.join(', ')}`);
      continue;
    }
    const classifier = routerClassifierOf(model);
    classifiers.set(routerKey(router.tenant, router.id), () => classifier);
  }
  const dispose = async () => {
    await Promise.all(loaded.map((m) => m.dispose()));
  };
  if (problems.length > 0) {
    await dispose();
    throw new ConfigError(problems);
  }
  return { classifiers, dispose };
}
