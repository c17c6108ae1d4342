import type { BillView } from '@contract/bills/bills.schema';
import { type FormEvent, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api';
import { BackLink } from '../../components/BackLink';
import { Button } from '../../components/Button';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Money } from '../../components/Money';
import { Page } from '../../components/Page';
import { useFormErrors } from '../../components/useFormErrors';
import { formatDate, money } from '../../format';
import { BillFacts } from '../payment/BillFacts';
import {
  AmountQuestion,
  type BillCardState,
  BillChoiceCard,
  BillsFieldset,
  useBillsAndAmount,
} from '../payment/ChooseBills';
import { LineItems } from '../payment/LineItems';
import { lastPayment, payableBills, updateJourney, useJourney } from './journey';
import { useSessionExpiry } from './session';

export function BillKindLabel({ bill }: { bill: BillView }) {
  const { t } = useTranslation();
  return <>{t(`bills.kind.${bill.kind}`)}</>;
}

function BillCard({
  bill,
  card,
  openCharges,
}: {
  bill: BillView;
  card: BillCardState;
  /** One bill: show its charges straight away; several: each opens on request. */
  openCharges: boolean;
}) {
  const { t } = useTranslation();
  return (
    <BillChoiceCard
      bill={bill}
      card={card}
      title={
        <>
          <BillKindLabel bill={bill} /> {bill.number}
        </>
      }
    >
      <BillFacts bill={bill} withPatient />
      <details className="details details--charges" open={openCharges}>
        <summary className="details__summary">
          <span className="details__summary-text">
            {t('bills.lines.show', { count: bill.lines.length, number: bill.number })}
          </span>
        </summary>
        <div className="details__text">
          <LineItems bill={bill} />
        </div>
      </details>
    </BillChoiceCard>
  );
}

export function BillsPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const journey = useJourney();
  const onExpired = useSessionExpiry();
  const session = journey.session;
  const bills = payableBills(journey.bills);
  const form = useFormErrors();
  const answer = useBillsAndAmount(form, bills, () => {
    const selectable = bills.filter((b) => !b.paymentInProgress);
    return {
      billIds: journey.selection
        ? journey.selection.billIds.filter((id) => bills.some((b) => b.id === id))
        : selectable.length === 1 && selectable[0]
          ? [selectable[0].id]
          : [],
      choice: journey.selection?.choice ?? null,
      other: journey.selection?.otherAmount ?? '',
    };
  });
  const { setSelected } = answer;
  const paid = lastPayment(journey);

  const token = session?.token;
  useEffect(() => {
    if (!token) return;
    let cancelled = false;
    api
      .bills(token)
      .then(({ data }) => {
        if (cancelled) return;
        updateJourney((j) =>
          j.session
            ? {
                ...j,
                bills: data.bills,
                session: { ...j.session, expiresAt: data.expiresAt, account: data.account },
              }
            : j,
        );
        const fresh = payableBills(data.bills);
        setSelected((ids) =>
          ids.filter((id) => fresh.some((b) => b.id === id && !b.paymentInProgress)).length === ids.length
            ? ids
            : ids.filter((id) => fresh.some((b) => b.id === id && !b.paymentInProgress)),
        );
      })
      .catch((err) => {
        if (!cancelled) onExpired(err);
      });
    return () => {
      cancelled = true;
    };
  }, [token, onExpired, setSelected]);

  if (!session) return null;

  const totalDue = bills.reduce((sum, b) => sum + b.balanceCents, 0);
  const earliestDue = bills.map((b) => b.dueDate).sort()[0];

  function submit(e: FormEvent) {
    e.preventDefault();
    const { errors, choice, otherAmount, amountCents } = answer.check();
    if (errors.length > 0) {
      form.setErrors(errors);
      return;
    }
    const billIds = answer.selectedBills.map((b) => b.id);
    updateJourney((j) => ({ ...j, selection: { billIds, choice, otherAmount, amountCents } }));
    navigate(journey.method ? '/pay/review' : '/pay/method');
  }

  const account = session.account;

  return (
    <Page title={t('bills.title')} error={form.hasErrors} back={<BackLink to="/pay/find" />} wide>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <span className="caption">
        {t('bills.accountCaption', { account: account.maskedAccountNumber, name: account.holderName })}
      </span>
      <h1 className="heading-l">{t('bills.title')}</h1>

      {paid && journey.paidBillIds ? (
        <div className="inset">
          <p>
            {t('bills.recentPayment', {
              amount: money(paid.amountCents, i18n.language),
              confirmation: paid.confirmationNumber,
            })}{' '}
            <Link to={`/pay/confirmation/${paid.id}`}>{t('bills.viewConfirmation')}</Link>
          </p>
        </div>
      ) : null}

      {bills.length === 0 ? (
        <>
          <p className="lead">{t('bills.nothingDue')}</p>
          <p>{t('bills.nothingDueHelp')}</p>
          <p>
            <Link to="/pay/finish" className="button button--secondary">
              {t('common.finish')}
            </Link>
          </p>
        </>
      ) : (
        <>
          <div className="due-box">
            <p className="due-box__label">{t('bills.totalDue')}</p>
            <p className="due-box__amount">
              <Money cents={totalDue} />
            </p>
            {earliestDue ? (
              <p className="due-box__date">
                {t('bills.dueBy', { date: formatDate(earliestDue, i18n.language) })}
              </p>
            ) : null}
          </div>

          <form onSubmit={submit} noValidate>
            <BillsFieldset
              heading={t('bills.whichBills')}
              {...answer.fieldset}
              renderBill={(bill, card) => (
                <BillCard key={bill.id} bill={bill} card={card} openCharges={bills.length === 1} />
              )}
            />
            <AmountQuestion {...answer.amount} />
            <Button>{t('common.continue')}</Button>
          </form>
        </>
      )}
    </Page>
  );
}
