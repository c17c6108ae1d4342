import {
  detectCardBrand,
  formatCardNumber,
  isCardExpired,
  isValidCardNumber,
  normalizeCardNumber,
  parseExpiry,
} from '@domain/cards';
import { type AcceptableBrand, acceptedBrand } from '@domain/payment-rules';
import { type Ref, useImperativeHandle, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type TokenizeResult } from '../../api';
import { ErrorMessage, TextInput } from '../../components/Field';
import type { FieldMsg } from '../../components/useFormErrors';
import { langOf } from '../../format';
import { brandLabel } from './brands';
import { tokenizeFailure } from './processor-errors';

/**
 * The processor's card fields. Everything typed here goes only to the processor's tokenization
 * endpoint; the page gets back a token and brand/last 4. A Stripe Elements version can replace this
 * component behind the same handle (`submit()` → token or field errors).
 */
export interface CardFieldsHandle {
  submit(): Promise<CardSubmitResult>;
}

export type CardSubmitResult = { ok: true; result: TokenizeResult } | { ok: false; errors: FieldMsg[] };

type CardField = 'number' | 'expiry' | 'cvc' | 'name' | 'postalCode';

export const CARD_FIELD_IDS: Record<CardField, string> = {
  number: 'card-number',
  expiry: 'card-expiry',
  cvc: 'card-cvc',
  name: 'card-name',
  postalCode: 'card-postal-code',
};

const ZIP = /^\d{5}(?:-?\d{4})?$/;

/** What fits in the badge inside the card number field; the full name is announced in words. */
const BRAND_SHORT: Record<string, string> = {
  visa: 'VISA',
  mastercard: 'MC',
  discover: 'DISC',
  amex: 'AMEX',
};

interface Values {
  number: string;
  expiry: string;
  cvc: string;
  name: string;
  postalCode: string;
}

function today(): { year: number; month: number } {
  const now = new Date();
  return { year: now.getFullYear(), month: now.getMonth() + 1 };
}

/** "We accept Visa, Mastercard and Discover. American Express cards cannot be used." */
/** A brand we recognise that the organization does not take (an unknown one is not refused yet). */
function isRefusedBrand(brand: string, accepted: readonly AcceptableBrand[]): boolean {
  return (
    brand !== 'unknown' &&
    acceptedBrand({ acceptedCardBrands: accepted, bankAccounts: false }, brand) === null
  );
}

function refusedMessage(brand: string, accepted: readonly AcceptableBrand[]): FieldMsg {
  return {
    id: CARD_FIELD_IDS.number,
    key: 'card.errors.brandRefused',
    values: { accepted: accepted.map((b) => brandLabel(b, 'en')), brand: brandLabel(brand, 'en') },
  };
}

function validateField(field: CardField, v: Values, accepted: readonly AcceptableBrand[]): FieldMsg | null {
  const id = CARD_FIELD_IDS[field];
  switch (field) {
    case 'number': {
      const digits = normalizeCardNumber(v.number);
      if (!digits) return { id, key: 'card.errors.numberRequired' };
      if (!/^\d+$/.test(digits)) return { id, key: 'card.errors.numberDigits' };
      const brand = detectCardBrand(digits);
      if (isRefusedBrand(brand, accepted)) return refusedMessage(brand, accepted);
      if (!isValidCardNumber(digits)) return { id, key: 'card.errors.numberInvalid' };
      return null;
    }
    case 'expiry': {
      if (!v.expiry.trim()) return { id, key: 'card.errors.expiryRequired' };
      const parsed = parseExpiry(v.expiry);
      if (!parsed) return { id, key: 'card.errors.expiryFormat' };
      if (isCardExpired(parsed.month, parsed.year, today())) return { id, key: 'card.errors.expiryPast' };
      if (parsed.year > today().year + 20) return { id, key: 'card.errors.expiryFormat' };
      return null;
    }
    case 'cvc': {
      const length = detectCardBrand(v.number) === 'amex' ? 4 : 3;
      if (!v.cvc.trim()) return { id, key: 'card.errors.cvcRequired' };
      if (!new RegExp(`^\\d{${length}}$`).test(v.cvc.trim()))
        return { id, key: length === 4 ? 'card.errors.cvcAmex' : 'card.errors.cvcFormat' };
      return null;
    }
    case 'name':
      if (!v.name.trim()) return { id, key: 'card.errors.nameRequired' };
      if (v.name.trim().length > 100) return { id, key: 'card.errors.nameLong' };
      return null;
    case 'postalCode':
      if (!v.postalCode.trim()) return { id, key: 'card.errors.zipRequired' };
      if (!ZIP.test(v.postalCode.trim())) return { id, key: 'card.errors.zipFormat' };
      return null;
  }
}

