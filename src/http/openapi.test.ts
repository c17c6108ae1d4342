import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { OpenAPIV3_1 } from 'openapi-types';
import { describe, expect, it } from 'vitest';
import { completeOpenApiDocument, LICENSE_ID, operationIdFor, securitySchemes } from './openapi';

const response = { 200: { description: 'Default Response' } };

/** A document with these operations (openapi-types' 3.1 path items reject a plain operation object). */
function documentWith(
  paths: Record<string, Record<string, OpenAPIV3_1.OperationObject>>,
): OpenAPIV3_1.Document {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    paths: paths as OpenAPIV3_1.PathsObject,
    components: { securitySchemes },
  };
}

describe('operationIdFor', () => {
  it('names an operation by its method and path, without api and the version', () => {
    expect(operationIdFor('get', '/api/v1/organization')).toBe('getOrganization');
    expect(operationIdFor('post', '/api/v1/member/sessions/two-step')).toBe('postMemberSessionsTwoStep');
    expect(operationIdFor('get', '/api/v1/guest/payments/{paymentId}/receipt.pdf')).toBe(
      'getGuestPaymentsByPaymentIdReceiptPdf',
    );
    expect(operationIdFor('post', '/sandbox/v1/tokens')).toBe('postSandboxTokens');
  });

  it('always gives a URL-safe camelCase name, a different one for each method of a path', () => {
    const segment = fc.stringMatching(/^(\{[a-z][A-Za-z]{0,8}\}|[a-z][a-z0-9.-]{0,10}[a-z0-9])$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
        const path = `/api/v1/${segments.join('/')}`;
        const ids = ['get', 'post', 'put', 'patch', 'delete'].map((m) => operationIdFor(m, path));
        for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z0-9]*$/);
        expect(new Set(ids).size).toBe(ids.length);
      }),
    );
  });
});

describe('completeOpenApiDocument', () => {
  const doc = completeOpenApiDocument(
    documentWith({
      '/api/v1/member/bills/{billId}': {
        get: {
          summary: 'a',
          parameters: [{ name: 'billId', in: 'path', required: true }],
          responses: response,
        },
        patch: { summary: 'b', operationId: 'renameBill', requestBody: { content: {} }, responses: response },
      },
      '/api/v1/member/sessions': {
        post: { summary: 'c', security: [], requestBody: { content: {} }, responses: response },
      },
      '/api/v1/guest/payments': {
        post: {
          summary: 'd',
          parameters: [{ name: 'idempotency-key', in: 'header' }],
          requestBody: { content: {} },
          responses: { 201: { description: 'Created' } },
          'x-problems': [402],
        } as OpenAPIV3_1.OperationObject,
      },
      '/api/v1/bills': { get: { summary: 'e', responses: response } },
    }),
  );
  const op = (path: string, method: 'get' | 'post' | 'patch') => doc.paths?.[path]?.[method];

  it('keeps an operationId the route chose and derives the others', () => {
    expect(op('/api/v1/member/bills/{billId}', 'patch')?.operationId).toBe('renameBill');
    expect(op('/api/v1/member/bills/{billId}', 'get')?.operationId).toBe('getMemberBillsByBillId');
  });

  it('gives each path family its security, asks member changes for the CSRF token, keeps what a route says', () => {
    expect(op('/api/v1/member/bills/{billId}', 'get')?.security).toEqual([{ memberSession: [] }]);
    expect(op('/api/v1/member/bills/{billId}', 'patch')?.security).toEqual([
      { memberSession: [], csrfToken: [] },
    ]);
    expect(op('/api/v1/member/sessions', 'post')?.security).toEqual([]);
    expect(op('/api/v1/guest/payments', 'post')?.security).toEqual([{ guestSession: [] }]);
    // Outside a family a route must say; the document leaves it for the tests to find.
    expect(op('/api/v1/bills', 'get')?.security).toBeUndefined();
  });

  it('lists the problem answers each operation can give, from one shared set', () => {
    const statuses = (path: string, method: 'get' | 'post' | 'patch') =>
      Object.keys(op(path, method)?.responses ?? {});
    expect(statuses('/api/v1/member/bills/{billId}', 'get')).toEqual([
      '200',
      '400',
      '401',
      '404',
      '429',
      '503',
    ]);
    expect(statuses('/api/v1/member/sessions', 'post')).toEqual(['200', '400', '413', '415', '429', '503']);
    expect(statuses('/api/v1/guest/payments', 'post')).toEqual([
      '201',
      '400',
      '401',
      '402',
      '409',
      '413',
      '415',
      '422',
      '429',
      '503',
    ]);
    expect(op('/api/v1/guest/payments', 'post')).not.toHaveProperty('x-problems');
    expect(op('/api/v1/member/bills/{billId}', 'get')?.responses?.[404]).toEqual({
      $ref: '#/components/responses/NotFound',
    });
    expect(op('/api/v1/member/bills/{billId}', 'get')?.responses?.[200]).toEqual({ description: 'OK' });
  });

  it('marks the Idempotency-Key header required and describes it', () => {
    const [header] = (op('/api/v1/guest/payments', 'post')?.parameters ??
      []) as OpenAPIV3_1.ParameterObject[];
    expect(header).toMatchObject({ name: 'idempotency-key', required: true });
    expect(header?.description).toMatch(/same key/);
  });

  it('describes every problem with the ProblemDetails schema and a real example, and only those used', () => {
    const responses = doc.components?.responses ?? {};
    const publicOnly = completeOpenApiDocument(
      documentWith({ '/api/v1/organization': { get: { summary: 'f', security: [], responses: response } } }),
    );
    expect(Object.keys(publicOnly.components?.responses ?? {})).toEqual([
      'TooManyRequests',
      'ServiceUnavailable',
    ]);
    const tooMany = responses.TooManyRequests as OpenAPIV3_1.ResponseObject;
    expect(tooMany.headers).toHaveProperty('Retry-After');
    expect(tooMany.content?.['application/problem+json']).toMatchObject({
      schema: { $ref: '#/components/schemas/ProblemDetails' },
      example: { status: 429, code: 'rate_limited', title: 'Too many attempts' },
    });
    expect(doc.components?.schemas?.ProblemDetails).toMatchObject({
      type: 'object',
      required: ['type', 'title', 'status', 'code'],
    });
    expect(doc.components?.schemas?.ProblemDetails).not.toHaveProperty('$schema');
  });

  it('declares only the security schemes some operation uses', () => {
    expect(Object.keys(doc.components?.securitySchemes ?? {}).sort()).toEqual([
      'csrfToken',
      'guestSession',
      'memberSession',
    ]);
  });
});

describe('the licence', () => {
  it('is the one package.json names', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { license: string };
    expect(LICENSE_ID).toBe(pkg.license);
  });
});
