import type { Temporal } from 'temporal-polyfill';
import type { Actor, Deps, RequestContext } from '../../deps';
import { cardBrandLabel } from '../../domain/cards';
import { todayIn } from '../../domain/dates';
import { methodRefusal } from '../../domain/payment-rules';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import type { PaymentMethodDetails } from '../../platform/processors/processor';
import { recordAudit } from '../audit/audit.service';
import type { AddPaymentMethodBody, PaymentMethodView, UpdatePaymentMethodBody } from './wallet.schema';
import * as store from './wallet.store';

/** A card whose expiry month ends within this many days is flagged. */
const EXPIRES_SOON_DAYS = 60;

type MemberActor = Extract<Actor, { type: 'member' }>;
type MethodRow = Awaited<ReturnType<typeof store.listMethods>>[number];

/** The last day a card with this expiry can be used (cards expire at the end of the month). */
function lastUsableDay(today: Temporal.PlainDate, month: number, year: number): Temporal.PlainDate {
  return today.with({ year, month: 1, day: 1 }).with({ month }).with({ day: 31 });
}

interface Expiry {
  expired: boolean;
  expiresSoon: boolean;
}

function expiryOn(today: Temporal.PlainDate, expMonth: number, expYear: number): Expiry {
  const last = lastUsableDay(today, expMonth, expYear);
  const expired = today.until(last).sign < 0;
  return {
    expired,
    expiresSoon: !expired && today.until(last, { largestUnit: 'days' }).days <= EXPIRES_SOON_DAYS,
  };
}

/**
 * `expiries` remembers each expiry month's answer for `today`, for callers that view many methods at
 * once (the autopay run: date arithmetic per card was about 5 % of its app time).
 */
function toView(
  row: MethodRow,
  today: Temporal.PlainDate,
  expiries?: Map<string, Expiry>,
): PaymentMethodView {
  let expired = false;
  let expiresSoon = false;
  if (row.kind === 'card' && row.exp_month && row.exp_year) {
    const key = `${today}|${row.exp_month}|${row.exp_year}`;
    let expiry = expiries?.get(key);
    if (!expiry) {
      expiry = expiryOn(today, row.exp_month, row.exp_year);
      expiries?.set(key, expiry);
    }
    ({ expired, expiresSoon } = expiry);
  }
  return {
    id: row.id,
    kind: row.kind,
    nickname: row.nickname,
    brand: row.brand,
    last4: row.last4,
    expMonth: row.exp_month,
    expYear: row.exp_year,
    bankAccountType: row.bank_account_type,
    holderName: row.holder_name,
    isDefault: row.is_default,
    expiresSoon,
    expired,
    blocked: row.blocked_at !== null,
  };
}

function today(deps: Deps, regionId: string): Temporal.PlainDate {
  const tz = deps.config.organization.regions.find((r) => r.id === regionId)?.timeZone ?? 'UTC';
  return todayIn(tz, deps.clock.now());
}

export async function listWallet(
  deps: Deps,
  actor: MemberActor,
  regionId: string,
): Promise<PaymentMethodView[]> {
  const rows = await store.listMethods(deps.db, actor.memberId);
  const day = today(deps, regionId);
  return rows.map((r) => toView(r, day));
}

function notFound(): AppError {
  return new AppError('not_found', { detail: 'Payment method not found' });
}

/** Refuses a method the organization does not take (a brand it does not accept, bank when it takes none). */
export function checkAcceptedMethod(deps: Deps, method: PaymentMethodDetails): void {
  const payments = deps.config.organization.payments;
  const refusal = methodRefusal(payments, method);
  if (refusal?.code === 'brand_not_accepted') {
    const accepted = payments.acceptedCardBrands.map((b) => cardBrandLabel(b)).join(', ');
    throw new AppError('payment_method_invalid', {
      detail: `We accept ${accepted}. ${cardBrandLabel(refusal.brand)} cards cannot be used.`,
      errors: [{ field: 'paymentToken', code: 'brand_not_accepted', message: `We accept ${accepted}` }],
    });
  }
  if (refusal?.code === 'bank_not_accepted') {
    throw new AppError('payment_method_invalid', { detail: 'Bank account payments are not accepted.' });
  }
}

/**
 * Saves a processor token as a reusable method of the member (attached at the processor) and lists
 * it in their wallet; the first method, or one asked to be, becomes the default.
 */
