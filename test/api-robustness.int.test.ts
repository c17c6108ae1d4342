import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import type { GuestSessionView } from '../src/modules/guest/guest.schema';
import { toDate } from '../src/platform/clock';
import { secretBox } from '../src/platform/secrets';
import { newWebhookSecret } from '../src/platform/webhook-signing';
import { createApiKey } from './api-keys';
import { buildTestApp } from './app';
import {
  createMedicalAccount,
  createMember,
  createPerson,
  createPremiumAccount,
  MEMBER_PASSWORD,
  pay,
  signIn,
  tokenizeCard,
} from './factories';
import { fhirBundle, freshIds } from './fhir';
import { hospitalBillBody, intakeClient, medicalAccountBody, personBody } from './intake';

/**
 * "No input to any endpoint produces a 500": every operation in the OpenAPI document gets a battery
 * of malformed requests, and every answer must be a client error in problem+json (or a success).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  enum?: Json[];
  const?: Json;
  format?: string;
  minLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
}

interface OpenApiOperation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

interface Operation {
  key: string;
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
  path: string;
  op: OpenApiOperation;
}

const t = await buildTestApp();
afterAll(async () => {
  await t.close();
});

const doc: OpenApiDocument = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({
    key: `${method.toUpperCase()} ${path}`,
    method: method.toUpperCase() as Operation['method'],
    path,
    op,
  })),
);

// Every request comes from its own address: the per-IP limits (the global flood guard and the
// lookup limit) would otherwise answer 429 to most of the battery and hide what is behind them.
let ipSeq = 0;
function nextIp(): string {
  ipSeq++;
  return `10.${(ipSeq >> 16) & 255}.${(ipSeq >> 8) & 255}.${ipSeq & 255}`;
}

// --- data the requests can point at -------------------------------------------------------------

const medical = await createMedicalAccount(t.deps, { amounts: [5_000_000, 10_000] });
const premium = await createPremiumAccount(t.deps, { amount: 45_000 });

async function resetLookupLimits(): Promise<void> {
  // The battery is about input handling, not the lookup limits (guest.int.test.ts covers them):
  // clearing the counters keeps every lookup reaching the account queries.
  await t.deps.db.deleteFrom('rate_limit_counters').execute();
}

async function openSession(): Promise<GuestSessionView> {
  await resetLookupLimits();
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/guest/lookups',
    remoteAddress: nextIp(),
    payload: {
      regionId: medical.regionId,
      kind: 'medical',
      accountNumber: medical.accountNumber,
      postalCode: medical.postalCode,
    },
  });
  if (res.statusCode !== 201) throw new Error(`lookup failed ${res.statusCode} ${res.body}`);
  return res.json();
}

const session = await openSession();
// Integrator routes get a key with every scope, so the battery reaches their validation and services.
const apiKey = await createApiKey(t.deps);
// A completed payment on the second bill, so payment paths can name one that exists.
const paid = await pay(t.app, session.sessionToken, {
  billIds: [medical.billIds[1]],
  amountCents: 10_000,
  paymentToken: await tokenizeCard(t.app),
});
if (paid.statusCode !== 201) throw new Error(`setup payment failed ${paid.statusCode} ${paid.body}`);
const paymentId: string = paid.json().id;

// A member responsible for the same account, so member routes reach their own bills and that payment.
const member = await createMember(t.deps, await createPerson(t.deps, { accountsFor: [medical.accountId] }));
async function memberSignIn() {
  // The battery is about input handling: clear the sign-in limits as the lookup ones are cleared.
  await resetLookupLimits();
  return signIn(t.app, member.email, MEMBER_PASSWORD);
}
let memberSession = await memberSignIn();

// Intake records under the one id every path parameter gets, so valid bodies update them (or leave
// them unchanged) instead of being refused for what they name.
const intake = intakeClient(t.app, apiKey.headers);
const intakePerson = personBody({ birthDate: '1980-01-01' });
const intakeAccount = medicalAccountBody({ personExternalId: paymentId, guarantors: [paymentId] });
const intakeBill = hospitalBillBody(paymentId, [5_000], {
  visitDate: '2026-10-01',
  statementDate: '2026-10-20',
});
for (const [label, res] of [
  ['person', await intake.putPerson(paymentId, intakePerson)],
  ['account', await intake.putAccount(paymentId, intakeAccount)],
  ['bill', await intake.putBill(paymentId, intakeBill)],
] as const) {
  if (res.statusCode !== 201) throw new Error(`intake ${label} failed ${res.statusCode} ${res.body}`);
}
// A webhook endpoint under the same id, enabled again before each webhook operation (its DELETE
// removes it, its PATCH may disable it), so valid bodies reach the service.
async function ensureWebhookEndpoint(): Promise<void> {
  const now = toDate(t.clock.now());
  await t.deps.db
    .insertInto('webhook_endpoints')
    .values({
      id: paymentId,
      url: 'https://hooks.example.org/in',
      description: null,
      event_types: null,
      secret_sealed: secretBox(t.deps.config.dataEncryptionKey).seal(newWebhookSecret()),
      previous_secret_sealed: null,
      previous_secret_expires_at: null,
      enabled: true,
      disabled_reason: null,
      disabled_at: null,
      failing_since: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({ enabled: true, disabled_reason: null, disabled_at: null }),
    )
    .execute();
}

/**
 * Member routes get the member's cookie and CSRF token. Signing out gets a fresh session of its own
 * (and signing out everywhere ends the shared one too, so each operation starts with a new one).
 */