/** Turns the processor's field errors into our own words. */
function fromProcessor(field: string, code: string): FieldMsg | null {
  const name = field.replace(/^card\./, '');
  if (name === 'number') {
    if (code === 'not_a_test_number') return { id: CARD_FIELD_IDS.number, key: 'card.errors.notTestNumber' };
    return { id: CARD_FIELD_IDS.number, key: 'card.errors.numberInvalid' };
  }
  if (name === 'expiry' || name === 'expMonth' || name === 'expYear')
    return { id: CARD_FIELD_IDS.expiry, key: 'card.errors.expiryPast' };
  if (name === 'cvc') return { id: CARD_FIELD_IDS.cvc, key: 'card.errors.cvcFormat' };
  if (name === 'postalCode') return { id: CARD_FIELD_IDS.postalCode, key: 'card.errors.zipFormat' };
  if (name === 'name') return { id: CARD_FIELD_IDS.name, key: 'card.errors.nameRequired' };
  return null;
}

/** Puts " / " between month and year as people type, as Stripe's expiry field does. */
function formatExpiry(input: string, previous: string): string {
  const digits = input.replace(/\D/g, '').slice(0, 4);
  const deleting = input.length < previous.length;
  if (digits.length === 1 && Number(digits) > 1 && !deleting) return `0${digits} / `;
  if (digits.length === 2 && !deleting) return `${digits} / `;
  if (digits.length <= 2) return digits;
  return `${digits.slice(0, 2)} / ${digits.slice(2)}`;
}

export function AcceptedBrands({ brands }: { brands: readonly string[] }) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  return (
    <p className="accepted-brands">
      <span>{t('card.weAccept')}</span>{' '}
      {brands.map((b) => (
        <span key={b} className={`brand-badge brand-badge--${b}`}>
          {brandLabel(b, lang)}
        </span>
      ))}
    </p>
  );
}

