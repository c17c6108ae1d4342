import type { CreateGuestPaymentBody } from '@contract/payments/payments.schema';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router';
import { api, isApiError } from '../../api';
import { BackLink } from '../../components/BackLink';
import { Button } from '../../components/Button';
import { ErrorSummary } from '../../components/ErrorSummary';
import { SingleCheckbox } from '../../components/Field';
import { Money } from '../../components/Money';
import { Page } from '../../components/Page';
import { type FieldMsg, useFormErrors } from '../../components/useFormErrors';
import { formatDate, langOf, money, todayIso } from '../../format';
import { useOrganization } from '../../organization';
import { brandLabel } from '../payment/brands';
import { AlreadyPaid } from './AlreadyPaid';
import { BillKindLabel } from './BillsPage';
import { type Attempt, getJourney, lastPayment, recordPayment, updateJourney, useJourney } from './journey';
import { useSessionExpiry } from './session';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sameBody(a: CreateGuestPaymentBody, b: CreateGuestPaymentBody): boolean {
  const canon = (x: CreateGuestPaymentBody) =>
    JSON.stringify([
      [...x.billIds].sort(),
      x.amountCents,
      x.paymentToken,
      x.email ?? null,
      x.bankAuthorization?.textVersion ?? null,
      x.locale,
    ]);
  return canon(a) === canon(b);
}

