/**
 * Reading an import file into lines: NDJSON (one record a line, each saying its own type) or CSV (one
 * record type a file, named by the `type` parameter; a bill is one row per bill line, its bill columns
 * repeated). Pure, no I/O. Each record is checked with the intake route's own schema, so a line refused
 * here is refused with the same field errors the PUT would give; a line that cannot be read (bad JSON,
 * an unknown type, a short CSV row) is a failed line of the report, never a refusal of the whole file.
 * Only a file that is not a file of records at all (empty, not UTF-8 text, a CSV header that is not
 * the documented one) is refused whole, by `ImportFileError`.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import type { z } from 'zod';
import { AppError, type FieldError } from '../../errors';
import { findUnstorable } from '../../http/input';
import { accountInput, externalId as externalIdSchema, personInput } from '../intake/intake.schema';
import { billInput } from '../intake/intake-bills.schema';

export type ImportFormat = 'ndjson' | 'csv';
export type CsvRecordType = 'people' | 'accounts' | 'bills';
export type RecordKind = 'person' | 'account' | 'bill';

export const recordKinds: readonly RecordKind[] = ['person', 'account', 'bill'];
export const csvRecordTypes: readonly CsvRecordType[] = ['people', 'accounts', 'bills'];
const kindOfCsvType: Record<CsvRecordType, RecordKind> = {
  people: 'person',
  accounts: 'account',
  bills: 'bill',
};

/** The schema each record kind is checked with: the body of its PUT route. */
export const recordSchemas = { person: personInput, account: accountInput, bill: billInput } as const;

/** One record of the file, ready to apply (`errors` null), or refused as it was read. */
export interface ImportLine {
  /** NDJSON: the line of the file. CSV: the row's line (a bill's first row); the header is line 1. */
  lineNo: number;
  kind: RecordKind | null;
  externalId: string | null;
  /** The record as the intake PUT takes it as its body (no type, no externalId); null when refused. */
  record: Record<string, unknown> | null;
  errors: FieldError[] | null;
  detail?: string;
}

/** The longest NDJSON line or CSV bill taken: a record is at most what the PUT routes take (64 KiB). */
export const MAX_RECORD_CHARS = 64 * 1024;

function fileError(detail: string, code: string, message: string): AppError {
  return new AppError('validation_failed', { detail, errors: [{ field: '(file)', code, message }] });
}

/** Field errors from a zod refusal, named as the problem handler names them for the PUT routes. */
export function fieldErrorsOf(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: path ? `${path}.${key}` : key,
        code: 'unknown_field',
        message: `Unknown field ${JSON.stringify(key)}: remove it`,
      }));
    }
    const custom =
      issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
    return [
      {
        field: path || '(record)',
        code: typeof custom === 'string' ? custom : issue.code,
        message: issue.message,
      },
    ];
  });
}

/** Checks a record with its kind's schema: the field errors, or null when the PUT would take it. */
export function recordProblems(kind: RecordKind, record: unknown): FieldError[] | null {
  const unstorable = findUnstorable(record);
  if (unstorable.length > 0) return unstorable;
  const parsed = recordSchemas[kind].safeParse(record);
  return parsed.success ? null : fieldErrorsOf(parsed.error);
}

function validExternalId(value: unknown): string | null {
  return typeof value === 'string' && externalIdSchema.safeParse(value).success ? value : null;
}

/** The text of an upload: UTF-8 without its byte order mark; anything else is refused whole. */
export function decodeImportFile(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw fileError('The file is not UTF-8 text', 'not_utf8', 'Save the file as UTF-8');
  }
  if (text.trim() === '') throw fileError('The file is empty', 'empty', 'The file has no records');
  return text;
}

const LONE_SURROGATES = /\p{Cs}/gu;

/**
 * JSON text PostgreSQL's jsonb can hold: a NUL or an unpaired surrogate in any string (a message
 * quoting the line it refuses may hold one) becomes U+FFFD.
 */
export function storableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'string' ? v.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATES, '\uFFFD') : v,
  );
}

// --- NDJSON --------------------------------------------------------------------------------------

