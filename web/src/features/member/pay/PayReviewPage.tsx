import type { MemberPaymentBody } from '@contract/members/members.schema';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router';
import { api, isApiError } from '../../../api';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { Email } from '../../../components/Email';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { SingleCheckbox } from '../../../components/Field';
import { Money } from '../../../components/Money';
import { Page } from '../../../components/Page';
import { type FieldMsg, useFormErrors } from '../../../components/useFormErrors';
import { formatDate, langOf, money, todayIso } from '../../../format';
import { useOrganization } from '../../../organization';
import { newKey } from '../../guest-pay/ReviewPage';
import { BillTitle } from '../DashboardPage';
import { isStepUpCancelled, useStepUp } from '../StepUp';
import { changeDeadlineDate, dayAndDate } from '../scheduled/dates';
import { TextWithEmail } from '../scheduled/shared';
import { useSchedulePayment } from '../scheduled/useSchedulePayment';
import { useMemberExpiry, useMemberSession } from '../session';
import { methodName } from '../wallet/labels';
import {
  getMemberPay,
  hasFinishedPayment,
  type MemberAttempt,
  recordMemberPayment,
  updateMemberPay,
  useMemberPay,
} from './journey';
import { MemberAlreadyPaid } from './MemberAlreadyPaid';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sameBody(a: MemberPaymentBody, b: MemberPaymentBody): boolean {
  const canon = (x: MemberPaymentBody) =>
    JSON.stringify([
      [...x.billIds].sort(),
      x.amountCents,
      x.paymentToken ?? null,
      x.paymentMethodId ?? null,
      x.saveMethod ?? null,
      x.bankAuthorization?.textVersion ?? null,
      x.locale,
    ]);
  return canon(a) === canon(b);
}

