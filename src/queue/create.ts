import { BullJobQueue } from './bullmq.js';
import { InProcessJobQueue } from './in-process.js';
import { resolveOptions, type JobCatalogue, type JobQueue, type JobQueueOptions } from './port.js';

/** BullMQ on Redis when `redisUrl` is set, the in-process queue otherwise. */
export function createJobQueue<C extends JobCatalogue>(options: JobQueueOptions<C>): JobQueue<C> {
  const resolved = resolveOptions(options);
  if (options.redisUrl !== undefined && options.redisUrl !== '') {
    return new BullJobQueue(options.redisUrl, resolved);
  }
  return new InProcessJobQueue(resolved);
}