function ndjsonLine(lineNo: number, raw: string): ImportLine {
  const refused = (
    errors: FieldError[],
    kind: RecordKind | null = null,
    externalId: string | null = null,
  ): ImportLine => ({ lineNo, kind, externalId, record: null, errors });
  if (raw.length > MAX_RECORD_CHARS) {
    return refused([
      { field: '(line)', code: 'too_long', message: `A line is at most ${MAX_RECORD_CHARS} characters` },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    const message = err instanceof Error ? err.message : 'Not JSON';
    return refused([{ field: '(line)', code: 'invalid_json', message: `Not a JSON object: ${message}` }]);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return refused([{ field: '(line)', code: 'not_an_object', message: 'Each line is one JSON object' }]);
  }
  const unstorable = findUnstorable(value);
  if (unstorable.length > 0) return refused(unstorable);
  const { type, externalId, ...record } = value as Record<string, unknown>;
  const kind = recordKinds.find((k) => k === type) ?? null;
  const id = validExternalId(externalId);
  const errors: FieldError[] = [];
  if (!kind) {
    errors.push({
      field: 'type',
      code: type === undefined ? 'required' : 'unknown_type',
      message: `Say which record this is: ${recordKinds.map((k) => JSON.stringify(k)).join(', ')}`,
    });
  }
  if (!id) {
    errors.push({
      field: 'externalId',
      code: externalId === undefined ? 'required' : 'invalid_string',
      message: "The record's own identifier: 1 to 64 letters, digits, dots, dashes, underscores or colons",
    });
  }
  if (kind) errors.push(...(recordProblems(kind, record) ?? []));
  if (errors.length > 0) return refused(errors, kind, id);
  return { lineNo, kind, externalId: id, record, errors: null };
}

/** The records of an NDJSON file, one a line; blank lines are skipped (their numbers still count). */
export function readNdjson(text: string): ImportLine[] {
  const lines: ImportLine[] = [];
  const raw = text.split('\n');
  for (const [i, line] of raw.entries()) {
    const content = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (content.trim() === '') continue;
    lines.push(ndjsonLine(i + 1, content));
  }
  return lines;
}

// --- CSV -----------------------------------------------------------------------------------------

interface CsvColumn {
  name: string;
  required: boolean;
  /** A whole number of cents (converted when it is written as one). */
  integer?: boolean;
  /** Several externalIds separated by `;`. */
  list?: boolean;
}

const col = (name: string, required = false, extra: Partial<CsvColumn> = {}): CsvColumn => ({
  name,
  required,
  ...extra,
});

/** The documented headers (README "Import a file"); columns may come in any order, optional ones may be left out. */
export const csvColumns: Record<CsvRecordType, readonly CsvColumn[]> = {
  people: [
    col('externalId', true),
    col('medicalRecordNumber', true),
    col('firstName', true),
    col('lastName', true),
    col('birthDate', true),
    col('regionId', true),
    col('preferredLanguage'),
    col('email'),
    col('phone'),
    col('addressLine1'),
    col('addressLine2'),
    col('addressCity'),
    col('addressState'),
    col('addressPostalCode'),
  ],
  accounts: [
    col('externalId', true),
    col('kind', true),
    col('planType'),
    col('regionId', true),
    col('stateCode', true),
    col('accountNumber', true),
    col('holderFirstName', true),
    col('holderLastName', true),
    col('postalCode', true),
    col('personExternalId'),
    col('guarantors', false, { list: true }),
  ],
  bills: [
    col('externalId', true),
    col('accountExternalId', true),
    col('patientExternalId'),
    col('kind', true),
    col('number', true),
    col('provider'),
    col('facility'),
    col('visitDate'),
    col('coverageStart'),
    col('coverageEnd'),
    col('statementDate', true),
    col('dueDate', true),
    col('totalCents', true, { integer: true }),
    col('lineServiceDate'),
    col('lineCode'),
    col('lineDescription', true),
    col('lineChargeCents', true, { integer: true }),
    col('lineInsurancePaidCents', false, { integer: true }),
    col('lineAdjustmentCents', false, { integer: true }),
    col('linePatientResponsibilityCents', true, { integer: true }),
  ],
};

/** A CSV row by column name, empty cells left out. */
export type CsvRow = { lineNo: number; cells: Record<string, string> };

function cellValue(column: CsvColumn | undefined, value: string): unknown {
  if (column?.integer && /^-?\d{1,15}$/.test(value)) return Number(value);
  if (column?.list) {
    return value
      .split(';')
      .map((v) => v.trim())
      .filter((v) => v !== '');
  }
  return value;
}

function valuesOf(type: CsvRecordType, cells: Record<string, string>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const column of csvColumns[type]) {
    const value = cells[column.name];
    if (value === undefined || !column.name.startsWith(prefix)) continue;
    const name = prefix
      ? column.name.charAt(prefix.length).toLowerCase() + column.name.slice(prefix.length + 1)
      : column.name;
    out[name] = cellValue(column, value);
  }
  return out;
}

const ADDRESS_PREFIX = 'address';
const LINE_PREFIX = 'line';

function personRecord(cells: Record<string, string>): Record<string, unknown> {
  const { externalId: _id, ...all } = valuesOf('people', cells);
  const record: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) if (!k.startsWith(ADDRESS_PREFIX)) record[k] = v;
  const address = valuesOf('people', cells, ADDRESS_PREFIX);
  if (Object.keys(address).length > 0) record.postalAddress = address;
  return record;
}

