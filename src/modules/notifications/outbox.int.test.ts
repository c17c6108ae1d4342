import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/app';
import { createMedicalAccount, lookupMedical, pay, tokenizeCard } from '../../../test/factories';
import { headersOf, type ReceivedMail, startSmtpServer, type TestSmtpServer } from '../../../test/smtp';
import { toDate } from '../../platform/clock';
import { deliverEmails } from '../../worker';

const received: ReceivedMail[] = [];

/** RFC 2047 encoded words (=?UTF-8?B?…?= and =?UTF-8?Q?…?=), as nodemailer writes non-ASCII headers. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_h, hex: string) =>
                String.fromCharCode(Number.parseInt(hex, 16)),
              ),
            'latin1',
          ).toString('utf8'),
    );
}

interface Attachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** The attachments of a multipart message (one level of nesting is enough for ours). */
function attachmentsOf(raw: string): Attachment[] {
  const found: Attachment[] = [];
  const walk = (block: string) => {
    const headers = headersOf(block);
    const contentType = headers.get('content-type') ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
    if (boundary) {
      const parts = block.split(`--${boundary}`).slice(1, -1);
      for (const part of parts) walk(part.replace(/^\r?\n/, ''));
      return;
    }
    const disposition = headers.get('content-disposition') ?? '';
    if (!/^attachment/i.test(disposition)) return;
    const extended = /filename\*=(?:utf-8|UTF-8)''([^;]+)/.exec(disposition)?.[1];
    const plain = /filename="?([^";]+)"?/.exec(disposition)?.[1];
    const filename = extended ? decodeURIComponent(extended) : decodeWords(plain ?? '');
    const body = block
      .split(/\r?\n\r?\n/)
      .slice(1)
      .join('\n\n');
    found.push({
      filename,
      contentType: contentType.split(';')[0]?.trim() ?? '',
      content: Buffer.from(body.replace(/\s+/g, ''), 'base64'),
    });
  };
  walk(raw);
  return found;
}

function mailTo(address: string): ReceivedMail[] {
  return received.filter((m) => m.recipients.includes(address));
}

let smtp: TestSmtpServer;
let t: TestApp;

beforeAll(async () => {
  smtp = await startSmtpServer(received);
  t = await buildTestApp({
    config: { smtpUrl: `smtp://127.0.0.1:${smtp.port}` },
    // Behind the wall clock on purpose: the outbox must run on the app's clock, not the database's now().
    now: '2026-03-02T17:00:00Z',
  });
});

afterAll(async () => {
  await t?.close();
  await smtp?.stop();
});

async function paidPayment(opts: { email?: string; locale?: 'en' | 'es'; card?: string } = {}) {
  const account = await createMedicalAccount(t.deps, { amounts: [6_400] });
  const session = await lookupMedical(t.app, account);
  const res = await pay(t.app, session.sessionToken, {
    billIds: account.billIds,
    amountCents: 6_400,
    paymentToken: await tokenizeCard(t.app, opts.card),
    ...(opts.email ? { email: opts.email } : {}),
    ...(opts.locale ? { locale: opts.locale } : {}),
  });
  return { session, res };
}

function outboxRows(to: string) {
  return t.deps.db.selectFrom('outbox_emails').selectAll().where('to_address', '=', to).execute();
}

