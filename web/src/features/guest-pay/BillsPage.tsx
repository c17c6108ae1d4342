import type { BillView } from '@contract/bills/bills.schema';
import { parseMoneyInput } from '@domain/money';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api';
import { BackLink } from '../../components/BackLink';
import { Button } from '../../components/Button';
import { ErrorSummary } from '../../components/ErrorSummary';
import { ErrorMessage, Radios, TextInput } from '../../components/Field';
import { Money } from '../../components/Money';
import { Page } from '../../components/Page';
import { type FieldMsg, useFormErrors } from '../../components/useFormErrors';
import { formatDate, money } from '../../format';
import { useOrganization } from '../../organization';
import { lastPayment, payableBills, updateJourney, useJourney } from './journey';
import { useSessionExpiry } from './session';

function centsFromInput(value: string): number {
  return parseMoneyInput(value) ?? 0;
}

/** The smallest amount allowed: the organization's minimum, or the whole balance when that is less. */
export function minimumFor(totalCents: number, minimumCents: number): number {
  return Math.min(totalCents, minimumCents);
}

export function BillKindLabel({ bill }: { bill: BillView }) {
  const { t } = useTranslation();
  return <>{t(`bills.kind.${bill.kind}`)}</>;
}

function BillPeriod({ bill }: { bill: BillView }) {
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

export function LineItems({ bill }: { bill: BillView }) {
  const { t, i18n } = useTranslation();
  if (bill.lines.length === 0) return null;
  // A premium has no insurance payment; its adjustment is a subsidy or discount, not a negotiated rate.
  const premium = bill.kind === 'premium';
  const labels = premium
    ? {
        charge: t('bills.lines.premiumCharge'),
        adjustment: t('bills.lines.premiumAdjustment'),
        youOwe: t('bills.lines.youOwe'),
      }
    : {
        charge: t('bills.lines.charge'),
        insurancePaid: t('bills.lines.insurancePaid'),
        adjustment: t('bills.lines.adjustment'),
        youOwe: t('bills.lines.youOwe'),
      };
  // What the plan and insurance took off is shown as a minus, so the columns read as a sum.
  const amounts = (line: BillView['lines'][number]) => [
    { key: 'charge', label: labels.charge, cents: line.chargeCents },
    ...(premium
      ? []
      : [
          {
            key: 'insurancePaid',
            label: t('bills.lines.insurancePaid'),
            cents: -Math.abs(line.insurancePaidCents),
          },
        ]),
    { key: 'adjustment', label: labels.adjustment, cents: -Math.abs(line.adjustmentCents) },
    { key: 'youOwe', label: labels.youOwe, cents: line.youOweCents },
  ];
  const caption = t('bills.lines.caption', { number: bill.number });
  const rows = bill.lines.map((line, n) => ({ line, rowKey: `${bill.id}-${n}` }));
  return (
    <>
      <table className="line-items">
        <caption className="line-items__caption">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{premium ? t('bills.lines.premiumItem') : t('bills.lines.service')}</th>
            {Object.values(labels).map((h) => (
              <th key={h} scope="col" className="num">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ line, rowKey }) => (
            <tr key={rowKey}>
              <th scope="row" className="line-items__service">
                {line.description}
                {line.serviceDate ? (
                  <span className="line-items__date">
                    {formatDate(line.serviceDate, i18n.language, 'medium')}
                  </span>
                ) : null}
              </th>
              {amounts(line).map((a) => (
                <td key={a.key} className={a.key === 'youOwe' ? 'num line-items__owe' : 'num'}>
                  <Money cents={a.cents} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="line-list">
        <p className="line-list__title">{caption}</p>
        <ul className="list--plain">
          {rows.map(({ line, rowKey }) => (
            <li className="line-list__item" key={rowKey}>
              <strong>{line.description}</strong>
              {line.serviceDate ? (
                <span className="line-items__date">
                  {formatDate(line.serviceDate, i18n.language, 'medium')}
                </span>
              ) : null}
              <dl>
                {amounts(line).map((a) => (
                  <div
                    key={a.key}
                    className={a.key === 'youOwe' ? 'line-list__row line-list__row--owe' : 'line-list__row'}
                  >
                    <dt>{a.label}</dt>
                    <dd>
                      <Money cents={a.cents} />
                    </dd>
                  </div>
                ))}
              </dl>
            </li>
          ))}
        </ul>
      </div>
    </>
  );
}

function BillCard({
  bill,
  index,
  checked,
  onToggle,
  openCharges,
}: {
  bill: BillView;
  index: number;
  checked: boolean;
  onToggle: (checked: boolean) => void;
  /** One bill: show its charges straight away; several: each opens on request. */
  openCharges: boolean;
}) {
  const { t, i18n } = useTranslation();
  const id = index === 0 ? 'bills' : `bills-${bill.id}`;
  const hintId = `${id}-hint`;
  const disabled = bill.paymentInProgress;
  return (
    <div className={checked ? 'bill-card bill-card--selected' : 'bill-card'}>
      <div className="choice choice--checkbox bill-card__choice">
        <input
          className="choice__input"
          type="checkbox"
          id={id}
          name="bills"
          value={bill.id}
          checked={checked}
          disabled={disabled}
          onChange={(e) => onToggle(e.target.checked)}
          aria-describedby={hintId}
        />
        <label className="choice__label bill-card__label" htmlFor={id}>
          <span className="bill-card__title">
            <BillKindLabel bill={bill} /> {bill.number}
          </span>
          <span className="bill-card__balance">
            <Money cents={bill.balanceCents} />
          </span>
        </label>
        <div className="hint choice__hint" id={hintId}>
          {disabled
            ? t('bills.inProgress')
            : t('bills.dueBy', { date: formatDate(bill.dueDate, i18n.language) })}
        </div>
      </div>
      <dl className="summary-list summary-list--compact bill-card__facts">
        <div className="summary-row">
          <dt>{bill.kind === 'premium' ? t('bills.member') : t('bills.patient')}</dt>
          <dd>{bill.patientName}</dd>
        </div>
        <BillPeriod bill={bill} />
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
        {bill.amountCents !== bill.balanceCents ? (
          <div className="summary-row">
            <dt>{t('bills.billedAmount')}</dt>
            <dd>
              <Money cents={bill.amountCents} />
            </dd>
          </div>
        ) : null}
      </dl>
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
    </div>
  );
}

export function BillsPage() {
  const { t, i18n } = useTranslation();
  const org = useOrganization();
  const navigate = useNavigate();
  const journey = useJourney();
  const onExpired = useSessionExpiry();
  const session = journey.session;
  const bills = payableBills(journey.bills);
  const [selected, setSelected] = useState<string[]>(() => {
    if (journey.selection) return journey.selection.billIds.filter((id) => bills.some((b) => b.id === id));
    const selectable = bills.filter((b) => !b.paymentInProgress);
    return selectable.length === 1 && selectable[0] ? [selectable[0].id] : [];
  });
  const [choice, setChoice] = useState<string | null>(journey.selection?.choice ?? null);
  const [other, setOther] = useState(journey.selection?.otherAmount ?? '');
  const form = useFormErrors();
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
  }, [token, onExpired]);

  if (!session) return null;

  const selectedBills = bills.filter((b) => selected.includes(b.id));
  const selectedTotal = selectedBills.reduce((sum, b) => sum + b.balanceCents, 0);
  const totalDue = bills.reduce((sum, b) => sum + b.balanceCents, 0);
  const earliestDue = bills.map((b) => b.dueDate).sort()[0];
  const minimum = minimumFor(selectedTotal, org.payments.minimumCents);

  function submit(e: FormEvent) {
    e.preventDefault();
    const errors: FieldMsg[] = [];
    if (selectedBills.length === 0) errors.push({ id: 'bills', key: 'bills.errors.selectBill' });
    let amountCents = selectedTotal;
    if (choice !== 'full' && choice !== 'other') {
      errors.push({ id: 'amount', key: 'bills.errors.chooseAmount' });
    } else if (choice === 'other') {
      const parsed = parseMoneyInput(other);
      if (!other.trim()) errors.push({ id: 'other-amount', key: 'bills.errors.amountRequired' });
      else if (parsed === null) errors.push({ id: 'other-amount', key: 'bills.errors.amountFormat' });
      else if (selectedBills.length > 0 && parsed < minimum)
        errors.push({ id: 'other-amount', key: 'bills.errors.amountTooSmall', values: { min: minimum } });
      else if (selectedBills.length > 0 && parsed > selectedTotal)
        errors.push({
          id: 'other-amount',
          key: 'bills.errors.amountTooLarge',
          values: { max: selectedTotal },
        });
      else amountCents = parsed;
    }
    if (errors.length > 0) {
      form.setErrors(errors);
      return;
    }
    updateJourney((j) => ({
      ...j,
      selection: {
        billIds: selectedBills.map((b) => b.id),
        choice: choice as 'full' | 'other',
        otherAmount: choice === 'other' ? other : '',
        amountCents,
      },
    }));
    navigate(journey.method ? '/pay/review' : '/pay/method');
  }

  const billsError = form.fieldError('bills');
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
            <div className={billsError ? 'field field--error' : 'field'}>
              <fieldset
                className="fieldset"
                aria-describedby={`bills-legend-hint${billsError ? ' bills-error' : ''}`}
              >
                <legend className="legend legend--m">
                  <h2 className="heading-m">{t('bills.whichBills')}</h2>
                </legend>
                <div className="hint" id="bills-legend-hint">
                  {bills.length > 1 ? t('bills.whichBillsHintMany') : t('bills.whichBillsHintOne')}
                </div>
                {billsError ? <ErrorMessage id="bills-error">{billsError}</ErrorMessage> : null}
                {bills.map((bill, index) => (
                  <BillCard
                    key={bill.id}
                    bill={bill}
                    index={index}
                    checked={selected.includes(bill.id)}
                    openCharges={bills.length === 1}
                    onToggle={(on) => {
                      setSelected((ids) => (on ? [...ids, bill.id] : ids.filter((x) => x !== bill.id)));
                      form.clearField('bills');
                    }}
                  />
                ))}
              </fieldset>
            </div>

            <Radios
              idBase="amount"
              name="amount"
              legend={<h2 className="heading-m">{t('bills.howMuch')}</h2>}
              error={form.fieldError('amount')}
              value={choice}
              onChange={(v) => {
                setChoice(v);
                form.clearField('amount');
              }}
              options={[
                {
                  value: 'full',
                  label:
                    selectedBills.length > 0
                      ? t('bills.fullBalanceOf', { amount: money(selectedTotal, i18n.language) })
                      : t('bills.fullBalance'),
                  hint:
                    selectedBills.length > 1
                      ? t('bills.fullBalanceHint', { count: selectedBills.length })
                      : undefined,
                },
                {
                  value: 'other',
                  label: t('bills.otherAmount'),
                  conditional: (
                    <TextInput
                      id="other-amount"
                      name="otherAmount"
                      label={t('bills.otherAmountLabel')}
                      hint={
                        selectedBills.length > 0
                          ? t('bills.otherAmountHint', {
                              min: money(minimum, i18n.language),
                              max: money(selectedTotal, i18n.language),
                            })
                          : t('bills.otherAmountHintNoBills')
                      }
                      error={form.fieldError('other-amount')}
                      prefix="$"
                      inputMode="decimal"
                      autoComplete="off"
                      width="10"
                      value={other}
                      onChange={(e) => setOther(e.target.value)}
                      onBlur={() => {
                        const c = centsFromInput(other);
                        if (c > 0 && /^\d+$/.test(other.trim())) setOther((c / 100).toFixed(2));
                      }}
                    />
                  ),
                },
              ]}
            />
            <Button>{t('common.continue')}</Button>
          </form>
        </>
      )}
    </Page>
  );
}
