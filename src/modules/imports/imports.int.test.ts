import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiKeyFixture, createApiKey } from '../../../test/api-keys';
import { buildTestApp, type TestApp } from '../../../test/app';
import {
  expectIntegrity,
  hospitalBillBody,
  medicalAccountBody,
  newExternalId,
  personBody,
  tableCounts,
} from '../../../test/intake';
import { toDate } from '../../platform/clock';
import { upsertPerson } from '../intake/people.service';
import { recordSchemas } from './import-file';
import type { ImportErrorList, ImportView } from './imports.schema';
import { applyImport, applyImports } from './imports.service';
import * as store from './imports.store';

let t: TestApp;
let key: ApiKeyFixture;

beforeAll(async () => {
  t = await buildTestApp();
  key = await createApiKey(t.deps);
});
afterAll(async () => {
  await t.close();
});

const NDJSON = 'application/x-ndjson';

function post(
  body: string | Buffer,
  opts: { contentType?: string; query?: string; idempotencyKey?: string | null; headers?: object } = {},
) {
  const headers: Record<string, string> = {
    ...key.headers,
    ...(opts.headers ?? {}),
    'content-type': opts.contentType ?? NDJSON,
  };
  if (opts.idempotencyKey !== null) headers['idempotency-key'] = opts.idempotencyKey ?? randomUUID();
  return t.app.inject({ method: 'POST', url: `/api/v1/imports${opts.query ?? ''}`, headers, payload: body });
}