async function memberHeaders(method: string, url: string): Promise<Record<string, string>> {
  if (!url.startsWith('/api/v1/member/')) return {};
  const signsOut = method === 'DELETE' && /^\/api\/v1\/member\/sessions?(\?|$)/.test(url);
  const s = signsOut ? await memberSignIn() : memberSession;
  return { cookie: s.cookie, 'x-csrf-token': s.csrfToken };
}

// A whole FHIR transaction, the same each time: the first valid one creates its records, the rest
// leave them unchanged, and each field of it in turn gets the bad values.
const fhirEntries = fhirBundle(freshIds(), [5_000]).entry as unknown as Json;

/** Known-good values by `<operation>#<alternative> <field>` or `<operation> <field>`. */
const known: Record<string, () => Json | Promise<Json>> = {
  'POST /fhir/R4 entry': () => structuredClone(fhirEntries),
  'POST /api/v1/guest/lookups#0 regionId': () => medical.regionId,
  'POST /api/v1/guest/lookups#0 accountNumber': () => medical.accountNumber,
  'POST /api/v1/guest/lookups#0 postalCode': () => medical.postalCode,
  'POST /api/v1/guest/lookups#1 regionId': () => premium.regionId,
  'POST /api/v1/guest/lookups#1 accountNumber': () => premium.accountNumber,
  'POST /api/v1/guest/lookups#1 invoiceNumber': () => premium.invoiceNumber,
  'POST /api/v1/guest/lookups#1 lastName': () => premium.lastName,
  'POST /api/v1/guest/payments billIds': () => [medical.billIds[0]!],
  'POST /api/v1/guest/payments amountCents': () => 100,
  // A fresh token each time: a request that happens to succeed uses its token up.
  'POST /api/v1/guest/payments paymentToken': () => tokenizeCard(t.app),
  'POST /api/v1/guest/payments email': () => 'payer@example.org',
  'POST /api/v1/guest/payments bankAuthorization.textVersion': () =>
    t.deps.config.organization.payments.achAuthorizationVersion,
  'POST /api/v1/guest/payments/{paymentId}/receipt-email email': () => 'payer@example.org',
  'POST /api/v1/member/payment-methods paymentToken': () => tokenizeCard(t.app),
  // A cent at a time, so the battery's valid bodies never use up the payment (10,000 cents).
  'POST /api/v1/payments/{paymentId}/refunds amountCents': () => 1,
  'POST /api/v1/payments/{paymentId}/refunds reason': () => 'other',
  'POST /api/v1/member/payments billIds': () => [medical.billIds[0]!],
  'POST /api/v1/member/payments amountCents': () => 100,
  'POST /api/v1/member/payments paymentToken': () => tokenizeCard(t.app),
  'POST /api/v1/member/payments email': () => 'payer@example.org',
  'POST /api/v1/member/payments bankAuthorization.textVersion': () =>
    t.deps.config.organization.payments.achAuthorizationVersion,
  'PUT /api/v1/people/{externalId} medicalRecordNumber': () => intakePerson.medicalRecordNumber,
  'PUT /api/v1/people/{externalId} birthDate': () => '1980-01-01',
  'PUT /api/v1/people/{externalId} regionId': () => 'ncal',
  'PUT /api/v1/people/{externalId} phone': () => '+15105550123',
  'PUT /api/v1/people/{externalId} postalAddress.state': () => 'CA',
  'PUT /api/v1/people/{externalId} postalAddress.postalCode': () => '94612',
  'PUT /api/v1/accounts/{externalId} planType': () => null,
  'PUT /api/v1/accounts/{externalId} regionId': () => 'ncal',
  'PUT /api/v1/accounts/{externalId} stateCode': () => 'CA',
  'PUT /api/v1/accounts/{externalId} accountNumber': () => intakeAccount.accountNumber,
  'PUT /api/v1/accounts/{externalId} postalCode': () => '94612',
  'PUT /api/v1/accounts/{externalId} personExternalId': () => paymentId,
  'PUT /api/v1/accounts/{externalId} guarantors': () => [paymentId],
  'PUT /api/v1/bills/{externalId} accountExternalId': () => paymentId,
  'PUT /api/v1/bills/{externalId} patientExternalId': () => paymentId,
  'PUT /api/v1/bills/{externalId} number': () => intakeBill.number,
  'PUT /api/v1/bills/{externalId} visitDate': () => '2026-10-01',
  'PUT /api/v1/bills/{externalId} coverageStart': () => null,
  'PUT /api/v1/bills/{externalId} coverageEnd': () => null,
  'PUT /api/v1/bills/{externalId} statementDate': () => '2026-10-20',
  'PUT /api/v1/bills/{externalId} dueDate': () => '2026-12-10',
  'PUT /api/v1/bills/{externalId} totalCents': () => 5_000,
  'PUT /api/v1/bills/{externalId} lines': () => intakeBill.lines as unknown as Json,
  'POST /api/v1/bills/{externalId}/adjustments amountCents': () => 100,
  'POST /api/v1/webhook-endpoints url': () => 'https://hooks.example.org/in',
  'POST /api/v1/webhook-endpoints secret': () => newWebhookSecret(),
  'PATCH /api/v1/webhook-endpoints/{endpointId} url': () => 'https://hooks.example.org/v2',
  'POST /api/v1/webhook-endpoints/{endpointId}/rotate-secret secret': () => newWebhookSecret(),
  'POST /sandbox/v1/tokens#0 card.number': () => '4242424242424242',
  'POST /sandbox/v1/tokens#0 card.expMonth': () => 12,
  'POST /sandbox/v1/tokens#0 card.expYear': () => 2030,
  'POST /sandbox/v1/tokens#0 card.cvc': () => '123',
  'POST /sandbox/v1/tokens#0 card.postalCode': () => '94612',
  'POST /sandbox/v1/tokens#0 card.name': () => 'Maria Rivera',
  'POST /sandbox/v1/tokens#1 bank.routingNumber': () => '110000000',
  'POST /sandbox/v1/tokens#1 bank.accountNumber': () => '000123456789',
  'POST /sandbox/v1/tokens#1 bank.holderName': () => 'José Núñez',
};

