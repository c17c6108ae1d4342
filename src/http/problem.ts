import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, type ErrorCode, errorCodes, type FieldError } from '../errors';
import { FHIR_CONTENT_TYPE, fhirPathOf, isFhirPath, operationOutcomeOf } from '../modules/fhir/fhir.outcome';
import { isDatabaseUnavailable } from '../platform/db-health';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

const fieldError = z.object({
  field: z.string().describe('Dotted path of the field, e.g. `amountCents` or `card.number`'),
  code: z.string().describe('What is wrong with it, e.g. `too_small`'),
  message: z.string(),
}) satisfies z.ZodType<FieldError>;

/**
 * Every error answer (RFC 9457 application/problem+json), as the OpenAPI document describes it:
 * `code` is one of the registry's stable codes; an error may add extensions (e.g. a decline's `decline`).
 */
export const problemDetails = z
  .object({
    type: z.string().describe('A URI naming the kind of problem; one per `code`'),
    title: z.string().describe('A short summary of the kind of problem'),
    status: z.number().int().min(400).max(599).describe('The HTTP status code'),
    code: z
      .enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]])
      .describe('Stable machine-readable error code'),
    detail: z.string().optional().describe('What happened this time, for people'),
    instance: z.string().optional().describe('The request path'),
    errors: z.array(fieldError).optional().describe('Each field that failed validation'),
  })
  .catchall(z.unknown());

export type ProblemBody = z.infer<typeof problemDetails>;

export function problemOf(err: AppError, instance?: string): ProblemBody {
  const { detail, errors, retryAfterSeconds: _retry, ...extensions } = err.details;
  return {
    type: `https://settle.dev/problems/${err.code.replaceAll('_', '-')}`,
    title: err.title,
    status: err.status,
    code: err.code,
    ...(detail ? { detail } : {}),
    ...(instance ? { instance } : {}),
    ...(errors ? { errors } : {}),
    ...extensions,
  };
}

/**
 * Whether an error answers as a FHIR OperationOutcome: on /fhir routes, unless the client asks for
 * problem+json by name (and not for FHIR) in its Accept header.
 */
function answersFhir(request: FastifyRequest | undefined): boolean {
  if (!request || !isFhirPath(request.url)) return false;
  const accept = String(request.headers.accept ?? '');
  return !/application\/problem\+json/i.test(accept) || /application\/fhir\+json/i.test(accept);
}

export function sendProblem(reply: FastifyReply, err: AppError, request?: FastifyRequest): FastifyReply {
  if (err.details.retryAfterSeconds) reply.header('retry-after', String(err.details.retryAfterSeconds));
  if (answersFhir(request))
    return reply.status(err.status).type(FHIR_CONTENT_TYPE).send(operationOutcomeOf(err));
  return reply.status(err.status).type(PROBLEM_CONTENT_TYPE).send(problemOf(err, request?.url));
}

/** Dotted field path from a zod issue path, e.g. ['body','card','number'] → 'card.number'. */
function dottedPath(instancePath: string): string {
  return instancePath.replace(/^\//, '').replaceAll('/', '.') || '(body)';
}

/** Fastify's own client errors: malformed JSON, wrong content type, body too large, bad URL. */
function sendClientError(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  message: string,
): FastifyReply {
  const code = status === 429 ? 'rate_limited' : status === 404 ? 'not_found' : 'validation_failed';
  const appError = new AppError(code, { detail: message });
  if (answersFhir(request)) {
    return reply.status(status).type(FHIR_CONTENT_TYPE).send(operationOutcomeOf(appError, status));
  }
  return reply
    .status(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...problemOf(appError, request.url), status });
}

/**
 * Errors the router raises before any route or error handler runs (a malformed percent-encoding,
 * an over-long path parameter): Fastify's `frameworkErrors` option, so they are problems too.
 */
export function sendFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const status =
    error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  sendClientError(reply, request, status, error.message);
}

/** A browser navigation to a page of the single-page app, as opposed to an API call or a missing file. */
function isPagePath(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return !/^\/(api|sandbox|dev|fhir)(\/|$)/.test(path) && !/\.[a-z0-9]+$/i.test(path);
}

/**
 * Maps every error to problem+json; nothing a client sends may surface as a 500. With `pageFallback`,
 * unknown page paths get the web app (its router shows its own not-found page).
 */
export function registerProblemHandlers(
  app: FastifyInstance,
  pageFallback?: (reply: FastifyReply) => FastifyReply,
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) return sendProblem(reply, error, request);

    if (hasZodFastifySchemaValidationErrors(error)) {
      // On /fhir, a body's fields are named by FHIRPath from the Bundle; a query's by the parameter.
      const fhirBody = isFhirPath(request.url) && error.validationContext === 'body';
      const fieldPath = (instancePath: string) =>
        fhirBody ? fhirPathOf('Bundle', dottedPath(instancePath)) : dottedPath(instancePath);
      const errors: FieldError[] = error.validation.flatMap((v): FieldError[] => {
        // A strict object's unknown fields: one error naming each, so the client knows what to remove.
        if (v.keyword === 'unrecognized_keys' && Array.isArray(v.params.keys)) {
          const parent = v.instancePath.replace(/^\//, '');
          return v.params.keys.map((key) => ({
            field: fieldPath(`${parent}/${String(key)}`),
            code: 'unknown_field',
            message: `Unknown field ${JSON.stringify(String(key))}: remove it`,
          }));
        }
        // A refinement that names its own code (params: { code }) keeps it.
        const custom = (v.params.params as { code?: unknown } | undefined)?.code;
        return [
          {
            field: fieldPath(v.instancePath),
            code:
              typeof custom === 'string'
                ? custom
                : String((v.params.issue as { code?: string } | undefined)?.code ?? 'invalid'),
            message: v.message ?? 'Invalid value',
          },
        ];
      });
      return sendProblem(
        reply,
        new AppError('validation_failed', {
          detail: `Check the ${error.validationContext ?? 'request'}`,
          errors,
        }),
        request,
      );
    }

    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendClientError(reply, request, status, error.message);

    if (isDatabaseUnavailable(error)) {
      request.log.error({ err: error }, 'database unavailable');
      return sendProblem(
        reply,
        new AppError('database_unavailable', {
          detail: 'Please try again in a minute.',
          retryAfterSeconds: 30,
        }),
        request,
      );
    }

    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, new AppError('internal'), request);
  });

  app.setNotFoundHandler((request, reply) => {
    if (pageFallback && request.method === 'GET' && isPagePath(request.url)) return pageFallback(reply);
    return sendProblem(
      reply,
      new AppError('not_found', { detail: `No route ${request.method} ${request.url}` }),
      request,
    );
  });
}
