import { sql } from 'kysely';
import type { Clock } from '../../clock';
import { toDate } from '../../clock';
import type { Db } from '../../db';
import { randomBytes } from '../../ids';
import {
  type RefundFailureCode,
  type RefundOutcome,
  type RefundRequest,
  refundFailureMessages,
} from '../processor';

/**
 * The sandbox's refunds, as a processor keeps them: one per idempotency key (a repeat is answered from
 * the record), never more of a charge than its amount less its earlier refunds, only of a charge that
 * succeeded and, for a bank debit, settled and was not returned. A card refund succeeds at once; a bank
 * refund is an ACH credit that stays pending for the settlement delay, then succeeds.
 */
export async function recordSandboxRefund(
  db: Db,
  clock: Clock,
  request: RefundRequest,
  settlementSeconds: number,
): Promise<RefundOutcome> {
  const now = clock.now();
  await db.transaction().execute(async (trx) => {
    // The charge's row serializes its refunds; the sum below is read after the lock is granted.
    const charge = await trx
      .selectFrom('sandbox_charges')
      .select(['id', 'token_id', 'amount_cents', 'status', 'return_code', 'settles_at'])
      .where('id', '=', request.chargeId)
      .forUpdate()
      .executeTakeFirst();
    const earlier = await trx
      .selectFrom('sandbox_refunds')
      .select('id')
      .where('idempotency_key', '=', request.idempotencyKey)
      .executeTakeFirst();
    if (earlier) return;
    const token = charge
      ? await trx
          .selectFrom('sandbox_tokens')
          .select('kind')
          .where('id', '=', charge.token_id)
          .executeTakeFirst()
      : undefined;
    const bank = token?.kind === 'bank';
    let failure: RefundFailureCode | null = null;
    if (!charge) failure = 'charge_not_refundable';
    else if (charge.status !== 'succeeded') failure = 'charge_not_refundable';
    else if (bank && (!charge.settles_at || charge.settles_at > toDate(now) || charge.return_code)) {
      // A debit not settled yet may still come back; a returned one has nothing to give back.
      failure = 'charge_not_refundable';
    } else {
      const taken = await trx
        .selectFrom('sandbox_refunds')
        .select(sql<number>`coalesce(sum(amount_cents), 0)::bigint`.as('total'))
        .where('charge_id', '=', charge.id)
        .where('status', '<>', 'failed')
        .executeTakeFirstOrThrow();
      if (Number(taken.total) + request.amountCents > Number(charge.amount_cents))
        failure = 'amount_too_large';
    }
    await trx
      .insertInto('sandbox_refunds')
      .values({
        id: `re_${randomBytes(12).toString('base64url')}`,
        idempotency_key: request.idempotencyKey,
        charge_id: request.chargeId,
        amount_cents: request.amountCents,
        currency: request.currency,
        reason: request.reason,
        status: failure ? 'failed' : bank ? 'pending' : 'succeeded',
        failure_code: failure,
        settles_at: !failure && bank ? toDate(now.add({ seconds: settlementSeconds })) : null,
        created_at: toDate(now),
      })
      // A concurrent request under the same key recorded it first: answered from its record below.
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .execute();
  });
  const outcome = await findSandboxRefund(db, clock, request.idempotencyKey);
  if (!outcome) throw new Error(`sandbox refund ${request.idempotencyKey} was not recorded`);
  return outcome;
}

/** The refund recorded under a key, as it stands now (a bank refund succeeds once its delay is over). */
export async function findSandboxRefund(
  db: Db,
  clock: Clock,
  idempotencyKey: string,
): Promise<RefundOutcome | null> {
  const row = await db
    .selectFrom('sandbox_refunds')
    .select(['id', 'status', 'failure_code', 'settles_at'])
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  if (!row) return null;
  if (row.status === 'failed') {
    const code = (row.failure_code ?? 'charge_not_refundable') as RefundFailureCode;
    return { status: 'failed', refundId: row.id, code, message: refundFailureMessages[code] };
  }
  const settled =
    row.status === 'succeeded' ||
    (row.settles_at !== null && row.settles_at.getTime() <= clock.now().epochMilliseconds);
  return { status: settled ? 'succeeded' : 'pending', refundId: row.id };
}
