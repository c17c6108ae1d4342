/**
 * Voids and adjustments of bills from intake. Each is a ledger posting against the bill's receivable
 * and a version in its history, made under the bill's row lock so no payment attempt slips between
 * the check and the change (an attempt locks the same row: payments.store insertAttempt).
 */
import type { Actor, Deps, RequestContext } from '../../deps';
import { billAfterAmountChange, voidRefusal } from '../../domain/bill-changes';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import type { Db } from '../../platform/db';
import {
  type IdempotentResponse,
  type IdempotentWork,
  runIdempotent,
} from '../idempotency/idempotency.service';
import { postBillAmountChange } from '../ledger/ledger.service';
import { actorParts, inIntakeTransaction, notFound } from './intake.common';
import * as store from './intake.store';
import type { BillWriteView } from './intake-bills.schema';
import {
  auditBillChange,
  billRecordOf,
  billWriteView,
  lockBill,
  refusalOf,
  versionRow,
} from './intake-bills.service';
import * as billStore from './intake-bills.store';
import { recordBillEvent } from './intake-events';

export interface VoidBillOptions {
  externalId: string;
  reason: string;
  actor: Actor;
  ctx: RequestContext | null;
}

function voidError(bill: { void_reason: string | null }): AppError {
  return new AppError('bill_void', {
    detail: `This bill was voided (${bill.void_reason ?? 'no reason given'}); it cannot change any more.`,
  });
}

/**
 * Voids the bill: what was left on it is taken off (a ledger posting), it no longer shows as owed, and
 * its history keeps why. Voiding a void bill changes nothing. Refused when anything was paid on it
 * (bill_below_paid: refund first) or a payment for it is in progress (payment_in_progress).
 */
export async function voidBill(deps: Deps, opts: VoidBillOptions): Promise<BillWriteView> {
  const now = toDate(deps.clock.now());
  return inIntakeTransaction(deps, async (trx) => {
    const { bill, latest } = await lockBill(trx, opts.externalId);
    if (bill.status === 'void') return { result: 'unchanged', bill: await billRecordOf(trx, bill, latest) };
    const refusal = voidRefusal({
      amountCents: bill.amount_cents,
      balanceCents: bill.balance_cents,
      inProgressCents: await billStore.liveShareOnBill(trx, bill.id),
    });
    if (refusal) throw refusalOf({ ok: false, refusal });
    const postingId =
      bill.balance_cents === 0
        ? null
        : await postBillAmountChange(trx, {
            accountId: bill.account_id,
            billId: bill.id,
            amountCents: -bill.balance_cents,
            memo: `bill voided: ${opts.reason}`,
            at: now,
          });
    await billStore.updateBill(trx, bill.id, {
      status: 'void',
      balance_cents: 0,
      void_reason: opts.reason,
      updated_at: now,
    });
    await billStore.insertVersion(
      trx,
      versionRow(bill, latest.version + 1, {
        change: 'voided',
        content: latest.content,
        amountChangeCents: -bill.balance_cents,
        amountCents: 0,
        reason: opts.reason,
        postingId,
        actor: opts.actor,
        at: now,
      }),
    );
    await auditBillChange(trx, opts, 'voided', bill.account_id, { amountChangeCents: -bill.balance_cents });
    const voided = await billWriteView(trx, opts.externalId, 'voided');
    await recordBillEvent(trx, {
      type: 'bill.voided',
      billId: bill.id,
      accountId: bill.account_id,
      bill: voided.bill,
      amountChangeCents: -bill.balance_cents,
      at: now,
    });
    return voided;
  });
}

export interface AdjustBillOptions {
  externalId: string;
  /** Negative takes off what is owed, positive adds to it; never 0. */
  amountCents: number;
  reason: string;
  /** The caller's Idempotency-Key: the same key again answers the first adjustment's answer. */
  idempotencyKey: string | undefined;
  actor: Actor;
  ctx: RequestContext | null;
}

async function adjustUnderLock(
  deps: Deps,
  trx: Db,
  opts: AdjustBillOptions,
  idempotency: IdempotentWork,
): Promise<BillWriteView> {
  const now = toDate(deps.clock.now());
  const { bill, latest } = await lockBill(trx, opts.externalId);
  if (bill.status === 'void') throw voidError(bill);
  const after = billAfterAmountChange(
    {
      amountCents: bill.amount_cents,
      balanceCents: bill.balance_cents,
      inProgressCents: await billStore.liveShareOnBill(trx, bill.id),
    },
    bill.amount_cents + opts.amountCents,
  );
  if (!after.ok) throw refusalOf(after, 'amountCents');
  const version = versionRow(bill, latest.version + 1, {
    change: 'adjusted',
    content: latest.content,
    amountChangeCents: opts.amountCents,
    amountCents: after.amountCents,
    reason: opts.reason,
    postingId: null,
    actor: opts.actor,
    at: now,
  });
  // The key is claimed in the transaction that makes the adjustment: it exists exactly when that does.
  await store.insertIdempotencyClaim(trx, idempotency.claimRow(version.id));
  const postingId = await postBillAmountChange(trx, {
    accountId: bill.account_id,
    billId: bill.id,
    amountCents: opts.amountCents,
    memo: `bill adjusted: ${opts.reason}`,
    at: now,
  });
  await billStore.updateBill(trx, bill.id, {
    amount_cents: after.amountCents,
    balance_cents: after.balanceCents,
    status: after.status,
    updated_at: now,
  });
  await billStore.insertVersion(trx, { ...version, posting_id: postingId });
  await auditBillChange(trx, opts, 'adjusted', bill.account_id, { amountChangeCents: opts.amountCents });
  const adjusted = await billWriteView(trx, opts.externalId, 'adjusted');
  await recordBillEvent(trx, {
    type: 'bill.adjusted',
    billId: bill.id,
    accountId: bill.account_id,
    bill: adjusted.bill,
    amountChangeCents: opts.amountCents,
    at: now,
  });
  return adjusted;
}

/**
 * Adjusts what the bill asks for by `amountCents` with a reason (a ledger posting and a version).
 * Requires an Idempotency-Key: a replay answers the first answer, the same key with another body is a
 * 422. Refused: a void bill, an amount below what has been paid (bill_below_paid), less left than a
 * payment in progress will take (payment_in_progress), or nothing left to ask for (void it instead).
 */
export function adjustBill(
  deps: Deps,
  opts: AdjustBillOptions,
): Promise<IdempotentResponse & { replayed: boolean }> {
  const actor = actorParts(opts.actor);
  return runIdempotent(
    deps,
    {
      // Keys are the caller's: one API key's never meet another's.
      scope: `intake:${actor.type}:${actor.id ?? ''}`,
      key: opts.idempotencyKey,
      request: { externalId: opts.externalId, amountCents: opts.amountCents, reason: opts.reason },
    },
    async (idempotency) => {
      if (idempotency.resumeResourceId) {
        // The process that made this adjustment died before storing its answer: answer with the bill now.
        const made = await billStore.findVersionById(deps.db, idempotency.resumeResourceId);
        if (!made) throw notFound('adjustment', idempotency.resumeResourceId);
        return { status: 200, body: await billWriteView(deps.db, opts.externalId, 'adjusted') };
      }
      const body = await inIntakeTransaction(deps, (trx) => adjustUnderLock(deps, trx, opts, idempotency));
      return { status: 200, body };
    },
  );
}
