/** Start-up refused: these job names of the catalogue have no handler. */
export class MissingHandlerError extends Error {
  override name = 'MissingHandlerError';
  constructor(readonly jobNames: string[]) {
    super(
      `no handler for job ${jobNames.map((n) => `'${n}'`).join(', ')}; every job of the catalogue needs one`,
    );
  }
}

/** The queue's backing service (Redis) cannot be reached. */
export class QueueUnavailableError extends Error {
  override name = 'QueueUnavailableError';
}

/** A payload does not match its job's schema, or the job name is not in the catalogue. */
export class InvalidJobError extends Error {
  override name = 'InvalidJobError';
}

/** A cron pattern this queue cannot evaluate. */
export class InvalidCronError extends Error {
  override name = 'InvalidCronError';
}

/** The queue was used after `close()`, or `start()` was called twice. */
export class QueueStateError extends Error {
  override name = 'QueueStateError';
}