export function ProcessorCardFields({
  acceptedBrands,
  tokenizationUrl,
  groupError,
  ref,
}: {
  acceptedBrands: readonly AcceptableBrand[];
  tokenizationUrl: string;
  /** A problem with the card as a whole (e.g. a decline), shown at the top of the fields. */
  groupError?: string | undefined;
  ref?: Ref<CardFieldsHandle>;
}) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const [values, setValues] = useState<Values>({ number: '', expiry: '', cvc: '', name: '', postalCode: '' });
  const [errors, setErrors] = useState<Partial<Record<CardField, FieldMsg>>>({});
  const brand = detectCardBrand(values.number);
  const refused = isRefusedBrand(brand, acceptedBrands);

  const setError = (field: CardField, msg: FieldMsg | null) =>
    setErrors((e) => {
      const next = { ...e };
      if (msg) next[field] = msg;
      else delete next[field];
      return next;
    });

  const onBlur = (field: CardField) => () => {
    // Validate on blur, not on every keystroke; an empty field waits for submit.
    if (!values[field].trim()) return;
    setError(field, validateField(field, values, acceptedBrands));
  };

  const change = (field: CardField, value: string) => {
    const next = { ...values, [field]: value };
    setValues(next);
    if (field === 'number') {
      const b = detectCardBrand(value);
      // A refused brand is known from the first digits: say so at once rather than after typing 16.
      if (isRefusedBrand(b, acceptedBrands)) setError('number', refusedMessage(b, acceptedBrands));
      else if (
        errors.number?.key === 'card.errors.brandRefused' ||
        (errors.number && isValidCardNumber(value))
      )
        setError('number', null);
    } else if (errors[field] && !validateField(field, next, acceptedBrands)) {
      setError(field, null);
    }
  };

  useImperativeHandle(
    ref,
    () => ({
      async submit(): Promise<CardSubmitResult> {
        const order: CardField[] = ['number', 'expiry', 'cvc', 'name', 'postalCode'];
        const found: Partial<Record<CardField, FieldMsg>> = {};
        for (const f of order) {
          const msg = validateField(f, values, acceptedBrands);
          if (msg) found[f] = msg;
        }
        setErrors(found);
        const list = order.map((f) => found[f]).filter((m): m is FieldMsg => Boolean(m));
        if (list.length > 0) return { ok: false, errors: list };
        const expiry = parseExpiry(values.expiry);
        if (!expiry)
          return { ok: false, errors: [{ id: CARD_FIELD_IDS.expiry, key: 'card.errors.expiryFormat' }] };
        try {
          const { data } = await api.tokenizeCard(tokenizationUrl, {
            number: normalizeCardNumber(values.number),
            expMonth: expiry.month,
            expYear: expiry.year,
            cvc: values.cvc.trim(),
            name: values.name.trim(),
            postalCode: values.postalCode.trim(),
          });
          return { ok: true, result: data };
        } catch (err) {
          const failure = tokenizeFailure(err, {
            fieldIds: CARD_FIELD_IDS,
            order,
            fromProcessor,
            fallbackKey: 'card.errors.tokenizeFailed',
            fallbackField: 'number',
          });
          setErrors(failure.mapped);
          return { ok: false, errors: failure.errors };
        }
      },
    }),
    [values, acceptedBrands, tokenizationUrl],
  );

  const err = (f: CardField) =>
    errors[f] ? (t(errors[f].key, errors[f].values ?? {}) as string) : undefined;
  const amex = brand === 'amex';

  return (
    <div className={groupError ? 'processor-fields processor-fields--error' : 'processor-fields'}>
      <div className="processor-fields__head">
        <AcceptedBrands brands={acceptedBrands} />
        <p className="processor-fields__secure">
          <svg aria-hidden="true" focusable="false" viewBox="0 0 16 20" width="14" height="18">
            <path
              fill="currentColor"
              d="M8 0a5 5 0 0 0-5 5v3H2a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V5a5 5 0 0 0-5-5Zm-3 5a3 3 0 1 1 6 0v3H5V5Z"
            />
          </svg>{' '}
          {t('card.secure')}
        </p>
      </div>
      {groupError ? <ErrorMessage id="card-group-error">{groupError}</ErrorMessage> : null}
      <TextInput
        id={CARD_FIELD_IDS.number}
        name="cardnumber"
        label={t('card.number')}
        hint={t('card.numberHint')}
        error={err('number')}
        value={values.number}
        onChange={(e) => change('number', formatCardNumber(e.target.value))}
        onBlur={onBlur('number')}
        autoComplete="cc-number"
        inputMode="numeric"
        spellCheck={false}
        maxLength={23}
        width="20"
        aria-describedby={groupError ? 'card-group-error' : undefined}
        className="input--card"
        suffix={
          <span className={`card-brand card-brand--${refused ? 'refused' : brand}`} aria-hidden="true">
            {brand === 'unknown' ? '' : BRAND_SHORT[brand]}
          </span>
        }
      />
      <div className="visually-hidden" aria-live="polite">
        {brand !== 'unknown' ? t('card.detected', { brand: brandLabel(brand, lang) }) : ''}
      </div>
      <div className="field-row">
        <TextInput
          id={CARD_FIELD_IDS.expiry}
          name="exp-date"
          label={t('card.expiry')}
          hint={t('card.expiryHint')}
          error={err('expiry')}
          value={values.expiry}
          onChange={(e) => change('expiry', formatExpiry(e.target.value, values.expiry))}
          onBlur={onBlur('expiry')}
          autoComplete="cc-exp"
          inputMode="numeric"
          spellCheck={false}
          maxLength={9}
          width="5"
        />
        <TextInput
          id={CARD_FIELD_IDS.cvc}
          name="cvc"
          label={t('card.cvc')}
          hint={amex ? t('card.cvcHintAmex') : t('card.cvcHint')}
          error={err('cvc')}
          value={values.cvc}
          onChange={(e) => change('cvc', e.target.value.replace(/\D/g, '').slice(0, 4))}
          onBlur={onBlur('cvc')}
          autoComplete="cc-csc"
          inputMode="numeric"
          spellCheck={false}
          maxLength={4}
          width="4"
        />
      </div>
      <TextInput
        id={CARD_FIELD_IDS.name}
        name="ccname"
        label={t('card.name')}
        error={err('name')}
        value={values.name}
        onChange={(e) => change('name', e.target.value)}
        onBlur={onBlur('name')}
        autoComplete="cc-name"
        spellCheck={false}
      />
      <TextInput
        id={CARD_FIELD_IDS.postalCode}
        name="postal"
        label={t('card.zip')}
        hint={t('card.zipHint')}
        error={err('postalCode')}
        value={values.postalCode}
        onChange={(e) => change('postalCode', e.target.value)}
        onBlur={onBlur('postalCode')}
        autoComplete="postal-code"
        inputMode="numeric"
        maxLength={10}
        width="10"
      />
    </div>
  );
}
