/**
 * Bulk imports: a file of intake records applied through the same idempotent upserts as the PUT
 * routes (people, accounts, bills), in file order.
 *
 * - `createImport` reads the whole file, checks each record with its route's schema and stores every
 *   record as a line (pending, or failed with its problem) with the import, in one transaction: an
 *   import exists with all its lines or not at all.
 * - `applyImport` takes the import's hold (a lease, claimed with SKIP LOCKED) and applies pending
 *   lines in order, marking each (and counting it, and renewing the hold) right after its upsert, in a
 *   transaction that checks the hold is still its own. One holder at a time per import, since lines
 *   depend on earlier ones. A process that dies between an upsert and its mark leaves that one line
 *   pending; whoever takes the lapsed hold applies it again, and the upsert answers `unchanged`: no
 *   record is lost or made twice.
 * - The worker (`apply-imports`) and `settle import` both apply with it; the last line's holder marks
 *   the import finished and writes `import.finished` in that transaction.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ZodError } from 'zod';
import type { Actor, Deps, RequestContext } from '../../deps';
import { AppError } from '../../errors';
import { problemOf } from '../../http/problem';
import { toDate } from '../../platform/clock';
import { isDatabaseUnavailable } from '../../platform/db-health';
import { newId } from '../../platform/ids';
import { recordAudit } from '../audit/audit.service';
import type { IdempotentWork } from '../idempotency/idempotency.service';
import { upsertAccount } from '../intake/accounts.service';
import { upsertBill } from '../intake/intake-bills.service';
import { upsertPerson } from '../intake/people.service';
import { recordWebhookEvents, webhookEventRow } from '../webhooks/webhook-events';
import {
  type CsvRecordType,
  decodeImportFile,
  fieldErrorsOf,
  type ImportFormat,
  readImportFile,
  recordSchemas,
  storableJson,
} from './import-file';
import type {
  ImportErrorList,
  ImportErrorsQuery,
  ImportLineError,
  ImportList,
  ImportListQuery,
  ImportView,
} from './imports.schema';
import * as store from './imports.store';

/** Who may send an import: an API key, or the command line. */
export type ImportActor = Extract<Actor, { type: 'api' } | { type: 'system' }>;

export interface CreateImportOptions {
  file: Uint8Array;
  format: ImportFormat;
  /** CSV: the records the file holds. */
  type: CsvRecordType | null;
  actor: ImportActor;
  ctx: RequestContext | null;
  /** The POST's Idempotency-Key, claimed in the transaction that creates the import. */
  idempotency?: IdempotentWork;
}

export interface ApplyImportOptions {
  /** Lines read at a time. */
  batchSize?: number;
  /** How long a hold lasts without a mark renewing it; another holder may take it over after. */
  leaseMs?: number;
  /** performance.now() after which the holder gives the import back (the worker's share of a pass). */
  deadline?: number;
  /** Told after each batch, and when the import finishes. */
  onProgress?: (view: ImportView) => void;
}

const DEFAULTS = { batchSize: 100, leaseMs: 60_000 };
/** The worker's share of one pass: what is left waits for the next pass (or another worker). */
const WORKER_BUDGET_MS = 2_000;
const FIRST_ERRORS = 10;

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

function lineErrorOf(row: {
  line_no: number;
  kind: ImportLineError['type'];
  external_id: string | null;
  error: Record<string, unknown> | null;
}): ImportLineError {
  return {
    line: row.line_no,
    type: row.kind,
    externalId: row.external_id,
    problem: (row.error ?? { code: 'internal', status: 500, title: 'Unknown' }) as ImportLineError['problem'],
  };
}

