import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { OpenAPIV3_1 } from 'openapi-types';
import { z } from 'zod';
import type { Config } from '../config';
import { AppError, type ErrorCode, errorCodes } from '../errors';
import { operationOutcomeOf, operationOutcomeSchema } from '../modules/fhir/fhir.outcome';
import { apiKeySecurityScheme } from './api-key-auth';
import { SESSION_COOKIE } from './member-session';
import { problemDetails, problemOf } from './problem';

/**
 * The OpenAPI document (/api/v1/openapi.json) beyond what each route's zod schemas say, completed in
 * one place so that routes added later get it too (`completeOpenApiDocument`, @fastify/swagger's
 * `transformObject`):
 * - every operation gets an `operationId`: the route's own `schema.operationId`, or one derived from
 *   its method and path (`operationIdFor`), which changes only when the path does;
 * - every operation says how it is authenticated: the route's `schema.security` (`[]` for a public
 *   route), else its path family's (`families`); integrator routes name the `apiKey` scheme;
 * - every operation lists the problem+json answers it can give (`problemStatusesFor`), all sharing one
 *   ProblemDetails schema built from `problemDetails` and the error registry.
 * `npm run api:lint` holds the result to Redocly's recommended rules, and src/http/openapi.int.test.ts
 * checks every operation of the app.
 */

declare module 'fastify' {
  interface FastifySchema {
    /**
     * Problem answers of this route beyond those the document gives every route like it
     * (`problemStatusesFor`): e.g. `[402]` where the processor can decline. Read and removed by
     * `completeOpenApiDocument`.
     */
    'x-problems'?: readonly ProblemStatus[];
  }
}

type Document = OpenAPIV3_1.Document;
type Operation = OpenAPIV3_1.OperationObject;
type SecurityRequirement = OpenAPIV3_1.SecurityRequirementObject;
type SecurityScheme = OpenAPIV3_1.SecuritySchemeObject;

/** package.json's licence (a unit test keeps the two the same). */
export const LICENSE_ID = 'Apache-2.0';

export const securitySchemes = {
  memberSession: {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description:
      'A signed-in member: the HttpOnly cookie that `POST /api/v1/member/sessions` sets (30 minutes idle, ' +
      '12 hours in all).',
  },
  csrfToken: {
    type: 'apiKey',
    in: 'header',
    name: 'X-CSRF-Token',
    description:
      'The member session’s CSRF token (`csrfToken` in `GET /api/v1/member/session`). Every change under ' +
      '/api/v1/member needs it beside the session cookie, from a same-site `Origin`.',
  },
  guestSession: {
    type: 'http',
    scheme: 'bearer',
    description:
      'A short guest session: the `sessionToken` that `POST /api/v1/guest/lookups` returns, sent as ' +
      '`Authorization: Bearer …`.',
  },
  apiKey: apiKeySecurityScheme,
} as const satisfies Record<string, SecurityScheme>;

export type SecuritySchemeName = keyof typeof securitySchemes;

/** Every tag an operation uses, with what it groups. A route with a tag missing here fails the tests. */
export const tags: readonly { name: string; description: string }[] = [
  { name: 'organization', description: 'Who this deployment bills for: name, branding, regions, rules.' },
  {
    name: 'guest',
    description: 'Paying without an account: find a bill with the numbers printed on it, in a short session.',
  },
  { name: 'payments', description: 'Guest payments, their receipts and receipt emails.' },
  {
    name: 'members',
    description:
      'Registered members: registration, signing in and out, two-step verification, passwords, profile, ' +
      'bills, payments and the dashboard.',
  },
  { name: 'wallet', description: 'A member’s saved cards and bank accounts (processor tokens).' },
  { name: 'scheduled payments', description: 'One-time payments a member schedules for a later date.' },
  { name: 'autopay', description: 'Automatic payments: enrollment, notices, charges, approvals.' },
  {
    name: 'api keys',
    description:
      'Integrator API keys (`Authorization: Bearer sk_…`): the key a call is made with, its scopes.',
  },
  {
    name: 'intake',
    description:
      'For a billing system (API key): people, accounts, guarantors and bills put in by the organization’s ' +
      'own identifiers (`externalId`), idempotently; bill corrections kept as versions, voids and adjustments.',
  },
  {
    name: 'imports',
    description:
      'For a billing system (API key): a file of people, accounts and bills (NDJSON or CSV, up to 25 MiB) ' +
      'applied in the background through the intake upserts, with counts and a per-line error report.',
  },
  {
    name: 'payments out',
    description:
      'For a billing system (API key, `payments:read`): every payment with the bills it paid under your own ' +
      'identifiers, to post them; webhooks tell you as they happen, this list is what you reconcile against.',
  },
  {
    name: 'refunds',
    description:
      'For a billing system (API key): all or part of a payment returned to its method through the processor.',
  },
  {
    name: 'webhooks',
    description:
      'For an integrator (API key with `webhooks:manage`): endpoints that receive events (payments, ' +
      'refunds, returns, bills, automatic payments, imports) signed as Standard Webhooks specifies, ' +
      'retried with backoff for up to three days; their delivery logs, secret rotation and replays.',
  },
  {
    name: 'fhir',
    description:
      'FHIR R4 (API key), an adapter over the same intake and payments: a transaction Bundle of Patient, ' +
      'Account, ChargeItem and Invoice upserted by identifier, all or nothing; payments read as ' +
      'PaymentReconciliation and PaymentNotice with the Invoices they paid. Bodies and answers are ' +
      '`application/fhir+json`; errors are OperationOutcome whose `issue.expression` names the bad element ' +
      '(problem+json when asked for with `Accept: application/problem+json`). Identifier systems, codes and ' +
      'extensions are under https://settle.dev/fhir; GET /fhir/R4/metadata lists what is supported.',
  },
  {
    name: 'sandbox processor',
    description:
      'The sandbox payment processor’s tokenization endpoint (test numbers only), standing in for a real ' +
      'processor’s hosted fields: card and bank numbers go here, never to /api.',
  },
];

