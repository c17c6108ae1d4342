import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatReceiptMoney, type ReceiptDocument, renderReceiptPdf } from './receipt';

function hasPdftotext(): boolean {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const english: ReceiptDocument = {
  locale: 'en',
  organization: {
    name: 'Valley Health Plan',
    addressLines: ['PO Box 1234', 'San José, CA 95101'],
    phone: '1-800-555-0199',
    accentColor: '#0b6e4f',
  },
  confirmationNumber: 'K7Q2M-9XH4P-T',
  paidAt: 'November 23, 2026, 2:05\u202fPM PST',
  amountCents: 18240,
  method: { label: 'Visa ending 4242' },
  payerName: 'María José Núñez',
  accountLabel: 'Account •••• 1234',
  bills: [
    { description: 'Hospital bill', number: 'HB-1002345', amountCents: 12000 },
    { description: 'Lab work', number: 'LB-77812', amountCents: 6240 },
  ],
  status: 'Payment received',
};

const spanish: ReceiptDocument = {
  ...english,
  locale: 'es',
  paidAt: '23 de noviembre de 2026, 2:05 p. m. PST',
  method: { label: 'Cuenta de cheques terminada en 6789' },
  accountLabel: 'Cuenta •••• 1234',
  bills: [
    { description: 'Factura del hospital', number: 'HB-1002345', amountCents: 12000 },
    { description: 'Análisis de laboratorio', number: 'LB-77812', amountCents: 6240 },
  ],
  status: 'Pago recibido',
};

const workDir = mkdtempSync(join(tmpdir(), 'settle-receipt-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function pdfText(pdf: Buffer, name: string): string {
  const file = join(workDir, `${name}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

describe('renderReceiptPdf', () => {
  it('formats money as US dollars in both languages', () => {
    expect(formatReceiptMoney(18240, 'en')).toBe('$182.40');
    expect(formatReceiptMoney(123456789, 'es')).toBe('$1,234,567.89');
  });

  it.each([english, spanish])('renders a PDF ($locale)', async (receipt) => {
    const pdf = await renderReceiptPdf(receipt);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it.skipIf(!hasPdftotext())(
    'puts the confirmation number, bills and total in the English text',
    async () => {
      const text = pdfText(await renderReceiptPdf(english), 'en');
      expect(text).toContain('Payment receipt');
      expect(text).toContain('K7Q2M-9XH4P-T');
      expect(text).toContain('$182.40');
      expect(text).toContain('$120.00');
      expect(text).toContain('HB-1002345');
      expect(text).toContain('Keep this receipt for your records.');
      expect(text).toContain('1-800-555-0199');
      // Accented names and the narrow space Intl puts before "PM" survive the standard font.
      expect(text).toContain('María José Núñez');
      expect(text).toContain('2:05 PM PST');
    },
  );

  it.skipIf(!hasPdftotext())('writes the Spanish receipt in Spanish', async () => {
    const text = pdfText(await renderReceiptPdf(spanish), 'es');
    expect(text).toContain('Recibo de pago');
    expect(text).toContain('Número de confirmación');
    expect(text).toContain('K7Q2M-9XH4P-T');
    expect(text).toContain('Análisis de laboratorio');
    expect(text).toContain('Total pagado');
    expect(text).toContain('$182.40');
    expect(text).toContain('¿Tiene preguntas sobre este pago?');
    expect(text).not.toContain('Payment receipt');
  });

  it.skipIf(!hasPdftotext())(
    'continues a long list of bills on further pages, each with the footer',
    async () => {
      const bills = Array.from({ length: 30 }, (_, i) => ({
        description: `Clinic visit ${i + 1}`,
        number: `CV-${1000 + i}`,
        amountCents: 1000,
      }));
      const text = pdfText(await renderReceiptPdf({ ...english, bills, amountCents: 30000 }), 'long');
      const pages = text.split('\f').filter((page) => page.trim());
      expect(pages.length).toBeGreaterThan(1);
      pages.forEach((page, index) => {
        expect(page).toContain(`Page ${index + 1} of ${pages.length}`);
        expect(page).toContain('1-800-555-0199');
      });
      expect(text).toContain('CV-1029');
      expect(text).toContain('$300.00');
    },
  );
});
