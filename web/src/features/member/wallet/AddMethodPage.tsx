import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../../../api';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Radios, SingleCheckbox, TextInput } from '../../../components/Field';
import { Page } from '../../../components/Page';
import { type FieldMsg, useFormErrors } from '../../../components/useFormErrors';
import { langOf } from '../../../format';
import { useOrganization } from '../../../organization';
import { BankAccountFields, type BankFieldsHandle } from '../../payment/BankAccountFields';
import { brandLabel } from '../../payment/brands';
import { type CardFieldsHandle, ProcessorCardFields } from '../../payment/ProcessorCardFields';
import { useStepUp } from '../StepUp';
import { useMemberExpiry } from '../session';
import { methodName } from './labels';
import { walletProblem } from './WalletPage';

export const NICKNAME_MAX = 40;

/** /account/payment-methods/add: a card or bank account, through the processor's fields. */
export function AddMethodPage() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const org = useOrganization();
  const navigate = useNavigate();
  const onExpired = useMemberExpiry();
  const stepUp = useStepUp();
  const [kind, setKind] = useState<string | null>(org.payments.bankAccounts ? null : 'card');
  const [nickname, setNickname] = useState('');
  const [makeDefault, setMakeDefault] = useState(false);
  const [busy, setBusy] = useState(false);
  const cardRef = useRef<CardFieldsHandle>(null);
  const bankRef = useRef<BankFieldsHandle>(null);
  const form = useFormErrors();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (kind !== 'card' && kind !== 'bank') {
      form.setErrors([{ id: 'kind', key: 'wallet.errors.chooseKind' }]);
      return;
    }
    const nick = nickname.trim();
    const nickError: FieldMsg | null =
      nick.length > NICKNAME_MAX
        ? { id: 'nickname', key: 'wallet.errors.nicknameLong', values: { max: NICKNAME_MAX } }
        : null;
    setBusy(true);
    const result = kind === 'card' ? await cardRef.current?.submit() : await bankRef.current?.submit();
    if (!result?.ok || nickError) {
      setBusy(false);
      form.setErrors([...(result && !result.ok ? result.errors : []), ...(nickError ? [nickError] : [])]);
      return;
    }
    try {
      await stepUp.run((csrf) =>
        api.addPaymentMethod(csrf, {
          paymentToken: result.result.token,
          ...(nick ? { nickname: nick } : {}),
          makeDefault,
        }),
      );
      const name = methodName(result.result.method, lang, t);
      navigate('/account/payment-methods', {
        state: { notice: { key: 'wallet.saved', values: { method: nick ? `${nick} – ${name}` : name } } },
      });
    } catch (err) {
      setBusy(false);
      if (onExpired(err)) return;
      form.setErrors([walletProblem(err)]);
    }
  }

  const acceptedBrands = org.payments.acceptedCardBrands;
  return (
    <Page
      title={t('wallet.addTitle')}
      error={form.hasErrors}
      back={<BackLink to="/account/payment-methods" label={t('wallet.back')} />}
    >
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <form onSubmit={submit} noValidate>
        {org.payments.bankAccounts ? (
          <Radios
            idBase="kind"
            name="kind"
            legend={t('wallet.addTitle')}
            legendIsHeading
            error={form.fieldError('kind')}
            value={kind}
            onChange={(v) => {
              setKind(v);
              form.clearField('kind');
            }}
            options={[
              {
                value: 'card',
                label: t('wallet.card'),
                hint: t('method.cardHint', { brands: acceptedBrands.map((b) => brandLabel(b, lang)) }),
              },
              { value: 'bank', label: t('wallet.bank'), hint: t('method.bankHint') },
            ]}
          />
        ) : (
          <h1 className="heading-l">{t('wallet.addTitle')}</h1>
        )}
        {kind === 'card' ? (
          <section aria-labelledby="card-details-title" className="method-section">
            <h2 className="heading-m" id="card-details-title">
              {t('card.title')}
            </h2>
            <ProcessorCardFields
              ref={cardRef}
              acceptedBrands={acceptedBrands}
              tokenizationUrl={org.processor.tokenizationUrl}
            />
          </section>
        ) : null}
        {kind === 'bank' ? (
          <section aria-labelledby="bank-details-title" className="method-section">
            <h2 className="heading-m" id="bank-details-title">
              {t('bank.title')}
            </h2>
            <BankAccountFields ref={bankRef} tokenizationUrl={org.processor.tokenizationUrl} />
          </section>
        ) : null}
        {kind ? (
          <>
            <TextInput
              id="nickname"
              name="nickname"
              label={t('wallet.nickname')}
              hint={t('wallet.nicknameHint')}
              error={form.fieldError('nickname')}
              value={nickname}
              onChange={(e) => {
                setNickname(e.target.value);
                form.clearField('nickname');
              }}
              autoComplete="off"
              maxLength={60}
              width="20"
            />
            <SingleCheckbox
              id="make-default"
              label={t('wallet.makeDefaultCheckbox')}
              checked={makeDefault}
              onChange={setMakeDefault}
            />
          </>
        ) : null}
        <Button busy={busy}>{busy ? t('wallet.saving') : t('wallet.save')}</Button>
      </form>
      {stepUp.dialog}
    </Page>
  );
}
