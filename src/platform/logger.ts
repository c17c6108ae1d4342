import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import pino, { type Logger } from 'pino';

/**
 * Paths that could carry card, bank or identity data are censored in every log line, even though no
 * route should ever log a body: defence in depth for a requirement that must never fail.
 */
export const redactPaths = [
  // Bearer credentials (guest session tokens, integrators' API keys), however a line carries them.
  'req.headers.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'authorization',
  '*.authorization',
  'secret',
  '*.secret',
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

/**
 * Query parameters whose values are logged as sent. Every other value is replaced: emailed links carry
 * reset and verification tokens in their query (`/reset-password?token=…`), and a token read from a
 * log is a password reset. An allow-list, so a parameter added later is hidden until someone looks.
 */
export const loggedQueryParams: ReadonlySet<string> = new Set([
  'locale',
  'status',
  'kind',
  'from',
  'to',
  'cursor',
  'limit',
]);

const REDACTED = '[redacted]';

/** A request URL fit for a log line: the path, and only allow-listed query values. */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const query = url.slice(q + 1);
  if (query === '') return url;
  const parts = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replaceAll('+', ' '));
    } catch {
      name = '';
    }
    if (eq < 0) return loggedQueryParams.has(name) ? rawName : REDACTED;
    return loggedQueryParams.has(name) ? pair : `${safeName(rawName)}=${REDACTED}`;
  });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

/** A parameter name is logged only when it looks like a name (a secret could be sent as one). */
function safeName(rawName: string): string {
  return /^[A-Za-z0-9_.-]{1,40}$/.test(rawName) ? rawName : REDACTED;
}

const PLAIN_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The id a request is logged under: the caller's X-Request-Id when it is a plain id (a balancer's or
 * a client's trace id), otherwise a new one. A header value is never trusted into the logs as it is:
 * a client could put a token, a card number or a forged log line there.
 */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  const value = Array.isArray(header) ? header[0] : header;
  return value && PLAIN_REQUEST_ID.test(value) ? value : randomUUID();
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's request serializer, with the URL's query reduced to what may be logged. */
function serializeRequest(req: LoggedRequest) {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? loggableUrl(req.url) : req.url,
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redactPaths, censor: REDACTED },
      serializers: { req: serializeRequest },
    },
    destination,
  );
}

export type { Logger };
