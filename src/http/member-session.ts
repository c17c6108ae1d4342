import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { authenticateMember, csrfMatches, type MemberSession } from '../modules/auth/auth.service';
import { headerValue } from './context';

export const SESSION_COOKIE = 'settle_session';

/** False when the browser says the request comes from another site (a missing Origin is allowed). */
export function fromThisSite(request: FastifyRequest): boolean {
  const origin = headerValue(request, 'origin');
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/**
 * Member sessions live in an HttpOnly, SameSite=Lax cookie (Secure in production) holding a random
 * 128-bit id; the server keeps only its hash. Every request that changes something must also carry
 * the session's CSRF token in `X-CSRF-Token`, and may not come from another site (`Origin`).
 */
export function memberAuth(deps: Deps) {
  const sessionOf = (request: FastifyRequest): Promise<MemberSession> =>
    authenticateMember(deps, request.cookies[SESSION_COOKIE]);
  const changingSessionOf = async (request: FastifyRequest): Promise<MemberSession> => {
    const session = await sessionOf(request);
    if (!fromThisSite(request) || !csrfMatches(session, headerValue(request, 'x-csrf-token'))) {
      throw new AppError('csrf_failed', { detail: 'Reload the page and try again.' });
    }
    return session;
  };
  return { sessionOf, changingSessionOf };
}

/**
 * Every answer under /api/v1/member (a signed-in member's bills, profile, session, and the sign-in
 * itself) carries `Cache-Control: no-store`, so no browser cache or shared proxy keeps a copy for the
 * next person at the same computer. Added on the root instance, so the member routes of every module
 * (wallet, autopay, scheduled payments) get it too.
 */
export function keepNoCopyOfMemberAnswers(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url === '/api/v1/member' || request.url.startsWith('/api/v1/member/')) {
      reply.header('cache-control', 'no-store');
    }
    return payload;
  });
}
