export { startMailroute, type Roles, type RunningMailroute, type StartOptions } from './mailroute.js';
export { routerKey } from './routers.js';
export { startDemo, type DemoOptions, type DemoTally, type RunningDemo } from './demo.js';
export { loadRouterModels, routerClassifierOf, type RouterModels } from './models.js';
