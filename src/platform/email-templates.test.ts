import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  type ReceiptEmailInput,
  type RefundEmailInput,
  receiptEmail,
  refundEmail,
} from './email-templates';

const input: ReceiptEmailInput = {
  locale: 'en',
  organizationName: 'Valley Health Plan',
  confirmationNumber: 'K7Q2M-9XH4P-T',
  amountCents: 18240,
  methodLabel: 'Visa ending 4242',
  paidAt: 'November 23, 2026, 2:05 PM PST',
  bills: [
    { description: 'Hospital bill', number: 'HB-1002345', amountCents: 12000 },
    { description: 'Lab work', number: 'LB-77812', amountCents: 6240 },
  ],
  supportPhone: '1-800-555-0199',
};

describe('receiptEmail', () => {
  it('writes an English receipt with subject, text and accessible HTML', () => {
    const email = receiptEmail(input);
    expect(email.subject).toBe('Your payment to Valley Health Plan: confirmation K7Q2M-9XH4P-T');

    expect(email.text).toContain('Payment received');
    expect(email.text).toContain('Valley Health Plan received your payment of $182.40.');
    expect(email.text).toContain('Confirmation number: K7Q2M-9XH4P-T');
    expect(email.text).toContain('Payment method: Visa ending 4242');
    expect(email.text).toContain('- Hospital bill (HB-1002345): $120.00');
    expect(email.text).toContain('Total paid: $182.40');
    expect(email.text).toContain('Call 1-800-555-0199.');

    expect(email.html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(email.html).toContain('<caption');
    expect(email.html).toContain('<th scope="col"');
    expect(email.html).toContain('$62.40');
    expect(email.html).toContain('href="tel:18005550199"');
    expect(email.html).not.toContain('<img');
  });

  it('writes a Spanish receipt', () => {
    const email = receiptEmail({
      ...input,
      locale: 'es',
      methodLabel: 'Cuenta de cheques terminada en 6789',
      paidAt: '23 de noviembre de 2026, 2:05 p. m. PST',
      bills: [{ description: 'Factura del hospital', number: 'HB-1002345', amountCents: 18240 }],
    });
    expect(email.subject).toBe('Su pago a Valley Health Plan: confirmación K7Q2M-9XH4P-T');
    expect(email.text).toContain('Pago recibido');
    expect(email.text).toContain('Gracias. Valley Health Plan recibió su pago de $182.40.');
    expect(email.text).toContain('Número de confirmación: K7Q2M-9XH4P-T');
    expect(email.text).toContain('Método de pago: Cuenta de cheques terminada en 6789');
    expect(email.text).toContain('Total pagado: $182.40');
    expect(email.text).toContain('¿Tiene preguntas sobre este pago? Llame al 1-800-555-0199.');
    expect(email.html).toContain('<html lang="es">');
    expect(email.html).toContain('Facturas pagadas');
    expect(email.html).not.toContain('Payment received');
  });

  it('escapes every interpolated value in the HTML', () => {
    const hostile = '<script>alert("x")</script>';
    const email = receiptEmail({
      ...input,
      organizationName: `Tom & Jerry's ${hostile}`,
      confirmationNumber: '<b>K7Q2M</b>',
      methodLabel: `Visa ${hostile}`,
      paidAt: `"${hostile}"`,
      bills: [{ description: hostile, number: `<i>HB</i>`, amountCents: 100 }],
      supportPhone: `555 ${hostile}`,
    });
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<b>K7Q2M');
    expect(email.html).not.toContain('<i>HB');
    expect(email.html).toContain('Tom &amp; Jerry&#39;s &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(email.html).toContain('&lt;b&gt;K7Q2M&lt;/b&gt;');
    // The plain-text part is not HTML, so it keeps the characters as they are.
    expect(email.text).toContain("Tom & Jerry's");
  });

  it('keeps a subject on one line and never shows a full card number', () => {
    const email = receiptEmail({
      ...input,
      organizationName: 'Valley\r\nBcc: attacker@example.com',
      methodLabel: 'Visa 4242 4242 4242 4242',
    });
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.text).not.toContain('4242 4242');
    expect(email.html).not.toContain('4242 4242');
    expect(email.text).toContain('Payment method: Visa ****4242');
  });

  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('refundEmail', () => {
  const refund: RefundEmailInput = {
    locale: 'en',
    organizationName: 'Valley Health Plan',
    confirmationNumber: 'K7Q2M-9XH4P-T',
    amountCents: 3000,
    destination: 'original_method',
    methodLabel: 'Visa ending 4242',
    refundedAt: 'November 24, 2026, 9:00 AM PST',
    bills: [{ description: 'Lab work', number: 'LB-77812', amountCents: 3000 }],
    supportPhone: '1-800-555-0199',
  };

  it('says where the money goes back to and which bills owe it again', () => {
    const email = refundEmail(refund);
    expect(email.subject).toBe('Your refund from Valley Health Plan: $30.00');
    expect(email.text).toContain(
      'Valley Health Plan is refunding $30.00 of your payment to your Visa ending 4242.',
    );
    expect(email.text).toContain('Payment confirmation number: K7Q2M-9XH4P-T');
    expect(email.text).toContain('Bills with this amount to pay again:');
    expect(email.text).toContain('- Lab work (LB-77812): $30.00');
    expect(email.html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(email.html).toContain('<caption');
    expect(email.html).toContain('href="tel:18005550199"');
  });

  it('tells of a credit kept on the account, in Spanish too, with no bills to pay', () => {
    const credit = refundEmail({ ...refund, destination: 'account_credit', locale: 'es' });
    expect(credit.subject).toBe('Un crédito de $30.00 en su cuenta de Valley Health Plan');
    expect(credit.text).toContain('guardó $30.00 de su pago como crédito en su cuenta');
    expect(credit.text).toContain('Reembolsado a: Crédito en su cuenta');
    expect(credit.text).not.toContain('LB-77812');
    expect(credit.text).not.toContain('4242');
  });

  it('escapes what it is given and never carries a long number', () => {
    const email = refundEmail({
      ...refund,
      organizationName: '<script>x</script>',
      methodLabel: 'Visa 4242 4242 4242 4242',
    });
    expect(email.html).not.toContain('<script>');
    expect(email.text).not.toContain('4242 4242 4242 4242');
    expect(email.html).not.toContain('4242 4242 4242 4242');
  });
});
