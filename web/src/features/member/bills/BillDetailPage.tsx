import type { MemberBillDetailView } from '@contract/members/members.schema';
import { isBillOwed } from '@domain/payment-rules';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, isApiError, memberLinks } from '../../../api';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { Money } from '../../../components/Money';
import { Page, useRefocusHeading } from '../../../components/Page';
import { formatDate, langOf } from '../../../format';
import { NotFoundPage } from '../../../pages/NotFoundPage';
import { LineItems } from '../../payment/LineItems';
import { useMemberExpiry } from '../session';
import { paidWithLabel } from '../wallet/labels';

type Payment = MemberBillDetailView['payments'][number];

function PaymentsApplied({ payments }: { payments: Payment[] }) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  if (payments.length === 0) return <p>{t('memberBills.detail.noPayments')}</p>;
  const method = (p: Payment) => paidWithLabel(p.method, lang, t);
  return (
    <>
      <table className="data-table">
        <caption className="visually-hidden">{t('memberBills.detail.paymentsTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('account.payments.date')}</th>
            <th scope="col">{t('account.payments.confirmation')}</th>
            <th scope="col">{t('account.payments.method')}</th>
            <th scope="col" className="num">
              {t('account.payments.amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {payments.map((p) => (
            <tr key={p.paymentId}>
              <td className="nowrap">{formatDate(p.paidOn, i18n.language, 'medium')}</td>
              <td className="confirmation-number">{p.confirmationNumber}</td>
              <td>{method(p)}</td>
              <td className="num">
                <Money cents={p.amountCents} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="list--plain data-list">
        {payments.map((p) => (
          <li key={p.paymentId} className="data-list__item">
            <p className="data-list__head">
              <span>{formatDate(p.paidOn, i18n.language, 'medium')}</span>
              <Money cents={p.amountCents} />
            </p>
            <dl className="summary-list summary-list--compact">
              <div className="summary-row">
                <dt>{t('account.payments.confirmation')}</dt>
                <dd className="confirmation-number">{p.confirmationNumber}</dd>
              </div>
              <div className="summary-row">
                <dt>{t('account.payments.method')}</dt>
                <dd>{method(p)}</dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>
    </>
  );
}

function BillDetail({ bill }: { bill: MemberBillDetailView }) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const payable = isBillOwed(bill.status, bill.balanceCents);
  return (
    <>
      {payable ? (
        <div className="due-box">
          <p className="due-box__label">{t('account.balance')}</p>
          <p className="due-box__amount">
            <Money cents={bill.balanceCents} />
          </p>
          <p className="due-box__date">
            {t('bills.dueBy', { date: formatDate(bill.dueDate, i18n.language) })}
          </p>
        </div>
      ) : (
        <div className="due-box">
          <p className="due-box__amount due-box__amount--none">
            {bill.status === 'void' ? t('memberBills.detail.canceled') : t('memberBills.detail.paidInFull')}
          </p>
          <p>
            {bill.status === 'void'
              ? t('memberBills.detail.canceledHelp')
              : t('memberBills.detail.nothingLeft')}
          </p>
        </div>
      )}

      <div className="button-group">
        {payable && !bill.paymentInProgress ? (
          <Link to={`/account/pay?bill=${encodeURIComponent(bill.id)}`} className="button button--primary">
            {t('account.payBill')}
          </Link>
        ) : null}
        <a
          href={memberLinks.billPdf(bill.id, lang)}
          download={`bill-${bill.number}.pdf`}
          className="button button--secondary"
        >
          {t('memberBills.detail.download')}
        </a>
      </div>
      {payable && bill.paymentInProgress ? (
        <p className="account-bill__note">{t('bills.inProgress')}</p>
      ) : null}

      <h2 className="heading-m">{t('memberBills.detail.aboutTitle')}</h2>
      <dl className="summary-list summary-list--compact">
        <div className="summary-row">
          <dt>{bill.kind === 'premium' ? t('bills.member') : t('bills.patient')}</dt>
          <dd>{bill.personName}</dd>
        </div>
        {bill.kind === 'premium' && bill.coverageStart && bill.coverageEnd ? (
          <div className="summary-row">
            <dt>{t('bills.coverage')}</dt>
            <dd>
              {t('bills.period', {
                start: formatDate(bill.coverageStart, i18n.language),
                end: formatDate(bill.coverageEnd, i18n.language),
              })}
            </dd>
          </div>
        ) : null}
        {bill.visitDate ? (
          <div className="summary-row">
            <dt>{t('bills.visitDate')}</dt>
            <dd>{formatDate(bill.visitDate, i18n.language)}</dd>
          </div>
        ) : null}
        {bill.provider ? (
          <div className="summary-row">
            <dt>{t('bills.provider')}</dt>
            <dd>{bill.provider}</dd>
          </div>
        ) : null}
        {bill.facility ? (
          <div className="summary-row">
            <dt>{t('bills.facility')}</dt>
            <dd>{bill.facility}</dd>
          </div>
        ) : null}
        <div className="summary-row">
          <dt>{t('account.bills.date')}</dt>
          <dd>{formatDate(bill.statementDate, i18n.language)}</dd>
        </div>
        <div className="summary-row">
          <dt>{t('memberBills.detail.account')}</dt>
          <dd>{bill.maskedAccountNumber}</dd>
        </div>
        <div className="summary-row">
          <dt>{t('account.bills.amount')}</dt>
          <dd>
            <Money cents={bill.amountCents} />
          </dd>
        </div>
      </dl>

      {bill.lines.length > 0 ? (
        <>
          <h2 className="heading-m">{t('memberBills.detail.chargesTitle')}</h2>
          <LineItems bill={bill} />
        </>
      ) : null}

      <h2 className="heading-m">{t('memberBills.detail.paymentsTitle')}</h2>
      <PaymentsApplied payments={bill.payments} />

      <p>
        <Link to="/account/bills">{t('memberBills.detail.back')}</Link>
      </p>
    </>
  );
}

/** /account/bills/:billId — the whole bill: what is owed and by when first, then the charges. */
export function BillDetailPage() {
  const { t } = useTranslation();
  const { billId = '' } = useParams();
  const onExpired = useMemberExpiry();
  const [bill, setBill] = useState<MemberBillDetailView | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'missing' | 'failed'>('loading');
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs the fetch on retry
  useEffect(() => {
    let cancelled = false;
    setState('loading');
    api
      .memberBill(billId)
      .then(({ data }) => {
        if (cancelled) return;
        setBill(data);
        setState('ready');
      })
      .catch((err) => {
        if (cancelled || onExpired(err)) return;
        setState(isApiError(err) && (err.status === 404 || err.status === 400) ? 'missing' : 'failed');
      });
    return () => {
      cancelled = true;
    };
  }, [billId, attempt, onExpired]);

  useRefocusHeading(state === 'ready');

  if (state === 'missing') return <NotFoundPage />;
  const title = bill ? `${t(`bills.kind.${bill.kind}`)} ${bill.number}` : t('memberBills.detail.loading');
  return (
    <Page title={title} back={<BackLink to="/account/bills" label={t('memberBills.detail.back')} />} wide>
      {bill ? (
        <span className="caption">
          {t('memberBills.detail.caption', { name: bill.personName, account: bill.maskedAccountNumber })}
        </span>
      ) : null}
      <h1 className="heading-l">{title}</h1>
      {bill && state === 'ready' ? <BillDetail bill={bill} /> : null}
      {state === 'loading' ? (
        <p className="lead" role="status">
          {t('common.loading')}
        </p>
      ) : null}
      {state === 'failed' ? (
        <div>
          <p>{t('memberBills.loadFailed')}</p>
          <Button type="button" onClick={() => setAttempt((n) => n + 1)}>
            {t('unavailable.retry')}
          </Button>
        </div>
      ) : null}
    </Page>
  );
}
