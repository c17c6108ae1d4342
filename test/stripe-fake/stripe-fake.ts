import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type FormObject, list, metadataOf, obj, parseForm, str } from './form';

/**
 * A local stand-in for the few Stripe endpoints Settle's adapter uses, in test mode, on 127.0.0.1 at a
 * random port: PaymentMethods (create, retrieve, attach, detach), Customers (create, search),
 * PaymentIntents (create-and-confirm, retrieve, search), Charges (retrieve) and Refunds (create,
 * retrieve, list). It answers as Stripe's API reference and published OpenAPI description say: form
 * bodies, JSON objects with `object` and prefixed ids, errors as `{error: {type, code, decline_code,
 * message, param}}` (402 for a card error, 400 invalid request, 404 unknown object), an
 * Idempotency-Key answered again with the first response (and refused with other parameters), and
 * Stripe's documented test card numbers, test PaymentMethods (`pm_card_visa`…) and us_bank_account test
 * accounts. It is not Stripe: what it leaves out is not modelled (3-D Secure, disputes, webhooks).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Answer {
  status: number;
  body: JsonObject;
  /** Parameters were refused before the endpoint ran: Stripe keeps no idempotent result for it. */
  notSaved?: boolean;
}

type CardOutcome =
  | { kind: 'succeed' }
  | { kind: 'decline'; code: string; declineCode: string; message: string }
  /** Attaches to a Customer, then every charge is declined (Stripe's 4000000000000341). */
  | { kind: 'attach_then_decline' };

const DECLINED = {
  code: 'card_declined',
  declineCode: 'generic_decline',
  message: 'Your card was declined.',
};

/** Stripe's documented test card numbers. */
const TEST_CARDS: Record<string, { brand: string; outcome: CardOutcome }> = {
  '4242424242424242': { brand: 'visa', outcome: { kind: 'succeed' } },
  '4000056655665556': { brand: 'visa', outcome: { kind: 'succeed' } },
  '5555555555554444': { brand: 'mastercard', outcome: { kind: 'succeed' } },
  '378282246310005': { brand: 'amex', outcome: { kind: 'succeed' } },
  '6011111111111117': { brand: 'discover', outcome: { kind: 'succeed' } },
  '4000000000000002': { brand: 'visa', outcome: { kind: 'decline', ...DECLINED } },
  '4000000000009995': {
    brand: 'visa',
    outcome: {
      kind: 'decline',
      code: 'card_declined',
      declineCode: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    },
  },
  '4000000000009987': {
    brand: 'visa',
    outcome: {
      kind: 'decline',
      code: 'card_declined',
      declineCode: 'lost_card',
      message: 'Your card was declined.',
    },
  },
  '4000000000000069': {
    brand: 'visa',
    outcome: {
      kind: 'decline',
      code: 'expired_card',
      declineCode: 'expired_card',
      message: 'Your card has expired.',
    },
  },
  '4000000000000127': {
    brand: 'visa',
    outcome: {
      kind: 'decline',
      code: 'incorrect_cvc',
      declineCode: 'incorrect_cvc',
      message: "Your card's security code is incorrect.",
    },
  },
  '4000000000000119': {
    brand: 'visa',
    outcome: {
      kind: 'decline',
      code: 'processing_error',
      declineCode: 'processing_error',
      message: 'An error occurred while processing your card. Try again in a little bit.',
    },
  },
  '4000000000000341': { brand: 'visa', outcome: { kind: 'attach_then_decline' } },
};

/** Stripe's test PaymentMethods: each use makes a new PaymentMethod from its card. */
const TEST_PAYMENT_METHODS: Record<string, string> = {
  pm_card_visa: '4242424242424242',
  pm_card_visa_debit: '4000056655665556',
  pm_card_mastercard: '5555555555554444',
  pm_card_amex: '378282246310005',
  pm_card_discover: '6011111111111117',
  pm_card_chargeDeclined: '4000000000000002',
  pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
  pm_card_chargeDeclinedLostCard: '4000000000009987',
  pm_card_chargeDeclinedExpiredCard: '4000000000000069',
  pm_card_chargeDeclinedIncorrectCvc: '4000000000000127',
  pm_card_chargeDeclinedProcessingError: '4000000000000119',
  pm_card_chargeCustomerFail: '4000000000000341',
};

export const TEST_ROUTING_NUMBER = '110000000';