/**
 * Path families and how their operations are authenticated when a route does not say. Member changes
 * need the CSRF header too (http/member-session.ts `changingSessionOf`); member reads the cookie only.
 */
const families: readonly { prefix: string; security: (method: string) => SecurityRequirement[] }[] = [
  {
    prefix: '/api/v1/member/',
    security: (method) =>
      method === 'get' ? [{ memberSession: [] }] : [{ memberSession: [], csrfToken: [] }],
  },
  { prefix: '/api/v1/guest/', security: () => [{ guestSession: [] }] },
];

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function words(text: string): string[] {
  return text.split(/[^A-Za-z0-9]+/).filter(Boolean);
}

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * A stable camelCase operationId from the method and the path, leaving out `api` and the version:
 * `GET /api/v1/guest/payments/{paymentId}/receipt.pdf` → `getGuestPaymentsByPaymentIdReceiptPdf`.
 */
export function operationIdFor(method: string, path: string): string {
  const segments = path
    .split('/')
    .filter((s, i) => s !== '' && !(i === 1 && s === 'api') && !/^v\d+$/.test(s));
  const parts = segments.flatMap((segment) => {
    const param = /^\{(.+)\}$/.exec(segment);
    return param ? ['By', ...words(param[1]!).map(capitalized)] : words(segment).map(capitalized);
  });
  return method.toLowerCase() + parts.join('');
}

/** The operation's own security, else its family's; undefined when neither says (the tests refuse that). */
export function securityFor(method: string, path: string, declared: SecurityRequirement[] | undefined) {
  if (declared) return declared;
  return families.find((f) => path.startsWith(f.prefix))?.security(method);
}

