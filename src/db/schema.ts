import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** A `timestamptz` column: read as Date, written as Date or ISO string. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A `date` column: an ISO yyyy-mm-dd string in both directions. */
type CalendarDate = string;
type Json<T> = ColumnType<T, string | T, string | T>;

export type PaymentStatus =
  | 'pending'
  | 'processing'
  | 'succeeded'
  | 'failed'
  | 'unknown'
  | 'refunded'
  | 'partially_refunded'
  | 'returned';
export type BillKind = 'hospital' | 'professional' | 'premium';
export type AccountKind = 'medical' | 'premium';
export type PlanType = 'individual_family' | 'employer_group';
export type MethodType = 'card' | 'bank';
export type PaymentChannel = 'guest' | 'member' | 'staff' | 'autopay' | 'scheduled' | 'api';

export interface BankAuthorization {
  textVersion: string;
  acceptedAt: string;
  ip: string | null;
  holderName: string;
}

export interface AccountsTable {
  id: string;
  region_id: string;
  state_code: string;
  kind: AccountKind;
  plan_type: PlanType | null;
  account_number: string;
  holder_first_name: string;
  holder_last_name: string;
  postal_code: string;
  /** The person the account's bills are for; null for accounts not linked to a known person. */
  person_id: string | null;
  /** The organization's own identifier of the account (intake); null for accounts made otherwise. */
  external_id: string | null;
  created_at: DefaultTimestamp;
  updated_at: Timestamp | null;
}

