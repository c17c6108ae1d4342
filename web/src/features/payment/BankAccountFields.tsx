import { isValidBankAccountNumber, isValidRoutingNumber } from '@domain/bank';
import { type Ref, useImperativeHandle, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type TokenizeResult } from '../../api';
import { ErrorMessage, Radios, TextInput } from '../../components/Field';
import type { FieldMsg } from '../../components/useFormErrors';
import { CheckPicture } from './CheckPicture';
import { tokenizeFailure } from './processor-errors';

export interface BankFieldsHandle {
  submit(): Promise<BankSubmitResult>;
}

export type BankSubmitResult = { ok: true; result: TokenizeResult } | { ok: false; errors: FieldMsg[] };

type BankField = 'holderName' | 'accountType' | 'routingNumber' | 'accountNumber';

export const BANK_FIELD_IDS: Record<BankField, string> = {
  holderName: 'bank-holder-name',
  accountType: 'bank-account-type',
  routingNumber: 'bank-routing-number',
  accountNumber: 'bank-account-number',
};

interface Values {
  holderName: string;
  accountType: string;
  routingNumber: string;
  accountNumber: string;
}

const digitsOnly = (s: string) => s.replace(/[\s-]/g, '');

function validateField(field: BankField, v: Values): FieldMsg | null {
  const id = BANK_FIELD_IDS[field];
  switch (field) {
    case 'holderName':
      if (!v.holderName.trim()) return { id, key: 'bank.errors.nameRequired' };
      if (v.holderName.trim().length > 100) return { id, key: 'bank.errors.nameLong' };
      return null;
    case 'accountType':
      return v.accountType === 'checking' || v.accountType === 'savings'
        ? null
        : { id, key: 'bank.errors.typeRequired' };
    case 'routingNumber': {
      const r = digitsOnly(v.routingNumber);
      if (!r) return { id, key: 'bank.errors.routingRequired' };
      if (!/^\d{9}$/.test(r)) return { id, key: 'bank.errors.routingLength' };
      if (!isValidRoutingNumber(r)) return { id, key: 'bank.errors.routingInvalid' };
      return null;
    }
    case 'accountNumber': {
      const a = digitsOnly(v.accountNumber);
      if (!a) return { id, key: 'bank.errors.accountRequired' };
      if (!isValidBankAccountNumber(a)) return { id, key: 'bank.errors.accountInvalid' };
      return null;
    }
  }
}

function fromProcessor(field: string, code: string): FieldMsg | null {
  const name = field.replace(/^bank\./, '');
  if (name === 'routingNumber')
    return { id: BANK_FIELD_IDS.routingNumber, key: 'bank.errors.routingInvalid' };
  if (name === 'accountNumber')
    return {
      id: BANK_FIELD_IDS.accountNumber,
      key: code === 'not_a_test_number' ? 'bank.errors.notTestNumber' : 'bank.errors.accountInvalid',
    };
  if (name === 'holderName') return { id: BANK_FIELD_IDS.holderName, key: 'bank.errors.nameRequired' };
  if (name === 'accountType') return { id: BANK_FIELD_IDS.accountType, key: 'bank.errors.typeRequired' };
  return null;
}