/** A valid value for a schema, preferring the known values above. */
async function sample(schema: JsonSchema, opKey: string, alt: number, path: string): Promise<Json> {
  const override = known[`${opKey}#${alt} ${path}`] ?? known[`${opKey} ${path}`];
  if (override) return override();
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants?.[0]) return sample(variants[0], opKey, alt, path);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0]!;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, Json> = {};
      for (const [name, prop] of Object.entries(schema.properties ?? {})) {
        out[name] = await sample(prop, opKey, alt, path ? `${path}.${name}` : name);
      }
      return out;
    }
    case 'array': {
      const items: Json[] = [];
      for (let i = 0; i < Math.max(1, schema.minItems ?? 0); i++) {
        items.push(await sample(schema.items ?? {}, opKey, alt, `${path}.${i}`));
      }
      return items;
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum ?? 0) + 1;
    case 'boolean':
      return true;
    case 'string':
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'email') return 'someone@example.org';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return null;
  }
}

/** Dotted paths of every value in a sample, objects and arrays included. */
function paths(value: Json, prefix = ''): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => [`${prefix}.${i}`, ...paths(v, `${prefix}.${i}`)]);
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => {
      const p = prefix ? `${prefix}.${k}` : k;
      return [p, ...paths(v, p)];
    });
  }
  return [];
}