/** Stripe's us_bank_account test accounts (routing 110000000): null settles, otherwise the charge's failure_code. */
const TEST_BANK_ACCOUNTS: Record<string, string | null> = {
  '000123456789': null,
  '000111111113': 'account_closed',
  '000111111116': 'no_account',
  '000222222227': 'insufficient_funds',
  '000333333335': 'debit_not_authorized',
  '000444444440': 'invalid_currency',
};

interface PaymentMethodRecord {
  json: JsonObject;
  card?: { number: string; outcome: CardOutcome };
  bank?: { failureCode: string | null };
  /** Used by a PaymentIntent without a Customer, or detached: Stripe refuses it from then on. */
  consumed: boolean;
}

interface PaymentIntentRecord {
  json: JsonObject;
  charge: JsonObject | null;
  bankFailure: string | null | undefined;
}

export interface StripeFakeFaults {
  /** Carry out each POST, then drop the connection without an answer (reads still answer). */
  loseAnswers: boolean;
  /** Answer 503 (api_error) before doing anything. */
  unavailable: boolean;
  /** Lose the answers of this many POSTs from now (each carried out), then answer again. */
  loseNextAnswers: number;
}

export interface StripeFake {
  readonly host: string;
  readonly port: number;
  faults: StripeFakeFaults;
  /** The settlement delay passes: processing bank debits succeed or fail, pending refunds succeed. */
  settleBankDebits(): void;
  /** Requests received, for tests that look at what the SDK sent. */
  readonly requests: { method: string; path: string; idempotencyKey: string | null; form: FormObject }[];
  close(): Promise<void>;
}

const PARAM_STRIPE_VERSION = '2026-11-18.endive';

