import type { BillSummary, DashboardView } from '@contract/members/members.schema';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api';
import { LoadState } from '../../components/LoadState';
import { Money } from '../../components/Money';
import { Page } from '../../components/Page';
import { useApiData } from '../../components/useApiData';
import { formatDate, langOf, money } from '../../format';
import { useOrganization } from '../../organization';
import { DashboardAutopay } from './autopay/DashboardAutopay';
import { telHref } from './RegionContacts';
import { DashboardScheduled } from './scheduled/DashboardScheduled';
import { dayAndDate } from './scheduled/dates';
import { useMember, useMemberExpiry, useMemberSession } from './session';
import { paidWithLabel } from './wallet/labels';

type PaymentSummary = DashboardView['recentPayments'][number];
type Person = DashboardView['people'][number];

/** Loads the dashboard; a 401 goes to "You have been signed out". */
export function useDashboard(): { data: DashboardView | null; failed: boolean; retry: () => void } {
  const onExpired = useMemberExpiry();
  const { setSession } = useMember();
  const { data, failed, reload } = useApiData(async () => (await api.dashboard()).data, onExpired, {
    onLoaded: (_data, cancelled) => {
      // Any signed-in request restarts the idle timer on the server, and the dashboard does not
      // say until when: ask, so the time-out warning counts from now rather than from sign-in.
      api
        .memberSession()
        .then(({ data: session }) => {
          if (!cancelled()) setSession(session);
        })
        .catch((err) => {
          if (!cancelled()) onExpired(err);
        });
    },
  });
  return { data, failed, retry: reload };
}

export function BillTitle({ bill }: { bill: BillSummary }) {
  const { t } = useTranslation();
  return (
    <>
      {t(`bills.kind.${bill.kind}`)} {bill.number}
    </>
  );
}

/** Visit date for care, coverage period for a premium. */
function BillWhen({ bill }: { bill: BillSummary }) {
  const { t, i18n } = useTranslation();
  if (bill.kind === 'premium' && bill.coverageStart && bill.coverageEnd) {
    return (
      <div className="summary-row">
        <dt>{t('bills.coverage')}</dt>
        <dd>
          {t('bills.period', {
            start: formatDate(bill.coverageStart, i18n.language),
            end: formatDate(bill.coverageEnd, i18n.language),
          })}
        </dd>
      </div>
    );
  }
  if (bill.visitDate) {
    return (
      <div className="summary-row">
        <dt>{t('bills.visitDate')}</dt>
        <dd>{formatDate(bill.visitDate, i18n.language)}</dd>
      </div>
    );
  }
  return null;
}

function BillToPay({ bill, level }: { bill: BillSummary; level: 3 | 4 }) {
  const { t, i18n } = useTranslation();
  const Heading = level === 3 ? 'h3' : 'h4';
  return (
    <li className="account-bill">
      <div className="account-bill__head">
        <Heading className="account-bill__title">
          <BillTitle bill={bill} />
        </Heading>
        <p className="account-bill__balance">
          <span className="visually-hidden">{t('account.balance')} </span>
          <Money cents={bill.balanceCents} />
        </p>
      </div>
      <dl className="summary-list summary-list--compact account-bill__facts">
        <div className="summary-row">
          <dt>{bill.kind === 'premium' ? t('bills.member') : t('bills.patient')}</dt>
          <dd>{bill.patientName}</dd>
        </div>
        <BillWhen bill={bill} />
        {bill.provider ? (
          <div className="summary-row">
            <dt>{t('bills.provider')}</dt>
            <dd>{bill.provider}</dd>
          </div>
        ) : null}
        <div className="summary-row">
          <dt>{t('account.due')}</dt>
          <dd>{formatDate(bill.dueDate, i18n.language)}</dd>
        </div>
      </dl>
      {bill.paymentInProgress ? (
        <p className="account-bill__note">{t('bills.inProgress')}</p>
      ) : (
        <Link to={`/account/pay?bill=${encodeURIComponent(bill.id)}`} className="button button--secondary">
          {t('account.payBill')}
          <span className="visually-hidden">
            {' '}
            – <BillTitle bill={bill} />
          </span>
        </Link>
      )}
    </li>
  );
}

