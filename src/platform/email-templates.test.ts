import { describe, expect, it } from 'vitest';
import { escapeHtml, type ReceiptEmailInput, receiptEmail } from './email-templates';

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