export async function startStripeFake(): Promise<StripeFake> {
  const paymentMethods = new Map<string, PaymentMethodRecord>();
  const customers = new Map<string, JsonObject>();
  const intents = new Map<string, PaymentIntentRecord>();
  const charges = new Map<string, JsonObject>();
  const refunds = new Map<string, JsonObject>();
  const idempotent = new Map<string, { fingerprint: string; answer: Answer }>();
  const requests: StripeFake['requests'] = [];
  const faults: StripeFakeFaults = { loseAnswers: false, unavailable: false, loseNextAnswers: 0 };
  const now = () => Math.floor(Date.now() / 1000);
  const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

  function error(
    status: number,
    type: string,
    message: string,
    extra: { code?: string; param?: string; decline_code?: string; [k: string]: Json | undefined } = {},
  ): Answer {
    const body: JsonObject = { type, message };
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) body[k] = v;
    if (extra.code) body.doc_url = `https://stripe.com/docs/error-codes/${extra.code.replace(/_/g, '-')}`;
    return { status, body: { error: body } };
  }
  /** An id that names nothing: 404 in the path, 400 as a parameter of another request. */
  const missing = (what: string, value: string, param = 'id') =>
    error(param === 'id' ? 404 : 400, 'invalid_request_error', `No such ${what}: '${value}'`, {
      code: 'resource_missing',
      param,
    });
  const invalid = (message: string, param?: string, code = 'parameter_invalid'): Answer => ({
    ...error(400, 'invalid_request_error', message, { code, ...(param ? { param } : {}) }),
    notSaved: true,
  });
  const ok = (body: JsonObject): Answer => ({ status: 200, body });

  function createCardMethod(number: string, expMonth: number, expYear: number, billingName: string | null) {
    const test = TEST_CARDS[number];
    if (!test) return null;
    const pmId = id('pm');
    const json: JsonObject = {
      id: pmId,
      object: 'payment_method',
      type: 'card',
      billing_details: { name: billingName, email: null, phone: null, address: null },
      card: {
        brand: test.brand,
        last4: number.slice(-4),
        exp_month: expMonth,
        exp_year: expYear,
        funding: 'credit',
        country: 'US',
        fingerprint: createHash('sha256').update(number).digest('hex').slice(0, 16),
        checks: { cvc_check: 'unchecked', address_line1_check: null, address_postal_code_check: null },
      },
      customer: null,
      created: now(),
      livemode: false,
      metadata: {},
    };
    const record: PaymentMethodRecord = { json, card: { number, outcome: test.outcome }, consumed: false };
    paymentMethods.set(pmId, record);
    return record;
  }

  /** A PaymentMethod by id; a test PaymentMethod (pm_card_visa) makes a new one. */
  function paymentMethod(pmId: string): PaymentMethodRecord | undefined {
    const magic = TEST_PAYMENT_METHODS[pmId];
    if (magic) return createCardMethod(magic, 12, new Date().getUTCFullYear() + 3, null) ?? undefined;
    return paymentMethods.get(pmId);
  }

  function luhn(number: string): boolean {
    let sum = 0;
    for (let i = 0; i < number.length; i++) {
      let d = Number(number[number.length - 1 - i]);
      if (i % 2 === 1) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    return sum % 10 === 0;
  }

  function createPaymentMethod(form: FormObject): Answer {
    const type = str(form, 'type');
    const billingName = str(obj(form, 'billing_details') ?? {}, 'name') ?? null;
    if (type === 'card') {
      const card = obj(form, 'card') ?? {};
      const number = (str(card, 'number') ?? '').replace(/\s/g, '');
      const expMonth = Number(str(card, 'exp_month'));
      const expYear = Number(str(card, 'exp_year'));
      if (!/^\d{12,19}$/.test(number) || !luhn(number))
        return error(402, 'card_error', 'Your card number is incorrect.', {
          code: 'incorrect_number',
          param: 'card[number]',
        });
      if (!Number.isInteger(expMonth) || expMonth < 1 || expMonth > 12)
        return error(402, 'card_error', "Your card's expiration month is invalid.", {
          code: 'invalid_expiry_month',
          param: 'card[exp_month]',
        });
      const today = new Date();
      if (
        !Number.isInteger(expYear) ||
        expYear < today.getUTCFullYear() ||
        (expYear === today.getUTCFullYear() && expMonth < today.getUTCMonth() + 1)
      )
        return error(402, 'card_error', "Your card's expiration year is invalid.", {
          code: 'invalid_expiry_year',
          param: 'card[exp_year]',
        });
      const record = createCardMethod(number, expMonth, expYear, billingName);
      if (!record)
        return error(
          402,
          'card_error',
          'Your card was declined. Your request was in test mode, but used a non test card. For a list of valid test cards, visit: https://stripe.com/docs/testing.',
          { code: 'card_declined', decline_code: 'test_mode_live_card' },
        );
      return ok(record.json);
    }
    if (type === 'us_bank_account') {
      const bank = obj(form, 'us_bank_account') ?? {};
      const routing = str(bank, 'routing_number') ?? '';
      const account = str(bank, 'account_number') ?? '';
      if (!billingName)
        return invalid(
          'Missing required param: billing_details[name].',
          'billing_details[name]',
          'parameter_missing',
        );
      if (!/^\d{9}$/.test(routing))
        return invalid('Routing number must have 9 digits', 'us_bank_account[routing_number]');
      if (!/^\d{4,17}$/.test(account))
        return invalid('Invalid account number', 'us_bank_account[account_number]');
      // The fake knows Stripe's test accounts only, as a test-mode account with no live bank behind it.
      const failureCode = routing === TEST_ROUTING_NUMBER ? TEST_BANK_ACCOUNTS[account] : undefined;
      if (failureCode === undefined)
        return invalid(
          `Use routing number ${TEST_ROUTING_NUMBER} with one of Stripe's test account numbers in test mode.`,
          'us_bank_account[account_number]',
        );
      const pmId = id('pm');
      const json: JsonObject = {
        id: pmId,
        object: 'payment_method',
        type: 'us_bank_account',
        billing_details: { name: billingName, email: null, phone: null, address: null },
        us_bank_account: {
          account_holder_type: str(bank, 'account_holder_type') ?? 'individual',
          account_type: str(bank, 'account_type') ?? 'checking',
          bank_name: 'STRIPE TEST BANK',
          fingerprint: createHash('sha256').update(account).digest('hex').slice(0, 16),
          last4: account.slice(-4),
          routing_number: routing,
          networks: { preferred: 'ach', supported: ['ach'] },
          status_details: null,
        },
        customer: null,
        created: now(),
        livemode: false,
        metadata: {},
      };
      paymentMethods.set(pmId, { json, bank: { failureCode }, consumed: false });
      return ok(json);
    }
    return invalid(`Invalid type: must be one of card or us_bank_account`, 'type');
  }

  const USED_UP =
    'The provided PaymentMethod was previously used with a PaymentIntent without Customer attachment, shared with a connected account without Customer attachment, or was detached from a Customer. It may not be used again. To use a PaymentMethod multiple times, you must attach it to a Customer first.';

  function attach(pmId: string, form: FormObject): Answer {
    const pm = paymentMethods.get(pmId);
    if (!pm) return missing('PaymentMethod', pmId);
    const customer = str(form, 'customer');
    if (!customer) return invalid('Missing required param: customer.', 'customer', 'parameter_missing');
    if (!customers.has(customer)) return missing('customer', customer, 'customer');
    if (pm.consumed) return error(400, 'invalid_request_error', USED_UP);
    if (pm.json.customer && pm.json.customer !== customer)
      return error(
        400,
        'invalid_request_error',
        'The payment method you provided has already been attached to a customer.',
      );
    const outcome = pm.card?.outcome;
    if (outcome?.kind === 'decline')
      return error(402, 'card_error', outcome.message, {
        code: outcome.code,
        decline_code: outcome.declineCode,
      });
    pm.json.customer = customer;
    return ok(pm.json);
  }

  function detach(pmId: string): Answer {
    const pm = paymentMethods.get(pmId);
    if (!pm) return missing('PaymentMethod', pmId);
    if (!pm.json.customer)
      return error(
        400,
        'invalid_request_error',
        'The payment method you provided is not attached to a customer so detachment is impossible.',
      );
    pm.json.customer = null;
    pm.consumed = true;
    return ok(pm.json);
  }

  function chargeFor(
    pi: JsonObject,
    pm: PaymentMethodRecord,
    status: string,
    failure: { code: string; message: string } | null,
  ) {
    const charge: JsonObject = {
      id: id('ch'),
      object: 'charge',
      amount: pi.amount as number,
      amount_captured: status === 'succeeded' ? (pi.amount as number) : 0,
      amount_refunded: 0,
      currency: pi.currency as string,
      customer: pi.customer as Json,
      description: pi.description as Json,
      payment_intent: pi.id as string,
      payment_method: pm.json.id as string,
      payment_method_details:
        pm.json.type === 'card'
          ? { type: 'card', card: pm.json.card as Json }
          : { type: 'us_bank_account', us_bank_account: pm.json.us_bank_account as Json },
      status,
      paid: status === 'succeeded',
      captured: status === 'succeeded',
      refunded: false,
      failure_code: failure?.code ?? null,
      failure_message: failure?.message ?? null,
      outcome: failure
        ? { network_status: 'declined_by_network', type: 'issuer_declined', seller_message: failure.message }
        : { network_status: 'approved_by_network', type: 'authorized', seller_message: 'Payment complete.' },
      metadata: {},
      created: now(),
      livemode: false,
    };
    charges.set(charge.id as string, charge);
    return charge;
  }

  function createPaymentIntent(form: FormObject): Answer {
    const amount = Number(str(form, 'amount'));
    const currency = (str(form, 'currency') ?? '').toLowerCase();
    if (!Number.isInteger(amount) || amount < 1) return invalid('Invalid positive integer', 'amount');
    if (currency === '') return invalid('Missing required param: currency.', 'currency', 'parameter_missing');
    if (currency === 'usd' && amount < 50)
      return invalid('Amount must be at least $0.50 usd', 'amount', 'amount_too_small');
    // `allowed_payment_method_types` in API versions from 2026; `payment_method_types` before.
    const types = list(form, 'allowed_payment_method_types') ??
      list(form, 'payment_method_types') ?? ['card'];
    const customer = str(form, 'customer') ?? null;
    if (customer && !customers.has(customer)) return missing('customer', customer, 'customer');
    const pmId = str(form, 'payment_method');
    const confirm = str(form, 'confirm') === 'true';
    const pm = pmId ? paymentMethod(pmId) : undefined;
    if (pmId && !pm) return missing('PaymentMethod', pmId, 'payment_method');
    if (pm) {
      if (!types.includes(pm.json.type as string))
        return invalid(
          `The PaymentMethod provided (${pm.json.type}) is not allowed for this PaymentIntent. Please attach a PaymentMethod of one of the following types: ${types.join(', ')}.`,
          'payment_method',
          'payment_intent_invalid_parameter',
        );
      if (pm.consumed) return { ...error(400, 'invalid_request_error', USED_UP), notSaved: true };
      if (pm.json.customer && pm.json.customer !== customer)
        return invalid(
          'The provided PaymentMethod belongs to a Customer. Please provide the customer parameter with that Customer.',
          'payment_method',
        );
      if (confirm && pm.bank && !obj(form, 'mandate_data') && !str(form, 'mandate'))
        return invalid(
          'A mandate is required to confirm a us_bank_account PaymentIntent: provide mandate_data.',
          'mandate_data',
          'parameter_missing',
        );
    }
    const pi: JsonObject = {
      id: id('pi'),
      object: 'payment_intent',
      amount,
      amount_received: 0,
      currency,
      customer,
      description: str(form, 'description') ?? null,
      metadata: metadataOf(form),
      payment_method: pm ? (pm.json.id as string) : null,
      allowed_payment_method_types: types,
      payment_method_types: types,
      status: pm ? 'requires_confirmation' : 'requires_payment_method',
      latest_charge: null,
      last_payment_error: null,
      client_secret: `${id('pi')}_secret_${randomBytes(8).toString('hex')}`,
      confirmation_method: 'automatic',
      capture_method: 'automatic',
      created: now(),
      livemode: false,
    };
    const record: PaymentIntentRecord = { json: pi, charge: null, bankFailure: undefined };
    intents.set(pi.id as string, record);
    if (!confirm || !pm) return ok(pi);
    if (!customer) pm.consumed = true;
    if (pm.bank) {
      record.charge = chargeFor(pi, pm, 'pending', null);
      record.bankFailure = pm.bank.failureCode;
      pi.status = 'processing';
      pi.latest_charge = record.charge.id as string;
      return ok(pi);
    }
    const outcome = pm.card?.outcome ?? { kind: 'succeed' };
    const decline =
      outcome.kind === 'decline' ? outcome : outcome.kind === 'attach_then_decline' ? { ...DECLINED } : null;
    if (!decline) {
      record.charge = chargeFor(pi, pm, 'succeeded', null);
      pi.status = 'succeeded';
      pi.amount_received = amount;
      pi.latest_charge = record.charge.id as string;
      return ok(pi);
    }
    // A declined card is not used up: the payer may try it again on another PaymentIntent.
    if (!customer) pm.consumed = false;
    record.charge = chargeFor(pi, pm, 'failed', { code: decline.code, message: decline.message });
    pi.status = 'requires_payment_method';
    pi.latest_charge = record.charge.id as string;
    pi.payment_method = null;
    pi.last_payment_error = {
      type: 'card_error',
      code: decline.code,
      decline_code: decline.declineCode,
      message: decline.message,
      charge: record.charge.id as string,
      payment_method: pm.json,
    };
    return error(402, 'card_error', decline.message, {
      code: decline.code,
      decline_code: decline.declineCode,
      charge: record.charge.id as string,
      payment_intent: pi,
      payment_method: pm.json,
    });
  }

  /** `metadata['key']:'value'`, the one search clause the adapter uses. */
  function search(query: string, rows: JsonObject[], url: string): Answer {
    const m = /^metadata\['([^']+)'\]:'([^']*)'$/.exec(query.trim());
    if (!m) return invalid(`Invalid search query: ${query}`, 'query');
    const [, key = '', value = ''] = m;
    const data = rows.filter((r) => (r.metadata as Record<string, Json>)?.[key] === value);
    return ok({
      object: 'search_result',
      data,
      has_more: false,
      next_page: null,
      url,
      total_count: data.length,
    });
  }

  function withExpanded(pi: JsonObject, expand: string[] | undefined, prefix = ''): JsonObject {
    if (!expand?.includes(`${prefix}latest_charge`) || typeof pi.latest_charge !== 'string') return pi;
    return { ...pi, latest_charge: charges.get(pi.latest_charge) ?? null };
  }

  function refundedOf(charge: JsonObject): number {
    return [...refunds.values()]
      .filter((r) => r.charge === charge.id && r.status !== 'failed' && r.status !== 'canceled')
      .reduce((sum, r) => sum + (r.amount as number), 0);
  }

  function createRefund(form: FormObject): Answer {
    const piId = str(form, 'payment_intent');
    const chargeId = str(form, 'charge');
    let charge: JsonObject | undefined;
    if (piId) {
      const record = intents.get(piId);
      if (!record) return missing('payment_intent', piId, 'payment_intent');
      charge = record.charge ?? undefined;
      if (!charge || record.json.status !== 'succeeded')
        return error(
          400,
          'invalid_request_error',
          `This PaymentIntent (${piId}) does not have a successful charge to refund.`,
          {
            code: 'charge_not_refundable',
          },
        );
    } else if (chargeId) {
      charge = charges.get(chargeId);
      if (!charge) return missing('charge', chargeId, 'charge');
    } else
      return invalid(
        'One of the following params should be provided for this request: payment_intent or charge.',
        undefined,
        'parameter_missing',
      );
    if (charge.status !== 'succeeded')
      return error(
        400,
        'invalid_request_error',
        `Charge ${charge.id} has not succeeded and cannot be refunded.`,
        {
          code: 'charge_not_refundable',
        },
      );
    const reason = str(form, 'reason');
    if (reason && !['duplicate', 'fraudulent', 'requested_by_customer'].includes(reason))
      return invalid(
        'Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer',
        'reason',
      );
    const left = (charge.amount as number) - refundedOf(charge);
    const amount = str(form, 'amount') === undefined ? left : Number(str(form, 'amount'));
    if (!Number.isInteger(amount) || amount < 1) return invalid('Invalid positive integer', 'amount');
    if (left <= 0)
      return error(400, 'invalid_request_error', `Charge ${charge.id} has already been refunded.`, {
        code: 'charge_already_refunded',
      });
    if (amount > left)
      return error(
        400,
        'invalid_request_error',
        `Refund amount ($${(amount / 100).toFixed(2)}) is greater than unrefunded amount on charge ($${(left / 100).toFixed(2)})`,
        { code: 'amount_too_large', param: 'amount' },
      );
    const bank = (charge.payment_method_details as JsonObject).type === 'us_bank_account';
    const refund: JsonObject = {
      id: id('re'),
      object: 'refund',
      amount,
      charge: charge.id as string,
      payment_intent: charge.payment_intent as Json,
      currency: charge.currency as string,
      reason: reason ?? null,
      status: bank ? 'pending' : 'succeeded',
      metadata: metadataOf(form),
      created: now(),
    };
    refunds.set(refund.id as string, refund);
    charge.amount_refunded = refundedOf(charge);
    charge.refunded = charge.amount_refunded === charge.amount;
    return ok(refund);
  }

  function route(method: string, path: string, form: FormObject): Answer {
    const parts = path.split('/').filter(Boolean);
    if (parts[0] !== 'v1')
      return error(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
    const [, resource, one, action] = parts;
    const expand = list(form, 'expand');
    if (resource === 'payment_methods') {
      if (method === 'POST' && !one) return createPaymentMethod(form);
      if (method === 'GET' && one && !action) {
        const pm = paymentMethod(one);
        return pm ? ok(pm.json) : missing('PaymentMethod', one);
      }
      if (method === 'POST' && one && action === 'attach') return attach(one, form);
      if (method === 'POST' && one && action === 'detach') return detach(one);
    }
    if (resource === 'customers') {
      if (method === 'POST' && !one) {
        const customer: JsonObject = {
          id: id('cus'),
          object: 'customer',
          description: str(form, 'description') ?? null,
          email: str(form, 'email') ?? null,
          name: str(form, 'name') ?? null,
          metadata: metadataOf(form),
          created: now(),
          livemode: false,
        };
        customers.set(customer.id as string, customer);
        return ok(customer);
      }
      if (method === 'GET' && one === 'search')
        return search(str(form, 'query') ?? '', [...customers.values()], '/v1/customers/search');
      if (method === 'GET' && one && !action) {
        const customer = customers.get(one);
        return customer ? ok(customer) : missing('customer', one);
      }
    }
    if (resource === 'payment_intents') {
      if (method === 'POST' && !one) return createPaymentIntent(form);
      if (method === 'GET' && one === 'search') {
        const found = search(
          str(form, 'query') ?? '',
          [...intents.values()].map((r) => r.json),
          '/v1/payment_intents/search',
        );
        if (found.status === 200)
          found.body.data = (found.body.data as JsonObject[]).map((pi) => withExpanded(pi, expand, 'data.'));
        return found;
      }
      if (method === 'GET' && one && !action) {
        const record = intents.get(one);
        return record ? ok(withExpanded(record.json, expand)) : missing('payment_intent', one);
      }
    }
    if (resource === 'charges' && method === 'GET' && one && !action) {
      const charge = charges.get(one);
      return charge ? ok(charge) : missing('charge', one);
    }
    if (resource === 'refunds') {
      if (method === 'POST' && !one) return createRefund(form);
      if (method === 'GET' && !one) {
        const piId = str(form, 'payment_intent');
        const chargeId = str(form, 'charge');
        const limit = Math.min(Number(str(form, 'limit') ?? 10), 100);
        const all = [...refunds.values()]
          .filter((r) => (!piId || r.payment_intent === piId) && (!chargeId || r.charge === chargeId))
          .reverse();
        return ok({
          object: 'list',
          data: all.slice(0, limit),
          has_more: all.length > limit,
          url: '/v1/refunds',
        });
      }
      if (method === 'GET' && one) {
        const refund = refunds.get(one);
        return refund ? ok(refund) : missing('refund', one);
      }
    }
    return error(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}).`);
  }

  function authorized(req: IncomingMessage, method: string, path: string): boolean {
    const key = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (/^(sk|rk)_test_\w+$/.test(key)) return true;
    // Stripe.js creates PaymentMethods with the publishable key.
    return /^pk_test_\w+$/.test(key) && method === 'POST' && path === '/v1/payment_methods';
  }

  function send(
    res: ServerResponse,
    answer: Answer,
    requestId: string,
    replayed: boolean,
    key: string | null,
  ) {
    const body = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'request-id': requestId,
      'stripe-version': PARAM_STRIPE_VERSION,
      ...(key ? { 'idempotency-key': key } : {}),
      ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
    });
    res.end(body);
  }

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname;
      const raw = Buffer.concat(chunks).toString('utf8');
      const form = parseForm(method === 'GET' ? url.search.slice(1) : raw);
      const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
      const requestId = id('req');
      requests.push({ method, path, idempotencyKey: key, form });
      if (!authorized(req, method, path)) {
        send(
          res,
          error(401, 'invalid_request_error', 'Invalid API Key provided: use a test-mode key (sk_test_…).'),
          requestId,
          false,
          null,
        );
        return;
      }
      if (faults.unavailable) {
        send(
          res,
          error(503, 'api_error', 'Stripe is temporarily unavailable (fake fault switch).'),
          requestId,
          false,
          null,
        );
        return;
      }
      let answer: Answer;
      let replayed = false;
      const fingerprint = `${method} ${path} ${raw}`;
      const earlier = method === 'POST' && key ? idempotent.get(key) : undefined;
      if (earlier && earlier.fingerprint !== fingerprint) {
        answer = error(
          400,
          'idempotency_error',
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      } else if (earlier) {
        answer = earlier.answer;
        replayed = true;
      } else {
        answer = route(method, path, form);
        if (method === 'POST' && key && !answer.notSaved) idempotent.set(key, { fingerprint, answer });
      }
      // Only what changes something loses its answer: the request was done, the caller never hears.
      if (method === 'POST' && (faults.loseAnswers || faults.loseNextAnswers > 0)) {
        faults.loseNextAnswers = Math.max(0, faults.loseNextAnswers - 1);
        req.socket.destroy();
        return;
      }
      send(res, answer, requestId, replayed, key);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    faults,
    requests,
    settleBankDebits() {
      for (const record of intents.values()) {
        if (record.json.status !== 'processing' || !record.charge) continue;
        if (record.bankFailure) {
          const message = BANK_FAILURE_MESSAGES[record.bankFailure] ?? 'The bank returned the debit.';
          record.charge.status = 'failed';
          record.charge.failure_code = record.bankFailure;
          record.charge.failure_message = message;
          record.json.status = 'requires_payment_method';
          record.json.last_payment_error = {
            type: 'invalid_request_error',
            code: record.bankFailure,
            message,
            charge: record.charge.id as string,
          };
        } else {
          record.charge.status = 'succeeded';
          record.charge.paid = true;
          record.charge.captured = true;
          record.charge.amount_captured = record.charge.amount as number;
          record.json.status = 'succeeded';
          record.json.amount_received = record.json.amount as number;
        }
      }
      for (const refund of refunds.values()) if (refund.status === 'pending') refund.status = 'succeeded';
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const BANK_FAILURE_MESSAGES: Record<string, string> = {
  insufficient_funds: 'The customer’s account has insufficient funds to cover this payment.',
  account_closed: 'The customer’s bank account has been closed.',
  no_account: 'The customer’s bank account could not be located.',
  debit_not_authorized: 'The customer has notified their bank that this payment was unauthorized.',
  invalid_currency: 'The bank was unable to process this payment because of its currency.',
};
