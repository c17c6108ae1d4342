/**
 * The FHIR R4 adapter's routes (decision 0037), under /fhir/R4: a transaction Bundle in, payments and
 * Invoices out, errors as OperationOutcome (http/problem.ts). Bodies are `application/fhir+json` (or
 * `application/json`); answers are `application/fhir+json`.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { Deps } from '../../deps';
import { AppError } from '../../errors';
import { apiKeyOf, eitherScope } from '../../http/api-key-auth';
import { requestContext } from '../../http/context';
import { capabilityStatement } from './fhir.capability';
import { FHIR_CONTENT_TYPE } from './fhir.outcome';
import {
  fhirResource,
  paymentSearchQuery,
  resourceIdParams,
  responseBundle,
  transactionBundle,
} from './fhir.schema';
import { readInvoice, readPaymentReconciliation, searchPayments } from './fhir-reads.service';
import { runTransaction } from './fhir-transaction.service';

/** A 200 answered as application/fhir+json, for the OpenAPI document and the serializer. */
function fhirOk<T extends z.ZodType>(schema: T, description: string) {
  return { 200: { description, content: { 'application/fhir+json': { schema } } } };
}

const searchDescription =
  'A searchset Bundle, oldest first. `created` takes eq, ge, gt, le or lt and a date or date-time (UTC unless it ' +
  'says) and may be repeated (`created=ge2026-01-01&created=lt2026-02-01`); `_count` (1–100, 50 by default) ' +
  'sets the page size; the `next` link gives the following page. A bad parameter is a 400 OperationOutcome ' +
  'naming it.';

export const fhirRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    // FHIR's own media type, read as JSON is (the same limits and prototype-poisoning refusal).
    app.addContentTypeParser(
      'application/fhir+json',
      { parseAs: 'string' },
      app.getDefaultJsonParser('error', 'ignore'),
    );

    app.post(
      '/fhir/R4',
      {
        // Scopes are checked per entry (a Patient needs people:write, …) by the service.
        config: { apiKey: { scope: null } },
        schema: {
          summary: 'A FHIR R4 transaction: Patient, Account, ChargeItem and Invoice entries, all or nothing',
          description:
            'Each Patient, Account and Invoice is upserted by its identifier (conditional create with ' +
            '`ifNoneExist: identifier=system|value`, or conditional update `PUT Patient?identifier=system|value`); ' +
            'ChargeItems are the lines of the Invoice that references them. Every entry is checked before anything ' +
            'is written, then all are written in one database transaction: any problem refuses the whole bundle ' +
            'with an OperationOutcome whose issue.expression names each bad element (400; 422 for a reference ' +
            'that names nothing; 403 naming a missing scope). The same bundle again changes nothing (every entry ' +
            '`200 OK`). Send `application/fhir+json` or `application/json`.',
          tags: ['fhir'],
          'x-problems': [409, 422],
          consumes: ['application/fhir+json', 'application/json'],
          body: transactionBundle,
          response: fhirOk(
            responseBundle,
            'The transaction-response Bundle: per entry its status, location and outcome',
          ),
        },
      },
      async (request, reply) => {
        const key = apiKeyOf(request);
        try {
          const bundle = await runTransaction(deps, {
            bundle: request.body,
            scopes: key.scopes,
            actor: key.actor,
            ctx: requestContext(request),
          });
          return reply.type(FHIR_CONTENT_TYPE).send(bundle);
        } catch (err) {
          if (err instanceof AppError && err.code === 'insufficient_scope') {
            reply.header(
              'www-authenticate',
              `Bearer realm="Settle API", error="insufficient_scope", scope="${String(err.details.scope)}"`,
            );
          }
          throw err;
        }
      },
    );

    app.get(
      '/fhir/R4/metadata',
      {
        schema: {
          summary: 'The CapabilityStatement: what this FHIR endpoint supports',
          description: 'Public, as FHIR clients read it before they authenticate.',
          tags: ['fhir'],
          security: [],
          response: fhirOk(fhirResource, 'The CapabilityStatement'),
        },
      },
      async (_request, reply) => reply.type(FHIR_CONTENT_TYPE).send(capabilityStatement(deps.config)),
    );

    app.get(
      '/fhir/R4/PaymentReconciliation',
      {
        config: { apiKey: { scope: 'payments:read' } },
        schema: {
          summary: 'Payments as PaymentReconciliation, with the Invoices they paid (scope payments:read)',
          description: `${searchDescription} Failed payments are left out; a returned bank payment is \`cancelled\`.`,
          tags: ['fhir'],
          querystring: paymentSearchQuery,
          response: fhirOk(responseBundle, 'A searchset Bundle of PaymentReconciliation'),
        },
      },
      async (request, reply) =>
        reply
          .type(FHIR_CONTENT_TYPE)
          .send(await searchPayments(deps, { type: 'PaymentReconciliation', query: request.query })),
    );

    app.get(
      '/fhir/R4/PaymentReconciliation/:id',
      {
        config: { apiKey: { scope: 'payments:read' } },
        schema: {
          summary: 'One payment as a PaymentReconciliation (scope payments:read)',
          tags: ['fhir'],
          params: resourceIdParams,
          response: fhirOk(fhirResource, 'The PaymentReconciliation'),
        },
      },
      async (request, reply) =>
        reply.type(FHIR_CONTENT_TYPE).send(await readPaymentReconciliation(deps, request.params.id)),
    );

    app.get(
      '/fhir/R4/PaymentNotice',
      {
        config: { apiKey: { scope: 'payments:read' } },
        schema: {
          summary: 'Payments as PaymentNotice, one per Invoice paid (scope payments:read)',
          description: `${searchDescription} Only payments that collected money; a page holds the notices of up to \`_count\` payments.`,
          tags: ['fhir'],
          querystring: paymentSearchQuery,
          response: fhirOk(responseBundle, 'A searchset Bundle of PaymentNotice'),
        },
      },
      async (request, reply) =>
        reply
          .type(FHIR_CONTENT_TYPE)
          .send(await searchPayments(deps, { type: 'PaymentNotice', query: request.query })),
    );

    app.get(
      '/fhir/R4/Invoice/:id',
      {
        config: { apiKey: { scope: null } },
        preValidation: eitherScope('bills:read', 'bills:write'),
        schema: {
          summary: 'A bill as an Invoice: lines, total, balance (scope bills:read or bills:write)',
          tags: ['fhir'],
          params: resourceIdParams,
          response: fhirOk(fhirResource, 'The Invoice'),
        },
      },
      async (request, reply) =>
        reply.type(FHIR_CONTENT_TYPE).send(await readInvoice(deps, request.params.id)),
    );
  };
