import type { AcceptedBrand, DeclineCode } from '../processor';

/** What a sandbox card does when charged. */
export type CardBehaviour = 'succeed' | DeclineCode | 'attach_then_decline';

/** The usual processor test numbers (DESIGN.md §4). Any other number is refused in test mode. */
export const testCards: Record<string, { brand: AcceptedBrand; behaviour: CardBehaviour }> = {
  '4242424242424242': { brand: 'visa', behaviour: 'succeed' },
  '5555555555554444': { brand: 'mastercard', behaviour: 'succeed' },
  '6011111111111117': { brand: 'discover', behaviour: 'succeed' },
  '378282246310005': { brand: 'amex', behaviour: 'succeed' },
  '4000000000000002': { brand: 'visa', behaviour: 'card_declined' },
  '4000000000009995': { brand: 'visa', behaviour: 'insufficient_funds' },
  '4000000000000069': { brand: 'visa', behaviour: 'expired_card' },
  '4000000000000127': { brand: 'visa', behaviour: 'incorrect_cvc' },
  '4000000000000119': { brand: 'visa', behaviour: 'processing_error' },
  '4000000000000341': { brand: 'visa', behaviour: 'attach_then_decline' },
};

export const TEST_ROUTING_NUMBER = '110000000';

/** ACH return codes the sandbox produces after its settlement delay. */
export type BankBehaviour =
  | 'succeed'
  | 'return_R01'
  /** Returned R01 the first time; settles when presented again. */
  | 'return_R01_once'
  | 'return_R02'
  | 'return_R03'
  | 'return_R05'
  | 'return_R07'
  | 'return_R10';

export const testBankAccounts: Record<string, BankBehaviour> = {
  '000123456789': 'succeed',
  '000222222227': 'return_R01',
  '000222222235': 'return_R01_once',
  '000111111113': 'return_R02',
  '000111111116': 'return_R03',
  // Unauthorized debits: a consumer account debited without authorization, authorization revoked,
  // and "not authorized" reported by the customer.
  '000333333335': 'return_R05',
  '000333333337': 'return_R07',
  '000333333339': 'return_R10',
};