export async function addPaymentMethod(
  deps: Deps,
  actor: MemberActor,
  regionId: string,
  body: AddPaymentMethodBody,
  ctx: RequestContext,
): Promise<PaymentMethodView> {
  const method = await deps.processor.retrievePaymentMethod(body.paymentToken);
  if (!method) {
    throw new AppError('payment_method_invalid', {
      detail: 'This payment method has expired or was already used. Enter it again.',
      errors: [{ field: 'paymentToken', code: 'unknown_token', message: 'Enter your payment details again' }],
    });
  }
  checkAcceptedMethod(deps, method);
  const methodId = await deps.processor.attachPaymentMethod(body.paymentToken, actor.memberId);
  if (!methodId) {
    throw new AppError('payment_method_invalid', {
      detail: 'This payment method has expired or was already used. Enter it again.',
    });
  }
  const now = toDate(deps.clock.now());
  const id = newId();
  await deps.db.transaction().execute(async (trx) => {
    const existing = await store.listMethods(trx, actor.memberId);
    const makeDefault = body.makeDefault || existing.length === 0;
    if (makeDefault) await store.clearDefault(trx, actor.memberId, now);
    await store.insertMethod(trx, {
      id,
      member_id: actor.memberId,
      kind: method.kind,
      processor: deps.processor.name,
      processor_method_id: methodId,
      nickname: body.nickname ?? null,
      brand: method.kind === 'card' ? method.brand : null,
      last4: method.last4,
      exp_month: method.kind === 'card' ? method.expMonth : null,
      exp_year: method.kind === 'card' ? method.expYear : null,
      bank_account_type: method.kind === 'bank' ? method.accountType : null,
      holder_name: method.kind === 'bank' ? method.holderName : null,
      is_default: makeDefault,
      created_at: now,
      updated_at: now,
      removed_at: null,
    });
  });
  await recordAudit(deps.db, {
    actor,
    ctx,
    action: 'wallet.add',
    result: 'success',
    resourceType: 'payment_method',
    resourceId: id,
    detail: { kind: method.kind },
  });
  const row = await store.findMethod(deps.db, actor.memberId, id);
  if (!row) throw notFound();
  return toView(row, today(deps, regionId));
}

export async function updatePaymentMethod(
  deps: Deps,
  actor: MemberActor,
  regionId: string,
  methodId: string,
  body: UpdatePaymentMethodBody,
  ctx: RequestContext,
): Promise<PaymentMethodView> {
  const now = toDate(deps.clock.now());
  const row = await deps.db.transaction().execute(async (trx) => {
    const found = await store.findMethod(trx, actor.memberId, methodId);
    if (!found) throw notFound();
    if (body.makeDefault) await store.clearDefault(trx, actor.memberId, now);
    await store.updateMethod(trx, actor.memberId, methodId, {
      ...(body.nickname !== undefined ? { nickname: body.nickname } : {}),
      ...(body.makeDefault ? { is_default: true } : {}),
      updated_at: now,
    });
    return store.findMethod(trx, actor.memberId, methodId);
  });
  if (!row) throw notFound();
  await recordAudit(deps.db, {
    actor,
    ctx,
    action: 'wallet.update',
    result: 'success',
    resourceType: 'payment_method',
    resourceId: methodId,
    detail: { nickname: body.nickname !== undefined, makeDefault: body.makeDefault === true },
  });
  return toView(row, today(deps, regionId));
}

/** Removes a method from the wallet and from the processor; payments already made keep their record. */
export async function removePaymentMethod(
  deps: Deps,
  actor: MemberActor,
  methodId: string,
  ctx: RequestContext,
): Promise<void> {
  const found = await store.findMethod(deps.db, actor.memberId, methodId);
  if (!found) throw notFound();
  const now = toDate(deps.clock.now());
  await store.updateMethod(deps.db, actor.memberId, methodId, {
    removed_at: now,
    is_default: false,
    updated_at: now,
  });
  await deps.processor.detachPaymentMethod(found.processor_method_id);
  await recordAudit(deps.db, {
    actor,
    ctx,
    action: 'wallet.remove',
    result: 'success',
    resourceType: 'payment_method',
    resourceId: methodId,
  });
}

/** The processor id to charge for one of the member's saved methods; an expired card is refused. */
/** One of the member's saved methods as the wallet shows it, with its processor token; null when removed. */
export async function findSavedMethod(
  deps: Deps,
  memberId: string,
  regionId: string,
  methodId: string,
): Promise<{ view: PaymentMethodView; token: string } | null> {
  const row = await store.findMethod(deps.db, memberId, methodId);
  return row ? { view: toView(row, today(deps, regionId)), token: row.processor_method_id } : null;
}