async function viewOf(db: Deps['db'], row: store.ImportRow): Promise<ImportView> {
  const done = row.created_count + row.updated_count + row.unchanged_count;
  const firstErrors = row.failed_count > 0 ? await store.listFailedLines(db, row.id, FIRST_ERRORS, 0) : [];
  return {
    id: row.id,
    format: row.format,
    type: row.csv_type,
    status: row.status,
    fileSha256: row.file_sha256,
    fileBytes: row.file_bytes,
    counts: {
      total: row.total_count,
      done,
      failed: row.failed_count,
      remaining: row.total_count - done - row.failed_count,
    },
    results: { created: row.created_count, updated: row.updated_count, unchanged: row.unchanged_count },
    firstErrors: firstErrors.map(lineErrorOf),
    createdBy: row.actor_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    startedAt: row.started_at ? iso(row.started_at) : null,
    finishedAt: row.finished_at ? iso(row.finished_at) : null,
  };
}

/** A refusal as the report keeps it: the problem the route would have answered, less type and instance. */
function lineProblem(err: AppError): Record<string, unknown> {
  const { type: _type, instance: _instance, ...problem } = problemOf(err);
  return problem;
}

function actorId(actor: ImportActor): string {
  return actor.type === 'api' ? actor.keyId : actor.name;
}

/**
 * Stores an import and its lines (queued for the worker) and answers its view. Refused whole (400,
 * nothing stored): an empty file, one that is not UTF-8, a CSV file without its type or whose header
 * is not the documented one. Every other problem is a failed line of the report.
 */
export async function createImport(deps: Deps, opts: CreateImportOptions): Promise<ImportView> {
  const text = decodeImportFile(opts.file);
  const lines = readImportFile(text, opts.format, opts.type);
  if (lines.length === 0) {
    throw new AppError('validation_failed', {
      detail: 'The file has no records',
      errors: [{ field: '(file)', code: 'empty', message: 'The file has no records' }],
    });
  }
  const now = toDate(deps.clock.now());
  const id = opts.idempotency?.resumeResourceId ?? newId();
  const sha256 = createHash('sha256').update(opts.file).digest('hex');
  const failed = lines.filter((l) => l.errors !== null).length;
  return deps.db.transaction().execute(async (trx) => {
    if (opts.idempotency?.resumeResourceId) {
      // The request that made this import died before storing its answer: answer with the import.
      const made = await store.findImport(trx, id);
      if (made) return viewOf(trx, made);
    }
    await store.insertImport(trx, {
      id,
      format: opts.format,
      csv_type: opts.format === 'csv' ? opts.type : null,
      status: 'queued',
      actor_type: opts.actor.type,
      actor_id: actorId(opts.actor),
      file_sha256: sha256,
      file_bytes: opts.file.byteLength,
      total_count: lines.length,
      failed_count: failed,
      lease_token: null,
      lease_until: null,
      created_at: now,
      updated_at: now,
      started_at: null,
      finished_at: null,
    });
    if (opts.idempotency && !opts.idempotency.resumeResourceId) {
      await trx.insertInto('idempotency_keys').values(opts.idempotency.claimRow(id)).execute();
    }
    await store.insertLines(
      trx,
      lines.map((l) => ({
        import_id: id,
        line_no: l.lineNo,
        kind: l.kind,
        external_id: l.externalId,
        record: l.errors === null && l.record ? JSON.stringify(l.record) : null,
        status: l.errors === null ? 'pending' : 'failed',
        result: null,
        error:
          l.errors === null
            ? null
            : storableJson(
                lineProblem(
                  new AppError('validation_failed', {
                    detail: l.detail ?? 'Check the fields listed in errors',
                    errors: l.errors,
                  }),
                ),
              ),
        updated_at: now,
      })),
    );
    await recordAudit(trx, {
      actor: opts.actor,
      ctx: opts.ctx,
      action: 'import.created',
      result: 'success',
      resourceType: 'import',
      resourceId: id,
      detail: { format: opts.format, type: opts.type, total: lines.length, refusedOnReading: failed },
    });
    const row = await store.findImport(trx, id);
    if (!row) throw new Error(`import ${id} vanished in its own transaction`);
    return viewOf(trx, row);
  });
}