export interface BillsTable {
  id: string;
  account_id: string;
  kind: BillKind;
  number: string;
  patient_name: string;
  provider: string | null;
  facility: string | null;
  visit_date: CalendarDate | null;
  coverage_start: CalendarDate | null;
  coverage_end: CalendarDate | null;
  statement_date: CalendarDate;
  due_date: CalendarDate;
  amount_cents: number;
  balance_cents: number;
  status: 'open' | 'paid' | 'void';
  /** The organization's own identifier of the bill (intake); null for bills made otherwise. */
  external_id: string | null;
  /** The person the bill is for, when intake named one. */
  patient_person_id: string | null;
  void_reason: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export type BillChange = 'created' | 'corrected' | 'adjusted' | 'voided';

export interface BillVersionsTable {
  id: string;
  bill_id: string;
  account_id: string;
  version: number;
  change: BillChange;
  content: Json<Record<string, unknown>>;
  content_hash: string;
  amount_change_cents: number;
  amount_cents: number;
  reason: string | null;
  posting_id: string | null;
  actor_type: string;
  actor_id: string | null;
  created_at: Timestamp;
}

export interface BillLinesTable {
  id: string;
  bill_id: string;
  account_id: string;
  position: number;
  service_date: CalendarDate | null;
  description: string;
  code: string | null;
  charge_cents: number;
  insurance_paid_cents: number;
  adjustment_cents: number;
  patient_owes_cents: number;
}

export interface PaymentsTable {
  id: string;
  account_id: string;
  confirmation_number: string;
  channel: PaymentChannel;
  status: PaymentStatus;
  amount_cents: number;
  currency: string;
  method_type: MethodType;
  method_brand: string | null;
  method_last4: string;
  method_exp_month: number | null;
  method_exp_year: number | null;
  bank_account_type: 'checking' | 'savings' | null;
  bank_authorization: Json<BankAuthorization> | null;
  processor: string;
  processor_token: string;
  processor_charge_id: string | null;
  failure_code: string | null;
  failure_message: string | null;
  failure_retryable: boolean | null;
  payer_email: string | null;
  locale: string;
  reconcile_attempts: Generated<number>;
  next_reconcile_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  completed_at: Timestamp | null;
  settled_at: Timestamp | null;
  /** A succeeded bank debit's next settlement check (null: now); a worker's lease while it asks. */
  settlement_check_at: Timestamp | null;
  return_code: string | null;
  /** A debit presented again after an R01 return: the returned payment it presents again. */
  represents_payment_id: string | null;
  /** 1 for a first presentment; 2 or 3 when presented again. */
  presentment: Generated<number>;
}

export interface PaymentAllocationsTable {
  payment_id: string;
  bill_id: string;
  account_id: string;
  amount_cents: number;
  live: boolean;
}

export interface PaymentEventsTable {
  id: string;
  payment_id: string;
  account_id: string;
  from_status: PaymentStatus | null;
  to_status: PaymentStatus;
  detail: Json<Record<string, unknown>> | null;
  at: DefaultTimestamp;
}

export type LedgerAccount = 'receivable' | 'revenue' | 'processor_clearing' | 'credit';

export interface LedgerPostingsTable {
  id: string;
  account_id: string;
  kind: 'bill_issued' | 'payment' | 'reversal' | 'adjustment' | 'refund';
  payment_id: string | null;
  bill_id: string | null;
  reverses_posting_id: string | null;
  memo: string | null;
  created_at: DefaultTimestamp;
  /** The refund a `refund` posting records (one posting per refund). */
  refund_id: string | null;
}

export interface LedgerLinesTable {
  id: Generated<number>;
  posting_id: string;
  account_id: string;
  ledger_account: LedgerAccount;
  bill_id: string | null;
  amount_cents: number;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  request_hash: string;
  status: 'in_flight' | 'completed';
  resource_id: string | null;
  response_status: number | null;
  response_body: Json<unknown> | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface GuestSessionsTable {
  id: string;
  token_hash: string;
  account_id: string;
  bill_ids: string[];
  ip: string | null;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
}

export interface RateLimitCountersTable {
  bucket: string;
  window_start: Timestamp;
  hits: number;
}

/** What an email attaches, rendered when it is sent; never the bytes themselves. */
export interface AttachmentRef {
  receiptPaymentId?: string;
  locale?: 'en' | 'es';
}

export interface OutboxEmailsTable {
  id: string;
  account_id: string | null;
  kind: string;
  to_address: string;
  /** Null for an email queued by reference (a receipt): rendered from what it refers to when sent. */
  subject: string | null;
  text_body: string | null;
  html_body: string | null;
  attachment_ref: Json<AttachmentRef> | null;
  status: 'pending' | 'sent' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: DefaultTimestamp;
  last_error: string | null;
  message_id: string | null;
  created_at: DefaultTimestamp;
  sent_at: Timestamp | null;
}

export interface OutboxTextsTable {
  id: string;
  account_id: string | null;
  member_id: string | null;
  kind: string;
  /** E.164, e.g. +15105550123. */
  to_number: string;
  body: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: DefaultTimestamp;
  last_error: string | null;
  message_id: string | null;
  created_at: DefaultTimestamp;
  sent_at: Timestamp | null;
}

export interface MemberMobileCodesTable {
  member_id: string;
  mobile_number: string;
  /** HMAC-SHA256 of the code under a key derived from DATA_ENCRYPTION_KEY. */
  code_hash: string;
  tries_left: number;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export type ScheduledPaymentStatus = 'scheduled' | 'processing' | 'paid' | 'failed' | 'skipped' | 'canceled';

export interface ScheduledBankAuthorization {
  textVersion: string;
  acceptedAt: string;
  ip: string | null;
}

export interface ScheduledPaymentsTable {
  id: string;
  member_id: string;
  account_id: string;
  region_id: string;
  bill_ids: Json<string[]>;
  amount_cents: number;
  payment_method_id: string;
  bank_authorization: Json<ScheduledBankAuthorization> | null;
  pay_on: CalendarDate;
  status: ScheduledPaymentStatus;
  locked_until: Timestamp | null;
  payment_id: string | null;
  outcome_code: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  canceled_at: Timestamp | null;
}

export type BankRepresentmentStatus = 'waiting' | 'processing' | 'presented' | 'skipped' | 'failed';

export interface BankRepresentmentsTable {
  id: string;
  returned_payment_id: string;
  original_payment_id: string;
  account_id: string;
  region_id: string;
  amount_cents: number;
  presentment: number;
  present_on: CalendarDate;
  status: BankRepresentmentStatus;
  locked_until: Timestamp | null;
  payment_id: string | null;
  outcome_code: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type AutopayBillKind = 'premium' | 'medical';

export interface AutopayEnrollmentsTable {
  id: string;
  member_id: string;
  account_id: string;
  region_id: string;
  status: 'active' | 'paused' | 'canceled';
  amount_rule: 'statement_balance' | 'fixed';
  days_before_due: number;
  fixed_amount_cents: number | null;
  day_of_month: number | null;
  max_charge_cents: number | null;
  bill_kinds: Json<AutopayBillKind[]>;
  payment_method_id: string;
  bank_authorization: Json<ScheduledBankAuthorization> | null;
  notify_by_text: boolean;
  paused_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  canceled_at: Timestamp | null;
}

export type AutopayItemStatus =
  | 'noticed'
  | 'needs_approval'
  | 'processing'
  | 'retrying'
  | 'paid'
  | 'failed'
  | 'skipped'
  | 'canceled';

export interface AutopayItemsTable {
  id: string;
  enrollment_id: string;
  member_id: string;
  account_id: string;
  region_id: string;
  period_key: string;
  bill_id: string | null;
  charge_on: CalendarDate;
  noticed_amount_cents: number;
  status: AutopayItemStatus;
  tries: number;
  next_try_on: CalendarDate | null;
  locked_until: Timestamp | null;
  payment_id: string | null;
  last_decline_code: string | null;
  approved_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuditEventsTable {
  id: string;
  at: DefaultTimestamp;
  actor_type: 'guest' | 'member' | 'staff' | 'system' | 'api';
  actor_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  account_id: string | null;
  ip: string | null;
  request_id: string | null;
  result: 'success' | 'failure';
  detail: Json<Record<string, unknown>> | null;
}

export interface SandboxTokensTable {
  id: string;
  kind: 'card' | 'bank';
  brand: string | null;
  last4: string;
  exp_month: number | null;
  exp_year: number | null;
  bank_account_type: string | null;
  holder_name: string | null;
  behaviour: string;
  used: Generated<boolean>;
  /** The customer a saved (reusable) payment method belongs to; null for a single-use token. */
  attached_to: string | null;
  created_at: DefaultTimestamp;
}

export interface SandboxChargesTable {
  id: string;
  idempotency_key: string;
  token_id: string;
  amount_cents: number;
  currency: string;
  status: 'succeeded' | 'failed';
  failure_code: string | null;
  description: string | null;
  return_code: string | null;
  settles_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

export type RefundReason = 'duplicate' | 'requested_by_customer' | 'billing_error' | 'other';
export type RefundStatus = 'pending' | 'succeeded' | 'failed' | 'unknown';
/** Back to the payment's card or bank account through the processor, or kept as a credit on the account. */
export type RefundDestination = 'original_method' | 'account_credit';

export interface RefundsTable {
  id: string;
  payment_id: string;
  account_id: string;
  amount_cents: number;
  currency: string;
  reason: RefundReason;
  note: string | null;
  destination: RefundDestination;
  status: RefundStatus;
  processor: string;
  processor_refund_id: string | null;
  failure_code: string | null;
  failure_message: string | null;
  /** The API key id (or system name) that asked for it. */
  requested_by: string;
  reconcile_attempts: Generated<number>;
  next_reconcile_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  completed_at: Timestamp | null;
}

export interface RefundAllocationsTable {
  refund_id: string;
  bill_id: string;
  account_id: string;
  amount_cents: number;
}

export interface SandboxRefundsTable {
  id: string;
  idempotency_key: string;
  charge_id: string;
  amount_cents: number;
  currency: string;
  reason: string | null;
  status: 'pending' | 'succeeded' | 'failed';
  failure_code: string | null;
  settles_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

export interface PeopleTable {
  id: string;
  region_id: string;
  medical_record_number: string;
  first_name: string;
  last_name: string;
  birth_date: CalendarDate;
  /** The organization's own identifier of the person (intake); null for people made otherwise. */
  external_id: string | null;
  preferred_language: PreferredLanguage | null;
  email: string | null;
  /** E.164, e.g. +15105550123. */
  phone: string | null;
  postal_address: Json<MailingAddress> | null;
  created_at: DefaultTimestamp;
  updated_at: Timestamp | null;
}

export interface AccountGuarantorsTable {
  account_id: string;
  person_id: string;
}

export type PreferredLanguage = 'en' | 'es';

export interface MembersTable {
  id: string;
  person_id: string;
  email: string;
  password_hash: string;
  preferred_language: PreferredLanguage;
  email_verified_at: Timestamp | null;
  failed_sign_ins: Generated<number>;
  locked_until: Timestamp | null;
  terms_version: string;
  terms_accepted_at: Timestamp;
  password_changed_at: Timestamp;
  /** AES-256-GCM (platform/secrets.ts); null when two-step verification is off. */
  totp_secret_enc: string | null;
  /** A secret being set up, until the member proves it with a code. */
  totp_pending_secret_enc: string | null;
  totp_enabled_at: Timestamp | null;
  totp_last_step: number | null;
  /** E.164, e.g. +15105550123. */
  mobile_number: string | null;
  mobile_verified_at: Timestamp | null;
  mailing_address: Json<MailingAddress> | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface MemberRecoveryCodesTable {
  member_id: string;
  code_hash: string;
  used_at: Timestamp | null;
}

export interface MemberSignInChallengesTable {
  token_hash: string;
  member_id: string;
  plan_type: PlanType | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  attempts: Generated<number>;
}

export interface MemberSessionsTable {
  id_hash: string;
  member_id: string;
  csrf_token: string;
  plan_type: PlanType | null;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  idle_expires_at: Timestamp;
  absolute_expires_at: Timestamp;
  /** When the session last proved the second factor (step-up). */
  stepped_up_at: Timestamp | null;
}

export interface MailingAddress {
  line1: string;
  line2: string | null;
  city: string;
  state: string;
  postalCode: string;
}

export interface MemberTokensTable {
  token_hash: string;
  member_id: string;
  purpose: 'verify_email' | 'reset_password' | 'change_email';
  /** change_email: the new address. */
  new_email: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface PaymentMethodsTable {
  id: string;
  member_id: string;
  kind: MethodType;
  processor: string;
  processor_method_id: string;
  nickname: string | null;
  brand: string | null;
  last4: string;
  exp_month: number | null;
  exp_year: number | null;
  bank_account_type: 'checking' | 'savings' | null;
  holder_name: string | null;
  is_default: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
  removed_at: Timestamp | null;
  blocked_at: Timestamp | null;
  blocked_reason: string | null;
  unblocked_at: Timestamp | null;
}

export interface WebhookEventsTable {
  id: string;
  type: string;
  account_id: string | null;
  /** The event's `data`, as its type's schema shaped it (modules/webhooks/webhook-events.ts). */
  payload: Json<Record<string, unknown>>;
  created_at: Timestamp;
  fanned_out_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type WebhookDisabledReason = 'manual' | 'failing' | 'gone';

export interface WebhookEndpointsTable {
  id: string;
  url: string;
  description: string | null;
  /** The event types delivered; null: every type. */
  event_types: Json<string[]> | null;
  /** `whsec_…`, sealed with DATA_ENCRYPTION_KEY. */
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: Timestamp | null;
  enabled: boolean;
  disabled_reason: WebhookDisabledReason | null;
  disabled_at: Timestamp | null;
  failing_since: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  endpoint_id: string;
  replay: boolean;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: Timestamp | null;
  first_attempt_at: Timestamp | null;
  last_attempt_at: Timestamp | null;
  last_status_code: number | null;
  last_error_kind: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WebhookDeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  attempted_at: Timestamp;
  status_code: number | null;
  response_ms: number;
  response_body: string | null;
  error_kind: string | null;
}

export interface ApiKeysTable {
  /** 16 lowercase base32 characters; public (part of the key the integrator holds). */
  id: string;
  name: string;
  /** Values of modules/api-keys/scopes.ts. */
  scopes: string[];
  mode: 'test' | 'live';
  rate_limit_per_minute: number;
  created_at: Timestamp;
  created_by: string;
  revoked_at: Timestamp | null;
}

export interface ApiKeySecretsTable {
  id: string;
  api_key_id: string;
  /** SHA-256 (hex) of the whole key; never the key itself. */
  secret_hash: string;
  created_at: Timestamp;
  /** Null for the current secret; set when a rotation gives the key a new one. */
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export type ImportFormat = 'ndjson' | 'csv';
export type ImportCsvType = 'people' | 'accounts' | 'bills';
export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed';
export type ImportLineKind = 'person' | 'account' | 'bill';
export type ImportLineStatus = 'pending' | 'done' | 'failed';

export interface ImportsTable {
  id: string;
  format: ImportFormat;
  csv_type: ImportCsvType | null;
  status: ImportStatus;
  actor_type: 'api' | 'system';
  actor_id: string;
  file_sha256: string;
  file_bytes: number;
  total_count: number;
  created_count: ColumnType<number, number | undefined, number>;
  updated_count: ColumnType<number, number | undefined, number>;
  unchanged_count: ColumnType<number, number | undefined, number>;
  failed_count: ColumnType<number, number | undefined, number>;
  lease_token: string | null;
  lease_until: Date | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface ImportLinesTable {
  import_id: string;
  line_no: number;
  kind: ImportLineKind | null;
  external_id: string | null;
  /** The record as the intake route's body takes it; null for a line refused as it was read. */
  record: Json<Record<string, unknown>> | null;
  status: ImportLineStatus;
  result: 'created' | 'updated' | 'unchanged' | null;
  /** The problem+json of a refused line. */
  error: Json<Record<string, unknown>> | null;
  updated_at: Timestamp;
}

export type ProcessorEventStatus = 'received' | 'applied' | 'ignored' | 'failed';

/** The processor's events inbox (migration 065, decision 0040): one row per event id. */
export interface ProcessorEventsTable {
  /** The processor's event id (Stripe: evt_...). */
  id: string;
  processor: 'stripe';
  type: string;
  /** When the processor made the event. */
  created: Timestamp;
  received_at: Timestamp;
  /** The event as it was signed and sent. */
  payload: Json<Record<string, unknown>>;
  status: ProcessorEventStatus;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp;
  applied_at: Date | null;
  /** Why it was ignored, failed, or is still waiting (never the payload). */
  error: string | null;
}

export interface Database {
  api_keys: ApiKeysTable;
  api_key_secrets: ApiKeySecretsTable;
  member_recovery_codes: MemberRecoveryCodesTable;
  member_sign_in_challenges: MemberSignInChallengesTable;
  payment_methods: PaymentMethodsTable;
  people: PeopleTable;
  account_guarantors: AccountGuarantorsTable;
  members: MembersTable;
  member_sessions: MemberSessionsTable;
  member_tokens: MemberTokensTable;
  accounts: AccountsTable;
  bills: BillsTable;
  bill_lines: BillLinesTable;
  bill_versions: BillVersionsTable;
  payments: PaymentsTable;
  payment_allocations: PaymentAllocationsTable;
  payment_events: PaymentEventsTable;
  ledger_postings: LedgerPostingsTable;
  ledger_lines: LedgerLinesTable;
  idempotency_keys: IdempotencyKeysTable;
  guest_sessions: GuestSessionsTable;
  rate_limit_counters: RateLimitCountersTable;
  outbox_emails: OutboxEmailsTable;
  outbox_texts: OutboxTextsTable;
  scheduled_payments: ScheduledPaymentsTable;
  bank_representments: BankRepresentmentsTable;
  autopay_enrollments: AutopayEnrollmentsTable;
  autopay_items: AutopayItemsTable;
  member_mobile_codes: MemberMobileCodesTable;
  audit_events: AuditEventsTable;
  sandbox_tokens: SandboxTokensTable;
  sandbox_charges: SandboxChargesTable;
  webhook_events: WebhookEventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
  refunds: RefundsTable;
  refund_allocations: RefundAllocationsTable;
  sandbox_refunds: SandboxRefundsTable;
  imports: ImportsTable;
  import_lines: ImportLinesTable;
  processor_events: ProcessorEventsTable;
}

export type Account = Selectable<AccountsTable>;
export type Bill = Selectable<BillsTable>;
export type NewBill = Insertable<BillsTable>;
export type BillLine = Selectable<BillLinesTable>;
export type Payment = Selectable<PaymentsTable>;
export type Refund = Selectable<RefundsTable>;
export type OutboxEmail = Selectable<OutboxEmailsTable>;
export type OutboxText = Selectable<OutboxTextsTable>;
export type ScheduledPayment = Selectable<ScheduledPaymentsTable>;
export type AutopayEnrollment = Selectable<AutopayEnrollmentsTable>;
export type AutopayItem = Selectable<AutopayItemsTable>;
export type WebhookEvent = Selectable<WebhookEventsTable>;
export type WebhookEndpoint = Selectable<WebhookEndpointsTable>;
export type WebhookDelivery = Selectable<WebhookDeliveriesTable>;
