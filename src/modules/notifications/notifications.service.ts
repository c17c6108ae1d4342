import type { AttachmentRef, OutboxEmail } from '../../db/schema';
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
}

/**
 * Puts an email in the outbox inside the caller's transaction, so it exists exactly when the state
 * change it reports does. The worker delivers it (SMTP) or it waits for /dev/mailbox in development.
 */
export async function queueEmail(trx: Db, opts: QueueEmailOptions): Promise<string> {
  const id = newId();
  await store.insertOutboxEmail(trx, {
    id,
    account_id: opts.accountId,
    kind: opts.kind,
    to_address: opts.to,
    subject: opts.subject,
    text_body: opts.text,
    html_body: opts.html,
    attachment_ref: opts.attachmentRef ? JSON.stringify(opts.attachmentRef) : null,
    status: 'pending',
  });
  return id;
}

export type AttachmentRenderer = (email: OutboxEmail) => Promise<MailMessage['attachments']>;

/** Sends due outbox emails through SMTP; a failure is retried with back-off, then marked failed. */
export async function deliverOutbox(
  deps: Deps,
  renderAttachments: AttachmentRenderer,
  limit = 20,
): Promise<{ sent: number; failed: number }> {
  const mailer = deps.mailer;
  if (!mailer) return { sent: 0, failed: 0 };
  let sent = 0;
  let failed = 0;
  await deps.db.transaction().execute(async (trx) => {
    const now = toDate(deps.clock.now());
    const due = await store.claimDueEmails(trx, now, limit);
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
        await store.markEmailSent(trx, email.id, result.messageId, now);
        sent++;
      } catch (err) {
        const backoffSeconds = Math.min(30 * 2 ** email.attempts, 3600);
        await store.markEmailRetry(
          trx,
          email.id,
          (err as Error).message,
          toDate(deps.clock.now().add({ seconds: backoffSeconds })),
          email.attempts + 1 >= MAX_ATTEMPTS,
        );
        deps.logger.warn({ emailId: email.id, err: (err as Error).message }, 'email delivery failed');
        failed++;
      }
    }
  });
  return { sent, failed };
}

export function listMailbox(deps: Deps, limit = 50) {
  return store.listRecentEmails(deps.db, limit);
}

export function findMailboxEmail(deps: Deps, id: string) {
  return store.findEmail(deps.db, id);
}
