/**
 * Run after the end-to-end suite (npm run test:e2e): the e2e server kept its embedded database and
 * its log on disk, and no card number, CVC or bank account number typed in the browser may be in
 * either or in an email; no medical record number may be in the log or an email, and no date of birth
 * in an email. Emails are read as they are sent: a receipt queued by reference is rendered from its
 * payment, as the worker renders it. Exits 1 with the leaks listed.
 *
 *   tsx test/scan-e2e.ts <data dir> <log file>
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../src/config';
import { renderOutboxEmail } from '../src/modules/payments/payment-receipts.service';
import { createLogger } from '../src/platform/logger';
import { testBankAccounts, testCards } from '../src/platform/processors/sandbox/test-numbers';
import { openRuntime } from '../src/runtime';
import { dumpRows, type ScanRules, scanLogLines, scanRows, scanText } from './card-data-scan';

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

// The e2e server's configuration (playwright.config.ts), on the database it left.
const runtime = await openRuntime(loadConfig({ ...process.env, DATA_DIR: dataDir, NODE_ENV: 'test' }), {
  logger: createLogger('warn'),
});
const { db } = runtime.deps;
const rows = await dumpRows(db);
const people = await db.selectFrom('people').select(['medical_record_number', 'birth_date']).execute();
const outbox = await db.selectFrom('outbox_emails').selectAll().execute();
const emails = [];
for (const email of outbox) {
  const content = await renderOutboxEmail(runtime.deps, email, { attachments: false });
  emails.push({ id: email.id, text: [content.subject, content.text, content.html].join('\n') });
}
await runtime.close();
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
      .filter((re) => re.test(e.text))
      .map((re) => ({ where: `email ${e.id}`, what: re.source })),
  ),
];
const leaks = [
  ...scanRows(rows, rules),
  ...scanLogLines(lines, rules),
  ...emails.flatMap((e) => scanText(`email ${e.id}`, e.text, rules)),
  ...personalLeaks,
];
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
  `e2e scan: no card or bank numbers in ${payments} payments' database, ${lines.length} log lines or ` +
    `${emails.length} emails as sent; no record number (of ${people.length} people) in the log or an email, ` +
    'no date of birth in an email',
);
