import { existsSync } from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { TrustProxy } from './config';
import type { Deps } from './deps';
import { AppError } from './errors';
import { presentsApiKey, registerApiKeyAuth } from './http/api-key-auth';
import { registerInputGuards } from './http/input';
import { keepNoCopyOfMemberAnswers } from './http/member-session';
import { registerMetrics } from './http/metrics';
import { openApiOptions } from './http/openapi';
import { registerProblemHandlers, sendFrameworkError } from './http/problem';
import { readinessRoutes } from './http/readiness';
import { registerSecurityHeaders } from './http/security-headers';
import { refuseSourceMaps } from './http/source-maps';
import { testOnlyRoutes } from './http/test-routes';
import { apiKeyRoutes } from './modules/api-keys/api-keys.routes';
import { authRoutes } from './modules/auth/auth.routes';
import { autopayRoutes } from './modules/autopay/autopay.routes';
import { fhirRoutes } from './modules/fhir/fhir.routes';
import { guestRoutes } from './modules/guest/guest.routes';
import { importRoutes } from './modules/imports/imports.routes';
import { intakeRoutes } from './modules/intake/intake.routes';
import { memberRoutes } from './modules/members/members.routes';
import { devMailboxRoutes } from './modules/notifications/dev-mailbox.routes';
import { organizationRoutes } from './modules/organization/organization.routes';
import { renderOutboxEmail } from './modules/payments/payment-receipts.service';
import { paymentRoutes } from './modules/payments/payments.routes';
import { paymentsApiRoutes } from './modules/payments/payments-api.routes';
import { refundRoutes } from './modules/payments/refunds.routes';
import { stripeWebhookRoutes } from './modules/processor-events/stripe-webhooks.routes';
import { scheduledRoutes } from './modules/scheduled/scheduled.routes';
import { walletRoutes } from './modules/wallet/wallet.routes';
import { webhookRoutes } from './modules/webhooks/webhooks.routes';
import { requestIdOf } from './platform/logger';
import { Metrics } from './platform/metrics';
import { sandboxRoutes } from './platform/processors/sandbox/sandbox.routes';

export interface BuildAppOptions {
  /** Directory of the built web app (index.html + assets); not served when absent. */
  webDist?: string;
  /** Told of every route as it is added (tests walk them all). */
  onRoute?: (route: RouteOptions) => void;
}

const defaultWebDist = path.resolve('web/dist');

/**
 * Fastify's trustProxy for config's TRUST_PROXY (config.ts refuses `true`: clients would pick their own
 * address). A hop count trusts the peer and the hops before it (proxy-addr counts the peer as hop 0),
 * which Fastify no longer does for a bare number; addresses/CIDRs trust only those proxies.
 */
function trustProxyOption(trust: TrustProxy): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return trust === false ? false : [...trust];
}

/** The Fastify instance with every route; it never listens (tests use `inject`). */
export async function buildApp(given: Deps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  // Every app counts into a registry of its own; one built without a runtime's gets one here.
  const deps: Deps = given.metrics ? given : { ...given, metrics: new Metrics({ db: given.db }) };
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    trustProxy: trustProxyOption(deps.config.trustProxy),
    bodyLimit: 64 * 1024,
    // The caller's X-Request-Id only when it is a plain id (requestIdOf); never a header as it is.
    requestIdHeader: false,
    genReqId: requestIdOf,
    frameworkErrors: sendFrameworkError,
    // Bodies are never logged; URLs are logged with allow-listed query values only (createLogger).
  }).withTypeProvider<ZodTypeProvider>();

  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const webDist = options.webDist ?? defaultWebDist;
  const hasWeb = existsSync(path.join(webDist, 'index.html'));
  registerProblemHandlers(
    app,
    hasWeb ? (reply) => reply.type('text/html; charset=utf-8').sendFile('index.html') : undefined,
  );
  registerInputGuards(app);
  if (deps.metrics) registerMetrics(app, deps.metrics);

  registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        frameSrc: ["'self'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: deps.config.env === 'production' ? [] : null,
      },
    },
    hsts: deps.config.env === 'production',
  });
  // Coarse per-process flood guard; the per-account and per-IP lookup limits that matter live in the database.
  // Calls with an API key count apart and get more room: an integrator sends many from one address, and
  // each key's own limit (in the database, shared by every process) is what holds it back.
  await app.register(rateLimit, {
    keyGenerator: (request) => (presentsApiKey(request) ? `api-key:${request.ip}` : request.ip),
    max: (_request, key) => (key.startsWith('api-key:') ? 6_000 : 600),
    timeWindow: '1 minute',
    errorResponseBuilder: (_req, ctx) =>
      new AppError('rate_limited', {
        detail: 'Too many requests',
        retryAfterSeconds: Math.ceil(ctx.ttl / 1000),
      }),
  });

  // Before any route: routes that declare `config.apiKey` become integrator routes.
  registerApiKeyAuth(app, deps);
  await app.register(swagger, openApiOptions(deps.config));
  // Production serves the OpenAPI document only: no docs page, and (below) no source maps.
  if (deps.config.env !== 'production') await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));
  await app.register(readinessRoutes(deps));
  await app.register(cookie);
  keepNoCopyOfMemberAnswers(app);
  await app.register(organizationRoutes(deps));
  await app.register(guestRoutes(deps));
  await app.register(paymentRoutes(deps));
  await app.register(authRoutes(deps));
  await app.register(memberRoutes(deps));
  await app.register(walletRoutes(deps));
  await app.register(scheduledRoutes(deps));
  await app.register(autopayRoutes(deps));
  await app.register(apiKeyRoutes);
  await app.register(intakeRoutes(deps));
  await app.register(refundRoutes(deps));
  await app.register(importRoutes(deps));
  await app.register(paymentsApiRoutes(deps));
  await app.register(webhookRoutes(deps));
  await app.register(fhirRoutes(deps));
  if (deps.sandbox) await app.register(sandboxRoutes(deps.sandbox, deps.clock));
  // Stripe's events, only when Stripe is the processor (its webhook secret verifies them).
  if (deps.config.processor === 'stripe' && deps.config.stripe) await app.register(stripeWebhookRoutes(deps));
  if (deps.config.env === 'test') await app.register(testOnlyRoutes);
  if (deps.config.env !== 'production') {
    await app.register(devMailboxRoutes(deps, (email, options) => renderOutboxEmail(deps, email, options)));
  }

  if (deps.config.env === 'production') refuseSourceMaps(app);
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: webDist,
      wildcard: false,
      index: false,
      // The build writes .br and .gz beside each text file; the one the browser accepts is sent.
      preCompressed: true,
      setHeaders: (reply, file) => {
        // Vite names everything under assets/ by its content hash, so it never changes; the page
        // (index.html) is checked on every visit so a deploy shows at once.
        const hashed = path.relative(webDist, file).startsWith(`assets${path.sep}`);
        reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  return app;
}
