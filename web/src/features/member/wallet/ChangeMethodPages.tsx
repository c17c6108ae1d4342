import type { PaymentMethodView } from '@contract/wallet/wallet.schema';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../../api';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Page, useRefocusHeading } from '../../../components/Page';
import { useFormErrors } from '../../../components/useFormErrors';
import { langOf } from '../../../format';
import { NicknameInput } from '../../payment/NewMethod';
import { useStepUp } from '../StepUp';
import { useMemberExpiry } from '../session';
import { NICKNAME_MAX } from './AddMethodPage';
import { methodName, methodTitle } from './labels';
import { useWallet } from './useWallet';
import { walletProblem } from './WalletPage';

/** Loads the wallet and finds the method in the address; renders `children(method)` once found. */
function WithMethod({ children }: { children: (method: PaymentMethodView) => ReactNode }) {
  const { t } = useTranslation();
  const { methodId = '' } = useParams();
  const { methods, failed, reload } = useWallet();
  const method = methods?.find((m) => m.id === methodId) ?? null;
  useRefocusHeading(methods !== null);
  const back = <BackLink to="/account/payment-methods" label={t('wallet.back')} />;
  if (methods === null) {
    return (
      <Page title={t('common.loading')} back={back}>
        <h1 className="heading-l">{t('common.loading')}</h1>
      </Page>
    );
  }
  if (failed) {
    return (
      <Page title={t('wallet.title')} back={back}>
        <h1 className="heading-l">{t('wallet.title')}</h1>
        <p>{t('wallet.loadFailed')}</p>
        <Button type="button" onClick={reload}>
          {t('unavailable.retry')}
        </Button>
      </Page>
    );
  }
  if (!method) {
    return (
      <Page title={t('wallet.notFoundTitle')} back={back}>
        <h1 className="heading-l">{t('wallet.notFoundTitle')}</h1>
        <p>{t('wallet.errors.notFound')}</p>
        <Link to="/account/payment-methods" className="button button--secondary">
          {t('wallet.back')}
        </Link>
      </Page>
    );
  }
  return <>{children(method)}</>;
}

/**
 * A change to one wallet method behind step-up; on success the wallet page says what happened.
 * `run` returns nothing: the page moves on, or the form shows what went wrong.
 */
function useWalletChange(setErrors: ReturnType<typeof useFormErrors>['setErrors']) {
  const navigate = useNavigate();
  const onExpired = useMemberExpiry();
  const stepUp = useStepUp();
  const [busy, setBusy] = useState(false);
  async function run(action: (csrf: string) => Promise<unknown>, notice: { key: string; method: string }) {
    if (busy) return;
    setBusy(true);
    try {
      await stepUp.run(action);
      navigate('/account/payment-methods', {
        state: { notice: { key: notice.key, values: { method: notice.method } } },
      });
    } catch (err) {
      setBusy(false);
      if (onExpired(err)) return;
      setErrors([walletProblem(err)]);
    }
  }
  return { busy, run, dialog: stepUp.dialog };
}

/** /account/payment-methods/:methodId/rename */
export function RenameMethodPage() {
  return <WithMethod>{(method) => <RenameForm method={method} />}</WithMethod>;
}

function RenameForm({ method }: { method: PaymentMethodView }) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const [nickname, setNickname] = useState(method.nickname ?? '');
  const form = useFormErrors();
  const change = useWalletChange(form.setErrors);
  const name = methodName(method, lang, t);
  const title = t('wallet.renameTitle', { method: name });

  function submit(e: FormEvent) {
    e.preventDefault();
    const nick = nickname.trim();
    if (nick.length > NICKNAME_MAX) {
      form.setErrors([{ id: 'nickname', key: 'wallet.errors.nicknameLong', values: { max: NICKNAME_MAX } }]);
      return;
    }
    void change.run((csrf) => api.updatePaymentMethod(csrf, method.id, { nickname: nick || null }), {
      key: 'wallet.renamed',
      method: name,
    });
  }

  return (
    <Page
      title={title}
      error={form.hasErrors}
      back={<BackLink to="/account/payment-methods" label={t('wallet.back')} />}
    >
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <h1 className="heading-l">{title}</h1>
      <form onSubmit={submit} noValidate>
        <NicknameInput
          label={t('wallet.nicknameLabel')}
          hint={t('wallet.renameHint')}
          value={nickname}
          onChange={(v) => {
            setNickname(v);
            form.clearField('nickname');
          }}
          error={form.fieldError('nickname')}
        />
        <div className="button-group">
          <Button busy={change.busy}>{change.busy ? t('wallet.saving') : t('wallet.saveName')}</Button>
          <Link to="/account/payment-methods" className="link-button">
            {t('stepUp.cancel')}
          </Link>
        </div>
      </form>
      {change.dialog}
    </Page>
  );
}

/** /account/payment-methods/:methodId/remove — "Are you sure?" before a method goes. */
export function RemoveMethodPage() {
  return <WithMethod>{(method) => <RemoveForm method={method} />}</WithMethod>;
}

function RemoveForm({ method }: { method: PaymentMethodView }) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const form = useFormErrors();
  const change = useWalletChange(form.setErrors);
  const name = methodTitle(method, lang, t);
  const title = t('wallet.removeTitle', { method: name });

  function submit(e: FormEvent) {
    e.preventDefault();
    void change.run((csrf) => api.removePaymentMethod(csrf, method.id), {
      key: 'wallet.removed',
      method: name,
    });
  }

  return (
    <Page
      title={title}
      error={form.hasErrors}
      back={<BackLink to="/account/payment-methods" label={t('wallet.back')} />}
    >
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <h1 className="heading-l">{title}</h1>
      <p>{t('wallet.removeBody')}</p>
      {method.isDefault ? <p>{t('wallet.removeDefault')}</p> : null}
      <form onSubmit={submit} noValidate>
        <div className="button-group">
          <Button variant="warning" busy={change.busy}>
            {t('wallet.removeConfirm')}
          </Button>
          <Link to="/account/payment-methods" className="link-button">
            {t('wallet.keep')}
          </Link>
        </div>
      </form>
      {change.dialog}
    </Page>
  );
}