function accountRecord(cells: Record<string, string>): Record<string, unknown> {
  const { externalId: _id, ...record } = valuesOf('accounts', cells);
  return record;
}

/** The columns of a bill (not of one of its lines): every row of a bill repeats them. */
export const billColumns = csvColumns.bills
  .map((c) => c.name)
  .filter((n) => n !== 'externalId' && !(n.startsWith(LINE_PREFIX) && n !== LINE_PREFIX));

/**
 * A CSV file's bill rows gathered into bills: rows with the same externalId make one bill, its lines in
 * row order, the bills in the order of their first row. Every row of a bill must repeat the same bill
 * columns; a row that differs is named in the bill's errors.
 */
export function groupBillRows(rows: readonly CsvRow[]): {
  externalId: string;
  rows: CsvRow[];
  errors: FieldError[];
}[] {
  const bills = new Map<string, { externalId: string; rows: CsvRow[]; errors: FieldError[] }>();
  for (const row of rows) {
    const id = row.cells.externalId ?? '';
    const bill = bills.get(id);
    if (!bill) {
      bills.set(id, { externalId: id, rows: [row], errors: [] });
      continue;
    }
    const first = bill.rows[0] as CsvRow;
    for (const name of billColumns) {
      if ((row.cells[name] ?? '') !== (first.cells[name] ?? '')) {
        bill.errors.push({
          field: name,
          code: 'differs_between_rows',
          message: `Line ${row.lineNo} says ${JSON.stringify(row.cells[name] ?? '')}, line ${first.lineNo} ${JSON.stringify(first.cells[name] ?? '')}: every row of a bill repeats its bill columns`,
        });
      }
    }
    bill.rows.push(row);
  }
  return [...bills.values()];
}

function billRecord(rows: readonly CsvRow[]): Record<string, unknown> {
  const first = rows[0] as CsvRow;
  const { externalId: _id, ...all } = valuesOf('bills', first.cells);
  const record: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) if (billColumns.includes(k)) record[k] = v;
  record.lines = rows.map((r) => valuesOf('bills', r.cells, LINE_PREFIX));
  return record;
}

/** CSV field errors named by column: `lines.2.chargeCents` is the column lineChargeCents of the bill's third row. */
function csvField(type: CsvRecordType, error: FieldError, rows: readonly CsvRow[]): FieldError {
  const [head, index, rest] = error.field.split('.');
  if (type === 'people' && head === 'postalAddress' && index) {
    return { ...error, field: `${ADDRESS_PREFIX}${index.charAt(0).toUpperCase()}${index.slice(1)}` };
  }
  if (type === 'bills' && head === 'lines' && index !== undefined && rest) {
    const row = rows[Number(index)];
    const where = row ? `line ${row.lineNo}: ` : '';
    return {
      ...error,
      field: `${LINE_PREFIX}${rest.charAt(0).toUpperCase()}${rest.slice(1)}`,
      message: `${where}${error.message}`,
    };
  }
  return error;
}

function csvLine(type: CsvRecordType, rows: readonly CsvRow[], extraErrors: FieldError[] = []): ImportLine {
  const first = rows[0] as CsvRow;
  const kind = kindOfCsvType[type];
  const externalId = validExternalId(first.cells.externalId);
  const record =
    type === 'people'
      ? personRecord(first.cells)
      : type === 'accounts'
        ? accountRecord(first.cells)
        : billRecord(rows);
  const errors: FieldError[] = [...extraErrors];
  if (!externalId) {
    errors.push({
      field: 'externalId',
      code: first.cells.externalId === undefined ? 'required' : 'invalid_string',
      message: "The record's own identifier: 1 to 64 letters, digits, dots, dashes, underscores or colons",
    });
  }
  const size = JSON.stringify(record).length;
  if (size > MAX_RECORD_CHARS) {
    errors.push({
      field: '(record)',
      code: 'too_long',
      message: `A record is at most ${MAX_RECORD_CHARS} characters`,
    });
  } else {
    errors.push(...(recordProblems(kind, record) ?? []).map((e) => csvField(type, e, rows)));
  }
  if (errors.length > 0) return { lineNo: first.lineNo, kind, externalId, record: null, errors };
  return { lineNo: first.lineNo, kind, externalId, record, errors: null };
}

