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
  const row = outboxRow(opts);
  await store.insertOutboxEmail(trx, row);
  return row.id;
}

export type AttachmentRenderer = (email: OutboxEmail) => Promise<MailMessage['attachments']>;

/** How long a claimed email stays hidden from other workers while this one sends it. */
const SEND_LEASE_SECONDS = 300;

/**
 * Sends due outbox emails through SMTP; a failure is retried with back-off, then marked failed.
 * Emails are claimed in a short transaction that pushes them out by a lease, then sent outside any
 * transaction: rendering a receipt reads the database (PGlite has a single connection, so a held
 * transaction would wait on itself forever) and SMTP must not hold locks. A worker that dies mid-send
 * leaves its emails to be retried when the lease ends.
 */
export async function deliverOutbox(
  deps: Deps,
  renderAttachments: AttachmentRenderer,
  limit = 20,
): Promise<{ sent: number; failed: number }> {
  const mailer = deps.mailer;
  if (!mailer) return { sent: 0, failed: 0 };
  let sent = 0;
  let failed = 0;
  const now = deps.clock.now();
  const due = await deps.db.transaction().execute(async (trx) => {
    const rows = await store.claimDueEmails(trx, toDate(now), limit);
    await store.leaseEmails(
      trx,
      rows.map((r) => r.id),
      toDate(now.add({ seconds: SEND_LEASE_SECONDS })),
    );
    return rows;
  });
  for (const email of due) {
    try {
      const attachments = await renderAttachments(email);
      const result = await mailer.send({
        to: email.to_address,
        subject: email.subject,
        text: email.text_body,
        html: email.html_body,
        ...(attachments && attachments.length > 0 ? { attachments } : {}),
      });
      await store.markEmailSent(deps.db, email.id, result.messageId, toDate(now));
      sent++;
    } catch (err) {
      const backoffSeconds = Math.min(30 * 2 ** email.attempts, 3600);
      await store.markEmailRetry(
        deps.db,
        email.id,
        (err as Error).message,
        toDate(deps.clock.now().add({ seconds: backoffSeconds })),
        email.attempts + 1 >= MAX_ATTEMPTS,
      );
      deps.logger.warn({ emailId: email.id, err: (err as Error).message }, 'email delivery failed');
      failed++;
    }
  }
  return { sent, failed };
}

export function listMailbox(deps: Deps, limit = 50) {
  return store.listRecentEmails(deps.db, limit);
}

export function findMailboxEmail(deps: Deps, id: string) {
  return store.findEmail(deps.db, id);
}
