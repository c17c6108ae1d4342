import pino, { type Logger } from 'pino';

/**
 * Paths that could carry card, bank or identity data are censored in every log line, even though no
 * route should ever log a body: defence in depth for a requirement that must never fail.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.number',
  '*.cvc',
  '*.accountNumber',
  '*.routingNumber',
  '*.dateOfBirth',
  '*.password',
  '*.token',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: redactPaths, censor: '[redacted]' } }, destination);
}

export type { Logger };
