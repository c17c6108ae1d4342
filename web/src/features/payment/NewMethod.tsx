import { type ReactNode, type Ref, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TokenizeResult } from '../../api';
import { BackLink } from '../../components/BackLink';
import { type ErrorItem, ErrorSummary } from '../../components/ErrorSummary';
import { type ChoiceOption, QuestionRadios, TextInput } from '../../components/Field';
import { Money } from '../../components/Money';
import { Page } from '../../components/Page';
import type { FieldMsg } from '../../components/useFormErrors';
import { langOf } from '../../format';
import { useOrganization } from '../../organization';
import { BANK_FIELD_IDS, BankAccountFields, type BankFieldsHandle } from './BankAccountFields';
import { brandLabel } from './brands';
import { CARD_FIELD_IDS, type CardFieldsHandle, ProcessorCardFields } from './ProcessorCardFields';

/** A decline to show on a method page after Pay failed; `saved` when it was a wallet method. */
export type DeclineKind = 'card' | 'bank' | 'saved';

const KNOWN_DECLINES = [
  'card_declined',
  'insufficient_funds',
  'expired_card',
  'incorrect_cvc',
  'processing_error',
  'invalid_account',
  'payment_method_invalid',
];

/** The message for a processor's decline code (a generic one for codes we do not know). */
export function declineKey(code: string): string {
  return `declines.${KNOWN_DECLINES.includes(code) ? code : 'generic'}`;
}

/** A decline as an error on the field most likely to fix it. */
export function declineMessage(decline: { code: string; kind: DeclineKind }): FieldMsg {
  const { code, kind } = decline;
  const id =
    kind === 'saved'
      ? 'method'
      : kind === 'bank'
        ? BANK_FIELD_IDS.routingNumber
        : code === 'incorrect_cvc'
          ? CARD_FIELD_IDS.cvc
          : code === 'expired_card'
            ? CARD_FIELD_IDS.expiry
            : CARD_FIELD_IDS.number;
  return { id, key: declineKey(code) };
}

/** "Card" and (where the organization takes them) "Bank account" as radio options. */
export function useNewMethodOptions(labels: { card: string; bank: string }): ChoiceOption[] {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const org = useOrganization();
  return [
    {
      value: 'card',
      label: labels.card,
      hint: t('method.cardHint', { brands: org.payments.acceptedCardBrands.map((b) => brandLabel(b, lang)) }),
    },
    ...(org.payments.bankAccounts ? [{ value: 'bank', label: labels.bank, hint: t('method.bankHint') }] : []),
  ];
}

function MethodSection({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="method-section">
      <h2 className="heading-m" id={id}>
        {title}
      </h2>
      {children}
    </section>
  );
}

/** The processor's card or bank fields for a new method, under their own heading. */
export function NewMethodFields({
  kind,
  refs: { cardRef, bankRef },
  decline,
  declineText,
}: {
  kind: string | null;
  refs: { cardRef: Ref<CardFieldsHandle>; bankRef: Ref<BankFieldsHandle> };
  /** The last decline, shown around the fields of its kind until the next submit. */
  decline?: { kind: DeclineKind } | undefined;
  declineText?: string | undefined;
}) {
  const { t } = useTranslation();
  const org = useOrganization();
  const cardError = decline?.kind === 'card' ? declineText : undefined;
  const bankError = decline?.kind === 'bank' ? declineText : undefined;
  if (kind === 'card')
    return (
      <MethodSection id="card-details-title" title={t('card.title')}>
        <ProcessorCardFields
          ref={cardRef}
          acceptedBrands={org.payments.acceptedCardBrands}
          tokenizationUrl={org.processor.tokenizationUrl}
          groupError={cardError}
        />
      </MethodSection>
    );
  if (kind === 'bank')
    return (
      <MethodSection id="bank-details-title" title={t('bank.title')}>
        <BankAccountFields
          ref={bankRef}
          tokenizationUrl={org.processor.tokenizationUrl}
          groupError={bankError}
        />
      </MethodSection>
    );
  return null;
}

/** A name for a saved method ("Joint checking"), as the wallet and the pay pages ask for it. */
export function NicknameInput({
  value,
  onChange,
  error,
  label,
  hint,
}: {
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  label?: string;
  hint?: string;
}) {
  const { t } = useTranslation();
  return (
    <TextInput
      id="nickname"
      name="nickname"
      label={label ?? t('wallet.nickname')}
      hint={hint ?? t('wallet.nicknameHint')}
      error={error}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      autoComplete="off"
      maxLength={60}
      width="20"
    />
  );
}

/**
 * A new card or bank account typed into the processor's fields: the refs for NewMethodFields, and
 * `tokenize`, which turns what was typed into the processor's token. It shows the fields' errors
 * together with the page's own (`extra`) and returns null while anything needs fixing.
 */
export function useNewMethod(setErrors: (errors: FieldMsg[]) => void) {
  const cardRef = useRef<CardFieldsHandle>(null);
  const bankRef = useRef<BankFieldsHandle>(null);
  const [busy, setBusy] = useState(false);
  async function tokenize(
    kind: string | null,
    extra: FieldMsg[] = [],
    /** Stay busy after success, while the page sends the token on. */
    keepBusy = false,
  ): Promise<TokenizeResult | null> {
    setBusy(true);
    const result = kind === 'card' ? await cardRef.current?.submit() : await bankRef.current?.submit();
    if (!result?.ok || extra.length > 0) {
      setBusy(false);
      if (result) setErrors([...(result.ok ? [] : result.errors), ...extra]);
      return null;
    }
    if (!keepBusy) setBusy(false);
    return result.result;
  }
  return { cardRef, bankRef, busy, setBusy, tokenize };
}

/** "How do you want to pay?" with its errors and the amount above: the method step's frame. */
export function ChooseMethodPage({
  backTo,
  errors,
  focusKey,
  amountCents,
  children,
}: {
  backTo: string;
  errors: ErrorItem[];
  focusKey: number;
  amountCents: number;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Page title={t('method.title')} error={errors.length > 0} back={<BackLink to={backTo} />}>
      <ErrorSummary errors={errors} focusKey={focusKey} />
      <span className="caption">
        {t('method.caption')} <Money cents={amountCents} />
      </span>
      {children}
    </Page>
  );
}

/** The method question itself: its legend is the page's heading. */
export function MethodQuestion({
  value,
  onChange,
  options,
  hint,
  error,
}: {
  value: string | null;
  onChange: (value: string) => void;
  options: ChoiceOption[];
  hint?: string | undefined;
  error: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <QuestionRadios
      id="method"
      question={t('method.title')}
      hint={hint}
      error={error}
      value={value}
      onChange={onChange}
      options={options}
    />
  );
}
