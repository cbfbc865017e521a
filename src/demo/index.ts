/**
 * The demo tenant: Fjordby Kommune, a fictional Danish municipality, and a generator of realistic,
 * labelled citizen mail to its main mailbox (history to train on, and an endless live stream).
 */
export {
  demoMunicipality,
  departmentShares,
  type DemoDepartment,
  type DemoMunicipality,
} from './municipality.js';
export { attachmentContentType, type DemoAttachment, type DemoMail } from './compose.js';
export {
  demoHistory,
  demoMailStream,
  type DemoHistoryOptions,
  type DemoMailStreamOptions,
} from './generator.js';
export { toJsonlRow, type DemoJsonlRow } from './jsonl.js';
export { Rng } from './random.js';