function actorOfRow(row: store.ImportRow): ImportActor {
  return row.actor_type === 'api'
    ? { type: 'api', keyId: row.actor_id }
    : { type: 'system', name: row.actor_id };
}

/** A transient database failure (unavailable, a serialization failure or deadlock): try the line again later. */
function transient(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return isDatabaseUnavailable(err) || (typeof code === 'string' && code.startsWith('40'));
}

/** Applies one line through its intake upsert: the outcome to mark. Throws only what should be tried again. */
async function applyLine(
  deps: Deps,
  row: store.ImportRow,
  line: store.ImportLineRow,
): Promise<store.LineOutcome> {
  const actor = actorOfRow(row);
  const externalId = line.external_id ?? '';
  try {
    switch (line.kind) {
      case 'person': {
        const input = recordSchemas.person.parse(line.record);
        const view = await upsertPerson(deps, { externalId, input, actor, ctx: null });
        return { status: 'done', result: view.result };
      }
      case 'account': {
        const input = recordSchemas.account.parse(line.record);
        const view = await upsertAccount(deps, { externalId, input, actor, ctx: null });
        return { status: 'done', result: view.result };
      }
      case 'bill': {
        const input = recordSchemas.bill.parse(line.record);
        const view = await upsertBill(deps, { externalId, input, actor, ctx: null });
        const result = view.result;
        if (result === 'created' || result === 'updated' || result === 'unchanged')
          return { status: 'done', result };
        return { status: 'done', result: 'updated' };
      }
      default:
        return {
          status: 'failed',
          error: lineProblem(new AppError('validation_failed', { detail: 'No record type' })),
        };
    }
  } catch (err) {
    if (err instanceof AppError) return { status: 'failed', error: lineProblem(err) };
    if (err instanceof ZodError) {
      return {
        status: 'failed',
        error: lineProblem(new AppError('validation_failed', { errors: fieldErrorsOf(err) })),
      };
    }
    if (transient(err)) throw err;
    // A fault of ours, not of the line: refused as `internal` (logged) so it cannot hold up the import.
    // Its code and class only: a database error's message may quote the values (a record number).
    const { code, constraint } = (err ?? {}) as { code?: unknown; constraint?: unknown };
    deps.logger.error(
      {
        importId: row.id,
        line: line.line_no,
        code,
        constraint,
        error: err instanceof Error ? err.name : typeof err,
      },
      'import line failed unexpectedly',
    );
    return { status: 'failed', error: lineProblem(new AppError('internal')) };
  }
}

/** What one holder did with an import. */
export interface ImportRun {
  importId: string;
  /** Lines it marked. */
  lines: number;
  /** It marked the import finished. */
  finished: boolean;
  /** Another holder took the import over (this one's hold lapsed). */
  lost: boolean;
}

/**
 * Takes the hold of an import (`importId`, or the oldest open one whose hold is free) and applies its
 * pending lines in file order until none is left (then marks it finished), the deadline passes or the
 * hold is lost. Returns null when there was nothing it could take.
 */
