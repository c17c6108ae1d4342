/**
 * Errors on /fhir routes as FHIR OperationOutcome (decision 0037): the same AppError every other route
 * answers as problem+json, with each field error an issue whose `expression` is the FHIRPath of the
 * bad element (`Bundle.entry[2].resource.birthDate`), or the name of a bad search parameter.
 */
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import { z } from 'zod';
import type { AppError, ErrorCode } from '../../errors';
import { CODE } from './fhir.systems';

export const FHIR_CONTENT_TYPE = 'application/fhir+json; charset=utf-8';

/** Whether a request path is the FHIR adapter's (its answers, errors included, are FHIR resources). */
export function isFhirPath(url: string): boolean {
  return /^\/fhir(\/|\?|$)/.test(url);
}

type IssueCode = OperationOutcomeIssue['code'];

/** The OperationOutcome issue type (http://hl7.org/fhir/issue-type) of each error code. */
const ISSUE_CODE: Partial<Record<ErrorCode, IssueCode>> = {
  validation_failed: 'invalid',
  idempotency_key_required: 'required',
  api_key_invalid: 'login',
  unauthenticated: 'login',
  insufficient_scope: 'forbidden',
  forbidden: 'forbidden',
  not_found: 'not-found',
  reference_not_found: 'not-found',
  duplicate_identifier: 'duplicate',
  rate_limited: 'throttled',
  database_unavailable: 'transient',
  internal: 'exception',
  change_not_allowed: 'business-rule',
  bill_below_paid: 'business-rule',
  bill_void: 'business-rule',
  payment_in_progress: 'conflict',
};

function issueCodeOf(code: ErrorCode, status: number): IssueCode {
  return ISSUE_CODE[code] ?? (status >= 500 ? 'exception' : status === 409 ? 'conflict' : 'processing');
}

/** A dotted field path as FHIRPath under `root`: `entry.2.resource.name.0` → `Bundle.entry[2].resource.name[0]`. */
export function fhirPathOf(root: string, dotted: string): string {
  if (dotted === '' || dotted === '(body)') return root;
  return dotted
    .split('.')
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : `${path}.${part}`), root);
}

/** The OperationOutcome of an error: one issue per field error, else one for the whole request. */
export function operationOutcomeOf(err: AppError, status = err.status): OperationOutcome {
  const code = issueCodeOf(err.code, status);
  const details = { coding: [{ system: CODE.problem, code: err.code, display: err.title }], text: err.title };
  const detail = err.details.detail;
  const scope = typeof err.details.scope === 'string' ? ` (scope ${err.details.scope})` : '';
  const fields = err.details.errors ?? [];
  const issue: OperationOutcomeIssue[] =
    fields.length > 0
      ? fields.map((f) => ({
          severity: 'error',
          code: f.code === 'unknown_field' ? 'structure' : code,
          details: { ...details, text: f.code },
          diagnostics: f.message,
          expression: [f.field],
        }))
      : [
          {
            severity: status >= 500 ? 'fatal' : 'error',
            code,
            details,
            diagnostics: `${detail ?? err.title}${scope}`,
          },
        ];
  return { resourceType: 'OperationOutcome', issue };
}

/** An outcome that only informs (a transaction-response entry's). */
export function informationOutcome(diagnostics: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'information', code: 'informational', diagnostics }],
  };
}

/** OperationOutcome as the OpenAPI document shows it. */
export const operationOutcomeSchema = z
  .object({
    resourceType: z.literal('OperationOutcome'),
    issue: z
      .array(
        z.object({
          severity: z.enum(['fatal', 'error', 'warning', 'information']),
          code: z
            .string()
            .describe('http://hl7.org/fhir/issue-type, e.g. `invalid`, `not-found`, `forbidden`'),
          details: z
            .object({
              coding: z.array(
                z.object({ system: z.string(), code: z.string(), display: z.string().optional() }),
              ),
              text: z.string().optional(),
            })
            .optional()
            .describe('Our stable error `code` (system https://settle.dev/problems), as in problem+json'),
          diagnostics: z.string().optional(),
          expression: z
            .array(z.string())
            .optional()
            .describe(
              'FHIRPath of the bad element, e.g. `Bundle.entry[2].resource.birthDate`; or a search parameter',
            ),
        }),
      )
      .min(1),
  })
  .meta({
    title: 'OperationOutcome',
    examples: [
      {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'error',
            code: 'invalid',
            details: {
              coding: [{ system: CODE.problem, code: 'validation_failed' }],
              text: 'date_in_future',
            },
            diagnostics: 'A date of birth cannot be after today (2026-12-07)',
            expression: ['Bundle.entry[0].resource.birthDate'],
          },
        ],
      },
    ],
  });
