import type { PaymentMethodView } from '@contract/wallet/wallet.schema';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { api, isApiError } from '../../../api';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Page } from '../../../components/Page';
import { type FieldMsg, useFormErrors } from '../../../components/useFormErrors';
import { langOf } from '../../../format';
import { isStepUpCancelled, useStepUp } from '../StepUp';
import { useMemberExpiry } from '../session';
import { expiryText, methodTitle } from './labels';
import { useWallet } from './useWallet';

/** What a page says after it changed something: a translation key and the method's name. */
export interface Notice {
  key: string;
  values?: Record<string, string>;
}

/** Shows the notice a page navigated here with (once: a reload does not repeat it), focused. */
export function useNotice(): [Notice | null, (n: Notice | null) => void] {
  const location = useLocation();
  const navigate = useNavigate();
  const [notice, setNotice] = useState<Notice | null>(
    () => (location.state as { notice?: Notice } | null)?.notice ?? null,
  );
  useEffect(() => {
    if ((location.state as { notice?: Notice } | null)?.notice)
      navigate(`${location.pathname}${location.search}`, { replace: true, state: null });
  }, [location, navigate]);
  return [notice, setNotice];
}

/** "Visa ending in 4242 is saved.": a success banner that takes focus so it is read out. */
export function NoticeBanner({ notice }: { notice: Notice | null }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (notice) ref.current?.focus();
  }, [notice]);
  if (!notice) return null;
  return (
    <div className="success-message" role="status" tabIndex={-1} ref={ref}>
      {t(notice.key, notice.values ?? {})}
    </div>
  );
}

/** A wallet change that failed, in words (the step-up dialog closed, the method is gone, …). */
export function walletProblem(err: unknown): FieldMsg {
  if (isStepUpCancelled(err)) return { id: '', key: 'wallet.errors.stepUpCancelled' };
  if (isApiError(err) && err.code === 'not_found') return { id: '', key: 'wallet.errors.notFound' };
  if (isApiError(err) && err.code === 'payment_method_invalid')
    return { id: '', key: 'wallet.errors.invalid' };
  if (isApiError(err) && err.code === 'network') return { id: '', key: 'common.errors.network' };
  return { id: '', key: 'wallet.errors.failed' };
}

function MethodItem({
  method,
  busy,
  onMakeDefault,
}: {
  method: PaymentMethodView;
  busy: boolean;
  onMakeDefault: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const name = methodTitle(method, lang, t);
  const base = `/account/payment-methods/${encodeURIComponent(method.id)}`;
  return (
    <li className={method.isDefault ? 'wallet-method wallet-method--default' : 'wallet-method'}>
      <h2 className="wallet-method__title">{name}</h2>
      {method.isDefault || method.expiresSoon || method.expired ? (
        <p className="wallet-method__tags">
          {method.isDefault ? <strong className="tag tag--default">{t('wallet.default')}</strong> : null}
          {method.expired ? (
            <strong className="tag tag--error">{t('wallet.expired')}</strong>
          ) : method.expiresSoon ? (
            <strong className="tag tag--warning">{t('wallet.expiresSoon')}</strong>
          ) : null}
        </p>
      ) : null}
      <dl className="summary-list summary-list--compact wallet-method__facts">
        {method.kind === 'card' ? (
          <div className="summary-row">
            <dt>{t('wallet.expiryLabel')}</dt>
            <dd>{expiryText(method, lang)}</dd>
          </div>
        ) : null}
        {method.holderName ? (
          <div className="summary-row">
            <dt>{method.kind === 'bank' ? t('wallet.holder') : t('card.name')}</dt>
            <dd>{method.holderName}</dd>
          </div>
        ) : null}
      </dl>
      {method.expired ? (
        <p className="wallet-method__note wallet-method__note--error">{t('wallet.expiredHelp')}</p>
      ) : method.expiresSoon ? (
        <p className="wallet-method__note">{t('wallet.expiresSoonHelp')}</p>
      ) : null}
      {method.isDefault ? <p className="secondary-text">{t('wallet.defaultHint')}</p> : null}
      <ul className="wallet-method__actions">
        <li>
          <Link to={`${base}/rename`}>
            {t('wallet.rename')}
            <span className="visually-hidden"> {name}</span>
          </Link>
        </li>
        {!method.isDefault && !method.expired ? (
          <li>
            <Button type="button" variant="link" busy={busy} onClick={onMakeDefault}>
              {t('wallet.makeDefault')}
              <span className="visually-hidden"> – {name}</span>
            </Button>
          </li>
        ) : null}
        <li>
          <Link to={`${base}/remove`}>
            {t('wallet.remove')}
            <span className="visually-hidden"> {name}</span>
          </Link>
        </li>
      </ul>
    </li>
  );
}

/** /account/payment-methods: saved cards and bank accounts, and what can be done with each. */
export function WalletPage() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const { methods, failed, reload } = useWallet();
  const onExpired = useMemberExpiry();
  const stepUp = useStepUp();
  const [notice, setNotice] = useNotice();
  const [busyId, setBusyId] = useState<string | null>(null);
  const form = useFormErrors();

  async function makeDefault(method: PaymentMethodView) {
    if (busyId) return;
    setBusyId(method.id);
    try {
      await stepUp.run((csrf) => api.updatePaymentMethod(csrf, method.id, { makeDefault: true }));
      form.setErrors([]);
      setNotice({ key: 'wallet.madeDefault', values: { method: methodTitle(method, lang, t) } });
      reload();
    } catch (err) {
      if (onExpired(err)) return;
      setNotice(null);
      form.setErrors([walletProblem(err)]);
    } finally {
      setBusyId(null);
    }
  }

  const title = t('wallet.title');
  return (
    <Page title={title} error={form.hasErrors} back={<BackLink to="/account" label={t('accountPay.back')} />}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <NoticeBanner notice={notice} />
      <h1 className="heading-l">{title}</h1>
      <p>{t('wallet.intro')}</p>
      {methods === null ? (
        <p className="lead" role="status">
          {t('common.loading')}
        </p>
      ) : failed ? (
        <div>
          <p>{t('wallet.loadFailed')}</p>
          <Button type="button" onClick={reload}>
            {t('unavailable.retry')}
          </Button>
        </div>
      ) : methods.length === 0 ? (
        <p className="lead">{t('wallet.none')}</p>
      ) : (
        <ul className="list--plain wallet-list">
          {methods.map((m) => (
            <MethodItem key={m.id} method={m} busy={busyId === m.id} onMakeDefault={() => makeDefault(m)} />
          ))}
        </ul>
      )}
      <p>
        <Link to="/account/payment-methods/add" className="button button--secondary">
          {t('wallet.add')}
        </Link>
      </p>
      {stepUp.dialog}
    </Page>
  );
}