async function getImportView(id: string): Promise<ImportView> {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: key.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Runs the worker's job until no import is left open. */
async function drain(): Promise<void> {
  while ((await applyImports(t.deps, 60_000)) > 0);
}

const ndjson = (records: object[]) => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;

/** A person, their medical account and a two-line bill on it, as NDJSON records. */
function family() {
  const person = newExternalId('person');
  const account = newExternalId('account');
  const bill = newExternalId('bill');
  return {
    ids: { person, account, bill },
    records: [
      { type: 'person', externalId: person, ...personBody() },
      {
        type: 'account',
        externalId: account,
        ...medicalAccountBody({ personExternalId: person, guarantors: [person] }),
      },
      { type: 'bill', externalId: bill, ...hospitalBillBody(account, [12_000, 3_000]) },
    ],
  };
}

describe('NDJSON', () => {
  it('is applied by the worker: counts, records, the import.finished event, and the same file again changes nothing', async () => {
    const a = family();
    const b = family();
    const file = ndjson([...a.records, ...b.records]);
    const res = await post(file);
    expect(res.statusCode, res.body).toBe(202);
    const created: ImportView = res.json();
    expect(res.headers.location).toBe(`/api/v1/imports/${created.id}`);
    expect(created).toMatchObject({
      format: 'ndjson',
      status: 'queued',
      counts: { total: 6, done: 0, failed: 0, remaining: 6 },
      createdBy: key.id,
    });

    await drain();
    const done = await getImportView(created.id);
    expect(done).toMatchObject({
      status: 'completed',
      counts: { total: 6, done: 6, failed: 0, remaining: 0 },
      results: { created: 6, updated: 0, unchanged: 0 },
      firstErrors: [],
    });
    expect(done.finishedAt).not.toBeNull();
    const bill = await t.app.inject({
      method: 'GET',
      url: `/api/v1/bills/${b.ids.bill}`,
      headers: key.headers,
    });
    expect(bill.json()).toMatchObject({ totalCents: 15_000, balanceCents: 15_000, lines: [{}, {}] });
    const events = await t.deps.db
      .selectFrom('webhook_events')
      .select('payload')
      .where('type', '=', 'import.finished')
      .execute();
    expect(events.map((e) => e.payload)).toContainEqual({
      importId: created.id,
      status: 'completed',
      counts: { total: 6, done: 6, failed: 0 },
    });
    const audit = await t.deps.db
      .selectFrom('audit_events')
      .select(['action', 'actor_id'])
      .where('resource_id', '=', created.id)
      .execute();
    expect(audit.map((r) => r.action).sort()).toEqual(['import.created', 'import.finished']);
    expect(audit.every((r) => r.actor_id === key.id)).toBe(true);

    // The same file again: a second import, every line unchanged, nothing else changed (but the
    // second POST's Idempotency-Key and the second import.finished event).
    const counts = async () => {
      const events = await t.deps.db
        .selectFrom('webhook_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('type', '<>', 'import.finished')
        .executeTakeFirstOrThrow();
      return { ...(await tableCounts(t.deps)), idempotency_keys: 0, webhook_events: Number(events.n) };
    };
    const before = await counts();
    const again = await post(file);
    expect(again.statusCode).toBe(202);
    expect(again.json().id).not.toBe(created.id);
    await drain();
    expect(await getImportView(again.json().id)).toMatchObject({
      status: 'completed',
      results: { created: 0, updated: 0, unchanged: 6 },
    });
    expect(await counts()).toEqual(before);
    await expectIntegrity(t.deps);
  });

  it('reports each line it could not read or apply, by line, and applies the rest', async () => {
    const a = family();
    const lines = [
      JSON.stringify(a.records[0]),
      '{"type":"person",',
      JSON.stringify({ ...a.records[0], type: 'patient' }),
      '',
      JSON.stringify({ ...a.records[0], externalId: undefined }),
      JSON.stringify({ ...a.records[0], externalId: newExternalId('person'), birthDate: '2026-02-30' }),
      JSON.stringify({ ...a.records[1], personExternalId: 'nobody-here' }),
      '[1,2]',
      JSON.stringify({ ...a.records[0], externalId: newExternalId('person'), firstName: 'A\u0000B' }),
      JSON.stringify(a.records[1]),
      '{"type":"person","firstName":"\u0000 raw NUL',
    ];
    const res = await post(lines.join('\n'));
    expect(res.statusCode, res.body).toBe(202);
    const id: string = res.json().id;
    await drain();
    const view = await getImportView(id);
    expect(view).toMatchObject({
      status: 'completed',
      counts: { total: 10, done: 2, failed: 8, remaining: 0 },
      results: { created: 2 },
    });
    const report = await t.app.inject({
      method: 'GET',
      url: `/api/v1/imports/${id}/errors?limit=3`,
      headers: key.headers,
    });
    const page1: ImportErrorList = report.json();
    expect(page1.data.map((e) => e.line)).toEqual([2, 3, 5]);
    expect(page1.nextCursor).toBe(5);
    const page2: ImportErrorList = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/imports/${id}/errors?cursor=5`,
        headers: key.headers,
      })
    ).json();
    const all = [...page1.data, ...page2.data];
    expect(
      all.map((e) => [e.line, e.problem.code, e.problem.errors?.[0]?.field, e.problem.errors?.[0]?.code]),
    ).toEqual([
      [2, 'validation_failed', '(line)', 'invalid_json'],
      [3, 'validation_failed', 'type', 'unknown_type'],
      [5, 'validation_failed', 'externalId', 'required'],
      [6, 'validation_failed', 'birthDate', expect.any(String)],
      [7, 'reference_not_found', 'personExternalId', 'unknown_person'],
      [8, 'validation_failed', '(line)', 'not_an_object'],
      [9, 'validation_failed', 'firstName', 'invalid_characters'],
      [11, 'validation_failed', '(line)', 'invalid_json'],
    ]);
    expect(all[4]).toMatchObject({ type: 'account', externalId: a.ids.account, problem: { status: 422 } });
    expect(view.firstErrors.map((e) => e.line)).toEqual([2, 3, 5, 6, 7, 8, 9, 11]);
  });

  it('honours Idempotency-Key: a replay answers the first import, another file under the same key is a 422', async () => {
    const file = ndjson(family().records.slice(0, 1));
    const idempotencyKey = randomUUID();
    const first = await post(file, { idempotencyKey });
    const replay = await post(file, { idempotencyKey });
    expect(replay.statusCode).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers.location).toBe(first.headers.location);
    expect(replay.json().id).toBe(first.json().id);
    const other = await post(ndjson(family().records.slice(0, 1)), { idempotencyKey });
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('idempotency_mismatch');
    const missing = await post(file, { idempotencyKey: null });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().code).toBe('idempotency_key_required');
    await drain();
  });
});

describe('CSV', () => {
  it('takes people, accounts and bills (one row per bill line), each file its type', async () => {
    const person = newExternalId('person');
    const account = newExternalId('account');
    const bill = newExternalId('bill');
    const p = personBody();
    const acc = medicalAccountBody();
    const b = hospitalBillBody(account, [12_000, 3_000]);
    const people = [
      'externalId,medicalRecordNumber,firstName,lastName,birthDate,regionId,email,addressLine1,addressCity,addressState,addressPostalCode',
      `${person},${p.medicalRecordNumber},Maria,"Rivera, Jr.",1961-04-09,ncal,maria@example.org,1 Main St,Oakland,CA,94612`,
      `${newExternalId('person')},MRX1,Ana,Lee,1961-13-09,ncal,,,,,`,
      `${newExternalId('person')},MRX2,Ana`,
    ].join('\r\n');
    const accounts = [
      'externalId,kind,regionId,stateCode,accountNumber,holderFirstName,holderLastName,postalCode,personExternalId,guarantors',
      `${account},medical,ncal,CA,${acc.accountNumber},Maria,Rivera,94612,${person},${person}`,
    ].join('\n');
    const lineRows = b.lines.map(
      (l) =>
        `${bill},${account},hospital,${b.number},2026-10-01,2026-10-20,2026-12-10,15000,${l.description},${l.chargeCents},${l.insurancePaidCents},${l.adjustmentCents},${l.patientResponsibilityCents}`,
    );
    const bills = [
      'externalId,accountExternalId,kind,number,visitDate,statementDate,dueDate,totalCents,lineDescription,lineChargeCents,lineInsurancePaidCents,lineAdjustmentCents,linePatientResponsibilityCents',
      ...lineRows,
      // A bill whose rows disagree on a bill column, and whose line does not add up.
      `B-bad-${bill},${account},hospital,X1,2026-10-01,2026-10-20,2026-12-10,100,Visit,200,0,0,100`,
      `B-bad-${bill},${account},hospital,X1,2026-10-01,2026-10-20,2026-12-11,100,Visit,200,0,0,0`,
    ].join('\n');
    const ids: string[] = [];
    for (const [type, text] of [
      ['people', people],
      ['accounts', accounts],
      ['bills', bills],
    ] as const) {
      const res = await post(text, { contentType: 'text/csv; charset=utf-8', query: `?type=${type}` });
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json()).toMatchObject({ format: 'csv', type });
      ids.push(res.json().id);
    }
    await drain();
    const [pv, av, bv] = [
      await getImportView(ids[0]!),
      await getImportView(ids[1]!),
      await getImportView(ids[2]!),
    ];
    expect(pv.counts).toEqual({ total: 3, done: 1, failed: 2, remaining: 0 });
    expect(
      pv.firstErrors.map((e) => [e.line, e.problem.errors?.[0]?.field, e.problem.errors?.[0]?.code]),
    ).toEqual([
      [3, 'birthDate', expect.any(String)],
      [4, '(row)', 'column_count'],
    ]);
    expect(av.counts).toEqual({ total: 1, done: 1, failed: 0, remaining: 0 });
    expect(bv.counts).toEqual({ total: 2, done: 1, failed: 1, remaining: 0 });
    expect(bv.firstErrors[0]).toMatchObject({ line: 4, type: 'bill', externalId: `B-bad-${bill}` });
    expect(bv.firstErrors[0]?.problem.errors?.map((e) => e.field)).toEqual(
      expect.arrayContaining(['dueDate', 'linePatientResponsibilityCents']),
    );
    const got = await t.app.inject({ method: 'GET', url: `/api/v1/people/${person}`, headers: key.headers });
    expect(got.json()).toMatchObject({
      lastName: 'Rivera, Jr.',
      postalAddress: { line1: '1 Main St', line2: null, city: 'Oakland', state: 'CA', postalCode: '94612' },
    });
    const gotBill = await t.app.inject({ method: 'GET', url: `/api/v1/bills/${bill}`, headers: key.headers });
    expect(gotBill.json()).toMatchObject({
      totalCents: 15_000,
      lines: [{ chargeCents: 22_000 }, { chargeCents: 13_000 }],
    });
    await expectIntegrity(t.deps);
  });

  it('refuses a file without its type or with a header that is not the documented one, storing nothing', async () => {
    const before = await t.deps.db
      .selectFrom('imports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const noType = await post('externalId\nx\n', { contentType: 'text/csv' });
    expect(noType.statusCode).toBe(400);
    expect(noType.json().errors).toEqual([expect.objectContaining({ field: 'type', code: 'required' })]);
    const badHeader = await post('externalId,firstNam\nx,y\n', {
      contentType: 'text/csv',
      query: '?type=people',
    });
    expect(badHeader.statusCode).toBe(400);
    expect(badHeader.json().errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: '(header).2', code: 'unknown_column' }),
        expect.objectContaining({ field: '(header).medicalRecordNumber', code: 'missing_column' }),
      ]),
    );
    const headerOnly = await post('externalId,medicalRecordNumber,firstName,lastName,birthDate,regionId\n', {
      contentType: 'text/csv',
      query: '?type=people',
    });
    expect(headerOnly.statusCode).toBe(400);
    const after = await t.deps.db
      .selectFrom('imports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

describe('refusals of the whole request', () => {
  it('answers 400 for an empty or non-UTF-8 file, 415 for JSON, 413 beyond 25 MiB, 403 without the scope, 401 without a key', async () => {
    for (const body of ['', '  \n\n', Buffer.from([0xff, 0xfe, 0x00])]) {
      const res = await post(body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.json().errors[0].field).toBe('(file)');
    }
    const json = await post('{"type":"person"}', { contentType: 'application/json' });
    expect(json.statusCode).toBe(415);
    const big = await post(Buffer.alloc(25 * 1024 * 1024 + 1, 0x20));
    expect(big.statusCode).toBe(413);
    expect(big.headers['content-type']).toBe('application/problem+json; charset=utf-8');

    const readOnly = await createApiKey(t.deps, { scopes: ['imports:read'] });
    const bills = await createApiKey(t.deps, { scopes: ['bills:write'] });
    const forbidden = await post(ndjson(family().records), { headers: readOnly.headers });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({ code: 'insufficient_scope', scope: 'imports:write' });
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/imports?limit=2',
      headers: readOnly.headers,
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().data).toHaveLength(2);
    expect(list.json().nextCursor).not.toBeNull();
    const noRead = await t.app.inject({ method: 'GET', url: '/api/v1/imports', headers: bills.headers });
    expect(noRead.statusCode).toBe(403);
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      headers: { 'content-type': NDJSON, 'idempotency-key': randomUUID() },
      payload: 'x',
    });
    expect(anonymous.statusCode).toBe(401);
    const unknown = await t.app.inject({
      method: 'GET',
      url: `/api/v1/imports/${randomUUID()}`,
      headers: key.headers,
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('a process that dies mid-import', () => {
  it('leaves its lines to the next holder once its hold lapses: every record once, counts right', async () => {
    const families = [family(), family(), family()];
    const res = await post(ndjson(families.flatMap((f) => f.records)));
    const id: string = res.json().id;

    // A holder takes the import, applies three lines and marks only two, then dies (its hold stays).
    const token = randomUUID();
    const now = () => toDate(t.deps.clock.now());
    const until = toDate(t.deps.clock.now().add({ seconds: 60 }));
    expect(await store.claimImport(t.deps.db, { id, token, now: now(), until })).toBeDefined();
    const pending = await store.pendingLines(t.deps.db, id, 3);
    expect(pending.map((l) => l.kind)).toEqual(['person', 'account', 'bill']);
    const person = pending[0]!;
    await upsertPerson(t.deps, {
      externalId: person.external_id!,
      input: recordSchemas.person.parse(person.record),
      actor: { type: 'api', keyId: key.id },
      ctx: null,
    });
    await t.deps.db.transaction().execute((trx) =>
      store.markLine(trx, {
        importId: id,
        lineNo: person.line_no,
        token,
        now: now(),
        until,
        outcome: { status: 'done', result: 'created' },
      }),
    );
    // …the account and the bill are applied by hand the same way, but only the account is marked.
    const { upsertAccount } = await import('../intake/accounts.service');
    const { upsertBill } = await import('../intake/intake-bills.service');
    const [account, bill] = [pending[1]!, pending[2]!];
    await upsertAccount(t.deps, {
      externalId: account.external_id!,
      input: recordSchemas.account.parse(account.record),
      actor: { type: 'api', keyId: key.id },
      ctx: null,
    });
    await t.deps.db.transaction().execute((trx) =>
      store.markLine(trx, {
        importId: id,
        lineNo: account.line_no,
        token,
        now: now(),
        until,
        outcome: { status: 'done', result: 'created' },
      }),
    );
    await upsertBill(t.deps, {
      externalId: bill.external_id!,
      input: recordSchemas.bill.parse(bill.record),
      actor: { type: 'api', keyId: key.id },
      ctx: null,
    });
    // (dies here)

    // While the hold is current no one else takes the import.
    expect(await applyImport(t.deps, id)).toBeNull();
    expect((await getImportView(id)).counts).toMatchObject({ done: 2, remaining: 7 });

    t.clock.advance({ seconds: 61 });
    await drain();
    const view = await getImportView(id);
    expect(view).toMatchObject({
      status: 'completed',
      counts: { total: 9, done: 9, failed: 0, remaining: 0 },
      // The bill applied before the crash came back unchanged when applied again.
      results: { created: 8, updated: 0, unchanged: 1 },
    });
    // The stalled holder cannot mark anything any more.
    const late = await t.deps.db.transaction().execute((trx) =>
      store.markLine(trx, {
        importId: id,
        lineNo: bill.line_no,
        token,
        now: now(),
        until,
        outcome: { status: 'done', result: 'created' },
      }),
    );
    expect(late).toBe(false);
    for (const f of families) {
      const bills = await t.deps.db
        .selectFrom('bills')
        .select('id')
        .where('external_id', '=', f.ids.bill)
        .execute();
      expect(bills).toHaveLength(1);
      const versions = await t.deps.db
        .selectFrom('bill_versions')
        .select('id')
        .where('bill_id', '=', bills[0]!.id)
        .execute();
      expect(versions).toHaveLength(1);
    }
    await expectIntegrity(t.deps);
  });
});

describe('several workers at once', () => {
  it('apply each import once, one holder per import, counts exact', async () => {
    const files = [family(), family(), family()].map((f) => ndjson([...f.records, ...family().records]));
    const ids: string[] = [];
    for (const file of files) ids.push((await post(file)).json().id);
    // Three workers' passes at once, with small shares, until nothing is open.
    for (let round = 0; round < 50; round++) {
      const lines = await Promise.all([1, 2, 3].map(() => applyImports(t.deps, 5)));
      if (lines.every((n) => n === 0)) break;
    }
    for (const id of ids) {
      expect(await getImportView(id)).toMatchObject({
        status: 'completed',
        counts: { total: 6, done: 6, failed: 0, remaining: 0 },
        results: { created: 6, updated: 0, unchanged: 0 },
      });
    }
    const finished = await t.deps.db
      .selectFrom('webhook_events')
      .select('payload')
      .where('type', '=', 'import.finished')
      .execute();
    for (const id of ids) {
      expect(finished.filter((e) => e.payload.importId === id)).toHaveLength(1);
    }
    await expectIntegrity(t.deps);
  });
});

describe('files of junk', () => {
  it('are each a 202 with failed lines or a 400 problem, and the worker applies them without a fault', async () => {
    const deep = `{"type":"bill","externalId":"B-deep","lines":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const files: [string, string | Buffer][] = [
      ['random bytes', Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256))],
      ['deep JSON', deep],
      ['a 100 KB line', `{"type":"person","externalId":"P-big","firstName":"${'x'.repeat(100_000)}"}`],
      ['escaped NUL and lone surrogate', '{"type":"person","externalId":"P-\\u0000","firstName":"\\ud800"}'],
      ['__proto__', '{"type":"person","externalId":"P-1","__proto__":{"polluted":true}}'],
      ['numbers as ids', '{"type":"account","externalId":12,"guarantors":[1,2]}'],
      ['carriage returns only', '{"type":"person"}\r{"type":"person"}\r'],
      ['BOM', '\ufeff{"type":"person","externalId":"P-bom"}'],
      ['CSV-looking', 'externalId,firstName\nP-1,Ana\n'],
    ];
    for (const [label, body] of files) {
      for (const [contentType, query] of [
        [NDJSON, ''],
        ['text/csv', '?type=bills'],
      ] as const) {
        const res = await post(body, { contentType, query });
        expect([202, 400], `${label} as ${contentType}: ${res.body.slice(0, 200)}`).toContain(res.statusCode);
        if (res.statusCode === 400) {
          expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
        }
      }
    }
    await drain();
    expect(t.logLines.filter((l) => /unhandled error|failed unexpectedly/.test(l))).toEqual([]);
    const open = await t.deps.db
      .selectFrom('imports')
      .select('id')
      .where('status', 'in', ['queued', 'running'])
      .execute();
    expect(open).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('what an import keeps', () => {
  it('drops each record once its line is applied or refused', async () => {
    const id: string = (await post(ndjson(family().records))).json().id;
    await drain();
    const kept = await t.deps.db
      .selectFrom('import_lines')
      .select(['line_no', 'record', 'status'])
      .where('import_id', '=', id)
      .execute();
    expect(kept).toHaveLength(3);
    expect(kept.every((l) => l.record === null && l.status === 'done')).toBe(true);
  });
});
