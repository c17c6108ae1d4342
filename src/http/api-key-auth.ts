/**
 * Integrator routes and API keys. A route becomes an integrator route by naming the scope it needs:
 *
 *   app.put('/api/v1/bills/:externalId', { config: { apiKey: { scope: 'bills:write' } }, schema }, handler)
 *
 * and `registerApiKeyAuth` (from buildApp, before any route) then gives it, for every method:
 * - authentication from `Authorization: Bearer sk_…` only (never a member or guest session): 401
 *   problem+json `api_key_invalid` with `WWW-Authenticate: Bearer` for a missing, unknown, revoked or
 *   rotated-out key, before the body is even parsed;
 * - the key's own rate limit (429 with Retry-After), then the scope (403 `insufficient_scope`
 *   naming it);
 * - an audit row for every write call (POST, PUT, PATCH, DELETE) with the key id as actor;
 * - `Cache-Control: no-store`, and the bearer security scheme in the OpenAPI document.
 * The handler reads the key with `apiKeyOf(request)` (its id is `.actor` for the audit trail).
 *
 * Integrator routes live under /api/v1 (never under /api/v1/member, /staff or /guest) or /fhir: a
 * route that breaks this fails at boot. test/api-key-authorization.int.test.ts walks every route.
 */
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  onSendHookHandler,
  preValidationHookHandler,
  RouteOptions,
} from 'fastify';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import {
  type ApiKeyPrincipal,
  authenticateApiKey,
  hitApiKeyRateLimit,
  requireScope,
} from '../modules/api-keys/api-keys.service';
import type { ApiKeyScope } from '../modules/api-keys/scopes';
import { recordAudit } from '../modules/audit/audit.service';
import { requestContext } from './context';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An integrator route: it takes an API key with this scope (null: any valid key). */
    apiKey?: { scope: ApiKeyScope | null };
  }
  interface FastifyRequest {
    /** The API key an integrator route authenticated; null everywhere else. */
    apiKey: ApiKeyPrincipal | null;
  }
}

/** The OpenAPI security scheme (components.securitySchemes.apiKey) every integrator route declares. */
export const apiKeySecurityScheme = {
  type: 'http',
  scheme: 'bearer',
  bearerFormat: 'sk_live_… or sk_test_…',
  description:
    'An API key made by an administrator (`settle api-key create`), sent as `Authorization: Bearer sk_…`. ' +
    'Each integrator route names the scope it needs.',
} as const;

const REALM = 'Settle API';
/** Session routes: an API key never authenticates there, and no integrator route may live there. */
const SESSION_ROUTES = /^\/api\/v1\/(member|staff|guest)(\/|$)/;
/** Where integrator routes live: the JSON API, and the FHIR R4 adapter (issue 14). */
const INTEGRATOR_ROOTS = /^\/(api\/v1|fhir)\//;
const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The credential of an `Authorization: Bearer …` header; undefined without one. */
function bearerCredential(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  // A Bearer header that is not one credential is sent on as something no key matches.
  if (!match) return /^Bearer\b/i.test(header) ? '' : undefined;
  return match[1];
}

/** Whether the request presents an API key (by its look only): the flood guard gives those their own bucket. */
export function presentsApiKey(request: FastifyRequest): boolean {
  return /^Bearer +sk_(live|test)_/i.test(request.headers.authorization ?? '');
}

/** RFC 6750 §3: what a client learns from the WWW-Authenticate challenge. */
function challengeFor(err: AppError): string | undefined {
  if (err.code === 'insufficient_scope') {
    return `Bearer realm="${REALM}", error="insufficient_scope", scope="${String(err.details.scope)}"`;
  }
  if (err.code !== 'api_key_invalid') return undefined;
  return err.details.reason === 'missing'
    ? `Bearer realm="${REALM}"`
    : `Bearer realm="${REALM}", error="invalid_token"`;
}

