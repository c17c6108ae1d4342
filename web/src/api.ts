import type { MemberSessionView, SecondFactorBody, SignInBody } from '@contract/auth/auth.schema';
import type {
  AutopayAccountView,
  AutopayBody,
  AutopayEnrollmentView,
  AutopayItemView,
} from '@contract/autopay/autopay.schema';
import type { GuestBillsView, GuestLookupBody, GuestSessionView } from '@contract/guest/guest.schema';
import type {
  DashboardView,
  MemberBillDetailView,
  MemberBillsQuery,
  MemberPaymentBody,
  ProfileUpdateBody,
  ProfileView,
  RegistrationBody,
} from '@contract/members/members.schema';
import type { OrganizationView } from '@contract/organization/organization.schema';
import type { CreateGuestPaymentBody, PaymentView } from '@contract/payments/payments.schema';
import type {
  CreateScheduledPaymentBody,
  ScheduledPaymentView,
  UpdateScheduledPaymentBody,
} from '@contract/scheduled/scheduled.schema';
import type {
  AddPaymentMethodBody,
  PaymentMethodView,
  UpdatePaymentMethodBody,
} from '@contract/wallet/wallet.schema';

/** RFC 9457 problem details as the API sends them. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code: string;
  detail?: string;
  errors?: { field: string; code: string; message: string }[];
  decline?: { code: string; message: string; retryable: boolean };
  [extension: string]: unknown;
}

/** A non-2xx answer, or no answer at all (status 0, code 'network'). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;
  readonly retryAfterSeconds: number | null;

  constructor(problem: Problem, retryAfterSeconds: number | null = null) {
    super(problem.title ?? problem.code);
    this.name = 'ApiError';
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The field paths the API named in `errors[]`. */
  fields(): string[] {
    return (this.problem.errors ?? []).map((e) => e.field);
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

interface RequestOptions {
  body?: unknown;
  token?: string | null;
  idempotencyKey?: string;
  /** The signed-in member's X-CSRF-Token, sent with every request that changes something. */
  csrfToken?: string;
  signal?: AbortSignal;
}

interface ApiResponse<T> {
  status: number;
  data: T;
}

async function readProblem(res: Response): Promise<Problem> {
  try {
    const body = (await res.json()) as Partial<Problem>;
    return { ...body, status: res.status, code: body.code ?? `http_${res.status}` };
  } catch {
    return { status: res.status, code: `http_${res.status}` };
  }
}

async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  if (options.csrfToken) headers['x-csrf-token'] = options.csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      credentials: 'same-origin',
      cache: 'no-store',
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({ status: 0, code: 'network', title: 'No connection' });
  }
  if (!res.ok) {
    const retryAfter = Number(res.headers.get('retry-after'));
    throw new ApiError(
      await readProblem(res),
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    );
  }
  return res;
}

async function json<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const res = await send(method, path, options);
  if (res.status === 204) return { status: res.status, data: undefined as T };
  return { status: res.status, data: (await res.json()) as T };
}

export type MemberBillsView = {
  bills: (DashboardView['recentBills'][number] & { personName: string })[];
  nextCursor: string | null;
};

/** Links the browser downloads itself (the session cookie goes with them). */
export const memberLinks = {
  billPdf: (billId: string, locale: 'en' | 'es') =>
    `/api/v1/member/bills/${encodeURIComponent(billId)}/bill.pdf?locale=${locale}`,
  receiptPdf: (paymentId: string, locale: 'en' | 'es') =>
    `/api/v1/member/payments/${encodeURIComponent(paymentId)}/receipt.pdf?locale=${locale}`,
};

// ---- Processor (tokenization) -------------------------------------------------------------------

export interface CardDetailsInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
  postalCode?: string;
  name?: string;
}

export interface BankDetailsInput {
  routingNumber: string;
  accountNumber: string;
  accountType: 'checking' | 'savings';
  holderName: string;
}

export type TokenizedMethod =
  | { kind: 'card'; brand: string; last4: string; expMonth: number; expYear: number }
  | { kind: 'bank'; last4: string; accountType: 'checking' | 'savings'; holderName: string };

export interface TokenizeResult {
  token: string;
  method: TokenizedMethod;
}

// ---- Public API ---------------------------------------------------------------------------------