const RAW = '\u0001raw\u0001';

/** The JSON text of `body` with the value at `path` replaced by raw JSON text (or removed). */
function mutate(body: Json, path: string, raw: string | undefined): string {
  const copy: Json = structuredClone(body);
  const parts = path.split('.');
  let parent: Json = copy;
  for (const part of parts.slice(0, -1)) {
    parent = (parent as Record<string, Json>)[part]!;
  }
  const last = parts.at(-1)!;
  if (Array.isArray(parent)) {
    if (raw === undefined) parent.splice(Number(last), 1);
    else parent[Number(last)] = RAW;
  } else if (parent && typeof parent === 'object') {
    if (raw === undefined) delete parent[last];
    else parent[last] = RAW;
  }
  const text = JSON.stringify(copy);
  return raw === undefined ? text : text.replace(JSON.stringify(RAW), raw);
}

/** Raw JSON values put in place of each field in turn. */
const badValues: [string, string][] = [
  ['null', 'null'],
  ['true', 'true'],
  ['0', '0'],
  ['-0', '-0'],
  ['-1', '-1'],
  ['1.5', '1.5'],
  ['-100.25', '-100.25'],
  ['1e309', '1e309'],
  ['-1e309', '-1e309'],
  ['2^53+1', '9007199254740993'],
  ['400-digit number', `1${'0'.repeat(400)}`],
  ['a number', '4242424242424242'],
  ['empty string', '""'],
  ['blanks', '"   "'],
  ['NUL', '"\\u0000"'],
  ['embedded NUL', '"12\\u000034"'],
  ['control characters', '"\\u0007\\u001b[31m\\r\\n"'],
  ['emoji', '"😀👍🏽🇺🇸"'],
  ['lone surrogate', '"\\ud800"'],
  ['RTL override', '"\\u202e9876"'],
  ['arabic digits', '"١٢٣٤٥"'],
  ['SQL', `"' OR 1=1; --"`],
  ['path traversal', '"../../etc/passwd"'],
  ['5000 digits', JSON.stringify('9'.repeat(5000))],
  ['empty array', '[]'],
  ['array of junk', '[null, 1, "x", {}, []]'],
  ['empty object', '{}'],
  ['__proto__', '{"__proto__":{"polluted":true}}'],
  ['constructor.prototype', '{"constructor":{"prototype":{"polluted":true}}}'],
  ['deep object', `${'{"a":'.repeat(2_000)}1${'}'.repeat(2_000)}`],
];

const deepObject = `${'{"a":'.repeat(12_000)}1${'}'.repeat(12_000)}`;
const deepArray = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;

interface BodyCase {
  label: string;
  payload?: string | Buffer;
  contentType?: string;
  /** The answer this body must get, beyond "not a 5xx". */
  expectStatus?: number;
}

