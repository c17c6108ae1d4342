import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { BackLink } from '../../components/BackLink';
import { Button } from '../../components/Button';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Money } from '../../components/Money';
import { Page } from '../../components/Page';
import type { useFormErrors } from '../../components/useFormErrors';
import { BankAuthorization } from './AchAuthorization';

/** One answer on a "Check your answers" page, with its Change link (or an empty action cell). */
export function AnswerRow({
  label,
  children,
  change,
}: {
  label: ReactNode;
  children: ReactNode;
  /** Where Change goes, and what it changes for a screen reader ("the bills"). */
  change?: { to: string; what: string };
}) {
  const { t } = useTranslation();
  return (
    <div className="summary-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
      {change ? (
        <dd className="summary-row__action">
          <Link to={change.to}>
            {t('common.change')}
            <span className="visually-hidden"> {change.what}</span>
          </Link>
        </dd>
      ) : (
        <dd className="summary-row__action" />
      )}
    </div>
  );
}

/** The bills row and the amount row, which every journey's review page starts with. */
export function BillsAndAmountRows({
  bills,
  amountText,
  changeTo,
}: {
  bills: { id: string; balanceCents: number; title: ReactNode }[];
  amountText: string;
  changeTo: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <AnswerRow
        label={bills.length > 1 ? t('review.bills') : t('review.bill')}
        change={{ to: changeTo, what: t('review.changeBills') }}
      >
        <ul className="list list--plain">
          {bills.map((b) => (
            <li key={b.id}>
              {b.title}{' '}
              <span className="secondary-text">
                ({t('review.balance')} <Money cents={b.balanceCents} />)
              </span>
            </li>
          ))}
        </ul>
      </AnswerRow>
      <AnswerRow label={t('review.amount')} change={{ to: changeTo, what: t('review.changeAmount') }}>
        <strong>{amountText}</strong>
      </AnswerRow>
    </>
  );
}

/** The button that says what happens ("Pay $182.40"), and what is going on while it works. */
export function PayButton({
  busy,
  label,
  busyLabel,
  status,
}: {
  busy: boolean;
  label: string;
  busyLabel: string;
  status: string;
}) {
  return (
    <>
      <Button busy={busy} className="button--pay">
        {busy ? busyLabel : label}
      </Button>
      <div className="visually-hidden" role="status">
        {busy ? status : ''}
      </div>
      {busy ? <p className="hint">{status}</p> : null}
    </>
  );
}

/**
 * "Check your answers" for any journey: the bills and the amount (with `before` them, e.g. who is
 * paid for), the caller's other answers, then the caller's form.
 */
export function CheckAnswersPage({
  backTo,
  form,
  before,
  bills,
  amountText,
  changeBillsTo,
  answers,
  children,
}: {
  backTo: string;
  form: ReturnType<typeof useFormErrors>;
  before?: ReactNode;
  bills: { id: string; balanceCents: number; title: ReactNode }[];
  amountText: string;
  changeBillsTo: string;
  answers: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Page title={t('review.title')} error={form.hasErrors} back={<BackLink to={backTo} />}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <h1 className="heading-l">{t('review.title')}</h1>
      <dl className="summary-list">
        {before}
        <BillsAndAmountRows bills={bills} amountText={amountText} changeTo={changeBillsTo} />
        {answers}
      </dl>
      {children}
    </Page>
  );
}

/**
 * The Pay form: the ACH authorization for a bank account, then the button that says what happens
 * ("Pay $120.00", or "Pay $120.00 on Friday, January 8" when `payOnText` names a later date).
 */
export function PayForm({
  onSubmit,
  form,
  amountText,
  payOnText,
  bank,
  busy,
}: {
  onSubmit: (e: FormEvent) => void;
  form: ReturnType<typeof useFormErrors>;
  amountText: string;
  payOnText?: string | null;
  /** A bank payment: whether the authorization is accepted; null for a card. */
  bank: { checked: boolean; onChange: (checked: boolean) => void } | null;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const later = { amount: amountText, date: payOnText };
  return (
    <form onSubmit={onSubmit} noValidate>
      {bank ? (
        <BankAuthorization
          label={
            payOnText ? t('scheduled.review.authorize', later) : t('review.authorize', { amount: amountText })
          }
          {...bank}
          form={form}
        />
      ) : null}
      {payOnText ? (
        <PayButton
          busy={busy}
          label={t('scheduled.review.submit', later)}
          busyLabel={t('scheduled.review.scheduling')}
          status={t('scheduled.review.schedulingStatus')}
        />
      ) : (
        <PayButton
          busy={busy}
          label={t('review.pay', { amount: amountText })}
          busyLabel={t('review.paying')}
          status={t('review.payingStatus')}
        />
      )}
    </form>
  );
}

/** "We will charge your Visa ending 4242 $120.00 today" (or debit the bank account ending 6789). */
export function WhatHappensToday({
  isBank,
  amountText,
  last4,
  methodText,
}: {
  isBank: boolean;
  amountText: string;
  last4: string;
  methodText: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      {isBank
        ? t('review.whatHappensBank', { amount: amountText, last4 })
        : t('review.whatHappensCard', { amount: amountText, method: methodText })}
    </>
  );
}

/** "Payment method": the method in words, and a bank account's holder under it. */
export function MethodAnswerRow({
  changeTo,
  text,
  holderName,
}: {
  changeTo: string;
  text: string;
  holderName: string | null;
}) {
  const { t } = useTranslation();
  return (
    <AnswerRow label={t('review.method')} change={{ to: changeTo, what: t('review.changeMethod') }}>
      {text}
      {holderName ? (
        <>
          <br />
          <span className="secondary-text">{holderName}</span>
        </>
      ) : null}
    </AnswerRow>
  );
}
