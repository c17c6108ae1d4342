import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { type AutopayAccount, autopayApi, isApiError } from '../../../api';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Page, useRefocusHeading } from '../../../components/Page';
import { useFormErrors } from '../../../components/useFormErrors';
import { useMemberExpiry, useMemberSession } from '../session';
import { AUTOPAY_PATH, accountTitle, EnrollmentFacts, useAutopay, useRegionPhone } from './shared';

/** /account/autopay/:accountId/turn-off — "Are you sure?" before automatic payments stop. */
export function TurnOffAutopayPage() {
  const { t } = useTranslation();
  const { accountId = '' } = useParams();
  const { accounts, failed, reload } = useAutopay(false);
  useRefocusHeading(accounts !== null);
  const back = <BackLink to={AUTOPAY_PATH} label={t('autopay.back')} />;
  if (accounts === null) {
    return (
      <Page title={failed ? t('autopay.title') : t('common.loading')} back={back}>
        <h1 className="heading-l">{failed ? t('autopay.title') : t('common.loading')}</h1>
        {failed ? (
          <>
            <p>{t('autopay.loadFailed')}</p>
            <Button type="button" onClick={reload}>
              {t('unavailable.retry')}
            </Button>
          </>
        ) : null}
      </Page>
    );
  }
  const account = accounts.find((a) => a.accountId === accountId);
  if (!account?.enrollment) {
    const title = account ? accountTitle(account, t) : t('autopay.setup.notFoundTitle');
    return (
      <Page title={title} back={back}>
        <h1 className="heading-l">{title}</h1>
        <p>{account ? t('autopay.off.notOn') : t('autopay.setup.notFoundBody')}</p>
        <Link to={AUTOPAY_PATH} className="button button--secondary">
          {t('autopay.back')}
        </Link>
      </Page>
    );
  }
  return <TurnOffForm account={account} />;
}

function TurnOffForm({ account }: { account: AutopayAccount }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useMemberSession();
  const onExpired = useMemberExpiry();
  const phone = useRegionPhone();
  const [busy, setBusy] = useState(false);
  const form = useFormErrors();
  const name = accountTitle(account, t);
  const inSentence = name.charAt(0).toLowerCase() + name.slice(1);
  const title = t('autopay.off.title', { account: inSentence });
  const enrollment = account.enrollment;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    try {
      await autopayApi.turnOff(session.csrfToken, account.accountId);
      navigate(AUTOPAY_PATH, {
        state: { notice: { key: 'autopay.off.done', values: { account: inSentence } } },
      });
    } catch (err) {
      setBusy(false);
      if (onExpired(err)) return;
      form.setErrors([
        isApiError(err) && err.code === 'network'
          ? { id: '', key: 'common.errors.network' }
          : { id: '', key: 'autopay.off.failed', values: { phone } },
      ]);
    }
  }

  return (
    <Page
      title={title}
      error={form.hasErrors}
      back={<BackLink to={AUTOPAY_PATH} label={t('autopay.back')} />}
    >
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <h1 className="heading-l">{title}</h1>
      {enrollment ? <EnrollmentFacts enrollment={enrollment} compact /> : null}
      <p>{t('autopay.off.body')}</p>
      {enrollment?.bankAuthorization ? <p>{t('autopay.off.bank')}</p> : null}
      <form onSubmit={submit} noValidate>
        <div className="button-group">
          <Button variant="warning" busy={busy}>
            {busy ? t('autopay.off.turningOff') : t('autopay.off.yes')}
          </Button>
          <Link to={AUTOPAY_PATH} className="link-button">
            {t('autopay.off.no')}
          </Link>
        </div>
      </form>
    </Page>
  );
}