function genericBodies(method: string): BodyCase[] {
  const json = 'application/json';
  const cases: BodyCase[] = [
    { label: 'no body' },
    { label: 'empty JSON body', payload: '', contentType: json },
    { label: 'null', payload: 'null', contentType: json },
    { label: '[]', payload: '[]', contentType: json },
    { label: '"str"', payload: '"str"', contentType: json },
    { label: '42', payload: '42', contentType: json },
    { label: '{}', payload: '{}', contentType: json },
    { label: 'deeply nested object', payload: deepObject, contentType: json },
    { label: 'deeply nested array', payload: deepArray, contentType: json },
    { label: '60 KB string', payload: JSON.stringify('x'.repeat(60 * 1024)), contentType: json },
    {
      label: '60 KB field',
      payload: JSON.stringify({
        accountNumber: '1'.repeat(60 * 1024),
        card: { number: '4'.repeat(60 * 1024) },
      }),
      contentType: json,
    },
    {
      label: '200 KB string',
      payload: JSON.stringify('x'.repeat(200 * 1024)),
      contentType: json,
      ...(method === 'POST' ? { expectStatus: 413 } : {}),
    },
    { label: 'invalid JSON', payload: '{"a":', contentType: json },
    { label: 'trailing garbage', payload: '{"a":1}}', contentType: json },
    { label: 'JSON with BOM', payload: '\ufeff{}', contentType: json },
    { label: '__proto__ at the root', payload: '{"__proto__":{"polluted":true}}', contentType: json },
    { label: 'text/plain', payload: '{"a":1}', contentType: 'text/plain' },
    { label: 'form-encoded', payload: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' },
    { label: 'multipart', payload: '--x\r\n\r\n--x--', contentType: 'multipart/form-data; boundary=x' },
    { label: 'json with bad charset', payload: '{}', contentType: 'application/json; charset=ebcdic' },
    { label: 'NUL in JSON text', payload: '{"a":"\u0000"}', contentType: json },
    {
      label: 'invalid UTF-8',
      payload: Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
      contentType: json,
    },
  ];
  return cases;
}

function pathVariants(path: string): string[] {
  if (!path.includes('{')) return [path];
  const values = [
    paymentId,
    randomUUID(),
    '00000000-0000-0000-0000-000000000000',
    'x',
    '../',
    '..%2F..%2F',
    '%00',
    '%E0%A4%A',
    '%',
    'a'.repeat(3000),
    '1%20OR%201=1',
  ];
  return values.map((v) => path.replace(/\{[^}]+\}/g, v));
}

const queryVariants = ['', '?locale=zz', '?locale=en&locale=es', '?locale[a]=1', '?a=%00', '?%E0%A4%A=1'];

const authVariants: [string, () => Promise<string | undefined>][] = [
  ['no auth', async () => undefined],
  ['guest token', async () => `Bearer ${session.sessionToken}`],
  ['api key', async () => apiKey.headers.authorization],
  ['garbage auth', async () => 'Bearer ../../etc/passwd'],
  ['long auth', async () => `Bearer ${'a'.repeat(5000)}`],
  ['basic auth', async () => 'Basic dXNlcjpwYXNz'],
];

const idempotencyVariants: [string, () => string | undefined][] = [
  ['fresh key', () => randomUUID()],
  ['no key', () => undefined],
  ['too long key', () => 'k'.repeat(400)],
  ['key with spaces', () => 'has spaces in it'],
  ['empty key', () => ''],
];

interface Outcome {
  label: string;
  res: LightMyRequestResponse;
  expectStatus?: number;
}

const failures: string[] = [];
const statuses = new Map<number, number>();