export const api = {
  organization: () => json<OrganizationView>('GET', '/api/v1/organization'),

  lookup: (body: GuestLookupBody) => json<GuestSessionView>('POST', '/api/v1/guest/lookups', { body }),

  bills: (token: string) => json<GuestBillsView>('GET', '/api/v1/guest/bills', { token }),

  endSession: (token: string) => json<void>('DELETE', '/api/v1/guest/session', { token }),

  pay: (token: string, idempotencyKey: string, body: CreateGuestPaymentBody) =>
    json<PaymentView>('POST', '/api/v1/guest/payments', { token, idempotencyKey, body }),

  payment: (token: string, paymentId: string) =>
    json<PaymentView>('GET', `/api/v1/guest/payments/${encodeURIComponent(paymentId)}`, { token }),

  receiptPdf: async (token: string, paymentId: string, locale: 'en' | 'es'): Promise<Blob> => {
    const res = await send(
      'GET',
      `/api/v1/guest/payments/${encodeURIComponent(paymentId)}/receipt.pdf?locale=${locale}`,
      { token },
    );
    return res.blob();
  },

  emailReceipt: (token: string, paymentId: string, email: string, locale: 'en' | 'es') =>
    json<{ queued: true; to: string }>(
      'POST',
      `/api/v1/guest/payments/${encodeURIComponent(paymentId)}/receipt-email`,
      { token, body: { email, locale } },
    ),

  // Members: the session is an HttpOnly cookie (sent by the browser, same origin); changes carry the CSRF token.

  register: (body: RegistrationBody) =>
    json<{ status: 'check_email'; email: string }>('POST', '/api/v1/member/registrations', { body }),

  verifyEmail: (token: string) =>
    json<{ verified: true }>('POST', '/api/v1/member/email-verifications', { body: { token } }),

  /** A session, or (two-step verification on) a challenge for the second factor. */
  signIn: (body: SignInBody) =>
    json<MemberSessionView | { status: 'two_step_required'; challenge: string }>(
      'POST',
      '/api/v1/member/sessions',
      { body },
    ),

  memberSession: () => json<MemberSessionView>('GET', '/api/v1/member/session'),

  refreshMemberSession: (csrfToken: string) =>
    json<MemberSessionView>('POST', '/api/v1/member/session/refresh', { csrfToken }),

  signOut: (csrfToken: string) => json<void>('DELETE', '/api/v1/member/session', { csrfToken }),

  signOutEverywhere: (csrfToken: string) => json<void>('DELETE', '/api/v1/member/sessions', { csrfToken }),

  dashboard: () => json<DashboardView>('GET', '/api/v1/member/dashboard'),

  /** The same 202 whether or not the address belongs to a member. */
  requestPasswordReset: (email: string) =>
    json<{ status: 'check_email'; email: string }>('POST', '/api/v1/member/password-resets', {
      body: { email },
    }),

  completePasswordReset: (token: string, password: string) =>
    json<{ reset: true }>('POST', '/api/v1/member/password-resets/complete', { body: { token, password } }),

  changePassword: (csrfToken: string, body: { currentPassword: string; newPassword: string }) =>
    json<{ changed: true }>('POST', '/api/v1/member/password', { csrfToken, body }),

  /** Second half of a sign-in with two-step verification on. */
  twoStepSignIn: (body: SecondFactorBody & { challenge: string }) =>
    json<MemberSessionView>('POST', '/api/v1/member/sessions/two-step', { body }),

  /** Proves the second factor again; the session cookie is replaced, so use the new CSRF token. */
  stepUp: (csrfToken: string, body: SecondFactorBody) =>
    json<MemberSessionView>('POST', '/api/v1/member/session/step-up', { csrfToken, body }),

  twoStepSetup: (csrfToken: string) =>
    json<{ secret: string; otpauthUri: string }>('POST', '/api/v1/member/two-step/setup', { csrfToken }),

  twoStepConfirm: (csrfToken: string, code: string) =>
    json<{ recoveryCodes: string[] }>('POST', '/api/v1/member/two-step/confirm', {
      csrfToken,
      body: { code },
    }),

  twoStepDisable: (csrfToken: string, password: string) =>
    json<void>('POST', '/api/v1/member/two-step/disable', { csrfToken, body: { password } }),

  memberBills: (query: Partial<MemberBillsQuery>, signal?: AbortSignal) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
    return json<MemberBillsView>('GET', `/api/v1/member/bills?${params}`, signal ? { signal } : {});
  },

  memberBill: (billId: string) =>
    json<MemberBillDetailView>('GET', `/api/v1/member/bills/${encodeURIComponent(billId)}`),

  memberPay: (csrfToken: string, idempotencyKey: string, body: MemberPaymentBody) =>
    json<PaymentView>('POST', '/api/v1/member/payments', { csrfToken, idempotencyKey, body }),

  memberPayment: (paymentId: string) =>
    json<PaymentView>('GET', `/api/v1/member/payments/${encodeURIComponent(paymentId)}`),

  paymentMethods: () => json<{ methods: PaymentMethodView[] }>('GET', '/api/v1/member/payment-methods'),

  addPaymentMethod: (
    csrfToken: string,
    body: Omit<AddPaymentMethodBody, 'makeDefault'> & { makeDefault?: boolean },
  ) => json<PaymentMethodView>('POST', '/api/v1/member/payment-methods', { csrfToken, body }),

  updatePaymentMethod: (csrfToken: string, methodId: string, body: UpdatePaymentMethodBody) =>
    json<PaymentMethodView>('PATCH', `/api/v1/member/payment-methods/${encodeURIComponent(methodId)}`, {
      csrfToken,
      body,
    }),

  removePaymentMethod: (csrfToken: string, methodId: string) =>
    json<void>('DELETE', `/api/v1/member/payment-methods/${encodeURIComponent(methodId)}`, { csrfToken }),

  profile: () => json<ProfileView>('GET', '/api/v1/member/profile'),

  updateProfile: (csrfToken: string, body: ProfileUpdateBody) =>
    json<ProfileView>('PATCH', '/api/v1/member/profile', { csrfToken, body }),

  /** A confirmation link goes to the new address; the address changes when it is used. */
  changeEmail: (csrfToken: string, email: string) =>
    json<ProfileView>('POST', '/api/v1/member/profile/email', { csrfToken, body: { email } }),

  /** Texts a new code to the mobile number waiting to be confirmed (202; 429 after 5 an hour). */
  resendMobileCode: (csrfToken: string) =>
    json<ProfileView>('POST', '/api/v1/member/profile/mobile/code', { csrfToken }),

  /** Confirms the mobile number with the texted code; a wrong one is a 400 about `code`. */
  verifyMobile: (csrfToken: string, code: string) =>
    json<ProfileView>('POST', '/api/v1/member/profile/mobile/verify', { csrfToken, body: { code } }),

  scheduledPayments: () =>
    json<{ scheduledPayments: ScheduledPaymentView[] }>('GET', '/api/v1/member/scheduled-payments'),

  scheduledPayment: (id: string) =>
    json<ScheduledPaymentView>('GET', `/api/v1/member/scheduled-payments/${encodeURIComponent(id)}`),

  /** Nothing is charged now: the worker pays it on `payOn` with the saved method. */
  schedulePayment: (csrfToken: string, idempotencyKey: string, body: CreateScheduledPaymentBody) =>
    json<ScheduledPaymentView>('POST', '/api/v1/member/scheduled-payments', {
      csrfToken,
      idempotencyKey,
      body,
    }),

  changeScheduledPayment: (csrfToken: string, id: string, body: UpdateScheduledPaymentBody) =>
    json<ScheduledPaymentView>('PATCH', `/api/v1/member/scheduled-payments/${encodeURIComponent(id)}`, {
      csrfToken,
      body,
    }),

  cancelScheduledPayment: (csrfToken: string, id: string) =>
    json<ScheduledPaymentView>('DELETE', `/api/v1/member/scheduled-payments/${encodeURIComponent(id)}`, {
      csrfToken,
    }),

  /** Card and bank numbers go only to the processor's endpoint, never to /api. */
  tokenizeCard: (baseUrl: string, card: CardDetailsInput) =>
    json<TokenizeResult>('POST', `${baseUrl}/tokens`, { body: { type: 'card', card } }),

  tokenizeBank: (baseUrl: string, bank: BankDetailsInput) =>
    json<TokenizeResult>('POST', `${baseUrl}/tokens`, { body: { type: 'bank', bank } }),
};

