import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type AutopayAccount, type AutopayItem, autopayApi, isApiError } from '../../../api';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Page } from '../../../components/Page';
import { useFormErrors } from '../../../components/useFormErrors';
import { langOf, money, todayIso } from '../../../format';
import { dayAndDate } from '../scheduled/dates';
import { useMemberExpiry, useMemberSession } from '../session';
import { NoticeBanner, useNotice } from '../wallet/WalletPage';
import {
  accountTitle,
  amountOnDate,
  autopayPath,
  BankAuthorizationNote,
  EnrollmentFacts,
  isUpcoming,
  methodInSentence,
  PausedWarning,
  reasonText,
  StatusTag,
  useAutopay,
  useUnavailableExplanation,
} from './shared';

/** The host of an outside enrollment site, to name it in the link ("Set up … on pay.example.org"). */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** One account: its enrollment (or why there is none) and what can be done with it. */
function AccountAutopay({ account }: { account: AutopayAccount }) {
  const { t } = useTranslation();
  const title = accountTitle(account, t);
  const headingId = `autopay-account-${account.accountId}`;
  const { availability, enrollment } = account;
  const explanation = useUnavailableExplanation(availability);
  const forAccount = <span className="visually-hidden"> {t('autopay.forAccount', { account: title })}</span>;

  let body: ReactNode;
  if (availability.status === 'unavailable') {
    body = (
      <>
        <p>{explanation}</p>
        <p>
          <Link to="/account/pay">{t('autopay.unavailable.payInstead')}</Link>
        </p>
      </>
    );
  } else if (availability.status === 'external') {
    body = (
      <>
        <p>{t('autopay.external.body')}</p>
        {availability.url ? (
          <p>
            <a href={availability.url} rel="noopener">
              {t('autopay.external.link', { host: hostOf(availability.url) })}
            </a>
          </p>
        ) : null}
      </>
    );
  } else if (!enrollment) {
    body = (
      <>
        <p>{t('autopay.offBody')}</p>
        <Link to={autopayPath(account.accountId)} className="button button--secondary">
          {t('autopay.setUp')}
          {forAccount}
        </Link>
      </>
    );
  } else if (!enrollment.setUpByYou) {
    // Another member's autopay: they alone can change it, and its method is theirs.
    body = (
      <>
        <p>{t('autopay.setUpByAnother')}</p>
        <EnrollmentFacts enrollment={enrollment} compact />
      </>
    );
  } else {
    body = (
      <>
        {enrollment.status === 'paused' ? (
          <PausedWarning
            enrollment={enrollment}
            fixLink={
              <p>
                <Link to={autopayPath(account.accountId)}>
                  {t('autopay.paused.fix')}
                  {forAccount}
                </Link>
              </p>
            }
          />
        ) : null}
        <EnrollmentFacts enrollment={enrollment} compact />
        <BankAuthorizationNote enrollment={enrollment} />
        <ul className="wallet-method__actions">
          <li>
            <Link to={autopayPath(account.accountId)}>
              {t('autopay.change')}
              {forAccount}
            </Link>
          </li>
          <li>
            <Link to={autopayPath(account.accountId, 'turn-off')}>
              {t('autopay.turnOff')}
              {forAccount}
            </Link>
          </li>
        </ul>
      </>
    );
  }

  return (
    <section
      className={
        enrollment?.status === 'paused' ? 'autopay-account autopay-account--paused' : 'autopay-account'
      }
      aria-labelledby={headingId}
    >
      <h2 className="heading-m autopay-account__title" id={headingId}>
        {title}
      </h2>
      {availability.status === 'available' ? (
        <p className="autopay-account__status">
          <StatusTag enrollment={enrollment} />
        </p>
      ) : null}
      {body}
    </section>
  );
}