function check({ label, res, expectStatus }: Outcome, url: string): void {
  statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
  const summary = `${label} → ${res.statusCode} ${res.body.slice(0, 200)}`;
  if (res.statusCode >= 500) {
    failures.push(summary);
    return;
  }
  if (expectStatus && res.statusCode !== expectStatus) failures.push(`expected ${expectStatus}: ${summary}`);
  if (res.statusCode >= 400 && url.startsWith('/fhir/')) {
    // The FHIR adapter answers errors as OperationOutcome.
    if (!String(res.headers['content-type']).startsWith('application/fhir+json')) {
      failures.push(`not fhir+json: ${summary}`);
    } else if (
      res.body !== '' &&
      (res.json() as { resourceType?: unknown }).resourceType !== 'OperationOutcome'
    ) {
      failures.push(`not an OperationOutcome: ${summary}`);
    }
    return;
  }
  if (res.statusCode < 400 || !/^\/(api|sandbox)\//.test(url)) return;
  if (!String(res.headers['content-type']).startsWith('application/problem+json')) {
    failures.push(`not problem+json: ${summary}`);
    return;
  }
  let body: { status?: unknown; code?: unknown };
  try {
    body = res.json();
  } catch {
    failures.push(`unparseable problem: ${summary}`);
    return;
  }
  if (body.status !== res.statusCode) failures.push(`problem status mismatch: ${summary}`);
  if (typeof body.code !== 'string' || body.code === '') failures.push(`problem without code: ${summary}`);
}

async function send(
  operation: Operation,
  opts: {
    label: string;
    url: string;
    payload?: string | Buffer;
    contentType?: string;
    authorization?: string;
    idempotencyKey?: string;
    expectStatus?: number;
  },
): Promise<void> {
  if (operation.key === 'POST /api/v1/guest/lookups') await resetLookupLimits();
  const headers: Record<string, string> = await memberHeaders(operation.method, opts.url);
  if (opts.contentType) headers['content-type'] = opts.contentType;
  if (opts.authorization !== undefined) headers.authorization = opts.authorization;
  if (opts.idempotencyKey !== undefined) headers['idempotency-key'] = opts.idempotencyKey;
  const request: InjectOptions = {
    method: operation.method,
    url: opts.url,
    headers,
    remoteAddress: nextIp(),
    ...(opts.payload !== undefined ? { payload: opts.payload } : {}),
  };
  let res: LightMyRequestResponse;
  try {
    res = await t.app.inject(request);
  } catch (err) {
    failures.push(`${operation.key} ${opts.label}: inject threw ${String(err)}`);
    return;
  }
  check(
    {
      label: `${operation.method} ${opts.url.slice(0, 120)} [${opts.label}]`,
      res,
      expectStatus: opts.expectStatus,
    },
    opts.url,
  );
}

function requestSchema(op: OpenApiOperation): JsonSchema | undefined {
  return op.requestBody?.content?.['application/json']?.schema;
}

describe('the OpenAPI document', () => {
  it('lists every operation, the sandbox tokenizer included', () => {
    const keys = operations.map((o) => o.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'GET /api/v1/organization',
        'POST /api/v1/guest/lookups',
        'GET /api/v1/guest/bills',
        'DELETE /api/v1/guest/session',
        'POST /api/v1/guest/payments',
        'GET /api/v1/guest/payments/{paymentId}',
        'GET /api/v1/guest/payments/{paymentId}/receipt.pdf',
        'POST /api/v1/guest/payments/{paymentId}/receipt-email',
        'POST /sandbox/v1/tokens',
        'POST /api/v1/payments/{paymentId}/refunds',
        'GET /api/v1/payments/{paymentId}/refunds',
        'POST /api/v1/webhook-endpoints',
        'PATCH /api/v1/webhook-endpoints/{endpointId}',
        'POST /api/v1/webhook-endpoints/{endpointId}/replay',
      ]),
    );
  });
});