/** /account/pay/review: check your answers, then Pay (now, or on the later date chosen). */
export function PayReviewPage() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const org = useOrganization();
  const navigate = useNavigate();
  const session = useMemberSession();
  const journey = useMemberPay();
  const onExpired = useMemberExpiry();
  const stepUp = useStepUp();
  const form = useFormErrors();
  const [busy, setBusy] = useState(false);
  const [authorized, setAuthorized] = useState(false);
  const sending = useRef(false);
  const scheduler = useSchedulePayment({
    runStepUp: stepUp.run,
    onExpired,
    setErrors: form.setErrors,
  });

  /** Sends one attempt; every resend of the same attempt carries the same Idempotency-Key. */
  const send = useCallback(
    async (attempt: MemberAttempt) => {
      sending.current = true;
      setBusy(true);
      try {
        const data = await stepUp.run(async (csrf) => {
          for (let tries = 0; ; tries += 1) {
            try {
              return (await api.memberPay(csrf, attempt.key, attempt.body)).data;
            } catch (err) {
              // Our own earlier request with this key is still running (double click, reload): wait for it.
              if (isApiError(err) && err.code === 'idempotency_in_flight' && tries < 15) {
                await sleep(1000);
                continue;
              }
              throw err;
            }
          }
        });
        recordMemberPayment(data, Boolean(attempt.body.saveMethod) && data.status === 'succeeded');
        navigate(`/account/pay/confirmation/${data.id}`);
      } catch (err) {
        sending.current = false;
        setBusy(false);
        if (onExpired(err)) return;
        const keepKey = (inFlight: boolean) =>
          updateMemberPay((j) => (j.attempt ? { ...j, attempt: { ...j.attempt, inFlight } } : j));
        const dropKey = () =>
          updateMemberPay((j) => {
            const { attempt: _a, ...rest } = j;
            return rest;
          });
        if (isStepUpCancelled(err)) {
          // Nothing was sent for this key: the next Pay may use it again.
          keepKey(false);
          form.setErrors([{ id: '', key: 'accountPay.errors.stepUpCancelled' }]);
          return;
        }
        if (!isApiError(err)) {
          keepKey(false);
          form.setErrors([{ id: '', key: 'review.errors.unknownOutcome' }]);
          return;
        }
        const kind = attempt.body.paymentMethodId
          ? 'saved'
          : attempt.body.bankAuthorization
            ? 'bank'
            : 'card';
        const field = err.problem.errors?.[0];
        switch (err.code) {
          case 'payment_declined':
          case 'payment_method_invalid': {
            // Nothing was charged: the next try is a new attempt with a new key and another method.
            const code =
              err.problem.decline?.code ?? (field?.code === 'expired_card' ? 'expired_card' : err.code);
            updateMemberPay((j) => {
              const { attempt: _a, method: _m, ...rest } = j;
              return { ...rest, decline: { code, kind } };
            });
            navigate('/account/pay/method');
            return;
          }
          case 'payment_in_progress':
            dropKey();
            form.setErrors([{ id: '', key: 'review.errors.inProgress' }]);
            return;
          case 'bill_not_payable':
            dropKey();
            form.setErrors([{ id: '', key: 'review.errors.notPayable' }]);
            return;
          case 'not_found':
            dropKey();
            form.setErrors([{ id: '', key: 'accountPay.errors.notFound' }]);
            return;
          case 'amount_out_of_range':
            dropKey();
            form.setErrors([{ id: '', key: 'review.errors.amount' }]);
            return;
          case 'processor_unavailable':
            dropKey();
            form.setErrors([{ id: '', key: 'review.errors.unavailable' }]);
            return;
          case 'validation_failed':
            dropKey();
            form.setErrors([
              {
                id: '',
                key:
                  field?.code === 'several_accounts'
                    ? 'accountPay.errors.severalAccounts'
                    : 'common.errors.unexpected',
              },
            ]);
            return;
          case 'idempotency_mismatch':
            dropKey();
            form.setErrors([{ id: '', key: 'common.errors.unexpected' }]);
            return;
          default:
            // No answer, or a server error: the outcome is unknown. Keep the key so pressing Pay
            // again asks about the same payment instead of making a second one.
            keepKey(false);
            form.setErrors([
              {
                id: '',
                key: err.code === 'network' ? 'review.errors.network' : 'review.errors.unknownOutcome',
              },
            ]);
        }
      }
    },
    [navigate, onExpired, form.setErrors, stepUp.run],
  );

  // A reload while a payment was being sent: ask again with the same key to learn how it ended.
  const resumed = useRef(false);
  useEffect(() => {
    const attempt = getMemberPay().attempt;
    if (!resumed.current && attempt?.inFlight && !sending.current) {
      resumed.current = true;
      void send(attempt);
    }
  }, [send]);

  if (!journey.selection || !journey.method) {
    if (hasFinishedPayment(journey)) return <MemberAlreadyPaid />;
    return <Navigate to={journey.selection ? '/account/pay/method' : '/account/pay'} replace />;
  }
  const { selection, method } = journey;
  const isBank = method.details.kind === 'bank';
  const amountText = money(selection.amountCents, i18n.language);
  const methodText = methodName(method.details, lang, t);
  const nickname = method.type === 'saved' ? method.details.nickname : null;
  const last4 = method.details.last4;
  const today = todayIso();
  const payOn = journey.when?.type === 'later' ? journey.when.payOn : null;
  const payOnText = payOn ? dayAndDate(payOn, i18n.language) : '';
  const busyNow = busy || scheduler.busy;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (sending.current || scheduler.busy || !selection || !method) return;
    if (isBank && !authorized) {
      form.setErrors([{ id: 'bank-authorization', key: 'review.errors.authorize' } satisfies FieldMsg]);
      return;
    }
    if (payOn) {
      void scheduler.schedule({
        selection,
        method,
        payOn,
        bankAuthorizationVersion: isBank ? org.payments.achAuthorization.version : null,
      });
      return;
    }
    const body: MemberPaymentBody = {
      billIds: selection.bills.map((b) => b.id),
      amountCents: selection.amountCents,
      locale: lang,
      ...(method.type === 'saved' ? { paymentMethodId: method.id } : { paymentToken: method.token }),
      ...(method.type === 'new' && method.save
        ? { saveMethod: method.nickname ? { nickname: method.nickname } : {} }
        : {}),
      ...(isBank
        ? { bankAuthorization: { accepted: true, textVersion: org.payments.achAuthorization.version } }
        : {}),
    };
    const previous = getMemberPay().attempt;
    // One key per submission of this page: a double click or a resend after a lost answer reuses it.
    const attempt: MemberAttempt =
      previous && sameBody(previous.body, body)
        ? { ...previous, inFlight: true }
        : { key: newKey(), body, inFlight: true };
    sending.current = true;
    updateMemberPay({ attempt });
    void send(attempt);
  }

  return (
    <Page title={t('review.title')} error={form.hasErrors} back={<BackLink to="/account/pay/method" />}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <h1 className="heading-l">{t('review.title')}</h1>

      <dl className="summary-list">
        <div className="summary-row">
          <dt>{t('accountPay.review.person')}</dt>
          <dd>{selection.personName}</dd>
          <dd className="summary-row__action">
            <Link to="/account/pay">
              {t('common.change')}
              <span className="visually-hidden"> {t('accountPay.review.changePerson')}</span>
            </Link>
          </dd>
        </div>
        <div className="summary-row">
          <dt>{selection.bills.length > 1 ? t('review.bills') : t('review.bill')}</dt>
          <dd>
            <ul className="list list--plain">
              {selection.bills.map((b) => (
                <li key={b.id}>
                  <BillTitle bill={b} />{' '}
                  <span className="secondary-text">
                    ({t('review.balance')} <Money cents={b.balanceCents} />)
                  </span>
                </li>
              ))}
            </ul>
          </dd>
          <dd className="summary-row__action">
            <Link to="/account/pay">
              {t('common.change')}
              <span className="visually-hidden"> {t('review.changeBills')}</span>
            </Link>
          </dd>
        </div>
        <div className="summary-row">
          <dt>{t('review.amount')}</dt>
          <dd>
            <strong>{amountText}</strong>
          </dd>
          <dd className="summary-row__action">
            <Link to="/account/pay">
              {t('common.change')}
              <span className="visually-hidden"> {t('review.changeAmount')}</span>
            </Link>
          </dd>
        </div>
        <div className="summary-row">
          <dt>{t('review.method')}</dt>
          <dd>
            {nickname ? `${nickname} – ` : ''}
            {methodText}
            {method.details.kind === 'bank' && method.details.holderName ? (
              <>
                <br />
                <span className="secondary-text">{method.details.holderName}</span>
              </>
            ) : null}
          </dd>
          <dd className="summary-row__action">
            <Link to="/account/pay/method">
              {t('common.change')}
              <span className="visually-hidden"> {t('review.changeMethod')}</span>
            </Link>
          </dd>
        </div>
        {method.type === 'new' ? (
          <div className="summary-row">
            <dt>{t('accountPay.review.save')}</dt>
            <dd>
              {method.save
                ? method.nickname
                  ? t('accountPay.review.saveAs', { nickname: method.nickname })
                  : t('accountPay.review.saveYes')
                : t('accountPay.review.saveNo')}
              {payOn ? (
                <>
                  <br />
                  <span className="secondary-text">{t('scheduled.review.saveNeeded')}</span>
                </>
              ) : null}
            </dd>
            <dd className="summary-row__action">
              <Link to="/account/pay/method">
                {t('common.change')}
                <span className="visually-hidden"> {t('accountPay.review.changeSave')}</span>
              </Link>
            </dd>
          </div>
        ) : null}
        <div className="summary-row">
          <dt>{payOn ? t('scheduled.review.payOn') : t('review.date')}</dt>
          <dd>
            {payOn ? (
              <strong>{payOnText}</strong>
            ) : (
              t('review.today', { date: formatDate(today, i18n.language) })
            )}
          </dd>
          <dd className="summary-row__action">
            <Link to="/account/pay/method">
              {t('common.change')}
              <span className="visually-hidden"> {t('scheduled.review.changeDate')}</span>
            </Link>
          </dd>
        </div>
        <div className="summary-row">
          <dt>{t('review.email')}</dt>
          <dd>
            <Email address={session.member.email} />
          </dd>
          <dd className="summary-row__action" />
        </div>
      </dl>

      {payOn ? (
        <div className="reassure scheduled-reassure">
          <p>
            {isBank
              ? t('scheduled.review.whatHappensBank', { amount: amountText, last4, date: payOnText })
              : t('scheduled.review.whatHappensCard', {
                  amount: amountText,
                  method: methodText,
                  date: payOnText,
                })}
          </p>
          <p>
            {t('scheduled.changeUntil', {
              date: dayAndDate(changeDeadlineDate(payOn), i18n.language),
            })}{' '}
            {t('scheduled.notTwice')}
          </p>
          <p>
            <TextWithEmail i18nKey="scheduled.review.receipt" email={session.member.email} />
          </p>
        </div>
      ) : (
        <p className="reassure">
          {isBank
            ? t('review.whatHappensBank', { amount: amountText, last4 })
            : t('review.whatHappensCard', { amount: amountText, method: methodText })}{' '}
          {t('accountPay.review.receipt', { email: session.member.email })}
        </p>
      )}

      <form onSubmit={submit} noValidate>
        {isBank ? (
          <div className="authorization">
            <h2 className="heading-m">{t('review.authorizationTitle')}</h2>
            <div className="inset" id="ach-text" lang={lang}>
              <p>{org.payments.achAuthorization.text[lang]}</p>
            </div>
            <SingleCheckbox
              id="bank-authorization"
              label={
                payOn
                  ? t('scheduled.review.authorize', { amount: amountText, date: payOnText })
                  : t('review.authorize', { amount: amountText })
              }
              checked={authorized}
              onChange={(v) => {
                setAuthorized(v);
                form.clearField('bank-authorization');
              }}
              error={form.fieldError('bank-authorization')}
            />
          </div>
        ) : null}
        <Button busy={busyNow} className="button--pay">
          {payOn
            ? busyNow
              ? t('scheduled.review.scheduling')
              : t('scheduled.review.submit', { amount: amountText, date: payOnText })
            : busyNow
              ? t('review.paying')
              : t('review.pay', { amount: amountText })}
        </Button>
        <div className="visually-hidden" role="status">
          {busyNow ? (payOn ? t('scheduled.review.schedulingStatus') : t('review.payingStatus')) : ''}
        </div>
        {busyNow ? (
          <p className="hint">{payOn ? t('scheduled.review.schedulingStatus') : t('review.payingStatus')}</p>
        ) : null}
      </form>
      {stepUp.dialog}
    </Page>
  );
}
