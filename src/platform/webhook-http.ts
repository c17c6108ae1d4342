import http from 'node:http';
import https from 'node:https';
import { AddressRefusedError, guardedLookup } from './outbound-url';

/** Why an attempt failed; null when the receiver answered 2xx. */
export type DeliveryErrorKind =
  | 'http_status'
  | 'redirect'
  | 'timeout'
  | 'network'
  | 'address_refused'
  | 'url_refused';

export interface PostResult {
  /** The status the receiver answered; null when it did not answer. */
  statusCode: number | null;
  /** From sending the request to the end of the answer (or of the part of it kept). */
  responseMs: number;
  /** The start of the answer's body (at most `maxBodyBytes`), for the delivery log. */
  body: string | null;
  errorKind: DeliveryErrorKind | null;
  /** The receiver's Retry-After header, if any. */
  retryAfter: string | undefined;
}

export interface PostOptions {
  timeoutMs: number;
  maxBodyBytes: number;
  /** Connect only to addresses outbound-url allows (production). */
  guardAddresses: boolean;
}

class TimeoutError extends Error {}

/**
 * POSTs one JSON body and reads at most `maxBodyBytes` of the answer, all within `timeoutMs` (connect,
 * answer and body together). Redirects are not followed: a 3xx is a failure, as Standard Webhooks asks
 * (the endpoint's URL should be updated instead). Never throws: every failure is a result.
 */
export function postWebhook(url: URL, body: string, headers: Record<string, string>, opts: PostOptions) {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<PostResult, 'responseMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, responseMs: elapsed() });
    };
    const failed = (err: unknown) => {
      const errorKind: DeliveryErrorKind =
        err instanceof TimeoutError
          ? 'timeout'
          : err instanceof AddressRefusedError
            ? 'address_refused'
            : 'network';
      finish({ statusCode: null, body: null, errorKind, retryAfter: undefined });
    };
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'Settle-Webhooks/1',
      },
      // A new connection per attempt: the address it connects to is the one the lookup checked.
      agent: false,
      ...(opts.guardAddresses ? { lookup: guardedLookup() } : {}),
    });
    const timer = setTimeout(() => req.destroy(new TimeoutError('timed out')), opts.timeoutMs);
    req.on('error', failed);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let kept = 0;
      const done = () => {
        const text = Buffer.concat(chunks).subarray(0, opts.maxBodyBytes).toString('utf8');
        finish({
          statusCode: status,
          // PostgreSQL text cannot hold NUL.
          body: text.replaceAll('\u0000', ''),
          errorKind:
            status >= 200 && status < 300 ? null : status >= 300 && status < 400 ? 'redirect' : 'http_status',
          retryAfter: typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : undefined,
        });
        req.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        if (kept < opts.maxBodyBytes) {
          chunks.push(chunk);
          kept += chunk.length;
        }
        // Enough for the log: the rest of the answer is not waited for.
        if (kept >= opts.maxBodyBytes) done();
      });
      // The answer ended, broke off, or its connection closed: what arrived is what is logged.
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
    req.end(body);
  });
}
