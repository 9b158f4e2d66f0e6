// The one pino logger. Secrets are redacted by key wherever they appear in a logged object.
import { pino, type Logger, type LoggerOptions } from 'pino';

/** Keys whose values never reach a log, at any depth pino's redaction supports. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'adminPassword',
  '*.adminPassword',
  'sipPassword',
  '*.sipPassword',
  '*.*.sipPassword',
  'passwordHash',
  '*.passwordHash',
  'a1Hash',
  '*.a1Hash',
  'digestSecret',
  '*.digestSecret',
  '*.*.digestSecret',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'secret',
  '*.secret',
];

export type { Logger };

export function createLogger(
  level: LoggerOptions['level'] = 'info',
  destination?: pino.DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { name: 'fs-confd' },
  };
  return destination ? pino(options, destination) : pino(options);
}
