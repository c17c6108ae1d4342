import type { TFunction } from 'i18next';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, type MemberBillsView } from '../../../api';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { Radios } from '../../../components/Field';
import { Money } from '../../../components/Money';
import { Page } from '../../../components/Page';
import { formatDate } from '../../../format';
import { BillTitle } from '../DashboardPage';
import { useMemberExpiry } from '../session';

type ListedBill = MemberBillsView['bills'][number];
type Status = 'open' | 'paid' | 'all';
type Kind = '' | 'hospital' | 'professional' | 'premium';

const STATUSES: Status[] = ['all', 'open', 'paid'];
const KINDS: Kind[] = ['', 'hospital', 'professional', 'premium'];
const PAGE_SIZE = 20;

function statusOf(value: string | null): Status {
  return STATUSES.includes(value as Status) ? (value as Status) : 'all';
}

function kindOf(value: string | null): Kind {
  return KINDS.includes(value as Kind) ? (value as Kind) : '';
}

export function billStatusText(bill: ListedBill, t: TFunction): string {
  if (bill.status === 'open' && bill.paymentInProgress) return t('account.bills.status.processing');
  return t(`account.bills.status.${bill.status}`);
}

function billHref(bill: ListedBill): string {
  return `/account/bills/${encodeURIComponent(bill.id)}`;
}

/** /account/bills: every bill, newest first, with filters and "Show more bills". */
export function BillsListPage() {
  const { t, i18n } = useTranslation();
  const onExpired = useMemberExpiry();
  const [params, setParams] = useSearchParams();
  const status = statusOf(params.get('status'));
  const kind = kindOf(params.get('kind'));
  const [draftStatus, setDraftStatus] = useState<string>(status);
  const [draftKind, setDraftKind] = useState<string>(kind);
  const [bills, setBills] = useState<ListedBill[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const firstNew = useRef<string | null>(null);

  useEffect(() => {
    setDraftStatus(status);
    setDraftKind(kind);
    const controller = new AbortController();
    setBills(null);
    setFailed(false);
    api
      .memberBills({ status, ...(kind ? { kind } : {}), limit: PAGE_SIZE }, controller.signal)
      .then(({ data }) => {
        setBills(data.bills);
        setCursor(data.nextCursor);
      })
      .catch((err) => {
        if (controller.signal.aborted || onExpired(err)) return;
        setFailed(true);
      });
    return () => controller.abort();
  }, [status, kind, onExpired]);

  // After "Show more bills", focus goes to the first bill that was added.
  useEffect(() => {
    if (!firstNew.current) return;
    const visible = [...document.querySelectorAll<HTMLElement>(`[data-bill="${firstNew.current}"]`)].find(
      (el) => el.offsetParent !== null,
    );
    firstNew.current = null;
    visible?.focus();
  });

  function apply(e: FormEvent) {
    e.preventDefault();
    const next = new URLSearchParams();
    if (draftStatus !== 'all') next.set('status', draftStatus);
    if (draftKind) next.set('kind', draftKind);
    setParams(next);
  }

  async function more() {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    try {
      const { data } = await api.memberBills({ status, ...(kind ? { kind } : {}), limit: PAGE_SIZE, cursor });
      firstNew.current = data.bills[0]?.id ?? null;
      setBills((list) => [...(list ?? []), ...data.bills]);
      setCursor(data.nextCursor);
    } catch (err) {
      if (!onExpired(err)) setFailed(true);
    } finally {
      setLoadingMore(false);
    }
  }

  const title = t('memberBills.title');
  return (
    <Page title={title} back={<BackLink to="/account" label={t('accountPay.back')} />} wide>
      <h1 className="heading-l">{title}</h1>
      <form className="filters" onSubmit={apply} noValidate aria-label={t('memberBills.filters')}>
        <Radios
          idBase="status"
          name="status"
          legend={t('memberBills.statusLegend')}
          className="fieldset--inline"
          value={draftStatus}
          onChange={setDraftStatus}
          options={STATUSES.map((s) => ({ value: s, label: t(`memberBills.status.${s}`) }))}
        />
        <div className="field">
          <label className="label" htmlFor="kind">
            {t('memberBills.kindLabel')}
          </label>
          <select
            id="kind"
            name="kind"
            className="select"
            value={draftKind}
            onChange={(e) => setDraftKind(e.target.value)}
          >
            {KINDS.map((k) => (
              <option key={k || 'all'} value={k}>
                {k ? t(`memberBills.kind.${k}`) : t('memberBills.kindAll')}
              </option>
            ))}
          </select>
        </div>
        <Button variant="secondary">{t('memberBills.apply')}</Button>
      </form>

      <div aria-live="polite">
        {bills === null && !failed ? <p className="lead">{t('common.loading')}</p> : null}
        {bills ? (
          <p className="secondary-text">
            {cursor
              ? t('memberBills.showingMore', { count: bills.length })
              : t('memberBills.showing', { count: bills.length })}
          </p>
        ) : null}
      </div>
      {failed ? <p className="error-message">{t('memberBills.loadFailed')}</p> : null}
      {bills && bills.length === 0 ? <p>{t('memberBills.none')}</p> : null}
      {bills && bills.length > 0 ? (
        <>
          <table className="data-table">
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('account.bills.bill')}</th>
                <th scope="col">{t('account.bills.patient')}</th>
                <th scope="col">{t('account.bills.date')}</th>
                <th scope="col">{t('account.bills.status.title')}</th>
                <th scope="col" className="num">
                  {t('account.bills.balance')}
                </th>
              </tr>
            </thead>
            <tbody>
              {bills.map((bill) => (
                <tr key={bill.id}>
                  <td>
                    <Link to={billHref(bill)} data-bill={bill.id}>
                      <BillTitle bill={bill} />
                    </Link>
                  </td>
                  <td>{bill.personName}</td>
                  <td className="nowrap">{formatDate(bill.statementDate, i18n.language, 'medium')}</td>
                  <td>{billStatusText(bill, t)}</td>
                  <td className="num">
                    <Money cents={bill.balanceCents} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <ul className="list--plain data-list">
            {bills.map((bill) => (
              <li key={bill.id} className="data-list__item">
                <p className="data-list__head">
                  <Link to={billHref(bill)} data-bill={bill.id}>
                    <BillTitle bill={bill} />
                  </Link>
                </p>
                <dl className="summary-list summary-list--compact">
                  <div className="summary-row">
                    <dt>{t('account.bills.patient')}</dt>
                    <dd>{bill.personName}</dd>
                  </div>
                  <div className="summary-row">
                    <dt>{t('account.bills.date')}</dt>
                    <dd>{formatDate(bill.statementDate, i18n.language, 'medium')}</dd>
                  </div>
                  <div className="summary-row">
                    <dt>{t('account.bills.status.title')}</dt>
                    <dd>{billStatusText(bill, t)}</dd>
                  </div>
                  <div className="summary-row">
                    <dt>{t('account.bills.balance')}</dt>
                    <dd>
                      <Money cents={bill.balanceCents} />
                    </dd>
                  </div>
                </dl>
              </li>
            ))}
          </ul>
          {cursor ? (
            <div className="list-more">
              <Button type="button" variant="secondary" busy={loadingMore} onClick={more}>
                {loadingMore ? t('memberBills.loadingMore') : t('memberBills.more')}
              </Button>
            </div>
          ) : null}
        </>
      ) : null}
    </Page>
  );
}
