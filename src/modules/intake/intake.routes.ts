/**
 * Intake routes for integrators (an organization's billing system), under /api/v1 with an API key.
 * Each PUT is an idempotent upsert by the organization's own identifier; its answer says whether it
 * created, updated or left the record unchanged. Reads accept the resource's read or write scope.
 */
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { apiKeyOf, eitherScope } from '../../http/api-key-auth';
import { headerValue, requestContext } from '../../http/context';
import { sendIdempotent } from '../../http/idempotent-reply';
import { getAccountRecord, upsertAccount } from './accounts.service';
import { adjustBill, voidBill } from './bill-changes.service';
import {
  accountInput,
  accountRecord,
  accountWriteView,
  externalIdParams,
  personInput,
  personRecord,
  personWriteView,
} from './intake.schema';
import {
  adjustBillBody,
  billInput,
  billRecord,
  billVersionsView,
  billWriteView,
  voidBillBody,
} from './intake-bills.schema';
import { getBillRecord, listBillVersions, upsertBill } from './intake-bills.service';
import { getPerson, upsertPerson } from './people.service';

const statusOf = (result: string) => (result === 'created' ? 201 : 200);
const writeDescription =
  'Idempotent: the same body again changes nothing and answers `unchanged`. A refusal is a ' +
  'problem+json whose `errors[]` names each field (dotted path), and changes nothing.';