/**
 * The onRequest hook of an integrator route: authenticates the key, counts the call against its rate
 * limit, checks the scope. Runs before the body is parsed, so nothing reaches validation unauthenticated.
 */
export function requireApiKey(deps: Deps, scope: ApiKeyScope | null): onRequestHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const key = await authenticateApiKey(deps, bearerCredential(request));
      request.apiKey = key;
      await hitApiKeyRateLimit(deps, key);
      requireScope(key, scope);
    } catch (err) {
      const challenge = err instanceof AppError ? challengeFor(err) : undefined;
      if (challenge) reply.header('www-authenticate', challenge);
      throw err;
    }
  };
}

/** The key of an integrator route's request (set by requireApiKey before the handler runs). */
export function apiKeyOf(request: FastifyRequest): ApiKeyPrincipal {
  if (!request.apiKey) throw new AppError('api_key_invalid', { reason: 'missing' });
  return request.apiKey;
}

/**
 * For a read route that takes a key with either of two scopes (`bills:read` or `bills:write`): the
 * route declares `config: { apiKey: { scope: null } }` (any valid key passes the key check) and this
 * hook, run before validation, asks for one of the two, answering 403 `insufficient_scope` as a
 * route's own scope does.
 */
export function eitherScope(...scopes: [ApiKeyScope, ApiKeyScope]): preValidationHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (scopes.some((s) => apiKeyOf(request).scopes.includes(s))) return;
    reply.header(
      'www-authenticate',
      `Bearer realm="Settle API", error="insufficient_scope", scope="${scopes.join(' ')}"`,
    );
    throw new AppError('insufficient_scope', {
      detail: `This API key has neither the ${scopes[0]} nor the ${scopes[1]} scope.`,
      scope: scopes[0],
    });
  };
}

/**
 * One audit row per write call made with a key, refused ones included (a 429 is not recorded: a
 * flood would become a flood of rows). Written before the answer is sent; a failure to write it is
 * logged and does not turn a change already made into an error. Services that change money or
 * records also audit in their own transaction; this row says which key called what.
 */
function auditKeyWrites(deps: Deps): onSendHookHandler {
  return async (request, reply, payload) => {
    const key = request.apiKey;
    if (!key || !WRITE_METHODS.has(request.method) || reply.statusCode === 429) return payload;
    const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
    try {
      await recordAudit(deps.db, {
        actor: key.actor,
        ctx: requestContext(request),
        action: 'api.call',
        result: reply.statusCode < 400 ? 'success' : 'failure',
        resourceType: 'api_route',
        resourceId: route,
        detail: { status: reply.statusCode, scope: request.routeOptions.config.apiKey?.scope ?? null },
      });
    } catch (err) {
      request.log.error({ err, route }, 'could not write the audit row of an API key call');
    }
    return payload;
  };
}

const noStore: onSendHookHandler = async (_request, reply, payload) => {
  reply.header('cache-control', 'no-store');
  return payload;
};

function hooksOf<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...value] : [value];
}

/** Turns every route that declares `config.apiKey` into an integrator route (see the top of this file). */
export function registerApiKeyAuth(app: FastifyInstance, deps: Deps): void {
  app.decorateRequest('apiKey', null);
  const audit = auditKeyWrites(deps);
  app.addHook('onRoute', (route: RouteOptions) => {
    const marker = route.config?.apiKey;
    if (!marker) return;
    if (!INTEGRATOR_ROOTS.test(route.url) || SESSION_ROUTES.test(route.url)) {
      throw new Error(
        `${route.url}: integrator (API key) routes live under /api/v1 (outside /api/v1/member, /staff and /guest) or /fhir`,
      );
    }
    // New arrays: Fastify copies a GET route's options for its HEAD route, which comes here too.
    route.onRequest = [...hooksOf(route.onRequest), requireApiKey(deps, marker.scope)];
    route.onSend = [...hooksOf(route.onSend), noStore, audit];
    route.schema = { ...route.schema, security: [{ apiKey: [] }] };
  });
}
