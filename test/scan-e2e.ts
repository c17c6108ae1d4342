/**
 * Run after the end-to-end suite (npm run test:e2e): the e2e server kept its embedded database and
 * its log on disk, and no card number, CVC or bank account number typed in the browser may be in
 * either; no medical record number may be in the log or an email, and no date of birth in an email.
 * Exits 1 with the leaks listed.
 *
 *   tsx test/scan-e2e.ts <data dir> <log file>
 */
import { readFileSync } from 'node:fs';
import { migrate } from '../src/db/migrate';
import { openDb } from '../src/platform/db';
import { testBankAccounts, testCards } from '../src/platform/processors/sandbox/test-numbers';
import { dumpRows, type ScanRules, scanLogLines, scanRows } from './card-data-scan';

const [dataDir, logFile] = process.argv.slice(2);
if (!dataDir || !logFile) {
  console.error('usage: tsx test/scan-e2e.ts <data dir> <log file>');
  process.exit(2);
}

const rules: ScanRules = {
  forbidden: [...Object.keys(testCards), ...Object.keys(testBankAccounts)].flatMap((n) =>
    n.length >= 13 ? [n, n.replace(/(\d{4})(?=\d)/g, '$1 ')] : [n],
  ),
  cvcs: [],
};

const handle = await openDb({ dataDir });
await migrate(handle.db);
const rows = await dumpRows(handle.db);
const people = await handle.db.selectFrom('people').select(['medical_record_number', 'birth_date']).execute();
const emails = await handle.db.selectFrom('outbox_emails').select(['id', 'text_body', 'html_body']).execute();
await handle.close();
const lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
const payments = rows.payments?.length ?? 0;

/** Record numbers and dates of birth: never in a log line (record numbers) or an email (either). */
const standalone = (value: string) => new RegExp(`(?<![0-9A-Za-z])${value}(?![0-9A-Za-z])`);
const mrns = people.map((p) => standalone(p.medical_record_number));
const births = people.map((p) => standalone(p.birth_date));
const personalLeaks = [
  ...lines.flatMap((line, i) =>
    mrns
      .filter((re) => re.test(line))
      .map((re) => ({ where: `log line ${i + 1}`, what: `record number ${re.source}` })),
  ),
  ...emails.flatMap((e) =>
    [...mrns, ...births]
      // A receipt is stored by reference (null bodies): what it says is rendered from the payment when sent.
      .filter((re) => re.test(e.text_body ?? '') || re.test(e.html_body ?? ''))
      .map((re) => ({ where: `email ${e.id}`, what: re.source })),
  ),
];
const leaks = [...scanRows(rows, rules), ...scanLogLines(lines, rules), ...personalLeaks];
if (payments === 0 || lines.length === 0) {
  console.error(`e2e scan: nothing to scan (payments ${payments}, log lines ${lines.length})`);
  process.exit(1);
}
if (leaks.length > 0) {
  console.error(
    'Card, bank or personal data found after the e2e run:',
    JSON.stringify(leaks.slice(0, 20), null, 2),
  );
  process.exit(1);
}
console.log(
  `e2e scan: no card or bank numbers in ${payments} payments' database or ${lines.length} log lines; ` +
    `no record number (of ${people.length} people) in the log or ${emails.length} emails, no date of birth in an email`,
);
