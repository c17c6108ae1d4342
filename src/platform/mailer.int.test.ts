import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headersOf, type ReceivedMail, startSmtpServer, type TestSmtpServer } from '../../test/smtp';
import { createSmtpMailer } from './mailer';

const received: ReceivedMail[] = [];
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await startSmtpServer(received);
});

afterAll(async () => {
  await smtp.stop();
});

describe('createSmtpMailer', () => {
  it('delivers a message with a PDF attachment over SMTP', async () => {
    const mailer = createSmtpMailer({
      url: `smtp://127.0.0.1:${smtp.port}`,
      from: 'Valley Health Plan <billing@valley.example>',
    });
    const pdf = Buffer.from('%PDF-1.3\n% test receipt\n%%EOF\n');
    try {
      const result = await mailer.send({
        to: 'maria@example.com',
        subject: 'Your payment to Valley Health Plan: confirmation K7Q2M-9XH4P-T',
        text: 'Thank you for your payment.',
        html: '<p>Thank you for your payment.</p>',
        attachments: [
          { filename: 'receipt-K7Q2M-9XH4P-T.pdf', contentType: 'application/pdf', content: pdf },
        ],
        headers: { 'X-Settle-Template': 'receipt' },
      });
      expect(result.messageId).toMatch(/^<.+@.+>$/);
    } finally {
      await mailer.close();
    }

    expect(received).toHaveLength(1);
    const mail = received[0]!;
    expect(mail.from).toBe('billing@valley.example');
    expect(mail.recipients).toEqual(['maria@example.com']);

    const headers = headersOf(mail.raw);
    expect(headers.get('to')).toBe('maria@example.com');
    expect(headers.get('subject')).toBe('Your payment to Valley Health Plan: confirmation K7Q2M-9XH4P-T');
    expect(headers.get('x-settle-template')).toBe('receipt');
    expect(headers.get('content-type')).toMatch(/^multipart\/mixed/);

    expect(mail.raw).toContain('filename=receipt-K7Q2M-9XH4P-T.pdf');
    expect(mail.raw).toContain('Content-Type: application/pdf');
    expect(mail.raw).toContain(pdf.toString('base64').slice(0, 20));
    expect(mail.raw).toContain('Content-Type: text/plain');
    expect(mail.raw).toContain('Content-Type: text/html');
  });

  it('rejects a URL that is not smtp:// or smtps://', () => {
    expect(() => createSmtpMailer({ url: 'http://127.0.0.1:25', from: 'a@example.com' })).toThrow(/smtp/);
  });
});
