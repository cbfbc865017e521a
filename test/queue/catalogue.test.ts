import { describe, expect, it } from 'vitest';
import {
  InvalidJobError,
  MissingHandlerError,
  createJobQueue,
  mailboxGroupKey,
  mailrouteJobIds,
  mailrouteJobs,
  type MailrouteJob,
  type MailroutePayload,
} from '../../src/queue/index.js';
import { logger } from './support.js';

// What a handler table looks like from the union: the switch must cover every job name.
function describeJob(job: MailrouteJob): string {
  switch (job.name) {
    case 'mailbox.sync':
    case 'model.retrain':
      return `${job.name} ${job.payload.routerId}`;
    case 'message.route':
      return `route ${job.payload.messageId}`;
    case 'subscriptions.renew':
    case 'data.purge':
      return job.name;
  }
}

describe('mailroute job catalogue', () => {
  it('has the five jobs of mailroute, typed as one union', () => {
    expect(Object.keys(mailrouteJobs).sort()).toEqual([
      'data.purge',
      'mailbox.sync',
      'message.route',
      'model.retrain',
      'subscriptions.renew',
    ]);
    expect(
      describeJob({ name: 'message.route', payload: { tenantId: 't', routerId: 'r', messageId: 'AAMk=' } }),
    ).toBe('route AAMk=');
  });

  it('refuses payloads with mail content or missing ids', async () => {
    const queue = createJobQueue({ catalogue: mailrouteJobs, logger });
    try {
      const withSubject: unknown = {
        tenantId: 't',
        routerId: 'r',
        messageId: 'm',
        subject: 'Byggetilladelse',
      };
      await expect(
        queue.enqueue('message.route', withSubject as MailroutePayload<'message.route'>),
      ).rejects.toThrow(/subject/);
      const noRouter: unknown = { tenantId: 't' };
      await expect(
        queue.enqueue('mailbox.sync', noRouter as { tenantId: string; routerId: string }),
      ).rejects.toThrow(InvalidJobError);
      await expect(queue.enqueue('data.purge', {})).resolves.toBeTypeOf('string');
    } finally {
      await queue.close();
    }
  });

  it('makes deterministic job ids and case-insensitive mailbox group keys', () => {
    const p = { tenantId: 'aarhus', routerId: 'post', messageId: 'AAMkAGI2' };
    expect(mailrouteJobIds.messageRoute(p)).toBe(mailrouteJobIds.messageRoute({ ...p }));
    expect(mailrouteJobIds.messageRoute(p)).not.toBe(
      mailrouteJobIds.messageRoute({ ...p, messageId: 'AAMkAGI3' }),
    );
    expect(mailboxGroupKey('aarhus', ' Post@Aarhus.dk')).toBe(mailboxGroupKey('aarhus', 'post@aarhus.dk'));
    expect(mailboxGroupKey('aarhus', 'post@aarhus.dk')).not.toBe(mailboxGroupKey('odense', 'post@aarhus.dk'));
  });

  it('refuses to start a worker that lacks a handler for any mailroute job', async () => {
    const queue = createJobQueue({ catalogue: mailrouteJobs, logger });
    const done = (): Promise<{ status: 'done' }> => Promise.resolve({ status: 'done' });
    const partial: unknown = { 'mailbox.sync': done, 'message.route': done };
    try {
      await expect(queue.start(partial as Parameters<typeof queue.start>[0])).rejects.toThrow(
        MissingHandlerError,
      );
      await expect(queue.start(partial as Parameters<typeof queue.start>[0])).rejects.toThrow(
        /'subscriptions.renew', 'model.retrain', 'data.purge'/,
      );
    } finally {
      await queue.close();
    }
  });
});