// ---- Automatic payments -------------------------------------------------------------------------

export type AutopayAccount = AutopayAccountView;
export type AutopayEnrollment = AutopayEnrollmentView;
export type AutopayItem = AutopayItemView;

/** Automatic payments of the signed-in member's accounts; changes carry the CSRF token. */
export const autopayApi = {
  /** Each account the member pays for: whether autopay is offered there, and its enrollment. */
  overview: () => json<{ accounts: AutopayAccountView[] }>('GET', '/api/v1/member/autopay'),

  /** Upcoming automatic payments first, then past runs with their outcomes. */
  items: () => json<{ items: AutopayItemView[] }>('GET', '/api/v1/member/autopay/items'),

  /** Turns autopay on for an account, changes it, or turns a paused one back on. */
  save: (csrfToken: string, accountId: string, body: AutopayBody) =>
    json<AutopayEnrollmentView>('PUT', `/api/v1/member/autopay/${encodeURIComponent(accountId)}`, {
      csrfToken,
      body,
    }),

  /** Turns autopay off (revoking a bank authorization); payments already announced are not made. */
  turnOff: (csrfToken: string, accountId: string) =>
    json<void>('DELETE', `/api/v1/member/autopay/${encodeURIComponent(accountId)}`, { csrfToken }),

  /** Agrees to a payment above the member's limit; answers with the list again. */
  approve: (csrfToken: string, itemId: string) =>
    json<{ items: AutopayItemView[] }>(
      'POST',
      `/api/v1/member/autopay/items/${encodeURIComponent(itemId)}/approval`,
      { csrfToken },
    ),
};