export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Older browsers on plain http: a v4 UUID from getRandomValues.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function ReviewPage() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const org = useOrganization();
  const navigate = useNavigate();
  const journey = useJourney();
  const onExpired = useSessionExpiry();
  const form = useFormErrors();
  const [busy, setBusy] = useState(false);
  const [authorized, setAuthorized] = useState(Boolean(journey.bankAuthorized));
  const sending = useRef(false);

  /** Sends one attempt; a resend of the same attempt always carries the same Idempotency-Key. */
  const send = useCallback(
    async (attempt: Attempt) => {
      const token = getJourney().session?.token;
      if (!token) return;
      sending.current = true;
      setBusy(true);
      try {
        for (let tries = 0; ; tries += 1) {
          try {
            const { data } = await api.pay(token, attempt.key, attempt.body);
            recordPayment(data);
            navigate(`/pay/confirmation/${data.id}`);
            return;
          } catch (err) {
            // Our own earlier request with this key is still running (double click, reload): wait for it.
            if (isApiError(err) && err.code === 'idempotency_in_flight' && tries < 15) {
              await sleep(1000);
              continue;
            }
            throw err;
          }
        }
      } catch (err) {
        sending.current = false;
        setBusy(false);
        if (onExpired(err)) return;
        const keepKey = (inFlight: boolean) =>
          updateJourney((j) => (j.attempt ? { ...j, attempt: { ...j.attempt, inFlight } } : j));
        const dropKey = () =>
          updateJourney((j) => {
            const { attempt: _a, ...rest } = j;
            return rest;
          });
        if (!isApiError(err)) {
          keepKey(false);
          form.setErrors([{ id: '', key: 'review.errors.unknownOutcome' }]);
          return;
        }
        const kind = attempt.body.bankAuthorization ? 'bank' : 'card';
        switch (err.code) {
          case 'payment_declined':
          case 'payment_method_invalid': {
            // Nothing was charged: the next try is a new attempt with a new key and a new method.
            updateJourney((j) => {
              const { attempt: _a, method: _m, ...rest } = j;
              return { ...rest, decline: { code: err.problem.decline?.code ?? err.code, kind } };
            });
            navigate('/pay/method');
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
          case 'amount_out_of_range':
            dropKey();
            form.setErrors([{ id: '', key: 'review.errors.amount' }]);
            return;
          case 'processor_unavailable':
            dropKey();
            form.setErrors([{ id: '', key: 'review.errors.unavailable' }]);
            return;
          case 'idempotency_mismatch':
          case 'validation_failed':
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
    [navigate, onExpired, form.setErrors],
  );

  // A reload while a payment was being sent: ask again with the same key to learn how it ended.
  const resumed = useRef(false);
  useEffect(() => {
    const attempt = getJourney().attempt;
    if (!resumed.current && attempt?.inFlight && !sending.current) {
      resumed.current = true;
      void send(attempt);
    }
  }, [send]);

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
    if (sending.current || !selection || !method) return;
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
      ...(isBank
        ? { bankAuthorization: { accepted: true, textVersion: org.payments.achAuthorization.version } }
        : {}),
    };
    const previous = getJourney().attempt;
    // One key per submission of this page: a double click or a resend after a lost answer reuses it.
    const attempt: Attempt =
      previous && sameBody(previous.body, body)
        ? { ...previous, inFlight: true }
        : { key: newKey(), body, inFlight: true };
    sending.current = true;
    updateJourney({ attempt, bankAuthorized: isBank ? true : undefined });
    void send(attempt);
  }

  return (
    <Page title={t('review.title')} error={form.hasErrors} back={<BackLink to="/pay/method" />}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <h1 className="heading-l">{t('review.title')}</h1>

      <dl className="summary-list">
        <div className="summary-row">
          <dt>{bills.length > 1 ? t('review.bills') : t('review.bill')}</dt>
          <dd>
            <ul className="list list--plain">
              {bills.map((b) => (
                <li key={b.id}>
                  <BillKindLabel bill={b} /> {b.number}{' '}
                  <span className="secondary-text">
                    ({t('review.balance')} <Money cents={b.balanceCents} />)
                  </span>
                </li>
              ))}
            </ul>
          </dd>
          <dd className="summary-row__action">
            <Link to="/pay/bills">
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
            <Link to="/pay/bills">
              {t('common.change')}
              <span className="visually-hidden"> {t('review.changeAmount')}</span>
            </Link>
          </dd>
        </div>
        <div className="summary-row">
          <dt>{t('review.method')}</dt>
          <dd>
            {methodText}
            {method.details.kind === 'bank' ? (
              <>
                <br />
                <span className="secondary-text">{method.details.holderName}</span>
              </>
            ) : null}
          </dd>
          <dd className="summary-row__action">
            <Link to="/pay/method">
              {t('common.change')}
              <span className="visually-hidden"> {t('review.changeMethod')}</span>
            </Link>
          </dd>
        </div>
        <div className="summary-row">
          <dt>{t('review.date')}</dt>
          <dd>{t('review.today', { date: formatDate(today, i18n.language) })}</dd>
          <dd className="summary-row__action" />
        </div>
        <div className="summary-row">
          <dt>{t('review.email')}</dt>
          <dd>{journey.email ? journey.email : t('review.noEmail')}</dd>
          <dd className="summary-row__action">
            <Link to="/pay/method">
              {t('common.change')}
              <span className="visually-hidden"> {t('review.changeEmail')}</span>
            </Link>
          </dd>
        </div>
      </dl>

      <p className="reassure">
        {isBank
          ? t('review.whatHappensBank', { amount: amountText, last4: method.details.last4 })
          : t('review.whatHappensCard', { amount: amountText, method: methodText })}
      </p>

      <form onSubmit={submit} noValidate>
        {isBank ? (
          <div className="authorization">
            <h2 className="heading-m">{t('review.authorizationTitle')}</h2>
            <div className="inset" id="ach-text" lang={lang}>
              <p>{org.payments.achAuthorization.text[lang]}</p>
            </div>
            <SingleCheckbox
              id="bank-authorization"
              label={t('review.authorize', { amount: amountText })}
              checked={authorized}
              onChange={(v) => {
                setAuthorized(v);
                form.clearField('bank-authorization');
              }}
              error={form.fieldError('bank-authorization')}
            />
          </div>
        ) : null}
        <Button busy={busy} className="button--pay">
          {busy ? t('review.paying') : t('review.pay', { amount: amountText })}
        </Button>
        <div className="visually-hidden" role="status">
          {busy ? t('review.payingStatus') : ''}
        </div>
        {busy ? <p className="hint">{t('review.payingStatus')}</p> : null}
      </form>
    </Page>
  );
}