describe('no input to any endpoint produces a 500', () => {
  it.each(operations.map((o) => [o.key, o] as const))(
    '%s',
    async (_key, operation) => {
      failures.length = 0;
      if (operation.path.startsWith('/api/v1/member/')) memberSession = await memberSignIn();
      if (operation.path.startsWith('/api/v1/webhook-endpoints/')) await ensureWebhookEndpoint();
      const url = (p: string) => p.replace(/\{[^}]+\}/g, paymentId);
      const needsIdempotency = operation.op.parameters?.some((p) => p.name === 'idempotency-key') ?? false;
      // The credential that gets past authentication: an API key on integrator routes, else the guest's.
      const primary = operation.op.security?.some((s) => 'apiKey' in s) ? 'api key' : 'guest token';
      const primaryAuth = authVariants.find(([authLabel]) => authLabel === primary)![1];
      // DELETE /guest/session with a good token ends that session: each such request gets its own.
      const auth = async (variant: () => Promise<string | undefined>, label: string) =>
        operation.method === 'DELETE' && label === 'guest token'
          ? `Bearer ${(await openSession()).sessionToken}`
          : variant();

      // 1. Generic malformed requests, on every path variant, with every kind of Authorization.
      for (const target of pathVariants(operation.path)) {
        const queries = operation.method === 'GET' ? queryVariants : [''];
        for (const query of queries) {
          for (const body of genericBodies(operation.method)) {
            for (const [authLabel, authValue] of authVariants) {
              // Path and query variants get the full battery with the primary credential only.
              if ((target !== url(operation.path) || query !== '') && authLabel !== primary) continue;
              const routable = target === url(operation.path);
              // An integrator route refuses a call without its key before it reads the body.
              const keyRefused = primary === 'api key' && authLabel !== primary;
              await send(operation, {
                ...body,
                // A URL the router refuses is answered before the body is read.
                expectStatus:
                  routable && body.expectStatus ? (keyRefused ? 401 : body.expectStatus) : undefined,
                label: `${body.label}, ${authLabel}`,
                url: `${target}${query}`,
                authorization: await auth(authValue, authLabel),
                idempotencyKey: needsIdempotency ? randomUUID() : undefined,
              });
            }
          }
        }
      }

      // 2. Idempotency-Key variants on the operations that take one.
      if (needsIdempotency) {
        const schema = requestSchema(operation.op);
        const valid = schema ? JSON.stringify(await sample(schema, operation.key, 0, '')) : undefined;
        for (const [keyLabel, keyValue] of idempotencyVariants) {
          for (const body of [
            ...genericBodies(operation.method),
            { label: 'valid body', payload: valid, contentType: 'application/json' },
          ]) {
            await send(operation, {
              ...body,
              label: `${body.label}, ${keyLabel}`,
              url: url(operation.path),
              authorization: await auth(primaryAuth, primary),
              idempotencyKey: keyValue(),
              ...(keyLabel !== 'fresh key' && body.label === 'valid body' ? { expectStatus: 400 } : {}),
            });
          }
        }
      }

      // 3. Each field of each valid body shape replaced by each bad value, or removed.
      const schema = requestSchema(operation.op);
      if (schema) {
        const alternatives = schema.oneOf ?? schema.anyOf ?? [schema];
        for (const [alt, altSchema] of alternatives.entries()) {
          const fieldPaths = paths(await sample(altSchema, operation.key, alt, ''));
          for (const path of fieldPaths) {
            for (const [valueLabel, raw] of [...badValues, ['removed', undefined] as const]) {
              // A fresh valid body each time, so a fresh payment token when there is one.
              const base = await sample(altSchema, operation.key, alt, '');
              await send(operation, {
                label: `#${alt} ${path} = ${valueLabel}`,
                url: url(operation.path),
                payload: mutate(base, path, raw),
                contentType: 'application/json',
                authorization: await auth(primaryAuth, primary),
                idempotencyKey: needsIdempotency ? randomUUID() : undefined,
              });
            }
          }
        }
      }

      expect(failures).toEqual([]);
    },
    240_000,
  );

  it('saw the answers it should and logged no unhandled error', () => {
    // The battery reached past validation: successes, client errors and the body limit all occur.
    for (const status of [200, 201, 202, 204, 400, 401, 404, 413, 415, 422]) {
      expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
    }
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect(t.logLines.filter((l) => l.includes('unhandled error'))).toEqual([]);
  });

  it('got past the API key to the integrator routes: the valid refund bodies refunded the payment a cent each', async () => {
    const refunds = await t.deps.db
      .selectFrom('refunds')
      .select(['amount_cents', 'status'])
      .where('payment_id', '=', paymentId)
      .execute();
    expect(refunds.length).toBeGreaterThan(0);
    expect(refunds.every((r) => Number(r.amount_cents) === 1 && r.status === 'succeeded')).toBe(true);
  });

  it('got past the API key to the webhook routes: valid bodies registered, changed and rotated endpoints', async () => {
    const made = await t.deps.db
      .selectFrom('webhook_endpoints')
      .select('id')
      .where('url', '=', 'https://hooks.example.org/in')
      .where('id', '!=', paymentId)
      .execute();
    expect(made.length).toBeGreaterThan(0);
    const changes = await t.deps.db
      .selectFrom('audit_events')
      .select('action')
      .distinct()
      .where('resource_id', '=', paymentId)
      .where('action', 'like', 'webhook_endpoint.%')
      .orderBy('action')
      .execute();
    expect(changes.map((c) => c.action)).toEqual([
      'webhook_endpoint.delete',
      'webhook_endpoint.rotate_secret',
      'webhook_endpoint.update',
    ]);
  });
});