/** findSavedMethod for many methods at once: each found method of the member named with it, by method id. */
export async function findSavedMethods(
  deps: Deps,
  wanted: readonly { memberId: string; regionId: string; methodId: string }[],
): Promise<Map<string, { view: PaymentMethodView; token: string }>> {
  const rows = new Map(
    (
      await store.findMethodsByIds(
        deps.db,
        wanted.map((w) => w.methodId),
      )
    ).map((r) => [r.id, r]),
  );
  const found = new Map<string, { view: PaymentMethodView; token: string }>();
  const days = new Map<string, Temporal.PlainDate>();
  const expiries = new Map<string, Expiry>();
  for (const w of wanted) {
    const row = rows.get(w.methodId);
    if (!row || row.member_id !== w.memberId) continue;
    let day = days.get(w.regionId);
    if (!day) {
      day = today(deps, w.regionId);
      days.set(w.regionId, day);
    }
    found.set(w.methodId, { view: toView(row, day, expiries), token: row.processor_method_id });
  }
  return found;
}

/** The processor token of a saved method the member may pay with now (not removed, not expired). */
export async function savedMethodToken(
  deps: Deps,
  actor: MemberActor,
  regionId: string,
  methodId: string,
): Promise<string> {
  return (await usableSavedMethod(deps, actor.memberId, regionId, methodId)).token;
}

/** A saved method to pay with: refused when it is not the member's, was removed or has expired. */
export async function usableSavedMethod(
  deps: Deps,
  memberId: string,
  regionId: string,
  methodId: string,
  /** The member is authorizing debits again: a bank account blocked by a return may be used. */
  options: { reauthorizing?: boolean } = {},
): Promise<{ view: PaymentMethodView; token: string }> {
  const found = await findSavedMethod(deps, memberId, regionId, methodId);
  if (!found) {
    throw new AppError('not_found', {
      detail: 'Payment method not found',
      errors: [
        { field: 'paymentMethodId', code: 'not_found', message: 'Choose one of your payment methods' },
      ],
    });
  }
  if (found.view.expired) {
    throw new AppError('payment_method_invalid', {
      detail: 'This card has expired. Add your new card or choose another method.',
      errors: [{ field: 'paymentMethodId', code: 'expired_card', message: 'This card has expired' }],
    });
  }
  if (found.view.blocked && !options.reauthorizing) {
    throw new AppError('payment_method_invalid', {
      detail:
        'A payment from this bank account was returned by the bank. Choose another method, or authorize debits from it again.',
      errors: [
        {
          field: 'paymentMethodId',
          code: 'bank_returned',
          message: 'Your bank returned a payment from this account',
        },
      ],
    });
  }
  return found;
}

/** Lists a token the member just paid with (already attached at the processor) in their wallet. */
export async function rememberPaidMethod(
  deps: Deps,
  actor: MemberActor,
  token: string,
  nickname: string | null,
): Promise<void> {
  const method = await deps.processor.retrievePaymentMethod(token);
  if (!method) return;
  const now = toDate(deps.clock.now());
  await deps.db.transaction().execute(async (trx) => {
    const existing = await store.listMethods(trx, actor.memberId);
    if (existing.some((m) => m.processor_method_id === token)) return;
    await store.insertMethod(trx, {
      id: newId(),
      member_id: actor.memberId,
      kind: method.kind,
      processor: deps.processor.name,
      processor_method_id: token,
      nickname,
      brand: method.kind === 'card' ? method.brand : null,
      last4: method.last4,
      exp_month: method.kind === 'card' ? method.expMonth : null,
      exp_year: method.kind === 'card' ? method.expYear : null,
      bank_account_type: method.kind === 'bank' ? method.accountType : null,
      holder_name: method.kind === 'bank' ? method.holderName : null,
      is_default: existing.length === 0,
      created_at: now,
      updated_at: now,
      removed_at: null,
    });
  });
}

/**
 * Blocks saved bank accounts whose debit came back closed (R02), unknown (R03) or unauthorized (R05,
 * R07, R10): nothing is debited from them until the member authorizes again. Idempotent, so a worker
 * that dies between a return and its block leaves it to the next pass. Returns the blocked method ids.
 */
export async function blockReturnedBankMethods(deps: Deps): Promise<string[]> {
  return store.blockReturnedBankMethods(deps.db, toDate(deps.clock.now()));
}

/** The member authorized debits from a blocked bank account again. */
export async function unblockMethod(db: Db, memberId: string, methodId: string, now: Date): Promise<void> {
  await store.updateMethod(db, memberId, methodId, {
    blocked_at: null,
    blocked_reason: null,
    unblocked_at: now,
  });
}
