import type { Database } from './schema';

/**
 * The SQL type of a column, as PostgreSQL's `format_type` spells it: rows sent to a statement as one
 * array parameter per column (platform/statement.ts) are cast to these.
 */
export type ColumnSqlType =
  | 'uuid'
  | 'text'
  | 'character(3)'
  | 'smallint'
  | 'integer'
  | 'bigint'
  | 'boolean'
  | 'date'
  | 'timestamp with time zone'
  | 'jsonb';

type ColumnTypesOf<T> = { readonly [C in keyof T & string]: ColumnSqlType };

/**
 * The column types of the tables that payments write many rows of at once (insertRows,
 * insertUnitRows). The compiler checks each table's columns against schema.ts; columns.int.test.ts
 * checks the types against the migrated database.
 */
export const columnTypes = {
  payments: {
    id: 'uuid',
    account_id: 'uuid',
    confirmation_number: 'text',
    channel: 'text',
    status: 'text',
    amount_cents: 'bigint',
    currency: 'character(3)',
    method_type: 'text',
    method_brand: 'text',
    method_last4: 'text',
    method_exp_month: 'integer',
    method_exp_year: 'integer',
    bank_account_type: 'text',
    bank_authorization: 'jsonb',
    processor: 'text',
    processor_token: 'text',
    processor_charge_id: 'text',
    failure_code: 'text',
    failure_message: 'text',
    failure_retryable: 'boolean',
    payer_email: 'text',
    locale: 'text',
    reconcile_attempts: 'integer',
    next_reconcile_at: 'timestamp with time zone',
    created_at: 'timestamp with time zone',
    updated_at: 'timestamp with time zone',
    completed_at: 'timestamp with time zone',
    settled_at: 'timestamp with time zone',
    settlement_check_at: 'timestamp with time zone',
    return_code: 'text',
    represents_payment_id: 'uuid',
    presentment: 'smallint',
  },
  payment_allocations: {
    payment_id: 'uuid',
    bill_id: 'uuid',
    account_id: 'uuid',
    amount_cents: 'bigint',
    live: 'boolean',
  },
  payment_events: {
    id: 'uuid',
    payment_id: 'uuid',
    account_id: 'uuid',
    from_status: 'text',
    to_status: 'text',
    detail: 'jsonb',
    at: 'timestamp with time zone',
  },
  ledger_postings: {
    id: 'uuid',
    account_id: 'uuid',
    kind: 'text',
    payment_id: 'uuid',
    bill_id: 'uuid',
    reverses_posting_id: 'uuid',
    memo: 'text',
    created_at: 'timestamp with time zone',
    refund_id: 'uuid',
  },
  ledger_lines: {
    id: 'bigint',
    posting_id: 'uuid',
    account_id: 'uuid',
    ledger_account: 'text',
    bill_id: 'uuid',
    amount_cents: 'bigint',
  },
  idempotency_keys: {
    scope: 'text',
    key: 'text',
    request_hash: 'text',
    status: 'text',
    resource_id: 'uuid',
    response_status: 'integer',
    response_body: 'jsonb',
    created_at: 'timestamp with time zone',
    updated_at: 'timestamp with time zone',
  },
  outbox_emails: {
    id: 'uuid',
    account_id: 'uuid',
    kind: 'text',
    to_address: 'text',
    subject: 'text',
    text_body: 'text',
    html_body: 'text',
    attachment_ref: 'jsonb',
    status: 'text',
    attempts: 'integer',
    next_attempt_at: 'timestamp with time zone',
    last_error: 'text',
    message_id: 'text',
    created_at: 'timestamp with time zone',
    sent_at: 'timestamp with time zone',
  },
  audit_events: {
    id: 'uuid',
    at: 'timestamp with time zone',
    actor_type: 'text',
    actor_id: 'text',
    action: 'text',
    resource_type: 'text',
    resource_id: 'text',
    account_id: 'uuid',
    ip: 'text',
    request_id: 'text',
    result: 'text',
    detail: 'jsonb',
  },
  webhook_events: {
    id: 'uuid',
    type: 'text',
    account_id: 'uuid',
    payload: 'jsonb',
    created_at: 'timestamp with time zone',
    fanned_out_at: 'timestamp with time zone',
  },
} as const satisfies { readonly [T in keyof Database]?: ColumnTypesOf<Database[T]> };

/** A table whose rows statements may write many at once. */
export type TableWithColumnTypes = keyof typeof columnTypes;