describe('inputs that once reached past validation', () => {
  it.each([
    [
      'a NUL in a lookup field',
      '/api/v1/guest/lookups',
      { regionId: 'nc\u0000al', kind: 'medical', accountNumber: '1234567890', postalCode: '94612' },
      'regionId',
    ],
    [
      'a lone surrogate in a lookup field',
      '/api/v1/guest/lookups',
      { regionId: 'ncal', kind: 'medical', accountNumber: '12345\ud800', postalCode: '94612' },
      'accountNumber',
    ],
    [
      'a NUL in a card holder name',
      '/sandbox/v1/tokens',
      {
        type: 'card',
        card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123', name: 'Maria\u0000' },
      },
      'card.name',
    ],
    [
      'a NUL in a bank holder name',
      '/sandbox/v1/tokens',
      {
        type: 'bank',
        bank: {
          routingNumber: '110000000',
          accountNumber: '000123456789',
          accountType: 'checking',
          holderName: '\u0000',
        },
      },
      'bank.holderName',
    ],
  ])('%s is a 400 naming the field', async (_label, url, payload, field) => {
    const res = await t.app.inject({ method: 'POST', url, payload, remoteAddress: nextIp() });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({
      status: 400,
      code: 'validation_failed',
      errors: [{ field, code: 'invalid_characters' }],
    });
  });

  it('a NUL in a payment token is a 400, and the payment can still be made', async () => {
    const headers = { authorization: `Bearer ${session.sessionToken}`, 'idempotency-key': randomUUID() };
    const body = { billIds: [medical.billIds[0]], amountCents: 100, paymentToken: 'tok_\u0000' };
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/guest/payments', headers, payload: body });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ field: 'paymentToken' })]);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/guest/payments',
      headers: { ...headers, 'idempotency-key': randomUUID() },
      payload: { ...body, paymentToken: await tokenizeCard(t.app) },
    });
    expect(ok.statusCode).toBe(201);
  });

  it.each([
    ['a malformed percent-encoding', '/api/v1/guest/payments/%E0%A4%A', 400],
    ['a bare percent sign', '/api/v1/guest/payments/%/receipt.pdf', 400],
    ['an over-long path parameter', `/api/v1/guest/payments/${'a'.repeat(3000)}`, 414],
  ])('%s in the URL is a problem', async (_label, url, status) => {
    const res = await t.app.inject({ method: 'GET', url, remoteAddress: nextIp() });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({ status, code: 'validation_failed' });
  });
});