/** Bank account details, sent only to the processor's tokenization endpoint. */
export function BankAccountFields({
  tokenizationUrl,
  groupError,
  ref,
}: {
  tokenizationUrl: string;
  groupError?: string | undefined;
  ref?: Ref<BankFieldsHandle>;
}) {
  const { t } = useTranslation();
  const [values, setValues] = useState<Values>({
    holderName: '',
    accountType: '',
    routingNumber: '',
    accountNumber: '',
  });
  const [errors, setErrors] = useState<Partial<Record<BankField, FieldMsg>>>({});

  const setError = (field: BankField, msg: FieldMsg | null) =>
    setErrors((e) => {
      const next = { ...e };
      if (msg) next[field] = msg;
      else delete next[field];
      return next;
    });

  const change = (field: BankField, value: string) => {
    const next = { ...values, [field]: value };
    setValues(next);
    if (errors[field] && !validateField(field, next)) setError(field, null);
  };

  const onBlur = (field: BankField) => () => {
    if (!values[field].trim()) return;
    setError(field, validateField(field, values));
  };

  useImperativeHandle(
    ref,
    () => ({
      async submit(): Promise<BankSubmitResult> {
        const order: BankField[] = ['holderName', 'accountType', 'routingNumber', 'accountNumber'];
        const found: Partial<Record<BankField, FieldMsg>> = {};
        for (const f of order) {
          const msg = validateField(f, values);
          if (msg) found[f] = msg;
        }
        setErrors(found);
        const list = order.map((f) => found[f]).filter((m): m is FieldMsg => Boolean(m));
        if (list.length > 0) return { ok: false, errors: list };
        try {
          const { data } = await api.tokenizeBank(tokenizationUrl, {
            routingNumber: digitsOnly(values.routingNumber),
            accountNumber: digitsOnly(values.accountNumber),
            accountType: values.accountType as 'checking' | 'savings',
            holderName: values.holderName.trim(),
          });
          return { ok: true, result: data };
        } catch (err) {
          const failure = tokenizeFailure(err, {
            fieldIds: BANK_FIELD_IDS,
            order,
            fromProcessor,
            fallbackKey: 'bank.errors.tokenizeFailed',
            fallbackField: 'routingNumber',
          });
          setErrors(failure.mapped);
          return { ok: false, errors: failure.errors };
        }
      },
    }),
    [values, tokenizationUrl],
  );

  const err = (f: BankField) =>
    errors[f] ? (t(errors[f].key, errors[f].values ?? {}) as string) : undefined;

  return (
    <div className={groupError ? 'processor-fields processor-fields--error' : 'processor-fields'}>
      {groupError ? <ErrorMessage id="bank-group-error">{groupError}</ErrorMessage> : null}
      <TextInput
        id={BANK_FIELD_IDS.holderName}
        name="bankHolderName"
        label={t('bank.holderName')}
        hint={t('bank.holderNameHint')}
        error={err('holderName')}
        value={values.holderName}
        onChange={(e) => change('holderName', e.target.value)}
        onBlur={onBlur('holderName')}
        autoComplete="name"
        spellCheck={false}
        aria-describedby={groupError ? 'bank-group-error' : undefined}
      />
      <Radios
        idBase={BANK_FIELD_IDS.accountType}
        name="bankAccountType"
        legend={t('bank.accountType')}
        error={err('accountType')}
        value={values.accountType || null}
        onChange={(v) => change('accountType', v)}
        className="fieldset--inline"
        options={[
          { value: 'checking', label: t('bank.checking') },
          { value: 'savings', label: t('bank.savings') },
        ]}
      />
      <TextInput
        id={BANK_FIELD_IDS.routingNumber}
        name="routingNumber"
        label={t('bank.routing')}
        hint={t('bank.routingHint')}
        error={err('routingNumber')}
        value={values.routingNumber}
        onChange={(e) => change('routingNumber', e.target.value)}
        onBlur={onBlur('routingNumber')}
        autoComplete="off"
        inputMode="numeric"
        spellCheck={false}
        maxLength={11}
        width="10"
        help={
          <details className="details">
            <summary className="details__summary">
              <span className="details__summary-text">{t('bank.whereToFind')}</span>
            </summary>
            <div className="details__text">
              <p>{t('bank.whereText')}</p>
              <CheckPicture />
            </div>
          </details>
        }
      />
      <TextInput
        id={BANK_FIELD_IDS.accountNumber}
        name="accountNumber"
        label={t('bank.account')}
        hint={t('bank.accountHint')}
        error={err('accountNumber')}
        value={values.accountNumber}
        onChange={(e) => change('accountNumber', e.target.value)}
        onBlur={onBlur('accountNumber')}
        autoComplete="off"
        inputMode="numeric"
        spellCheck={false}
        maxLength={20}
        width="20"
      />
    </div>
  );
}
