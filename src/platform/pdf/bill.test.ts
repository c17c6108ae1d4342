import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type BillDocument, formatBillDate, renderBillPdf } from './bill';

function hasPdftotext(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const FULL_ACCOUNT_NUMBER = '5500123412341234';

const hospital: BillDocument = {
  locale: 'en',
  organization: {
    name: 'Valley Health Plan',
    addressLines: ['PO Box 1234', 'San José, CA 95101'],
    phone: '1-800-555-0199',
    // A light brand colour: the renderer darkens it for contrast.
    accentColor: '#35c0ff',
  },
  kind: 'hospital',
  kindLabel: 'Hospital bill',
  number: 'HB-1002345',
  accountLabel: 'Account •••• 1234',
  patientName: 'María José Núñez',
  provider: 'Dr. Alicia Gómez',
  facility: 'Valley General Hospital',
  visitDate: '2026-10-02',
  coverageStart: null,
  coverageEnd: null,
  statementDate: '2026-11-10',
  dueDate: '2026-12-10',
  lines: [
    {
      description: 'Emergency room visit, level 4',
      serviceDate: '2026-10-02',
      code: '99284',
      chargeCents: 245000,
      insurancePaidCents: 98000,
      adjustmentCents: 35000,
      youOweCents: 112000,
    },
    {
      description: 'Comprehensive metabolic panel',
      serviceDate: '2026-10-02',
      code: '80053',
      chargeCents: 31000,
      insurancePaidCents: 12000,
      adjustmentCents: 8000,
      youOweCents: 11000,
    },
    {
      description: 'Chest X-ray, two views',
      serviceDate: '2026-10-02',
      code: null,
      chargeCents: 18456,
      insurancePaidCents: 9000,
      adjustmentCents: 5000,
      youOweCents: 4456,
    },
  ],
  payments: [{ date: '2026-11-01', label: 'Payment, Visa ending 4242', amountCents: 4000 }],
  amountCents: 127456,
  balanceCents: 123456,
  status: 'open',
};

const premium: BillDocument = {
  ...hospital,
  locale: 'es',
  kind: 'premium',
  kindLabel: 'Factura de prima',
  number: 'PR-2027-01',
  accountLabel: 'Cuenta •••• 1234',
  patientName: 'José Ramírez',
  provider: null,
  facility: null,
  visitDate: null,
  coverageStart: '2027-01-01',
  coverageEnd: '2027-01-31',
  statementDate: '2026-12-01',
  dueDate: '2026-12-10',
  lines: [
    {
      description: 'Prima mensual, plan Plata',
      serviceDate: null,
      code: null,
      chargeCents: 45250,
      insurancePaidCents: 0,
      adjustmentCents: 0,
      youOweCents: 45250,
    },
  ],
  payments: [],
  amountCents: 45250,
  balanceCents: 45250,
};

const workDir = mkdtempSync(join(tmpdir(), 'settle-bill-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function pdfText(pdf: Buffer, name: string): string {
  const file = join(workDir, `${name}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

describe('formatBillDate', () => {
  it('formats ISO dates for people without shifting the day', () => {
    expect(formatBillDate('2026-12-10', 'en')).toBe('December 10, 2026');
    expect(formatBillDate('2026-12-10', 'es')).toBe('10 de diciembre de 2026');
    expect(formatBillDate('2027-01-01', 'en')).toBe('January 1, 2027');
    expect(formatBillDate('2026-12-10', 'en', 'short')).toBe('Dec 10, 2026');
  });
});

describe('renderBillPdf', () => {
  it.each([hospital, premium])('renders a PDF ($kind, $locale)', async (bill) => {
    const pdf = await renderBillPdf(bill);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it.skipIf(!hasPdftotext())('puts the balance, due date and services in the English bill', async () => {
    // A full account number passed by mistake in a field the renderer does not know must not be printed.
    const mistaken = { ...hospital, accountNumber: FULL_ACCOUNT_NUMBER } as BillDocument;
    const text = pdfText(await renderBillPdf(mistaken), 'hospital');
    expect(text).toContain('Hospital bill HB-1002345');
    expect(text).toContain('Amount you owe');
    expect(text).toContain('$1,234.56');
    expect(text).toContain('Due by December 10, 2026');
    expect(text).toContain('María José Núñez');
    expect(text).toContain('Account •••• 1234');
    expect(text).toContain('Valley General Hospital');
    expect(text).toContain('October 2, 2026');
    expect(text).toContain('Emergency room visit, level 4');
    expect(text).toContain('Code 99284');
    // Column headers wrap in their narrow columns, so check them word by word.
    for (const word of ['Charge', 'insurance', 'Adjustment', 'negotiated)', 'You owe'])
      expect(text).toContain(word);
    expect(text).toContain('$2,450.00');
    expect(text).toContain('$184.56');
    // Totals row: charges, insurance paid, adjustments, you owe.
    expect(text).toMatch(/Total\s+\$2,944\.56\s+\$1,190\.00\s+\$480\.00\s+\$1,274\.56/);
    expect(text).toContain('Payments and credits applied');
    expect(text).toContain('Payment, Visa ending 4242');
    expect(text).toContain('-$40.00');
    expect(text).toContain('How to pay');
    expect(text).toContain('1-800-555-0199');
    expect(text).not.toContain(FULL_ACCOUNT_NUMBER);
  });

  it.skipIf(!hasPdftotext())('masks a full account number that reaches the account label', async () => {
    const text = pdfText(
      await renderBillPdf({ ...hospital, accountLabel: `Account ${FULL_ACCOUNT_NUMBER}` }),
      'unmasked',
    );
    expect(text).not.toContain(FULL_ACCOUNT_NUMBER);
    expect(text).not.toContain('55001234');
    expect(text).toContain('Account •••• 1234');
  });

  it.skipIf(!hasPdftotext())('writes the Spanish premium invoice in Spanish', async () => {
    const text = pdfText(await renderBillPdf(premium), 'premium');
    expect(text).toContain('Factura de prima PR-2027-01');
    expect(text).toContain('Total a pagar');
    expect(text).toContain('$452.50');
    expect(text).toContain('Vence el 10 de diciembre de 2026');
    expect(text).toContain('José Ramírez');
    expect(text).toContain('Miembro');
    expect(text).toContain('Período de cobertura');
    expect(text).toContain('1 de enero de 2027 –');
    expect(text).toContain('31 de enero de 2027');
    expect(text).toContain('Cómo pagar');
    expect(text).toContain('¿Tiene preguntas sobre esta factura? Llame al 1-800-555-0199.');
    // A premium has no insurance payments or negotiated discounts to show.
    expect(text).not.toContain('Su seguro pagó');
    expect(text).not.toContain('Due by');
    expect(text).not.toContain('Amount you owe');
  });

  it.skipIf(!hasPdftotext())('continues 40 services on further pages, each numbered', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => ({
      description: `Physical therapy session ${i + 1}`,
      serviceDate: `2026-09-${String((i % 28) + 1).padStart(2, '0')}`,
      code: '97110',
      chargeCents: 15000,
      insurancePaidCents: 9000,
      adjustmentCents: 3000,
      youOweCents: 3000,
    }));
    const bill = { ...hospital, lines, payments: [], amountCents: 120000, balanceCents: 120000 };
    const text = pdfText(await renderBillPdf(bill), 'long');
    const pages = text.split('\f').filter((page) => page.trim());
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((page, index) => {
      expect(page).toContain(`Page ${index + 1} of ${pages.length}`);
      expect(page).toContain('1-800-555-0199');
    });
    for (const page of pages.slice(1)) expect(page).toContain('Hospital bill HB-1002345 (continued)');
    expect(text).toContain('Physical therapy session 40');
    expect(text).toContain('$1,200.00');
  });

  it.skipIf(!hasPdftotext())('shows a paid bill as paid in full', async () => {
    const paid: BillDocument = {
      ...hospital,
      payments: [{ date: '2026-11-20', label: 'Payment, Visa ending 4242', amountCents: 127456 }],
      balanceCents: 0,
      status: 'paid',
    };
    const text = pdfText(await renderBillPdf(paid), 'paid');
    expect(text).toContain('Paid in full');
    expect(text).not.toContain('Due by');
    expect(text).not.toContain('How to pay');

    const pagada = pdfText(await renderBillPdf({ ...premium, balanceCents: 0, status: 'paid' }), 'pagada');
    expect(pagada).toContain('Pagada');
    expect(pagada).not.toContain('Vence el');
  });

  it.skipIf(!hasPdftotext())('marks a void bill as void', async () => {
    const text = pdfText(await renderBillPdf({ ...hospital, status: 'void' }), 'void');
    expect(text).toContain('Void');
    expect(text).not.toContain('Due by');
  });
});