/**
 * The records of a CSV file of one type. The first row is the header: the documented column names
 * (csvColumns), in any order, the required ones present; an unknown or missing column refuses the file.
 */
export function readCsv(text: string, type: CsvRecordType): ImportLine[] {
  const failed: ImportLine[] = [];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (err) => {
        failed.push({
          lineNo: Math.max(Number(err?.lines ?? 1), 1),
          kind: kindOfCsvType[type],
          externalId: null,
          record: null,
          errors: [{ field: '(row)', code: 'invalid_csv', message: err?.message ?? 'Not a CSV row' }],
        });
        return undefined;
      },
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    throw fileError('The file is not CSV', 'invalid_csv', err instanceof Error ? err.message : 'Not CSV');
  }
  const [header, ...body] = records;
  if (!header) throw fileError('The file is empty', 'empty', 'The file has no header');
  const known = csvColumns[type];
  const names = header.record.map((n) => n.trim());
  const problems: FieldError[] = [];
  names.forEach((name, i) => {
    if (!known.some((c) => c.name === name)) {
      problems.push({
        field: `(header).${i + 1}`,
        code: 'unknown_column',
        message: `Unknown column ${JSON.stringify(name)} for ${type}`,
      });
    } else if (names.indexOf(name) !== i) {
      problems.push({
        field: `(header).${i + 1}`,
        code: 'duplicate_column',
        message: `${name} appears twice`,
      });
    }
  });
  for (const c of known) {
    if (c.required && !names.includes(c.name)) {
      problems.push({
        field: `(header).${c.name}`,
        code: 'missing_column',
        message: `The column ${c.name} is required`,
      });
    }
  }
  if (problems.length > 0) {
    throw new AppError('validation_failed', {
      detail: `The first row must be the header of a ${type} file: ${known.map((c) => c.name).join(',')}`,
      errors: problems,
    });
  }

  const rows: CsvRow[] = [];
  for (const { record, info } of body) {
    if (record.length !== names.length) {
      failed.push({
        lineNo: info.lines,
        kind: kindOfCsvType[type],
        externalId: validExternalId(record[names.indexOf('externalId')]?.trim()),
        record: null,
        errors: [
          {
            field: '(row)',
            code: 'column_count',
            message: `${record.length} columns where the header has ${names.length}`,
          },
        ],
      });
      continue;
    }
    const cells: Record<string, string> = {};
    names.forEach((name, i) => {
      const value = (record[i] ?? '').trim();
      if (value !== '') cells[name] = value;
    });
    rows.push({ lineNo: info.lines, cells });
  }

  const lines =
    type === 'bills'
      ? groupBillRows(rows).map((bill) => csvLine(type, bill.rows, bill.errors))
      : rows.map((row) => csvLine(type, [row]));
  return oneRecordPerLine([...lines, ...failed]);
}

/** In line order, one record per line number (a row the CSV reader skipped may end where another starts). */
function oneRecordPerLine(lines: ImportLine[]): ImportLine[] {
  const out: ImportLine[] = [];
  for (const line of [...lines].sort((a, b) => a.lineNo - b.lineNo)) {
    const last = out.at(-1);
    if (last && last.lineNo === line.lineNo) {
      out[out.length - 1] = {
        ...last,
        record: null,
        errors: [...(last.errors ?? []), ...(line.errors ?? [])],
      };
    } else out.push(line);
  }
  return out;
}

/** The lines of an import file. Throws AppError validation_failed for a file that is refused whole. */
export function readImportFile(text: string, format: ImportFormat, type: CsvRecordType | null): ImportLine[] {
  if (format === 'csv') {
    if (!type) {
      throw new AppError('validation_failed', {
        detail: 'Say which records the CSV file holds',
        errors: [{ field: 'type', code: 'required', message: `One of ${csvRecordTypes.join(', ')}` }],
      });
    }
    return readCsv(text, type);
  }
  return readNdjson(text);
}