describe('outbox delivery over SMTP', () => {
  it('sends the receipt once, with the PDF, and marks the row sent', async () => {
    const to = 'ana.outbox@example.org';
    const { res } = await paidPayment({ email: to });
    expect(res.statusCode).toBe(201);
    const confirmation: string = res.json().confirmationNumber;

    const first = await deliverEmails(t.deps);
    expect(first).toEqual({ sent: 1, failed: 0 });

    const mails = mailTo(to);
    expect(mails).toHaveLength(1);
    const headers = headersOf(mails[0]!.raw);
    expect(headers.get('to')).toBe(to);
    expect(decodeWords(headers.get('subject') ?? '')).toContain(confirmation);
    expect(decodeWords(headers.get('subject') ?? '')).toMatch(/^Your payment to /);
    const attachments = attachmentsOf(mails[0]!.raw);
    expect(attachments).toHaveLength(1);
    expect(attachments[0]).toMatchObject({
      filename: `receipt-${confirmation}.pdf`,
      contentType: 'application/pdf',
    });
    expect(attachments[0]!.content.subarray(0, 5).toString()).toBe('%PDF-');
    // Card numbers never travel by email, in the body or the receipt.
    expect(mails[0]!.raw).not.toContain('4242424242424242');

    const [row] = await outboxRows(to);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    // Queued by reference: the words were rendered from the payment when it was sent, not stored.
    expect(row).toMatchObject({ subject: null, text_body: null, html_body: null });
    expect(row!.attachment_ref).toMatchObject({ receiptPaymentId: res.json().id, locale: 'en' });
    expect(mails[0]!.raw).toContain(confirmation);
    expect(row!.message_id).toMatch(/^<.+@.+>$/);
    expect(row!.sent_at?.getTime()).toBe(t.clock.now().epochMilliseconds);

    const again = await deliverEmails(t.deps);
    expect(again).toEqual({ sent: 0, failed: 0 });
    expect(mailTo(to)).toHaveLength(1);
  });

  it('writes the receipt in Spanish for a payment made in Spanish', async () => {
    const to = 'jose.outbox@example.org';
    const { res } = await paidPayment({ email: to, locale: 'es' });
    expect(res.statusCode).toBe(201);
    const confirmation: string = res.json().confirmationNumber;

    await deliverEmails(t.deps);
    const mails = mailTo(to);
    expect(mails).toHaveLength(1);
    const subject = decodeWords(headersOf(mails[0]!.raw).get('subject') ?? '');
    expect(subject).toBe(`Su pago a ${t.deps.config.organization.name}: confirmación ${confirmation}`);
    expect(attachmentsOf(mails[0]!.raw).map((a) => a.filename)).toEqual([`receipt-${confirmation}.pdf`]);
  });

  it('queues a second receipt to another address, and refuses one for a declined payment', async () => {
    const { session, res } = await paidPayment({ email: 'first.outbox@example.org' });
    const payment = res.json();
    const other = 'second.outbox@example.org';
    const queued = await t.app.inject({
      method: 'POST',
      url: `/api/v1/guest/payments/${payment.id}/receipt-email`,
      headers: { authorization: `Bearer ${session.sessionToken}` },
      payload: { email: other },
    });
    expect(queued.statusCode).toBe(202);
    expect(queued.json()).toEqual({ queued: true, to: other });

    expect(await deliverEmails(t.deps)).toEqual({ sent: 2, failed: 0 });
    expect(mailTo('first.outbox@example.org')).toHaveLength(1);
    const mails = mailTo(other);
    expect(mails).toHaveLength(1);
    expect(decodeWords(headersOf(mails[0]!.raw).get('subject') ?? '')).toContain(payment.confirmationNumber);
    expect(attachmentsOf(mails[0]!.raw).map((a) => a.filename)).toEqual([
      `receipt-${payment.confirmationNumber}.pdf`,
    ]);

    const declined = await paidPayment({ card: '4000000000000002' });
    expect(declined.res.statusCode).toBe(402);
    const refused = await t.app.inject({
      method: 'POST',
      url: `/api/v1/guest/payments/${declined.res.json().paymentId}/receipt-email`,
      headers: { authorization: `Bearer ${declined.session.sessionToken}` },
      payload: { email: other },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('payment_not_final');
    expect(await deliverEmails(t.deps)).toEqual({ sent: 0, failed: 0 });
  });

  // Last: it stops the SMTP server the app was built with, then brings it back on the same port.
  it('retries with back-off while the SMTP server is down, and loses nothing', async () => {
    await smtp.stop();
    const to = 'down.outbox@example.org';
    const { res } = await paidPayment({ email: to });
    expect(res.statusCode).toBe(201);

    expect(await deliverEmails(t.deps)).toEqual({ sent: 0, failed: 1 });
    const [row] = await outboxRows(to);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, message_id: null });
    expect(row!.last_error).toBeTruthy();
    expect(row!.next_attempt_at.getTime()).toBeGreaterThan(t.clock.now().epochMilliseconds);

    // Not due yet: nothing is tried before the back-off ends.
    smtp = await startSmtpServer(received, smtp.port);
    expect(await deliverEmails(t.deps)).toEqual({ sent: 0, failed: 0 });
    expect(mailTo(to)).toHaveLength(0);

    t.clock.set(row!.next_attempt_at.toISOString());
    expect(await deliverEmails(t.deps)).toEqual({ sent: 1, failed: 0 });
    expect(mailTo(to)).toHaveLength(1);
    const [after] = await outboxRows(to);
    expect(after).toMatchObject({ status: 'sent', attempts: 2 });
    expect(after!.sent_at?.getTime()).toBe(toDate(t.clock.now()).getTime());
  });
});
