/** A signed-in member's accounts: the dashboard, bills and bill PDFs, payments and receipts. */
import { findRegion } from '../../config';
import type { Deps, RequestContext } from '../../deps';
import { isBillOwed } from '../../domain/payment-rules';
import { AppError } from '../../errors';
import { renderBillPdf } from '../../platform/pdf/bill';
import { auditRow, recordAudit } from '../audit/audit.service';
import { type MemberSession, requireStepUp } from '../auth/auth.service';
import {
  type BillListItem,
  billKindLabel,
  findBillAccount,
  listBillsForAccounts,
  loadBillViews,
} from '../bills/bills.service';
import type { IdempotentResult, IdempotentWork } from '../idempotency/idempotency.service';
import { listBillAdjustments } from '../intake/intake-bills.service';
import {
  getPaymentOnAccounts,
  listPaymentsOnBill,
  type PaymentListItem,
  renderReceiptOnAccounts,
} from '../payments/payment-history.service';
import { paidOnIn } from '../payments/payment-views.service';
import { payBills } from '../payments/payments.service';
import { rememberPaidMethod, savedMethodToken } from '../wallet/wallet.service';
import type {
  BillSummary,
  DashboardView,
  MemberBillDetailView,
  MemberBillsQuery,
  MemberPaymentBody,
} from './members.schema';
import * as store from './members.store';

function toBillSummary(b: BillListItem): BillSummary {
  const { accountId: _accountId, ...summary } = b;
  return summary;
}

/**
 * What is due and what was paid on every account the member is responsible for: their own and
 * those of the people they pay for (a child, a family plan's dependents), grouped by person.
 */
export async function getDashboard(
  deps: Deps,
  session: MemberSession,
  ctx: RequestContext,
): Promise<DashboardView> {
  const rows = await store.listBillsForGuarantor(deps.db, session.actor.personId, session.view.planType);
  const accountIds = [...new Set(rows.map((r) => r.account_id))];
  // The other reads and the audit row of this view (bills.view) in one statement.
  const { at: _at, ...audit } = auditRow({
    actor: session.actor,
    ctx,
    action: 'bills.view',
    result: 'success',
    resourceType: 'dashboard',
    detail: { bills: rows.length, accounts: accountIds.length },
    at: new Date(),
  });
  const extras = await store.readDashboardExtrasAndAudit(deps.db, accountIds, 5, audit);
  const payments: PaymentListItem[] = extras.payments.map((p) => ({
    id: p.id,
    confirmationNumber: p.confirmation_number,
    status: p.status,
    amountCents: Number(p.amount_cents),
    paidOn: paidOnIn(deps, p.region_id, new Date(p.created_ms)),
    method: { type: p.method_type, brand: p.method_brand, last4: p.method_last4 },
    bills: p.bills.map((b) => ({ billId: b.bill_id, number: b.number })),
  }));
  const bankRetries = extras.waiting.map((r) => ({
    id: r.id,
    amountCents: Number(r.amount_cents),
    presentOn: r.present_on,
    method: { type: 'bank' as const, brand: null, last4: r.method_last4 },
  }));
  const credits = -extras.credit_total;
  const bills = rows.map((r) => ({
    bill: {
      id: r.id,
      kind: r.kind,
      number: r.number,
      patientName: r.patient_name,
      provider: r.provider,
      visitDate: r.visit_date,
      coverageStart: r.coverage_start,
      coverageEnd: r.coverage_end,
      statementDate: r.statement_date,
      dueDate: r.due_date,
      amountCents: r.amount_cents,
      balanceCents: r.balance_cents,
      status: r.status,
      paymentInProgress: r.payment_in_progress === true,
    } satisfies BillSummary,
    personId: r.person_id ?? r.account_id,
    personName: r.person_first_name
      ? `${r.person_first_name} ${r.person_last_name}`
      : `${r.holder_first_name} ${r.holder_last_name}`,
  }));
  const open = bills.filter(({ bill }) => isBillOwed(bill.status, bill.balanceCents));
  const groups = new Map<string, DashboardView['people'][number]>();
  for (const { bill, personId, personName } of open) {
    const group = groups.get(personId) ?? {
      personId,
      name: personName,
      isMember: personId === session.actor.personId,
      totalDueCents: 0,
      bills: [],
    };
    group.totalDueCents += bill.balanceCents;
    group.bills.push(bill);
    groups.set(personId, group);
  }
  const people = [...groups.values()].sort((a, b) =>
    a.isMember !== b.isMember ? (a.isMember ? -1 : 1) : a.name.localeCompare(b.name),
  );
  const recentBills = bills
    .map(({ bill }) => bill)
    .sort((a, b) => (a.statementDate === b.statementDate ? 0 : a.statementDate > b.statementDate ? -1 : 1))
    .slice(0, 5);
  return {
    member: session.view.member,
    totalDueCents: open.reduce((sum, { bill }) => sum + bill.balanceCents, 0),
    nextDueDate: open.reduce<string | null>(
      (min, { bill }) => (min === null || bill.dueDate < min ? bill.dueDate : min),
      null,
    ),
    people,
    recentPayments: payments,
    bankRetries,
    recentBills,
    creditsCents: Math.max(0, credits),
  };
}

