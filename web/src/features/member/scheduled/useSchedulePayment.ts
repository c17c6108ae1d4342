import type { CreateScheduledPaymentBody } from '@contract/scheduled/scheduled.schema';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, isApiError } from '../../../api';
import type { FieldMsg } from '../../../components/useFormErrors';
import { newKey, waitWhileInFlight } from '../../payment/usePaymentSubmit';
import {
  getMemberPay,
  type MemberMethod,
  type MemberSelection,
  recordScheduledPayment,
  type ScheduleAttempt,
  updateMemberPay,
} from '../pay/journey';
import { isStepUpCancelled } from '../StepUp';

function sameBody(a: CreateScheduledPaymentBody, b: CreateScheduledPaymentBody): boolean {
  const canon = (x: CreateScheduledPaymentBody) =>
    JSON.stringify([
      [...x.billIds].sort(),
      x.amountCents,
      x.paymentMethodId,
      x.payOn,
      x.bankAuthorization?.textVersion ?? null,
    ]);
  return canon(a) === canon(b);
}

export interface ScheduleRequest {
  selection: MemberSelection;
  method: MemberMethod;
  payOn: string;
  /** The ACH authorization version the member accepted (bank accounts only). */
  bankAuthorizationVersion: string | null;
}

const dropAttempt = () =>
  updateMemberPay((j) => {
    const { scheduleAttempt: _s, ...rest } = j;
    return rest;
  });

/**
 * The review page's "Pay $X on <date>": saves a new card or bank account to the wallet first (a
 * payment on a later date is made with a saved method), then schedules the payment under one
 * Idempotency-Key per submission, so a double click or a resend after a lost answer schedules it once.
 */
export function useSchedulePayment({
  runStepUp,
  onExpired,
  setErrors,
}: {
  runStepUp: <T>(action: (csrfToken: string) => Promise<T>) => Promise<T>;
  onExpired: (err: unknown) => boolean;
  setErrors: (errors: FieldMsg[]) => void;
}) {
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const sending = useRef(false);

  const post = useCallback(
    async (attempt: ScheduleAttempt, savedForLater: boolean) => {
      sending.current = true;
      setBusy(true);
      try {
        const { data } = await waitWhileInFlight(() =>
          runStepUp((csrf) => api.schedulePayment(csrf, attempt.key, attempt.body)),
        );
        recordScheduledPayment(data, savedForLater);
        navigate(`/account/pay/scheduled/${encodeURIComponent(data.id)}`);
      } catch (err) {
        sending.current = false;
        setBusy(false);
        if (onExpired(err)) return;
        const keepKey = () =>
          updateMemberPay((j) =>
            j.scheduleAttempt ? { ...j, scheduleAttempt: { ...j.scheduleAttempt, inFlight: false } } : j,
          );
        if (!isApiError(err) || err.code === 'network' || err.status >= 500) {
          // The outcome is unknown: the next press asks about the same payment with the same key.
          keepKey();
          setErrors([{ id: '', key: 'scheduled.review.errors.unknownOutcome' }]);
          return;
        }
        dropAttempt();
        const field = err.problem.errors?.[0];
        switch (err.code) {
          case 'validation_failed':
            if (field?.field === 'payOn') {
              // The dates allowed have moved on (or the bills' due date did): ask again, by the date.
              const firstDate = String(err.problem.firstDate ?? '');
              const lastDate = String(err.problem.lastDate ?? '');
              updateMemberPay((j) => ({ ...j, whenError: { firstDate, lastDate } }));
              navigate('/account/pay/method');
              return;
            }
            if (field?.field === 'bankAuthorization') {
              setErrors([{ id: 'bank-authorization', key: 'review.errors.authorize' }]);
              return;
            }
            setErrors([
              {
                id: '',
                key:
                  field?.code === 'several_accounts'
                    ? 'accountPay.errors.severalAccounts'
                    : 'common.errors.unexpected',
              },
            ]);
            return;
          case 'amount_out_of_range':
            setErrors([{ id: '', key: 'scheduled.review.errors.amount' }]);
            return;
          case 'bill_not_payable':
            setErrors([{ id: '', key: 'scheduled.review.errors.notPayable' }]);
            return;
          case 'payment_method_invalid':
            updateMemberPay((j) => {
              const { method: _m, ...rest } = j;
              return { ...rest, decline: { code: 'payment_method_invalid', kind: 'saved' } };
            });
            navigate('/account/pay/method');
            return;
          case 'not_found':
            setErrors([{ id: '', key: 'scheduled.review.errors.notFound' }]);
            return;
          default:
            setErrors([{ id: '', key: 'common.errors.unexpected' }]);
        }
      }
    },
    [navigate, onExpired, runStepUp, setErrors],
  );

  // A reload while a payment was being scheduled: ask again with the same key to learn how it ended.
  const resumed = useRef(false);
  useEffect(() => {
    const j = getMemberPay();
    const attempt = j.scheduleAttempt;
    if (!resumed.current && attempt?.inFlight && !sending.current) {
      resumed.current = true;
      void post(attempt, j.method?.type === 'saved' && Boolean(j.method.savedForLater));
    }
  }, [post]);

  const schedule = useCallback(
    async (request: ScheduleRequest) => {
      if (sending.current) return;
      sending.current = true;
      setBusy(true);
      let method = request.method;
      if (method.type === 'new') {
        // A later date is paid with a saved method: save the new one first (once: from here on it is
        // the saved one, so pressing the button again does not save it twice).
        const token = method.token;
        const nickname = method.nickname;
        try {
          const { data } = await runStepUp((csrf) =>
            api.addPaymentMethod(csrf, { paymentToken: token, ...(nickname ? { nickname } : {}) }),
          );
          method = { type: 'saved', id: data.id, details: data, savedForLater: true };
          const saved = method;
          updateMemberPay((j) => ({ ...j, method: saved }));
        } catch (err) {
          sending.current = false;
          setBusy(false);
          if (onExpired(err)) return;
          if (isStepUpCancelled(err)) {
            setErrors([{ id: '', key: 'scheduled.review.errors.stepUpCancelled' }]);
            return;
          }
          if (isApiError(err) && err.code === 'payment_method_invalid') {
            const kind = method.details.kind;
            updateMemberPay((j) => {
              const { method: _m, ...rest } = j;
              return { ...rest, decline: { code: 'payment_method_invalid', kind } };
            });
            navigate('/account/pay/method');
            return;
          }
          setErrors([
            {
              id: '',
              key:
                isApiError(err) && err.code === 'network'
                  ? 'common.errors.network'
                  : 'scheduled.review.errors.saveFailed',
            },
          ]);
          return;
        }
      }
      const body: CreateScheduledPaymentBody = {
        billIds: request.selection.bills.map((b) => b.id),
        amountCents: request.selection.amountCents,
        paymentMethodId: method.id,
        payOn: request.payOn,
        ...(request.bankAuthorizationVersion
          ? { bankAuthorization: { accepted: true, textVersion: request.bankAuthorizationVersion } }
          : {}),
      };
      const previous = getMemberPay().scheduleAttempt;
      const attempt: ScheduleAttempt =
        previous && sameBody(previous.body, body)
          ? { ...previous, inFlight: true }
          : { key: newKey(), body, inFlight: true };
      updateMemberPay({ scheduleAttempt: attempt });
      await post(attempt, Boolean(method.savedForLater));
    },
    [navigate, onExpired, post, runStepUp, setErrors],
  );

  return { schedule, busy };
}
