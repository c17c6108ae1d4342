import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from './mailer';

interface ReceivedMail {
  from: string | undefined;
  recipients: string[];
  raw: string;
}

const received: ReceivedMail[] = [];

const server = new SMTPServer({
  secure: false,
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', callback);
    stream.on('end', () => {
      received.push({
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
        recipients: session.envelope.rcptTo.map((address) => address.address),
        raw: Buffer.concat(chunks).toString('utf8'),
      });
      callback();
    });
  },
});

let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The header block of a raw message, with folded lines joined. */
function headersOf(raw: string): Map<string, string> {
  const block = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const headers = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

describe('createSmtpMailer', () => {
  it('delivers a message with a PDF attachment over SMTP', async () => {
    const mailer = createSmtpMailer({
      url: `smtp://127.0.0.1:${port}`,
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
