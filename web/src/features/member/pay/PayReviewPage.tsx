import type { MemberPaymentBody } from '@contract/members/members.schema';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { api, isApiError } from '../../../api';
import { Email } from '../../../components/Email';
import { type FieldMsg, useFormErrors } from '../../../components/useFormErrors';
import { formatDate, langOf, money, todayIso } from '../../../format';
import { useAchAuthorization } from '../../payment/AchAuthorization';
import {
  AnswerRow,
  CheckAnswersPage,
  MethodAnswerRow,
  PayForm,
  WhatHappensToday,
} from '../../payment/ReviewParts';
import {
  type PaymentSubmitAdapter,
  storedAttempts,
  usePaymentSubmit,
  waitWhileInFlight,
} from '../../payment/usePaymentSubmit';
import { BillTitle } from '../DashboardPage';
import { isStepUpCancelled, useStepUp } from '../StepUp';

type StepUpRun = ReturnType<typeof useStepUp>['run'];

import { changeDeadlineDate, dayAndDate } from '../scheduled/dates';
import { TextWithEmail } from '../scheduled/shared';
import { useSchedulePayment } from '../scheduled/useSchedulePayment';
import { useMemberExpiry, useMemberSession } from '../session';
import { methodName } from '../wallet/labels';
import { hasFinishedPayment, memberPayJourney, recordMemberPayment, useMemberPay } from './journey';
import { MemberAlreadyPaid } from './MemberAlreadyPaid';

/** The member's Pay: through step-up, with the attempt kept in the member's journey. */
function useMemberSubmit(setErrors: (errors: FieldMsg[]) => void, runStepUp: StepUpRun) {
  const navigate = useNavigate();
  const onExpired = useMemberExpiry();
  const attempts = storedAttempts(memberPayJourney);
  const adapter: PaymentSubmitAdapter<MemberPaymentBody> = {
    pay: (attempt) =>
      runStepUp((csrf) =>
        waitWhileInFlight(async () => (await api.memberPay(csrf, attempt.key, attempt.body)).data),
      ),
    ...attempts,
    identity: (x) => [x.paymentToken ?? null, x.paymentMethodId ?? null, x.saveMethod ?? null],
    onPaid: (payment, attempt) => {
      recordMemberPayment(payment, Boolean(attempt.body.saveMethod) && payment.status === 'succeeded');
      navigate(`/account/pay/confirmation/${payment.id}`);
    },
    onDeclined: (code, err, attempt) => {
      const kind = attempt.body.paymentMethodId ? 'saved' : attempt.body.bankAuthorization ? 'bank' : 'card';
      const field = err.problem.errors?.[0];
      const shown = err.problem.decline?.code ?? (field?.code === 'expired_card' ? 'expired_card' : code);
      attempts.declined({ code: shown, kind });
      navigate('/account/pay/method');
    },
    onExpired,
    explain: (err) => {
      // Nothing was sent for this key: the next Pay may use it again.
      if (isStepUpCancelled(err)) return { key: 'accountPay.errors.stepUpCancelled', keepKey: true };
      if (!isApiError(err)) return undefined;
      if (err.code === 'not_found') return { key: 'accountPay.errors.notFound', keepKey: false };
      if (err.code === 'validation_failed' && err.problem.errors?.[0]?.code === 'several_accounts')
        return { key: 'accountPay.errors.severalAccounts', keepKey: false };
      return undefined;
    },
  };
  return usePaymentSubmit(adapter, setErrors);
}

/** /account/pay/review: check your answers, then Pay (now, or on the later date chosen). */
export function PayReviewPage() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const ach = useAchAuthorization();
  const session = useMemberSession();
  const journey = useMemberPay();
  const onExpired = useMemberExpiry();
  const stepUp = useStepUp();
  const form = useFormErrors();
  const [authorized, setAuthorized] = useState(false);
  const scheduler = useSchedulePayment({
    runStepUp: stepUp.run,
    onExpired,
    setErrors: form.setErrors,
  });

  const payment = useMemberSubmit(form.setErrors, stepUp.run);

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
  const busyNow = payment.busy || scheduler.busy;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (payment.sending.current || scheduler.busy || !selection || !method) return;
    if (isBank && !authorized) {
      form.setErrors([{ id: 'bank-authorization', key: 'review.errors.authorize' } satisfies FieldMsg]);
      return;
    }
    if (payOn) {
      void scheduler.schedule({
        selection,
        method,
        payOn,
        bankAuthorizationVersion: isBank ? ach.version : null,
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
      ...ach.forBody(isBank),
    };
    payment.submit(body);
  }

  return (
    <CheckAnswersPage
      backTo="/account/pay/method"
      form={form}
      before={
        <AnswerRow
          label={t('accountPay.review.person')}
          change={{ to: '/account/pay', what: t('accountPay.review.changePerson') }}
        >
          {selection.personName}
        </AnswerRow>
      }
      bills={selection.bills.map((b) => ({
        id: b.id,
        balanceCents: b.balanceCents,
        title: <BillTitle bill={b} />,
      }))}
      amountText={amountText}
      changeBillsTo="/account/pay"
      answers={
        <>
          <MethodAnswerRow
            changeTo="/account/pay/method"
            text={`${nickname ? `${nickname} – ` : ''}${methodText}`}
            holderName={method.details.kind === 'bank' ? method.details.holderName : null}
          />
          {method.type === 'new' ? (
            <AnswerRow
              label={t('accountPay.review.save')}
              change={{ to: '/account/pay/method', what: t('accountPay.review.changeSave') }}
            >
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
            </AnswerRow>
          ) : null}
          <AnswerRow
            label={payOn ? t('scheduled.review.payOn') : t('review.date')}
            change={{ to: '/account/pay/method', what: t('scheduled.review.changeDate') }}
          >
            {payOn ? (
              <strong>{payOnText}</strong>
            ) : (
              t('review.today', { date: formatDate(today, i18n.language) })
            )}
          </AnswerRow>
          <AnswerRow label={t('review.email')}>
            <Email address={session.member.email} />
          </AnswerRow>
        </>
      }
    >
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
          <WhatHappensToday isBank={isBank} amountText={amountText} last4={last4} methodText={methodText} />{' '}
          {t('accountPay.review.receipt', { email: session.member.email })}
        </p>
      )}

      <PayForm
        onSubmit={submit}
        form={form}
        amountText={amountText}
        payOnText={payOn ? payOnText : null}
        bank={isBank ? { checked: authorized, onChange: setAuthorized } : null}
        busy={busyNow}
      />
      {stepUp.dialog}
    </CheckAnswersPage>
  );
}