export async function applyImport(
  deps: Deps,
  importId: string | null,
  options: ApplyImportOptions = {},
): Promise<ImportRun | null> {
  const opts = { ...DEFAULTS, ...options };
  const token = randomUUID();
  const leaseUntil = () => toDate(deps.clock.now().add({ milliseconds: opts.leaseMs }));
  const claimed = await store.claimImport(deps.db, {
    id: importId,
    token,
    now: toDate(deps.clock.now()),
    until: leaseUntil(),
  });
  if (!claimed) return null;
  const run: ImportRun = { importId: claimed.id, lines: 0, finished: false, lost: false };
  try {
    for (;;) {
      const batch = await store.pendingLines(deps.db, claimed.id, opts.batchSize);
      if (batch.length === 0) {
        run.finished = await finish(deps, claimed.id, token);
        if (!run.finished) run.lost = true;
        return run;
      }
      for (const line of batch) {
        const outcome = await applyLine(deps, claimed, line);
        const held = await deps.db.transaction().execute((trx) =>
          store.markLine(trx, {
            importId: claimed.id,
            lineNo: line.line_no,
            token,
            now: toDate(deps.clock.now()),
            until: leaseUntil(),
            outcome,
          }),
        );
        if (!held) {
          run.lost = true;
          return run;
        }
        run.lines++;
        // Checked after every line: a batch of slow upserts must not overrun the worker's share.
        if (opts.deadline !== undefined && performance.now() >= opts.deadline) {
          if (opts.onProgress) await progress(deps, claimed.id, opts.onProgress);
          return run;
        }
      }
      if (opts.onProgress) await progress(deps, claimed.id, opts.onProgress);
    }
  } finally {
    if (!run.finished && !run.lost) {
      await store.releaseImport(deps.db, claimed.id, token, toDate(deps.clock.now()));
    }
  }
}

async function progress(deps: Deps, id: string, onProgress: (view: ImportView) => void): Promise<void> {
  const row = await store.findImport(deps.db, id);
  if (row) onProgress(await viewOf(deps.db, row));
}

/** Marks the import finished with its `import.finished` event and audit row, in one transaction. */
async function finish(deps: Deps, id: string, token: string): Promise<boolean> {
  const now = toDate(deps.clock.now());
  return deps.db.transaction().execute(async (trx) => {
    const row = await store.finishImport(trx, id, token, now);
    if (!row) return false;
    const done = row.created_count + row.updated_count + row.unchanged_count;
    const status = row.status === 'failed' ? 'failed' : 'completed';
    await recordWebhookEvents(trx, [
      webhookEventRow(
        'import.finished',
        { importId: id, status, counts: { total: row.total_count, done, failed: row.failed_count } },
        { accountId: null, at: now },
      ),
    ]);
    await recordAudit(trx, {
      actor: actorOfRow(row),
      ctx: null,
      action: 'import.finished',
      result: status === 'completed' ? 'success' : 'failure',
      resourceType: 'import',
      resourceId: id,
      detail: {
        total: row.total_count,
        created: row.created_count,
        updated: row.updated_count,
        unchanged: row.unchanged_count,
        failed: row.failed_count,
      },
    });
    return true;
  });
}

/**
 * The worker's job (`apply-imports`): applies open imports for up to its share of a pass; an import
 * not finished by then is given back and goes on at the next pass, in this worker or another.
 */
export async function applyImports(deps: Deps, budgetMs = WORKER_BUDGET_MS): Promise<number> {
  const deadline = performance.now() + budgetMs;
  let lines = 0;
  while (performance.now() < deadline) {
    const run = await applyImport(deps, null, { deadline });
    if (!run) break;
    lines += run.lines;
  }
  return lines;
}

/** The import with this id. */
export async function getImport(deps: Deps, id: string): Promise<ImportView> {
  const row = await store.findImport(deps.db, id);
  if (!row) throw new AppError('not_found', { detail: `No import ${id}` });
  return viewOf(deps.db, row);
}

/** Imports, newest first. */
export async function listImports(deps: Deps, query: ImportListQuery): Promise<ImportList> {
  const rows = await store.listImports(deps.db, query.limit + 1, query.cursor);
  const page = rows.slice(0, query.limit);
  const items = await Promise.all(page.map((r) => viewOf(deps.db, r)));
  return { data: items, nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
}

/** An import's refused lines, in file order. */
export async function listImportErrors(
  deps: Deps,
  id: string,
  query: ImportErrorsQuery,
): Promise<ImportErrorList> {
  await getImport(deps, id);
  const rows = await store.listFailedLines(deps.db, id, query.limit + 1, query.cursor ?? 0);
  const page = rows.slice(0, query.limit);
  return {
    data: page.map(lineErrorOf),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.line_no ?? null) : null,
  };
}
