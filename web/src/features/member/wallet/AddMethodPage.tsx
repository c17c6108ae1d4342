import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../../../api';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { QuestionRadios, SingleCheckbox } from '../../../components/Field';
import { Page } from '../../../components/Page';
import { type FieldMsg, useFormErrors } from '../../../components/useFormErrors';
import { langOf } from '../../../format';
import { useOrganization } from '../../../organization';
import { NewMethodFields, NicknameInput, useNewMethod, useNewMethodOptions } from '../../payment/NewMethod';
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
  const form = useFormErrors();
  const newMethod = useNewMethod(form.setErrors);
  const { busy, setBusy } = newMethod;
  const options = useNewMethodOptions({ card: t('wallet.card'), bank: t('wallet.bank') });

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
    const result = await newMethod.tokenize(kind, nickError ? [nickError] : [], true);
    if (!result) return;
    try {
      await stepUp.run((csrf) =>
        api.addPaymentMethod(csrf, {
          paymentToken: result.token,
          ...(nick ? { nickname: nick } : {}),
          makeDefault,
        }),
      );
      const name = methodName(result.method, lang, t);
      navigate('/account/payment-methods', {
        state: { notice: { key: 'wallet.saved', values: { method: nick ? `${nick} – ${name}` : name } } },
      });
    } catch (err) {
      setBusy(false);
      if (onExpired(err)) return;
      form.setErrors([walletProblem(err)]);
    }
  }

  return (
    <Page
      title={t('wallet.addTitle')}
      error={form.hasErrors}
      back={<BackLink to="/account/payment-methods" label={t('wallet.back')} />}
    >
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <form onSubmit={submit} noValidate>
        {org.payments.bankAccounts ? (
          <QuestionRadios
            id="kind"
            question={t('wallet.addTitle')}
            error={form.fieldError('kind')}
            value={kind}
            onChange={(v) => {
              setKind(v);
              form.clearField('kind');
            }}
            options={options}
          />
        ) : (
          <h1 className="heading-l">{t('wallet.addTitle')}</h1>
        )}
        <NewMethodFields kind={kind} refs={newMethod} />
        {kind ? (
          <>
            <NicknameInput
              value={nickname}
              onChange={(v) => {
                setNickname(v);
                form.clearField('nickname');
              }}
              error={form.fieldError('nickname')}
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
