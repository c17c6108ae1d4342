import type { Insertable } from 'kysely';
import type { AttachmentRef, OutboxEmail, OutboxEmailsTable } from '../../db/schema';
import type { Deps } from '../../deps';
import { toDate } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import type { MailMessage } from '../../platform/mailer';
import * as store from './notifications.store';

const MAX_ATTEMPTS = 8;

export interface QueueEmailOptions {
  accountId: string | null;
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachmentRef?: AttachmentRef;
  /** The app clock's now: the worker compares next_attempt_at with that clock, not the database's. */
  now: Date;
}

/** The outbox row for an email, for a caller that writes it as part of a larger statement. */
export function outboxRow(opts: QueueEmailOptions): Insertable<OutboxEmailsTable> {
  return {
    id: newId(),
    account_id: opts.accountId,
    kind: opts.kind,
    to_address: opts.to,
    subject: opts.subject,
    text_body: opts.text,
    html_body: opts.html,
    attachment_ref: opts.attachmentRef ?? null,
    status: 'pending',
    attempts: 0,
    next_attempt_at: opts.now,
    last_error: null,
    message_id: null,
    created_at: opts.now,
    sent_at: null,
  };
}

/**
 * Puts an email in the outbox inside the caller's transaction, so it exists exactly when the state
 * change it reports does. The worker delivers it (SMTP) or it waits for /dev/mailbox in development.
 */
export async function queueEmail(trx: Db, opts: QueueEmailOptions): Promise<string> {
  return queueEmailRow(trx, outboxRow(opts));
}

/** queueEmail for a row built by the caller (outboxRow, referenceEmailRow). */
export async function queueEmailRow(trx: Db, row: Insertable<OutboxEmailsTable>): Promise<string> {
  await store.insertOutboxEmail(trx, row);
  return row.id;
}

/**
 * The outbox row of an email whose subject and bodies are rendered from what it refers to when it is
 * sent (a payment receipt: `{ receiptPaymentId, locale }`), not stored.
 */
export function referenceEmailRow(opts: {
  accountId: string | null;
  kind: string;
  to: string;
  ref: AttachmentRef & { receiptPaymentId: string };
  now: Date;
}): Insertable<OutboxEmailsTable> {
  return {
    ...outboxRow({ ...opts, subject: '', text: '', html: '', attachmentRef: opts.ref }),
    subject: null,
    text_body: null,
    html_body: null,
  };
}

/** What an email says, and carries, when it is sent. */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
  attachments?: MailMessage['attachments'];
}

/**
 * An outbox row as it is sent: its stored subject and bodies, or what it refers to rendered now; with
 * the attachments it refers to when `attachments` is set. Composed where the modules that own what
 * emails refer to are known (worker.ts, app.ts).
 */
export type EmailRenderer = (email: OutboxEmail, options: { attachments: boolean }) => Promise<EmailContent>;

/** The stored content of an email queued with its text, or null for one queued by reference. */
export function storedContent(email: OutboxEmail): EmailContent | null {
  if (email.subject === null || email.text_body === null || email.html_body === null) return null;
  return { subject: email.subject, text: email.text_body, html: email.html_body };
}

/** How long a claimed message stays hidden from other workers while this one sends it. */
const SEND_LEASE_SECONDS = 300;

/**
 * Sends due messages of one outbox; a failure is retried with back-off, then marked failed.
 * Messages are claimed in a short transaction that pushes them out by a lease, then sent outside any
 * transaction: rendering a receipt reads the database (PGlite has a single connection, so a held
 * transaction would wait on itself forever) and a provider call must not hold locks. A worker that
 * dies mid-send leaves its messages to be retried when the lease ends.
 */
async function deliverDue<T extends store.OutboxTable>(
  deps: Deps,
  table: T,
  limit: number,
  send: (message: store.OutboxRow<T>) => Promise<{ messageId: string }>,
): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  const now = deps.clock.now();
  const due = await deps.db.transaction().execute(async (trx) => {
    const rows = await store.claimDue(trx, table, toDate(now), limit);
    await store.lease(
      trx,
      table,
      rows.map((r) => r.id),
      toDate(now.add({ seconds: SEND_LEASE_SECONDS })),
    );
    return rows;
  });
  for (const message of due) {
    try {
      const result = await send(message);
      await store.markSent(deps.db, table, message.id, result.messageId, toDate(now));
      sent++;
    } catch (err) {
      const backoffSeconds = Math.min(30 * 2 ** message.attempts, 3600);
      await store.markRetry(
        deps.db,
        table,
        message.id,
        (err as Error).message,
        toDate(deps.clock.now().add({ seconds: backoffSeconds })),
        message.attempts + 1 >= MAX_ATTEMPTS,
      );
      deps.logger.warn({ table, messageId: message.id, err: (err as Error).message }, 'delivery failed');
      failed++;
    }
  }
  return { sent, failed };
}

/** Sends due outbox emails through SMTP, rendering now what they refer to (a receipt and its PDF). */
export async function deliverOutbox(
  deps: Deps,
  render: EmailRenderer,
  limit = 20,
): Promise<{ sent: number; failed: number }> {
  const mailer = deps.mailer;
  if (!mailer) return { sent: 0, failed: 0 };
  return deliverDue(deps, 'outbox_emails', limit, async (email) => {
    const { attachments, ...content } = await render(email, { attachments: true });
    return mailer.send({
      to: email.to_address,
      ...content,
      ...(attachments && attachments.length > 0 ? { attachments } : {}),
    });
  });
}

export interface QueueTextOptions {
  accountId: string | null;
  memberId: string | null;
  kind: string;
  /** E.164. */
  to: string;
  body: string;
  now: Date;
}

/** Puts a text in the outbox inside the caller's transaction; the worker sends it (Twilio). */
export async function queueText(trx: Db, opts: QueueTextOptions): Promise<string> {
  const id = newId();
  await store.insertOutboxText(trx, {
    id,
    account_id: opts.accountId,
    member_id: opts.memberId,
    kind: opts.kind,
    to_number: opts.to,
    body: opts.body,
    status: 'pending',
    attempts: 0,
    next_attempt_at: opts.now,
    last_error: null,
    message_id: null,
    created_at: opts.now,
    sent_at: null,
  });
  return id;
}

/** Sends due texts through the configured provider; without one they wait for /dev/texts. */
export async function deliverTexts(deps: Deps, limit = 20): Promise<{ sent: number; failed: number }> {
  const texter = deps.texter;
  if (!texter) return { sent: 0, failed: 0 };
  return deliverDue(deps, 'outbox_texts', limit, (text) =>
    texter.send({ to: text.to_number, body: text.body }),
  );
}

export function listTexts(deps: Deps, limit = 50) {
  return store.listRecentTexts(deps.db, limit);
}

export function listMailbox(deps: Deps, limit = 50) {
  return store.listRecentEmails(deps.db, limit);
}

export function findMailboxEmail(deps: Deps, id: string) {
  return store.findEmail(deps.db, id);
}