/** One person's bills; with nobody else to pay for, the member's bills need no heading of their own. */
function PersonBills({ person, alone }: { person: Person; alone: boolean }) {
  const { t } = useTranslation();
  const first = person.name.split(' ')[0] ?? person.name;
  if (alone) {
    return person.bills.length === 0 ? (
      <p>{t('account.nothingForYou')}</p>
    ) : (
      <ul className="list--plain account-bills account-person">
        {person.bills.map((bill) => (
          <BillToPay key={bill.id} bill={bill} level={3} />
        ))}
      </ul>
    );
  }
  return (
    <section className="account-person" aria-labelledby={`person-${person.personId}`}>
      <h3 className="heading-s account-person__name" id={`person-${person.personId}`}>
        {person.isMember ? t('account.you', { name: person.name }) : person.name}
      </h3>
      {person.bills.length === 0 ? (
        <p className="secondary-text">
          {person.isMember ? t('account.nothingForYou') : t('account.nothingFor', { name: first })}
        </p>
      ) : (
        <>
          {person.bills.length > 1 ? (
            <p className="account-person__total">
              {t('account.personTotal')} <Money cents={person.totalDueCents} />
            </p>
          ) : null}
          <ul className="list--plain account-bills">
            {person.bills.map((bill) => (
              <BillToPay key={bill.id} bill={bill} level={4} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/**
 * Bank debits returned for lack of funds that we will ask the bank for again: said plainly, with the
 * day, so the charge is no surprise and the member can pay another way first.
 */
function BankRetries({ retries }: { retries: DashboardView['bankRetries'] }) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  if (retries.length === 0) return null;
  return (
    <section aria-labelledby="bank-retries-title" className="inset">
      <h2 className="heading-s" id="bank-retries-title">
        {t('account.bankRetry.title')}
      </h2>
      {retries.map((r) => (
        <p key={r.id}>
          {t('account.bankRetry.item', {
            amount: money(r.amountCents, i18n.language),
            method: paidWithLabel(r.method, lang, t).toLocaleLowerCase(lang),
            date: dayAndDate(r.presentOn, i18n.language),
          })}
        </p>
      ))}
      <p>{t('account.bankRetry.payInstead')}</p>
    </section>
  );
}

function RecentPayments({ payments }: { payments: PaymentSummary[] }) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  if (payments.length === 0) return <p>{t('account.payments.none')}</p>;
  const rows = payments.map((p) => ({
    p,
    date: formatDate(p.paidOn, i18n.language, 'medium'),
    method: paidWithLabel(p.method, lang, t),
    status: t(`account.payments.status.${p.status}`),
  }));
  return (
    <>
      <table className="data-table">
        <caption className="visually-hidden">{t('account.payments.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('account.payments.date')}</th>
            <th scope="col">{t('account.payments.confirmation')}</th>
            <th scope="col">{t('account.payments.method')}</th>
            <th scope="col">{t('account.payments.status.title')}</th>
            <th scope="col" className="num">
              {t('account.payments.amount')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ p, date, method, status }) => (
            <tr key={p.id}>
              <td className="nowrap">{date}</td>
              <td className="confirmation-number">{p.confirmationNumber}</td>
              <td>{method}</td>
              <td>{status}</td>
              <td className="num">
                <Money cents={p.amountCents} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="list--plain data-list">
        {rows.map(({ p, date, method, status }) => (
          <li key={p.id} className="data-list__item">
            <p className="data-list__head">
              <span>{date}</span>
              <Money cents={p.amountCents} />
            </p>
            <dl className="summary-list summary-list--compact">
              <div className="summary-row">
                <dt>{t('account.payments.confirmation')}</dt>
                <dd className="confirmation-number">{p.confirmationNumber}</dd>
              </div>
              <div className="summary-row">
                <dt>{t('account.payments.method')}</dt>
                <dd>{method}</dd>
              </div>
              <div className="summary-row">
                <dt>{t('account.payments.status.title')}</dt>
                <dd>{status}</dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>
    </>
  );
}

function billStatus(bill: BillSummary, t: TFunction): string {
  if (bill.status === 'open' && bill.paymentInProgress) return t('account.bills.status.processing');
  return t(`account.bills.status.${bill.status}`);
}

function RecentBills({ bills }: { bills: BillSummary[] }) {
  const { t, i18n } = useTranslation();
  if (bills.length === 0) return <p>{t('account.bills.none')}</p>;
  return (
    <>
      <table className="data-table">
        <caption className="visually-hidden">{t('account.bills.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('account.bills.bill')}</th>
            <th scope="col">{t('account.bills.patient')}</th>
            <th scope="col">{t('account.bills.date')}</th>
            <th scope="col">{t('account.bills.status.title')}</th>
            <th scope="col" className="num">
              {t('account.bills.amount')}
            </th>
            <th scope="col" className="num">
              {t('account.bills.balance')}
            </th>
          </tr>
        </thead>
        <tbody>
          {bills.map((bill) => (
            <tr key={bill.id}>
              <td>
                <Link to={`/account/bills/${encodeURIComponent(bill.id)}`}>
                  <BillTitle bill={bill} />
                </Link>
              </td>
              <td>{bill.patientName}</td>
              <td className="nowrap">{formatDate(bill.statementDate, i18n.language, 'medium')}</td>
              <td>{billStatus(bill, t)}</td>
              <td className="num">
                <Money cents={bill.amountCents} />
              </td>
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
              <Link to={`/account/bills/${encodeURIComponent(bill.id)}`}>
                <BillTitle bill={bill} />
              </Link>
            </p>
            <dl className="summary-list summary-list--compact">
              <div className="summary-row">
                <dt>{t('account.bills.amount')}</dt>
                <dd>
                  <Money cents={bill.amountCents} />
                </dd>
              </div>
              <div className="summary-row">
                <dt>{t('account.bills.patient')}</dt>
                <dd>{bill.patientName}</dd>
              </div>
              <div className="summary-row">
                <dt>{t('account.bills.date')}</dt>
                <dd>{formatDate(bill.statementDate, i18n.language, 'medium')}</dd>
              </div>
              <div className="summary-row">
                <dt>{t('account.bills.status.title')}</dt>
                <dd>{billStatus(bill, t)}</dd>
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
    </>
  );
}

/** Links to the account's other pages, each saying what it is for. */
function AccountLinks() {
  const { t } = useTranslation();
  const links = [
    { to: '/account/bills', key: 'account.links.bills' },
    { to: '/account/scheduled-payments', key: 'scheduled.links' },
    { to: '/account/payment-methods', key: 'account.links.wallet' },
    { to: '/account/profile', key: 'account.links.profile' },
    { to: '/account/settings', key: 'account.links.settings' },
  ] as const;
  return (
    <ul className="account-links">
      {links.map((l) => (
        <li key={l.to}>
          <Link to={l.to}>{t(`${l.key}.title`)}</Link>
          <p>{t(`${l.key}.body`)}</p>
        </li>
      ))}
    </ul>
  );
}

/** What is due, who it is for, and what was paid: the dashboard once it has loaded. */
function Dashboard({ data }: { data: DashboardView }) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const org = useOrganization();
  const region = org.regions.find((r) => r.id === data.member.regionId);
  // The member first, then the people they pay for, whatever order the list came in.
  const people = [...data.people].sort((a, b) => Number(b.isMember) - Number(a.isMember));
  const owes = data.totalDueCents > 0;

  return (
    <>
      {owes ? (
        <div className="due-box">
          <p className="due-box__label">{t('bills.totalDue')}</p>
          <p className="due-box__amount">
            <Money cents={data.totalDueCents} />
          </p>
          {data.nextDueDate ? (
            <p className="due-box__date">
              {t('account.nextDue', { date: formatDate(data.nextDueDate, i18n.language) })}
            </p>
          ) : null}
        </div>
      ) : (
        <div className="due-box">
          <p className="due-box__amount due-box__amount--none">{t('account.nothingDue')}</p>
          <p>{t('bills.nothingDueHelp')}</p>
        </div>
      )}

      <BankRetries retries={data.bankRetries} />

      {data.creditsCents > 0 ? (
        <div className="inset">
          <p>
            {t('account.credit')} <Money cents={data.creditsCents} className="strong" />
          </p>
          <p>{t('account.creditHelp')}</p>
        </div>
      ) : null}

      <h2 className="heading-m">{t('account.billsToPay')}</h2>
      {people.length === 0 ? <p>{t('account.nothingDue')}</p> : null}
      {people.map((person) => (
        <PersonBills key={person.personId} person={person} alone={people.length === 1} />
      ))}

      <DashboardScheduled />

      <DashboardAutopay />

      <h2 className="heading-m">{t('account.payments.title')}</h2>
      <RecentPayments payments={data.recentPayments} />

      <h2 className="heading-m">{t('account.bills.title')}</h2>
      <RecentBills bills={data.recentBills} />
      <p>
        <Link to="/account/bills">{t('account.bills.seeAll')}</Link>
      </p>

      <h2 className="heading-m">{t('account.links.title')}</h2>
      <AccountLinks />

      <h2 className="heading-m">{t('account.helpTitle')}</h2>
      {region ? (
        <p>
          {t('account.helpRegion', { region: region.name[lang] })}{' '}
          <a href={telHref(region.phone)} className="nowrap">
            {region.phone}
          </a>
          . {region.hours[lang]}
        </p>
      ) : null}
      <p>
        {t('start.helpGeneral')}{' '}
        <a href={telHref(org.support.phone)} className="nowrap">
          {org.support.phone}
        </a>{' '}
        ({t('layout.tty')} {org.support.tty}). {org.support.hours[lang]}
      </p>
    </>
  );
}

export function DashboardPage() {
  const { t } = useTranslation();
  const session = useMemberSession();
  const { data, failed, retry } = useDashboard();
  const title = t('account.title');

  // The caption and heading stay the same elements while the page loads, so the focus that
  // navigation puts on the heading stays there.
  return (
    <Page title={title} wide>
      <span className="caption">{t('account.hello', { name: session.member.firstName })}</span>
      <h1 className="heading-l">{title}</h1>
      {data ? (
        <Dashboard data={data} />
      ) : (
        <LoadState failed={failed} failedText={t('account.loadFailed')} retry={retry} />
      )}
    </Page>
  );
}
