import type { CreateGuestPaymentBody } from '@contract/payments/payments.schema';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { api } from '../../api';
import { type FieldMsg, useFormErrors } from '../../components/useFormErrors';
import { formatDate, langOf, money, todayIso } from '../../format';
import { useAchAuthorization } from '../payment/AchAuthorization';
import { brandLabel } from '../payment/brands';
import {
  AnswerRow,
  CheckAnswersPage,
  MethodAnswerRow,
  PayForm,
  WhatHappensToday,
} from '../payment/ReviewParts';
import {
  type PaymentSubmitAdapter,
  storedAttempts,
  usePaymentSubmit,
  waitWhileInFlight,
} from '../payment/usePaymentSubmit';
import { AlreadyPaid } from './AlreadyPaid';
import { BillKindLabel } from './BillsPage';
import { getJourney, guestJourney, lastPayment, recordPayment, updateJourney, useJourney } from './journey';
import { useSessionExpiry } from './session';

export function ReviewPage() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const ach = useAchAuthorization();
  const journey = useJourney();
  const form = useFormErrors();
  const [authorized, setAuthorized] = useState(Boolean(journey.bankAuthorized));
  const payment = useGuestSubmit(form.setErrors);

  if (!journey.session) return <Navigate to="/pay/session-ended" replace />;
  if (!journey.selection || !journey.method) {
    if (lastPayment(journey)) return <AlreadyPaid />;
    return <Navigate to={journey.selection ? '/pay/method' : '/pay/bills'} replace />;
  }
  const { selection, method } = journey;
  const bills = (journey.bills ?? []).filter((b) => selection.billIds.includes(b.id));
  const isBank = method.details.kind === 'bank';
  const amountText = money(selection.amountCents, i18n.language);
  const methodText =
    method.details.kind === 'card'
      ? t('review.cardEnding', { brand: brandLabel(method.details.brand, lang), last4: method.details.last4 })
      : t(method.details.accountType === 'savings' ? 'review.bankSavings' : 'review.bankChecking', {
          last4: method.details.last4,
        });
  const today = todayIso();

  function submit(e: FormEvent) {
    e.preventDefault();
    if (payment.sending.current || !selection || !method) return;
    if (isBank && !authorized) {
      form.setErrors([{ id: 'bank-authorization', key: 'review.errors.authorize' } satisfies FieldMsg]);
      return;
    }
    const body: CreateGuestPaymentBody = {
      billIds: selection.billIds,
      amountCents: selection.amountCents,
      paymentToken: method.token,
      locale: lang,
      ...(journey.email ? { email: journey.email } : {}),
      ...ach.forBody(isBank),
    };
    updateJourney({ bankAuthorized: isBank ? true : undefined });
    payment.submit(body);
  }

  return (
    <CheckAnswersPage
      backTo="/pay/method"
      form={form}
      bills={bills.map((b) => ({
        id: b.id,
        balanceCents: b.balanceCents,
        title: (
          <>
            <BillKindLabel bill={b} /> {b.number}
          </>
        ),
      }))}
      amountText={amountText}
      changeBillsTo="/pay/bills"
      answers={
        <>
          <MethodAnswerRow
            changeTo="/pay/method"
            text={methodText}
            holderName={method.details.kind === 'bank' ? method.details.holderName : null}
          />
          <AnswerRow label={t('review.date')}>
            {t('review.today', { date: formatDate(today, i18n.language) })}
          </AnswerRow>
          <AnswerRow label={t('review.email')} change={{ to: '/pay/method', what: t('review.changeEmail') }}>
            {journey.email ? journey.email : t('review.noEmail')}
          </AnswerRow>
        </>
      }
    >
      <p className="reassure">
        <WhatHappensToday
          isBank={isBank}
          amountText={amountText}
          last4={method.details.last4}
          methodText={methodText}
        />
      </p>

      <PayForm
        onSubmit={submit}
        form={form}
        amountText={amountText}
        bank={isBank ? { checked: authorized, onChange: setAuthorized } : null}
        busy={payment.busy}
      />
    </CheckAnswersPage>
  );
}

/** The guest's Pay: the guest session's token, and the attempt kept in the guest journey. */
function useGuestSubmit(setErrors: (errors: FieldMsg[]) => void) {
  const navigate = useNavigate();
  const onExpired = useSessionExpiry();
  const attempts = storedAttempts(guestJourney);
  const adapter: PaymentSubmitAdapter<CreateGuestPaymentBody> = {
    pay: (attempt) =>
      waitWhileInFlight(async () => {
        // No session: the API's 401 sends the guest to "Your session has ended".
        const token = getJourney().session?.token ?? '';
        return (await api.pay(token, attempt.key, attempt.body)).data;
      }),
    ...attempts,
    identity: (x) => [x.paymentToken, x.email ?? null],
    onPaid: (payment) => {
      recordPayment(payment);
      navigate(`/pay/confirmation/${payment.id}`);
    },
    onDeclined: (code, _err, attempt) => {
      attempts.declined({ code, kind: attempt.body.bankAuthorization ? 'bank' : 'card' });
      navigate('/pay/method');
    },
    onExpired,
  };
  return usePaymentSubmit(adapter, setErrors);
}