const problemResponses = {
  400: {
    name: 'BadRequest',
    description: 'The request is not valid: `errors[]` names each field.',
    example: new AppError('validation_failed', {
      detail: 'Check the body',
      errors: [{ field: 'amountCents', code: 'too_small', message: 'Too small: expected number to be >0' }],
    }),
  },
  401: {
    name: 'Unauthorized',
    description: 'No session or key, or one that has ended or is not known.',
    example: new AppError('unauthenticated'),
  },
  402: {
    name: 'PaymentDeclined',
    description:
      'The processor declined the payment and nothing was charged: `decline` says why and whether trying ' +
      'again can help.',
    example: new AppError('payment_declined', {
      detail: 'Your card has insufficient funds.',
      decline: { code: 'insufficient_funds', message: 'Your card has insufficient funds.', retryable: false },
      paymentId: '0190a0b4-7e2c-7a4b-9c1d-3f5e6a7b8c9d',
      errors: [
        { field: 'paymentToken', code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
      ],
    }),
  },
  403: {
    name: 'Forbidden',
    description: 'Authenticated, but not allowed this: a missing CSRF token, a step-up or a scope needed.',
    example: new AppError('csrf_failed', { detail: 'Reload the page and try again.' }),
  },
  404: {
    name: 'NotFound',
    description: 'Nothing with this id that the caller may see (the two are never told apart).',
    example: new AppError('not_found'),
  },
  409: {
    name: 'Conflict',
    description:
      'The request conflicts with the current state, or one with this Idempotency-Key is in flight.',
    example: new AppError('idempotency_in_flight'),
  },
  413: {
    name: 'ContentTooLarge',
    description:
      'The body is larger than the route takes: 64 KiB for a JSON body, 25 MiB for an import file.',
    example: { code: 'validation_failed', status: 413, detail: 'Request body is too large' },
  },
  415: {
    name: 'UnsupportedMediaType',
    description: 'The body is not `application/json`.',
    example: { code: 'validation_failed', status: 415, detail: 'Unsupported Media Type: text/plain' },
  },
  422: {
    name: 'UnprocessableContent',
    description: 'Well-formed but refused; or this Idempotency-Key was used for a different request.',
    example: new AppError('idempotency_mismatch'),
  },
  429: {
    name: 'TooManyRequests',
    description: 'Too many requests from this address, for this account or with this key.',
    example: new AppError('rate_limited', { detail: 'Too many requests', retryAfterSeconds: 30 }),
  },
  503: {
    name: 'ServiceUnavailable',
    description: 'The database or the payment processor cannot be reached; nothing was changed.',
    example: new AppError('database_unavailable', { detail: 'Please try again in a minute.' }),
  },
} as const;

export type ProblemStatus = keyof typeof problemResponses;

/**
 * The 200 of a route that sends a PDF. The handler sends a Buffer, which Fastify passes on as it is (no
 * serializer runs), so the schema only tells the document, and so clients, what comes back.
 */
export const pdfResponse = {
  200: {
    description: 'The PDF, as an attachment',
    content: { 'application/pdf': { schema: z.unknown().meta({ type: 'string', format: 'binary' }) } },
  },
};

/** The problem answers an operation can give, from what the document says about it. */
export function problemStatusesFor(operation: Operation): ProblemStatus[] {
  const parameters = (operation.parameters ?? []) as OpenAPIV3_1.ParameterObject[];
  const requirements = operation.security ?? [];
  const schemes = new Set(requirements.flatMap((r) => Object.keys(r)));
  const statuses: ProblemStatus[] = [];
  if (parameters.length > 0 || operation.requestBody) statuses.push(400);
  if (requirements.length > 0) statuses.push(401);
  if (schemes.has('csrfToken') || schemes.has('apiKey')) statuses.push(403);
  if (parameters.some((p) => p.in === 'path')) statuses.push(404);
  const idempotent = parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');
  if (idempotent) statuses.push(409);
  if (operation.requestBody) statuses.push(413, 415);
  if (idempotent) statuses.push(422);
  // The flood guard (app.ts) covers every route; the database can fail under any of them.
  statuses.push(429, 503);
  const declared = (operation as { 'x-problems'?: readonly ProblemStatus[] })['x-problems'] ?? [];
  return [...new Set([...statuses, ...declared])].sort((a, b) => a - b);
}

function codesWithStatus(status: number): string {
  const codes = (Object.keys(errorCodes) as ErrorCode[]).filter((c) => errorCodes[c].status === status);
  return codes.map((c) => `\`${c}\``).join(', ');
}

function problemResponse(status: ProblemStatus): OpenAPIV3_1.ResponseObject {
  const { description, example } = problemResponses[status];
  const body =
    example instanceof AppError
      ? problemOf(example, '/api/v1/…')
      : { ...problemOf(new AppError(example.code, { detail: example.detail }), '/api/v1/…'), status };
  const codes = codesWithStatus(status);
  const retryAfter = status === 429 || status === 503;
  return {
    description: codes ? `${description} \`code\`: ${codes}.` : description,
    ...(retryAfter
      ? {
          headers: {
            'Retry-After': {
              description: 'Seconds to wait before trying again',
              schema: { type: 'integer', minimum: 1 },
            },
          },
        }
      : {}),
    content: {
      'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' }, example: body },
    },
  };
}

const SUCCESS_DESCRIPTIONS: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted',
  '204': 'No content',
};

const IDEMPOTENCY_KEY_DESCRIPTION =
  'Required: a new random value (a UUID) for each new request. Sending the same key again returns the first ' +
  'answer; the same key with a different body is a 422, and while the first is still running a 409.';

function completeOperation(method: string, path: string, operation: Operation): Operation {
  const security = securityFor(method, path, operation.security);
  const completed: Operation = {
    ...operation,
    operationId: operation.operationId ?? operationIdFor(method, path),
    ...(security ? { security } : {}),
  };
  // The route's schema lets a missing key through so that the answer is the specific 400
  // `idempotency_key_required`; for a client it is required all the same.
  completed.parameters = (completed.parameters as OpenAPIV3_1.ParameterObject[] | undefined)?.map((p) =>
    p.in === 'header' && p.name === 'idempotency-key'
      ? { ...p, required: true, description: p.description ?? IDEMPOTENCY_KEY_DESCRIPTION }
      : p,
  );
  if (!completed.parameters) delete completed.parameters;
  const responses: OpenAPIV3_1.ResponsesObject = {};
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    const described = response as OpenAPIV3_1.ResponseObject;
    responses[status] =
      described.description === 'Default Response'
        ? { ...described, description: SUCCESS_DESCRIPTIONS[status] ?? described.description }
        : described;
  }
  // FHIR routes answer errors as OperationOutcome (or problem+json when asked for): their own responses.
  const prefix = isFhirOperation(path) ? 'Fhir' : '';
  for (const status of problemStatusesFor(completed)) {
    responses[status] ??= { $ref: `#/components/responses/${prefix}${problemResponses[status].name}` };
  }
  completed.responses = responses;
  delete (completed as { 'x-problems'?: unknown })['x-problems'];
  return completed;
}

