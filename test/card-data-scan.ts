import { sql } from 'kysely';
import { isLuhnValid } from '../src/domain/luhn';
import type { Db } from '../src/platform/db';

/**
 * Searches text, database rows and log lines for card and bank numbers: DESIGN.md §3-4 say none is
 * ever stored or logged. Shared by the integration test and the scan after the end-to-end run.
 */

export interface Leak {
  where: string;
  what: string;
}

/** Card numbers typed the way people type them: grouped with spaces. */
export function grouped(number: string): string {
  return number.length === 15
    ? `${number.slice(0, 4)} ${number.slice(4, 10)} ${number.slice(10)}`
    : (number.match(/.{1,4}/g) ?? []).join(' ');
}

/** Every form a number could have been typed in: plain, grouped with spaces, grouped with dashes. */
export function typedForms(numbers: readonly string[]): string[] {
  return numbers.flatMap((n) => (n.length >= 13 ? [n, grouped(n), grouped(n).replaceAll(' ', '-')] : [n]));
}

/**
 * Digit runs shaped like a card number: 13-19 digits in a row, or grouped 4-4-4-x / 4-6-5 with
 * spaces or dashes, not part of a longer alphanumeric run (hex hashes and UUIDs are letters and
 * digits mixed, so a stretch of digits inside one is not a number anyone typed).
 */
const CARD_SHAPED =
  /(?<![0-9A-Za-z])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{5})(?![0-9A-Za-z])/g;

export function luhnValidRuns(text: string): string[] {
  return [...text.matchAll(CARD_SHAPED)]
    .map((m) => m[0].replace(/[ -]/g, ''))
    .filter((digits) => digits.length >= 13 && digits.length <= 19 && isLuhnValid(digits));
}

export interface ScanRules {
  /** Exact strings that must never appear (every typed form of every number used). */
  forbidden: readonly string[];
  /** CVCs used, found when next to a name for them or as a bare JSON string value. */
  cvcs: readonly string[];
}

export function scanText(where: string, text: string, rules: ScanRules): Leak[] {
  const leaks: Leak[] = [];
  for (const s of rules.forbidden) if (text.includes(s)) leaks.push({ where, what: s });
  if (rules.cvcs.length > 0) {
    const alternatives = rules.cvcs.join('|');
    const inContext = new RegExp(`(cvc|cvv|csc|security.?code)[^a-z0-9]{0,6}(${alternatives})\\b`, 'i');
    const asValue = new RegExp(`"(${alternatives})"`);
    const context = inContext.exec(text);
    if (context) leaks.push({ where, what: `CVC in context: ${context[0]}` });
    const value = asValue.exec(text);
    if (value) leaks.push({ where, what: `CVC value: ${value[0]}` });
  }
  for (const run of luhnValidRuns(text)) leaks.push({ where, what: `Luhn-valid run ${run}` });
  return leaks;
}

/** Every row of every base table with text-like columns, as `row::text`, keyed by table. */
export async function dumpRows(db: Db): Promise<Record<string, string[]>> {
  const tables = await sql<{ table_schema: string; table_name: string }>`
    select distinct c.table_schema, c.table_name
    from information_schema.columns c
    join information_schema.tables t using (table_schema, table_name)
    where t.table_type = 'BASE TABLE'
      and c.table_schema not in ('pg_catalog', 'information_schema')
      and c.data_type in ('text', 'jsonb', 'json', 'character varying', 'character', 'ARRAY', 'bytea')
    order by 1, 2
  `.execute(db);
  const rowsByTable: Record<string, string[]> = {};
  for (const { table_schema, table_name } of tables.rows) {
    const result = await sql<{ row: string }>`
      select t::text as row from ${sql.table(`${table_schema}.${table_name}`)} t
    `.execute(db);
    rowsByTable[table_name] = result.rows.map((r) => r.row);
  }
  return rowsByTable;
}

export function scanRows(rowsByTable: Record<string, string[]>, rules: ScanRules): Leak[] {
  return Object.entries(rowsByTable).flatMap(([table, rows]) =>
    rows.flatMap((row, i) => scanText(`${table}[${i}]`, row, rules)),
  );
}

/**
 * Scans pino JSON log lines. Two measurements whose digits are no one's input are dropped first:
 * pino's `time` (epoch milliseconds, 13 digits) and Fastify's `responseTime` (a long float).
 */
export function scanLogLines(lines: readonly string[], rules: ScanRules): Leak[] {
  return lines.flatMap((line, i) => {
    let text = line;
    try {
      const entry: Record<string, unknown> = JSON.parse(line);
      delete entry.time;
      if (typeof entry.responseTime === 'number') delete entry.responseTime;
      text = JSON.stringify(entry);
    } catch {
      // Not JSON (a console line): scan as it is.
    }
    return scanText(`log[${i}]`, text, rules);
  });
}
