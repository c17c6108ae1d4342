import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { BackLink } from '../../components/BackLink';
import { Button } from '../../components/Button';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Radios, TextInput } from '../../components/Field';
import { Money } from '../../components/Money';
import { Page } from '../../components/Page';
import { type FieldMsg, useFormErrors } from '../../components/useFormErrors';
import { langOf } from '../../format';
import { useOrganization } from '../../organization';
import { BANK_FIELD_IDS, BankAccountFields, type BankFieldsHandle } from '../payment/BankAccountFields';
import { brandLabel } from '../payment/brands';
import { CARD_FIELD_IDS, type CardFieldsHandle, ProcessorCardFields } from '../payment/ProcessorCardFields';
import { AlreadyPaid } from './AlreadyPaid';
import { lastPayment, updateJourney, useJourney } from './journey';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Where a decline's message points: the field most likely to fix it. */
function declineField(code: string, kind: 'card' | 'bank'): string {
  if (kind === 'bank') return BANK_FIELD_IDS.routingNumber;
  if (code === 'incorrect_cvc') return CARD_FIELD_IDS.cvc;
  if (code === 'expired_card') return CARD_FIELD_IDS.expiry;
  return CARD_FIELD_IDS.number;
}

export function declineKey(code: string): string {
  const known = [
    'card_declined',
    'insufficient_funds',
    'expired_card',
    'incorrect_cvc',
    'processing_error',
    'invalid_account',
    'payment_method_invalid',
  ];
  return `declines.${known.includes(code) ? code : 'generic'}`;
}

export function MethodPage() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const org = useOrganization();
  const navigate = useNavigate();
  const journey = useJourney();
  const decline = journey.decline;
  const [kind, setKind] = useState<string | null>(decline?.kind ?? journey.method?.details.kind ?? null);
  const [email, setEmail] = useState(journey.email ?? '');
  const [busy, setBusy] = useState(false);
  const cardRef = useRef<CardFieldsHandle>(null);
  const bankRef = useRef<BankFieldsHandle>(null);
  const form = useFormErrors();
  // A decline is shown as an error from the moment the page opens, with the summary focused.
  const declineMsg: FieldMsg | null = decline
    ? { id: declineField(decline.code, decline.kind), key: declineKey(decline.code) }
    : null;
  const [initialErrors] = useState<FieldMsg[]>(declineMsg ? [declineMsg] : []);
  const shownErrors = form.submitCount === 0 ? initialErrors : form.errors;

  if (!journey.selection) {
    if (lastPayment(journey)) return <AlreadyPaid />;
    return <Navigate to="/pay/bills" replace />;
  }
  const selection = journey.selection;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const errors: FieldMsg[] = [];
    if (kind !== 'card' && kind !== 'bank') errors.push({ id: 'method', key: 'method.errors.chooseMethod' });
    const trimmedEmail = email.trim();
    const emailError: FieldMsg | null =
      trimmedEmail && (!EMAIL.test(trimmedEmail) || trimmedEmail.length > 254)
        ? { id: 'email', key: 'method.errors.emailFormat' }
        : null;
    if (errors.length > 0) {
      form.setErrors(emailError ? [...errors, emailError] : errors);
      return;
    }
    setBusy(true);
    const result = kind === 'card' ? await cardRef.current?.submit() : await bankRef.current?.submit();
    setBusy(false);
    if (!result) return;
    if (!result.ok || emailError) {
      form.setErrors([...(result.ok ? [] : result.errors), ...(emailError ? [emailError] : [])]);
      return;
    }
    updateJourney((j) => {
      const { decline: _d, attempt: _a, ...rest } = j;
      return {
        ...rest,
        method: { token: result.result.token, details: result.result.method },
        email: trimmedEmail,
        bankAuthorized: false,
      };
    });
    navigate('/pay/review');
  }

  const text = (m: FieldMsg) => t(m.key, m.values ?? {}) as string;
  const summary = shownErrors.map((m) => ({ id: m.id, text: text(m) }));
  const groupError = declineMsg && form.submitCount === 0 ? text(declineMsg) : undefined;
  const current = journey.method?.details;
  const acceptedBrands = org.payments.acceptedCardBrands;
  const options = [
    {
      value: 'card',
      label: t('method.card'),
      hint: t('method.cardHint', { brands: acceptedBrands.map((b) => brandLabel(b, lang)) }),
    },
    ...(org.payments.bankAccounts
      ? [{ value: 'bank', label: t('method.bank'), hint: t('method.bankHint') }]
      : []),
  ];

  return (
    <Page
      title={t('method.title')}
      error={shownErrors.length > 0}
      back={<BackLink to={journey.method ? '/pay/review' : '/pay/bills'} />}
    >
      <ErrorSummary errors={summary} focusKey={form.submitCount} />
      <span className="caption">
        {t('method.caption')} <Money cents={selection.amountCents} />
      </span>
      <form onSubmit={submit} noValidate>
        <Radios
          idBase="method"
          name="method"
          legend={t('method.title')}
          legendIsHeading
          error={form.fieldError('method')}
          value={kind}
          onChange={(v) => {
            setKind(v);
            form.clearField('method');
          }}
          options={options}
        />
        {current && !decline ? (
          <div className="inset">
            <p>
              {current.kind === 'card'
                ? t('method.currentCard', { brand: brandLabel(current.brand, lang), last4: current.last4 })
                : t('method.currentBank', { last4: current.last4 })}
            </p>
          </div>
        ) : null}
        {kind === 'card' ? (
          <section aria-labelledby="card-details-title" className="method-section">
            <h2 className="heading-m" id="card-details-title">
              {t('card.title')}
            </h2>
            <ProcessorCardFields
              ref={cardRef}
              acceptedBrands={acceptedBrands}
              tokenizationUrl={org.processor.tokenizationUrl}
              groupError={decline?.kind === 'card' ? groupError : undefined}
            />
          </section>
        ) : null}
        {kind === 'bank' ? (
          <section aria-labelledby="bank-details-title" className="method-section">
            <h2 className="heading-m" id="bank-details-title">
              {t('bank.title')}
            </h2>
            <BankAccountFields
              ref={bankRef}
              tokenizationUrl={org.processor.tokenizationUrl}
              groupError={decline?.kind === 'bank' ? groupError : undefined}
            />
          </section>
        ) : null}
        <TextInput
          id="email"
          name="email"
          type="email"
          label={t('method.email')}
          hint={t('method.emailHint')}
          error={form.fieldError('email')}
          value={email}
          onChange={(e) => {
            setEmail(e.target.value);
            form.clearField('email');
          }}
          autoComplete="email"
          spellCheck={false}
        />
        <Button busy={busy}>{busy ? t('method.checking') : t('common.continue')}</Button>
      </form>
    </Page>
  );
}
