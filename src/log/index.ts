import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/*
 * Mail is personal data: subjects, bodies, addresses and the secrets that open mailboxes never
 * reach the logs at the default levels. Anything that must be logged for tracing goes through
 * `logContent`, which only emits at `trace`.
 */
export const redactedPaths = [
  'subject',
  'body',
  'bodyPreview',
  'text',
  'html',
  'from',
  'to',
  'cc',
  'bcc',
  'replyTo',
  'sender',
  'address',
  'emailAddress',
  'toRecipients',
  'ccRecipients',
  '*.subject',
  '*.body',
  '*.bodyPreview',
  '*.from',
  '*.to',
  '*.sender',
  '*.emailAddress',
  'password',
  'secret',
  'clientSecret',
  'token',
  'accessToken',
  'authorization',
  'clientState',
  '*.password',
  '*.secret',
  '*.clientSecret',
  '*.token',
  '*.accessToken',
  '*.clientState',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'res.headers["set-cookie"]',
];

export interface LogOptions {
  level: string;
  /** Pretty, coloured lines; only for a person at a terminal. */
  pretty?: boolean;
  /** Where JSON lines go; defaults to stdout. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LogOptions): Logger {
  const config: LoggerOptions = {
    level: options.level,
    base: { service: 'mailroute' },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.pretty && !options.destination) {
    return pino({
      ...config,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss' } },
    });
  }
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** Logs mail content, at trace level only. */
export function logContent(log: Logger, content: Record<string, unknown>, message: string): void {
  if (log.isLevelEnabled('trace')) log.trace({ content }, message);
}