/**
 * The one account these bills are on, which the member must be responsible for: a bill on any other
 * account is the same 404 as one that does not exist; bills of several people are paid separately.
 */
export async function accountOfBills(
  deps: Deps,
  session: MemberSession,
  billIds: readonly string[],
): Promise<string> {
  const accounts = await responsibleAccounts(deps, session);
  const bills = await Promise.all(billIds.map((id) => findBillAccount(deps.db, id)));
  const accountIds = new Set<string>();
  for (const bill of bills) {
    if (!bill || !accounts.has(bill.account_id))
      throw new AppError('not_found', { detail: 'Bill not found' });
    accountIds.add(bill.account_id);
  }
  const [accountId] = [...accountIds];
  if (!accountId || accountIds.size > 1) {
    throw new AppError('validation_failed', {
      detail: 'Pay the bills of one person at a time.',
      errors: [
        { field: 'billIds', code: 'several_accounts', message: 'Choose bills for one person at a time' },
      ],
    });
  }
  return accountId;
}

/** The accounts a member may see and pay, with who each is for. */
export async function responsibleAccounts(deps: Deps, session: MemberSession) {
  const accounts = await store.listResponsibleAccounts(
    deps.db,
    session.actor.personId,
    session.view.planType,
  );
  return new Map(
    accounts.map((a) => [
      a.id,
      {
        ...a,
        personName: a.person_first_name
          ? `${a.person_first_name} ${a.person_last_name}`
          : `${a.holder_first_name} ${a.holder_last_name}`,
      },
    ]),
  );
}

interface BillCursor {
  s: string;
  n: string;
}

function decodeCursor(cursor: string | undefined): BillCursor | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<BillCursor>;
    if (typeof parsed.s === 'string' && typeof parsed.n === 'string') return { s: parsed.s, n: parsed.n };
  } catch {
    // fall through
  }
  throw new AppError('validation_failed', {
    errors: [{ field: 'cursor', code: 'invalid', message: 'Start again from the first page' }],
  });
}

/** Newest statement first, then bill number: the order of the bills list and its cursor. */
function newestFirst(
  a: { statementDate: string; number: string },
  b: { statementDate: string; number: string },
) {
  if (a.statementDate !== b.statementDate) return a.statementDate > b.statementDate ? -1 : 1;
  return a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
}

/** The member's bills (every account they are responsible for), filtered and a page at a time. */
export async function listMemberBills(
  deps: Deps,
  session: MemberSession,
  query: MemberBillsQuery,
  ctx: RequestContext,
): Promise<{ bills: (BillSummary & { personName: string })[]; nextCursor: string | null }> {
  const after = decodeCursor(query.cursor);
  const accounts = await responsibleAccounts(deps, session);
  const bills = (await listBillsForAccounts(deps.db, [...accounts.keys()]))
    .filter((b) => {
      if (query.status === 'open' && !isBillOwed(b.status, b.balanceCents)) return false;
      if (query.status === 'paid' && b.status !== 'paid') return false;
      if (query.kind && b.kind !== query.kind) return false;
      if (query.from && b.statementDate < query.from) return false;
      if (query.to && b.statementDate > query.to) return false;
      return true;
    })
    .sort(newestFirst)
    .filter((b) => !after || newestFirst(b, { statementDate: after.s, number: after.n }) > 0);
  const page = bills.slice(0, query.limit);
  const last = page[page.length - 1];
  await recordAudit(deps.db, {
    actor: session.actor,
    ctx,
    action: 'bills.view',
    result: 'success',
    resourceType: 'bill_list',
    detail: { bills: page.length },
  });
  return {
    bills: page.map((b) => ({
      ...toBillSummary(b),
      personName: accounts.get(b.accountId)?.personName ?? b.patientName,
    })),
    nextCursor:
      bills.length > query.limit && last
        ? Buffer.from(JSON.stringify({ s: last.statementDate, n: last.number })).toString('base64url')
        : null,
  };
}

/** One bill with its line items and the payments applied to it; the same 404 for a bill that is not theirs. */
export async function getMemberBill(
  deps: Deps,
  session: MemberSession,
  billId: string,
  ctx: RequestContext,
): Promise<MemberBillDetailView> {
  const accounts = await responsibleAccounts(deps, session);
  const found = await findBillAccount(deps.db, billId);
  const account = found ? accounts.get(found.account_id) : undefined;
  if (!found || !account) {
    await recordAudit(deps.db, {
      actor: session.actor,
      ctx,
      action: 'bill.view',
      result: 'failure',
      resourceType: 'bill',
      resourceId: billId,
    });
    throw new AppError('not_found', { detail: 'Bill not found' });
  }
  const [[view], payments] = await Promise.all([
    loadBillViews(deps.db, account.id, [billId]),
    listPaymentsOnBill(deps, billId),
  ]);
  if (!view) throw new AppError('not_found', { detail: 'Bill not found' });
  await recordAudit(deps.db, {
    actor: session.actor,
    ctx,
    action: 'bill.view',
    result: 'success',
    accountId: account.id,
    resourceType: 'bill',
    resourceId: billId,
  });
  return {
    ...view,
    personName: account.personName,
    maskedAccountNumber: `••••${account.account_number.slice(-4)}`,
    payments,
  };
}