export const intakeRoutes =
  (deps: Deps): FastifyPluginAsyncZod =>
  async (app) => {
    app.put(
      '/api/v1/people/:externalId',
      {
        config: { apiKey: { scope: 'people:write' } },
        schema: {
          summary: 'Create or replace a person (patient or member) by your identifier',
          description: writeDescription,
          tags: ['intake'],
          params: externalIdParams,
          body: personInput,
          response: { 200: personWriteView, 201: personWriteView },
        },
      },
      async (request, reply) => {
        const view = await upsertPerson(deps, {
          externalId: request.params.externalId,
          input: request.body,
          actor: apiKeyOf(request).actor,
          ctx: requestContext(request),
        });
        return reply.status(statusOf(view.result)).send(view);
      },
    );

    app.get(
      '/api/v1/people/:externalId',
      {
        config: { apiKey: { scope: null } },
        preValidation: eitherScope('people:read', 'people:write'),
        schema: {
          summary: 'A person, by your identifier (scope people:read or people:write)',
          tags: ['intake'],
          params: externalIdParams,
          response: { 200: personRecord },
        },
      },
      async (request) => getPerson(deps, request.params.externalId),
    );

    app.put(
      '/api/v1/accounts/:externalId',
      {
        config: { apiKey: { scope: 'accounts:write' } },
        schema: {
          summary: 'Create or replace an account (medical guarantor or premium) and who pays it',
          description: `${writeDescription} The people it names (personExternalId, guarantors) must exist.`,
          tags: ['intake'],
          params: externalIdParams,
          body: accountInput,
          response: { 200: accountWriteView, 201: accountWriteView },
        },
      },
      async (request, reply) => {
        const view = await upsertAccount(deps, {
          externalId: request.params.externalId,
          input: request.body,
          actor: apiKeyOf(request).actor,
          ctx: requestContext(request),
        });
        return reply.status(statusOf(view.result)).send(view);
      },
    );

    app.get(
      '/api/v1/accounts/:externalId',
      {
        config: { apiKey: { scope: null } },
        preValidation: eitherScope('accounts:read', 'accounts:write'),
        schema: {
          summary: 'An account with its person and guarantors (scope accounts:read or accounts:write)',
          tags: ['intake'],
          params: externalIdParams,
          response: { 200: accountRecord },
        },
      },
      async (request) => getAccountRecord(deps, request.params.externalId),
    );

    app.put(
      '/api/v1/bills/:externalId',
      {
        config: { apiKey: { scope: 'bills:write' } },
        schema: {
          summary: 'Create a bill with its lines, or correct it (a new version)',
          description:
            `${writeDescription} Different content makes a new version (answer \`updated\`); every version ` +
            'is kept (GET …/versions). The total must be the sum of the lines, and each line’s ' +
            'patientResponsibilityCents its charge − insurance paid − adjustment. A correction that leaves ' +
            'less to pay than has been paid is a 422 bill_below_paid, less than a payment in progress a 409 ' +
            'payment_in_progress; a void bill is a 409 bill_void.',
          tags: ['intake'],
          params: externalIdParams,
          body: billInput,
          response: { 200: billWriteView, 201: billWriteView },
        },
      },
      async (request, reply) => {
        const view = await upsertBill(deps, {
          externalId: request.params.externalId,
          input: request.body,
          actor: apiKeyOf(request).actor,
          ctx: requestContext(request),
        });
        return reply.status(statusOf(view.result)).send(view);
      },
    );

    app.get(
      '/api/v1/bills/:externalId',
      {
        config: { apiKey: { scope: null } },
        preValidation: eitherScope('bills:read', 'bills:write'),
        schema: {
          summary: 'A bill with its lines, balance and status (scope bills:read or bills:write)',
          tags: ['intake'],
          params: externalIdParams,
          response: { 200: billRecord },
        },
      },
      async (request) => getBillRecord(deps, request.params.externalId),
    );

    app.get(
      '/api/v1/bills/:externalId/versions',
      {
        config: { apiKey: { scope: null } },
        preValidation: eitherScope('bills:read', 'bills:write'),
        schema: {
          summary: 'Every version of a bill: as created, each correction, adjustment and the void',
          tags: ['intake'],
          params: externalIdParams,
          response: { 200: billVersionsView },
        },
      },
      async (request) => listBillVersions(deps, request.params.externalId),
    );

    app.post(
      '/api/v1/bills/:externalId/adjustments',
      {
        config: { apiKey: { scope: 'bills:write' } },
        schema: {
          summary: 'Adjust what a bill asks for (a ledger posting with a reason)',
          description:
            'Requires an Idempotency-Key header: a replay answers the first answer, the same key with a ' +
            'different body is a 422, a key in flight a 409. Negative amounts take off what is owed. ' +
            'Refused: a void bill (409 bill_void), less than has been paid (422 bill_below_paid), less ' +
            'left than a payment in progress (409 payment_in_progress).',
          tags: ['intake'],
          headers: z.object({ 'idempotency-key': z.string().optional() }),
          params: externalIdParams,
          body: adjustBillBody,
          response: { 200: billWriteView },
        },
      },
      async (request, reply) => {
        const result = await adjustBill(deps, {
          externalId: request.params.externalId,
          amountCents: request.body.amountCents,
          reason: request.body.reason,
          idempotencyKey: headerValue(request, 'idempotency-key'),
          actor: apiKeyOf(request).actor,
          ctx: requestContext(request),
        });
        return sendIdempotent(reply as FastifyReply, result);
      },
    );
    app.post(
      '/api/v1/bills/:externalId/void',
      {
        config: { apiKey: { scope: 'bills:write' } },
        schema: {
          summary: 'Void a bill (nothing paid on it, no payment in progress)',
          description:
            'Takes what was left off the bill (a ledger posting) and keeps the reason in its history. ' +
            'Voiding a void bill changes nothing (`unchanged`). Refused with 422 bill_below_paid when ' +
            'anything was paid on it, 409 payment_in_progress while a payment is being processed.',
          tags: ['intake'],
          params: externalIdParams,
          body: voidBillBody,
          response: { 200: billWriteView },
        },
      },
      async (request) =>
        voidBill(deps, {
          externalId: request.params.externalId,
          reason: request.body.reason,
          actor: apiKeyOf(request).actor,
          ctx: requestContext(request),
        }),
    );
  };
