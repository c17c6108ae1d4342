import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../deps';

export function requestContext(request: FastifyRequest, locale?: 'en' | 'es'): RequestContext {
  const accept = request.headers['accept-language'] ?? '';
  return {
    ip: request.ip ?? null,
    requestId: String(request.id),
    locale: locale ?? (/^es\b/i.test(accept) ? 'es' : 'en'),
  };
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+([A-Za-z0-9_-]{10,200})$/.exec(header);
  return match?.[1];
}

export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
