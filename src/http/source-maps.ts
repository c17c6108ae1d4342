import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors';
import { sendProblem } from './problem';

/** A source map's path, however its dots are encoded. */
function isSourceMapPath(url: string): boolean {
  const pathname = url.split('?')[0] ?? '';
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    // A malformed escape: the router answers 400 for it.
  }
  return /\.map$/i.test(decoded);
}

/**
 * Production answers 404 for every `*.map`: the web build may write source maps next to its assets
 * (for error reporting), but they would hand anyone the app's original sources.
 */
export function refuseSourceMaps(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    if (isSourceMapPath(request.url) || /\.map$/i.test(request.routeOptions.url ?? '')) {
      return sendProblem(reply, new AppError('not_found', { detail: 'Not found' }), request);
    }
  });
}