/**
 * Pays one or several bills of one account the member is responsible for (their own, or a child's),
 * through the payments core. The receipt goes to the member's email unless they name another.
 */
export async function payAsMember(
  deps: Deps,
  session: MemberSession,
  body: MemberPaymentBody,
  ctx: RequestContext,
  idempotency: IdempotentWork,
): Promise<IdempotentResult> {
  // Saving a new method to the wallet is a wallet change: it needs a recent code, as adding one does.
  if (body.saveMethod) requireStepUp(deps, session);
  const accountId = await accountOfBills(deps, session, body.billIds);
  if ((body.paymentToken === undefined) === (body.paymentMethodId === undefined)) {
    throw new AppError('validation_failed', {
      errors: [
        {
          field: 'paymentToken',
          code: 'one_method',
          message: 'Choose one of your saved payment methods or enter a new one',
        },
      ],
    });
  }
  const regionId = session.view.member.regionId;
  let token: string;
  if (body.paymentMethodId) {
    token = await savedMethodToken(deps, session.actor, regionId, body.paymentMethodId);
  } else {
    token = body.paymentToken ?? '';
    // Saved at the processor before the charge, so the charge does not use the token up.
    if (body.saveMethod && !idempotency.resumeResourceId) {
      await deps.processor.attachPaymentMethod(token, session.actor.memberId);
    }
  }
  const result = await payBills(deps, {
    actor: session.actor,
    ctx,
    channel: 'member',
    accountId,
    billIds: body.billIds,
    amountCents: body.amountCents,
    paymentToken: token,
    payerEmail: body.email ?? session.view.member.email,
    bankAuthorization: body.bankAuthorization ?? null,
    idempotency,
  });
  if (body.saveMethod && body.paymentToken && result.status === 201) {
    await rememberPaidMethod(deps, session.actor, token, body.saveMethod.nickname ?? null);
  }
  return result;
}

export async function getMemberPayment(deps: Deps, session: MemberSession, paymentId: string) {
  return getPaymentOnAccounts(deps, new Set((await responsibleAccounts(deps, session)).keys()), paymentId);
}

export async function renderMemberReceipt(
  deps: Deps,
  session: MemberSession,
  paymentId: string,
  locale: 'en' | 'es',
) {
  const accountIds = new Set((await responsibleAccounts(deps, session)).keys());
  return renderReceiptOnAccounts(deps, session.actor, accountIds, paymentId, locale);
}

/** The bill as a PDF, rendered now from what the database holds (and audited as a document view). */
export async function renderMemberBill(
  deps: Deps,
  session: MemberSession,
  billId: string,
  locale: 'en' | 'es',
  ctx: RequestContext,
): Promise<{ filename: string; pdf: Buffer }> {
  const bill = await getMemberBill(deps, session, billId, ctx);
  const org = deps.config.organization;
  const region = findRegion(deps.config, session.view.member.regionId);
  // Adjustments (intake) are listed with the payments and credits, so the lines' total, what was
  // applied and the balance add up on paper.
  const adjustments = await listBillAdjustments(deps.db, billId);
  const adjusted = adjustments.reduce((sum, a) => sum + a.amountCents, 0);
  const applied = [
    ...bill.payments.map((p) => ({
      date: p.paidOn,
      label: `${locale === 'es' ? 'Pago' : 'Payment'} ${p.confirmationNumber}`,
      amountCents: p.amountCents,
    })),
    ...adjustments.map((a) => ({
      date: paidOnIn(deps, session.view.member.regionId, a.at),
      label: `${locale === 'es' ? 'Ajuste' : 'Adjustment'}: ${a.reason}`,
      amountCents: -a.amountCents,
    })),
  ].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const pdf = await renderBillPdf({
    locale,
    organization: {
      name: org.name,
      addressLines: region?.mailingAddress ?? org.mailingAddress,
      phone: region?.phone ?? org.support.phone,
      accentColor: org.branding.accentColor,
    },
    kind: bill.kind,
    kindLabel: billKindLabel(bill.kind, locale),
    number: bill.number,
    accountLabel: `${locale === 'es' ? 'Cuenta' : 'Account'} ${bill.maskedAccountNumber}`,
    patientName: bill.personName,
    provider: bill.provider,
    facility: bill.facility,
    visitDate: bill.visitDate,
    coverageStart: bill.coverageStart,
    coverageEnd: bill.coverageEnd,
    statementDate: bill.statementDate,
    dueDate: bill.dueDate,
    lines: bill.lines,
    payments: applied,
    amountCents: bill.amountCents - adjusted,
    balanceCents: bill.balanceCents,
    status: bill.status,
  });
  await recordAudit(deps.db, {
    actor: session.actor,
    ctx,
    action: 'document.view',
    result: 'success',
    resourceType: 'bill_pdf',
    resourceId: billId,
  });
  return { filename: `bill-${bill.number}.pdf`, pdf };
}