function ItemCard({
  item,
  account,
  showAccount,
  busy,
  onApprove,
}: {
  item: AutopayItem;
  account: AutopayAccount | undefined;
  /** The member pays for more than one account: say which one. */
  showAccount: boolean;
  busy: boolean;
  onApprove: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const enrollment = account?.enrollment ?? null;
  const when = item.status === 'retrying' && item.nextTryOn ? item.nextTryOn : item.chargeOn;
  const what = amountOnDate(item.amountCents, when, i18n.language);
  const hiddenWhat = <span className="visually-hidden"> {t('autopay.items.thePayment', what)}</span>;
  const tagClass =
    item.status === 'needs_approval' || item.status === 'retrying'
      ? 'tag tag--warning'
      : item.status === 'failed'
        ? 'tag tag--error'
        : item.status === 'noticed' || item.status === 'processing'
          ? 'tag tag--default'
          : 'tag';

  let note: ReactNode = null;
  switch (item.status) {
    case 'noticed':
      note = enrollment?.method ? (
        <p>{t('autopay.items.noticed', { ...what, method: methodInSentence(enrollment.method, lang, t) })}</p>
      ) : null;
      break;
    case 'needs_approval':
      note = (
        <>
          <p className="wallet-method__note">
            {t(
              item.chargeOn <= todayIso() ? 'autopay.items.needsApprovalLate' : 'autopay.items.needsApproval',
              {
                ...what,
                limit: money(enrollment?.maxChargeCents ?? 0, lang),
              },
            )}
          </p>
          <Button type="button" variant="secondary" busy={busy} onClick={onApprove}>
            {busy ? t('autopay.items.approving') : t('autopay.items.approve')}
            {hiddenWhat}
          </Button>
        </>
      );
      break;
    case 'processing':
      note = <p>{t('autopay.items.processing')}</p>;
      break;
    case 'retrying':
      note = (
        <p className="wallet-method__note">
          {t('autopay.items.retrying', {
            reason: reasonText(item.declineCode, t),
            date: dayAndDate(item.nextTryOn ?? item.chargeOn, i18n.language),
          })}
        </p>
      );
      break;
    case 'paid':
      note = item.paymentId ? (
        <p>
          <Link to={`/account/pay/confirmation/${encodeURIComponent(item.paymentId)}`}>
            {t('autopay.items.seePayment')}
            {hiddenWhat}
          </Link>
        </p>
      ) : null;
      break;
    case 'failed':
      note = (
        <p className="wallet-method__note wallet-method__note--error">
          {t('autopay.items.failed', { reason: reasonText(item.declineCode, t) })}
        </p>
      );
      break;
    case 'skipped':
      note = (
        <p>
          {t(
            item.declineCode === 'nothing_owed'
              ? 'autopay.items.skipped.nothing_owed'
              : 'autopay.items.skipped.other',
          )}
        </p>
      );
      break;
    case 'canceled':
      note = <p>{t('autopay.items.canceled')}</p>;
      break;
  }

  return (
    <li className="wallet-method autopay-item">
      <h3 className="wallet-method__title">{t('autopay.items.item', what)}</h3>
      <p className="wallet-method__tags">
        <strong className={tagClass}>{t(`autopay.items.status.${item.status}`)}</strong>
      </p>
      <dl className="summary-list summary-list--compact wallet-method__facts">
        <div className="summary-row">
          <dt>{item.bill ? t('autopay.items.bill') : t('autopay.items.what')}</dt>
          <dd>
            {item.bill ? (
              <Link to={`/account/bills/${encodeURIComponent(item.bill.billId)}`}>{item.bill.number}</Link>
            ) : (
              t('autopay.items.monthly')
            )}
          </dd>
        </div>
        {account && showAccount ? (
          <div className="summary-row">
            <dt>{t('autopay.items.account')}</dt>
            <dd>{accountTitle(account, t)}</dd>
          </div>
        ) : null}
      </dl>
      {note}
    </li>
  );
}

/** /account/autopay: each account's automatic payments, then the payments coming up and past ones. */
export function AutopayPage() {
  const { t, i18n } = useTranslation();
  const session = useMemberSession();
  const onExpired = useMemberExpiry();
  const { accounts, items, failed, reload, setItems } = useAutopay();
  const [notice, setNotice] = useNotice();
  const [busyId, setBusyId] = useState<string | null>(null);
  const form = useFormErrors();
  const title = t('autopay.title');

  async function approve(item: AutopayItem) {
    if (busyId) return;
    setBusyId(item.id);
    try {
      const { data } = await autopayApi.approve(session.csrfToken, item.id);
      setItems(data.items);
      form.setErrors([]);
      setNotice({
        key: 'autopay.items.approved',
        values: amountOnDate(item.amountCents, item.chargeOn, i18n.language),
      });
    } catch (err) {
      if (onExpired(err)) return;
      setNotice(null);
      if (isApiError(err) && (err.code === 'autopay_item_not_waiting' || err.code === 'not_found')) {
        form.setErrors([{ id: '', key: 'autopay.items.errors.notWaiting' }]);
        reload();
      } else if (isApiError(err) && err.code === 'network') {
        form.setErrors([{ id: '', key: 'common.errors.network' }]);
      } else {
        form.setErrors([{ id: '', key: 'autopay.items.errors.failed' }]);
      }
    } finally {
      setBusyId(null);
    }
  }

  const byId = new Map((accounts ?? []).map((a) => [a.accountId, a]));
  const upcoming = items?.filter(isUpcoming) ?? [];
  const past = items?.filter((i) => !isUpcoming(i)) ?? [];
  const anyAvailable = (accounts ?? []).some((a) => a.availability.status === 'available');
  const anyEnrolled = (accounts ?? []).some((a) => a.enrollment !== null);

  return (
    <Page title={title} error={form.hasErrors} back={<BackLink to="/account" label={t('accountPay.back')} />}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <NoticeBanner notice={notice} />
      <h1 className="heading-l">{title}</h1>
      {accounts?.some((a) => a.availability.status !== 'unavailable') ? <p>{t('autopay.intro')}</p> : null}
      {accounts === null && failed ? (
        <div>
          <p>{t('autopay.loadFailed')}</p>
          <Button type="button" onClick={reload}>
            {t('unavailable.retry')}
          </Button>
        </div>
      ) : accounts === null ? (
        <p className="lead" role="status">
          {t('common.loading')}
        </p>
      ) : (
        <>
          {accounts.map((a) => (
            <AccountAutopay key={a.accountId} account={a} />
          ))}

          {anyEnrolled || (items?.length ?? 0) > 0 ? (
            <>
              <h2 className="heading-m">{t('autopay.items.upcoming')}</h2>
              {upcoming.length > 0 ? (
                <ul className="list--plain wallet-list">
                  {upcoming.map((item) => (
                    <ItemCard
                      key={item.id}
                      item={item}
                      account={byId.get(item.accountId)}
                      showAccount={(accounts?.length ?? 0) > 1}
                      busy={busyId === item.id}
                      onApprove={() => approve(item)}
                    />
                  ))}
                </ul>
              ) : (
                <p>{t('autopay.items.noneUpcoming')}</p>
              )}
              {past.length > 0 ? (
                <>
                  <h2 className="heading-m">{t('autopay.items.past')}</h2>
                  <ul className="list--plain wallet-list">
                    {past.map((item) => (
                      <ItemCard
                        key={item.id}
                        item={item}
                        account={byId.get(item.accountId)}
                        showAccount={(accounts?.length ?? 0) > 1}
                        busy={false}
                        onApprove={() => undefined}
                      />
                    ))}
                  </ul>
                </>
              ) : null}
            </>
          ) : null}

          {anyAvailable ? (
            <>
              <h2 className="heading-m">{t('autopay.rules.title')}</h2>
              <Rules />
            </>
          ) : null}
        </>
      )}
    </Page>
  );
}

/** The promises automatic payments keep, in plain words. */
export function Rules() {
  const { t } = useTranslation();
  return (
    <ul className="list list--bullet">
      <li>{t('autopay.rules.notice')}</li>
      <li>{t('autopay.rules.never')}</li>
      <li>{t('autopay.rules.retry')}</li>
      <li>{t('autopay.rules.pause')}</li>
      <li>{t('autopay.rules.change')}</li>
    </ul>
  );
}
