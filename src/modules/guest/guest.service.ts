import { findRegion } from '../../config';
import type { Actor, Deps, RequestContext } from '../../deps';
import { AppError } from '../../errors';
import { toDate } from '../../platform/clock';
import { newId, newSecretToken, sha256 } from '../../platform/ids';
import { hitRateLimits } from '../../platform/rate-limit';
import { recordAudit } from '../audit/audit.service';
import { loadBillViews } from '../bills/bills.service';
import type { GuestBillsView, GuestLookupBody, GuestSessionView } from './guest.schema';
import * as store from './guest.store';

/** However active, a guest finds the bill again after this long. */
const MAX_GUEST_SESSION_MINUTES = 60;
const LOOKUP_LIMIT_PER_IP = { limit: 20, windowSeconds: 600 };
const LOOKUP_LIMIT_PER_ACCOUNT = { limit: 8, windowSeconds: 600 };

export type GuestActor = Extract<Actor, { type: 'guest' }>;

function digitsOnly(s: string): string {
  return s.replace(/[\s-]/g, '');
}

function normalizeName(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/[^\p{L}]/gu, '')
    .toLowerCase();
}

function maskAccountNumber(n: string): string {
  return `••••${n.slice(-4)}`;
}

function notFound(): AppError {
  return new AppError('bill_not_found', {
    detail: 'Check the numbers on your bill and try again. If they are right, call us.',
  });
}

/**
 * Finds a bill from the numbers printed on it and opens a short guest session limited to that
 * account's open bills. Every mismatch (unknown account, wrong ZIP, wrong invoice or name, wrong
 * region) gets the same answer after the same queries, so the endpoint cannot tell anyone whether
 * an account number exists.
 */
export async function lookupGuestBills(
  deps: Deps,
  body: GuestLookupBody,
  ctx: RequestContext,
): Promise<GuestSessionView> {
  const accountNumber = digitsOnly(body.accountNumber);
  await hitRateLimits(deps.db, deps.clock, [
    { bucket: `lookup:ip:${ctx.ip ?? 'unknown'}`, ...LOOKUP_LIMIT_PER_IP },
    { bucket: `lookup:account:${sha256(accountNumber)}`, ...LOOKUP_LIMIT_PER_ACCOUNT },
  ]);

  const region = findRegion(deps.config, body.regionId);
  const account = await store.findAccountForLookup(deps.db, accountNumber, body.regionId, body.kind);
  let matches = false;
  if (body.kind === 'medical') {
    const zip = digitsOnly(body.postalCode).slice(0, 5);
    matches = !!account && /^\d{5}$/.test(zip) && account.postal_code === zip;
  } else {
    const invoice = await store.findPremiumInvoice(
      deps.db,
      body.invoiceNumber.replace(/\s/g, '').toUpperCase(),
    );
    matches =
      !!account &&
      invoice?.account_id === account.id &&
      normalizeName(account.holder_last_name) === normalizeName(body.lastName);
  }
  const allowed = region?.guestPayment[body.kind] === true;
  const actor: Actor = { type: 'system', name: 'guest-lookup' };

  if (!account || !matches || !allowed) {
    await recordAudit(deps.db, {
      actor,
      ctx,
      action: 'guest.lookup',
      result: 'failure',
      detail: { kind: body.kind, regionId: body.regionId, accountLast4: accountNumber.slice(-4) },
    });
    throw notFound();
  }

  const openBills = await store.listOpenBillIds(deps.db, account.id);
  const billIds = openBills.map((b) => b.id);
  const token = newSecretToken();
  const sessionId = newId();
  const expiresAt = deps.clock.now().add({ minutes: deps.config.guestSessionMinutes });
  await store.insertGuestSession(deps.db, {
    id: sessionId,
    token_hash: sha256(token),
    account_id: account.id,
    bill_ids: billIds,
    ip: ctx.ip,
    created_at: toDate(deps.clock.now()),
    expires_at: toDate(expiresAt),
  });
  await recordAudit(deps.db, {
    actor: { type: 'guest', sessionId, accountId: account.id, billIds },
    ctx,
    action: 'guest.lookup',
    result: 'success',
    accountId: account.id,
    detail: { kind: body.kind, regionId: body.regionId, bills: billIds.length },
  });
  return {
    sessionToken: token,
    expiresAt: expiresAt.toString(),
    account: {
      kind: account.kind,
      regionId: account.region_id,
      maskedAccountNumber: maskAccountNumber(account.account_number),
      holderName: `${account.holder_first_name.charAt(0)}. ${account.holder_last_name}`,
    },
    bills: await loadBillViews(deps.db, account.id, billIds),
  };
}

/** Resolves a bearer token to its guest; expired and unknown tokens are the same 401. */
export async function authenticateGuest(deps: Deps, token: string | undefined): Promise<GuestActor> {
  if (!token) throw new AppError('unauthenticated', { detail: 'Find your bill again to continue.' });
  const now = deps.clock.now();
  const session = await store.findLiveGuestSession(deps.db, sha256(token), toDate(now));
  if (!session)
    throw new AppError('unauthenticated', { detail: 'Your session has ended. Find your bill again.' });
  // Activity keeps the session alive (the time-out warning's "Stay" relies on it), up to a hard cap.
  const idleExpiry = now.add({ minutes: deps.config.guestSessionMinutes }).epochMilliseconds;
  const cap = session.created_at.getTime() + MAX_GUEST_SESSION_MINUTES * 60_000;
  const extended = Math.min(idleExpiry, cap);
  if (extended - session.expires_at.getTime() > 60_000) {
    await store.extendGuestSession(deps.db, session.id, new Date(extended));
  }
  return { type: 'guest', sessionId: session.id, accountId: session.account_id, billIds: session.bill_ids };
}

export async function getGuestBills(deps: Deps, actor: GuestActor): Promise<GuestBillsView> {
  const session = await store.findGuestSessionWithAccount(deps.db, actor.sessionId);
  if (!session) throw new AppError('unauthenticated');
  return {
    expiresAt: session.expires_at.toISOString(),
    account: {
      kind: session.kind,
      regionId: session.region_id,
      maskedAccountNumber: maskAccountNumber(session.account_number),
      holderName: `${session.holder_first_name.charAt(0)}. ${session.holder_last_name}`,
    },
    bills: await loadBillViews(deps.db, actor.accountId, actor.billIds),
  };
}

export async function endGuestSession(deps: Deps, actor: GuestActor): Promise<void> {
  await store.deleteGuestSession(deps.db, actor.sessionId);
}