function isFhirOperation(path: string): boolean {
  return path.startsWith('/fhir/');
}

/** A FHIR route's error answer: an OperationOutcome, or the same problem+json as elsewhere on request. */
function fhirProblemResponse(status: ProblemStatus): OpenAPIV3_1.ResponseObject {
  const problem = problemResponse(status);
  const { example } = problemResponses[status];
  const error =
    example instanceof AppError ? example : new AppError(example.code, { detail: example.detail });
  return {
    ...problem,
    description: `${problem.description} An OperationOutcome (issue.expression names the bad element), or problem+json with \`Accept: application/problem+json\`.`,
    content: {
      'application/fhir+json': {
        schema: { $ref: '#/components/schemas/OperationOutcome' },
        example: operationOutcomeOf(error, status),
      },
      ...problem.content,
    },
  };
}

function jsonSchemaOf(schema: z.ZodType): OpenAPIV3_1.SchemaObject {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' });
  return json as OpenAPIV3_1.SchemaObject;
}

function problemDetailsSchema(): OpenAPIV3_1.SchemaObject {
  return jsonSchemaOf(problemDetails);
}

/** @fastify/swagger's `transformObject`: the document as built from the routes, completed. */
export function completeOpenApiDocument(document: Document): Document {
  const paths: OpenAPIV3_1.PathsObject = {};
  const used = new Set<string>();
  const schemesUsed = new Set<string>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    // One operation per method key; openapi-types' PathItemObject cannot be indexed by method.
    const completed: Record<string, unknown> = { ...item };
    for (const method of METHODS) {
      const operation = item?.[method];
      if (!operation) continue;
      const done = completeOperation(method, path, operation);
      for (const ref of Object.values(done.responses ?? {})) {
        if ('$ref' in ref) used.add(ref.$ref.split('/').at(-1)!);
      }
      for (const scheme of (done.security ?? []).flatMap((r) => Object.keys(r))) schemesUsed.add(scheme);
      completed[method] = done;
    }
    paths[path] = completed as OpenAPIV3_1.PathItemObject;
  }
  const responses: Record<string, OpenAPIV3_1.ResponseObject> = {};
  for (const status of Object.keys(problemResponses).map(Number) as ProblemStatus[]) {
    const { name } = problemResponses[status];
    if (used.has(name)) responses[name] = problemResponse(status);
    if (used.has(`Fhir${name}`)) responses[`Fhir${name}`] = fhirProblemResponse(status);
  }
  const fhirUsed = Object.keys(responses).some((name) => name.startsWith('Fhir'));
  return {
    ...document,
    paths,
    components: {
      ...document.components,
      schemas: {
        ...document.components?.schemas,
        ProblemDetails: problemDetailsSchema(),
        ...(fhirUsed ? { OperationOutcome: jsonSchemaOf(operationOutcomeSchema) } : {}),
      },
      responses: { ...document.components?.responses, ...responses },
      // Only the schemes some operation uses (a scheme is declared here before its first route).
      securitySchemes: Object.fromEntries(
        Object.entries(document.components?.securitySchemes ?? {}).filter(([name]) => schemesUsed.has(name)),
      ),
    },
  };
}

/** The @fastify/swagger options: the document's header and `completeOpenApiDocument`. */
export function openApiOptions(config: Config): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: `${config.organization.name} bill payment API (Settle)`,
        version: '1.0.0',
        description:
          'Errors are RFC 9457 `application/problem+json` (the ProblemDetails schema) with a stable `code`. ' +
          'POSTs that move money require an `Idempotency-Key` header. Members authenticate with the session ' +
          'cookie (and `X-CSRF-Token` on every change), guests with a short bearer session, integrators ' +
          'with an API key.',
        license: { name: 'Apache License 2.0', identifier: LICENSE_ID },
      },
      // Relative: the API is served from the same origin as the web app, wherever it is deployed.
      servers: [{ url: '/', description: 'This deployment' }],
      tags: [...tags],
      components: { securitySchemes },
    },
    transform: jsonSchemaTransform,
    transformObject: (documentObject) =>
      'openapiObject' in documentObject
        ? completeOpenApiDocument(documentObject.openapiObject as Document)
        : documentObject.swaggerObject,
  };
}
