export { startMailroute, type Roles, type RunningMailroute, type StartOptions } from './mailroute.js';
export { routerKey } from './routers.js';
