import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useParams } from 'react-router';
import type { AutopayEnrollment } from '../../../api';
import { Email } from '../../../components/Email';
import { Page, useRefocusHeading } from '../../../components/Page';
import { useMemberSession } from '../session';
import { AUTOPAY_PATH, accountTitle, BankAuthorizationNote, EnrollmentFacts, useAutopay } from './shared';

/** /account/autopay/:accountId/on — "Automatic payments are on", what they do, and what happens next. */
export function AutopayOnPage() {
  const { t } = useTranslation();
  const { accountId = '' } = useParams();
  const location = useLocation();
  const session = useMemberSession();
  const state = location.state as { enrollment?: AutopayEnrollment; changed?: boolean } | null;
  // The enrollment comes with the navigation; a reload or bookmark reads it again.
  const { accounts, failed } = useAutopay(false);
  const account = accounts?.find((a) => a.accountId === accountId);
  const enrollment = account?.enrollment ?? state?.enrollment ?? null;
  useRefocusHeading(accounts !== null);

  if (accounts === null && !failed) {
    return (
      <Page title={t('common.loading')}>
        <h1 className="heading-l">{t('common.loading')}</h1>
      </Page>
    );
  }
  if (!account || !enrollment || enrollment.status !== 'active')
    return <Navigate to={AUTOPAY_PATH} replace />;

  const title = t('autopay.on.title');
  return (
    <Page title={title}>
      <div className="panel">
        <h1 className="panel__title">{title}</h1>
        <div className="panel__body">{accountTitle(account, t)}</div>
      </div>
      {state?.changed ? <p className="lead">{t('autopay.on.changed')}</p> : null}
      <EnrollmentFacts enrollment={enrollment} />
      <BankAuthorizationNote enrollment={enrollment} level={2} />
      <p>
        {(() => {
          const marker = '\u0000';
          const [before = '', after = ''] = (t('autopay.on.email', { email: marker }) as string).split(
            marker,
          );
          return (
            <>
              {before}
              <Email address={session.member.email} />
              {after}
            </>
          );
        })()}
      </p>
      <h2 className="heading-m">{t('autopay.on.next')}</h2>
      <ul className="list list--bullet">
        <li>{t('autopay.on.nextNotice')}</li>
        <li>{t('autopay.rules.never')}</li>
        <li>{t('autopay.on.nextChange')}</li>
      </ul>
      <ul className="list--plain autopay-next-links">
        <li>
          <Link to={AUTOPAY_PATH}>{t('autopay.on.seeAll')}</Link>
        </li>
        <li>
          <Link to="/account">{t('autopay.on.toAccount')}</Link>
        </li>
      </ul>
    </Page>
  );
}
