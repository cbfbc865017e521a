// The job queue: one port (`JobQueue`), two adapters (BullMQ on Redis, in-process), and
// mailroute's typed job catalogue. What each adapter guarantees: docs/queue.md.
export { createJobQueue } from './create.js';
export { mailboxGroupKey, mailrouteJobs, mailrouteJobIds } from './catalogue.js';
export type { MailrouteCatalogue, MailrouteJob, MailrouteJobName, MailroutePayload } from './catalogue.js';
export { parseCron, type CronSchedule } from './cron.js';
export {
  InvalidCronError,
  InvalidJobError,
  MissingHandlerError,
  QueueStateError,
  QueueUnavailableError,
} from './errors.js';
export type {
  EnqueueOptions,
  JobCatalogue,
  JobContext,
  JobHandler,
  JobHandlers,
  JobName,
  JobOf,
  JobOutcome,
  JobPayload,
  JobQueue,
  JobQueueOptions,
  QueueCounts,
  ScheduleOptions,
  StartOptions,
  StopOptions,
} from './port.js';
