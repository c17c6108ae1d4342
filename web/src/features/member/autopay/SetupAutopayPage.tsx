import type { PaymentMethodView } from '@contract/wallet/wallet.schema';
import { parseMoneyInput } from '@domain/money';
import type { TFunction } from 'i18next';
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { type AutopayAccount, api, autopayApi, isApiError } from '../../../api';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Radios, SingleCheckbox, TextInput } from '../../../components/Field';
import { Page, useRefocusHeading } from '../../../components/Page';
import { type FieldMsg, useFormErrors } from '../../../components/useFormErrors';
import { type Lang, langOf, money } from '../../../format';
import { useOrganization } from '../../../organization';
import { useMemberExpiry, useMemberSession } from '../session';
import { expiryText, methodTitle } from '../wallet/labels';
import { useWallet } from '../wallet/useWallet';
import { Rules } from './AutopayPage';
import {
  AUTOPAY_PATH,
  accountTitle,
  autopayPath,
  DAYS_BEFORE,
  methodInSentence,
  PausedWarning,
  useAutopay,
  useRegionPhone,
  useUnavailableExplanation,
} from './shared';

/** The API's ceiling for an amount (a million dollars); the floor is the organization's minimum payment. */
const MAX_CENTS = 100_000_000;
const WALLET_ADD = '/account/payment-methods/add';

function dollars(cents: number | null | undefined): string {
  return cents ? (cents / 100).toFixed(2) : '';
}

/** The member's confirmed mobile number, or null (none, not confirmed yet, or the profile did not load). */
function useConfirmedMobile(): { loaded: boolean; number: string | null } {
  const onExpired = useMemberExpiry();
  const [state, setState] = useState<{ loaded: boolean; number: string | null }>({
    loaded: false,
    number: null,
  });
  useEffect(() => {
    let cancelled = false;
    api
      .profile()
      .then(({ data }) => {
        if (!cancelled) setState({ loaded: true, number: data.mobile?.verified ? data.mobile.number : null });
      })
      .catch((err) => {
        if (cancelled || onExpired(err)) return;
        setState({ loaded: true, number: null });
      });
    return () => {
      cancelled = true;
    };
  }, [onExpired]);
  return state;
}

/** /account/autopay/:accountId — set up automatic payments for an account, or change them. */
export function SetupAutopayPage() {
  const { t } = useTranslation();
  const { accountId = '' } = useParams();
  const { accounts, failed, reload } = useAutopay(false);
  const wallet = useWallet();
  const mobile = useConfirmedMobile();
  const ready = accounts !== null && wallet.methods !== null && mobile.loaded;
  useRefocusHeading(ready);
  const back = <BackLink to={AUTOPAY_PATH} label={t('autopay.back')} />;

  if ((accounts === null && failed) || (ready && wallet.failed)) {
    return (
      <Page title={t('autopay.title')} back={back}>
        <h1 className="heading-l">{t('autopay.title')}</h1>
        <p>{t('autopay.loadFailed')}</p>
        <Button
          type="button"
          onClick={() => {
            reload();
            wallet.reload();
          }}
        >
          {t('unavailable.retry')}
        </Button>
      </Page>
    );
  }
  if (!ready || accounts === null || wallet.methods === null) {
    return (
      <Page title={t('common.loading')} back={back}>
        <h1 className="heading-l">{t('common.loading')}</h1>
      </Page>
    );
  }
  const account = accounts.find((a) => a.accountId === accountId);
  if (!account) {
    return (
      <Page title={t('autopay.setup.notFoundTitle')} back={back}>
        <h1 className="heading-l">{t('autopay.setup.notFoundTitle')}</h1>
        <p>{t('autopay.setup.notFoundBody')}</p>
        <Link to={AUTOPAY_PATH} className="button button--secondary">
          {t('autopay.back')}
        </Link>
      </Page>
    );
  }
  if (account.availability.status !== 'available') return <NotAvailable account={account} />;
  return <SetupForm account={account} methods={wallet.methods} mobile={mobile.number} />;
}

/** An account whose region does not offer autopay here: why, and how to pay instead. */
function NotAvailable({ account }: { account: AutopayAccount }) {
  const { t } = useTranslation();
  const explanation = useUnavailableExplanation(account.availability);
  const back = <BackLink to={AUTOPAY_PATH} label={t('autopay.back')} />;
  return (
    <Page title={t('autopay.setup.notAvailableTitle')} back={back}>
      <span className="caption">{accountTitle(account, t)}</span>
      <h1 className="heading-l">{t('autopay.setup.notAvailableTitle')}</h1>
      {explanation ? <p>{explanation}</p> : null}
      {account.availability.url ? (
        <p>
          <a href={account.availability.url} rel="noopener">
            {account.availability.url}
          </a>
        </p>
      ) : null}
      <p>
        <Link to="/account/pay">{t('autopay.unavailable.payInstead')}</Link>
      </p>
    </Page>
  );
}

/** "medical bills for Lucía Hughes": the account's name inside a sentence. */
function inSentence(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

interface Choices {
  rule: string | null;
  days: string | null;
  amountCents: number | null;
  day: number | null;
}

/** The sentence of the bank authorization that says how much and when, as chosen so far. */
function authorizationRule(c: Choices, t: TFunction, lang: Lang): string {
  if (c.rule === 'statement_balance' && c.days !== null) {
    const days = Number(c.days);
    return days === 0
      ? (t('autopay.setup.authorizationRule.dueDate') as string)
      : (t('autopay.setup.authorizationRule.daysBefore', { count: days }) as string);
  }
  if (c.rule === 'fixed' && c.amountCents && c.day) {
    return t('autopay.setup.authorizationRule.fixed', {
      amount: money(c.amountCents, lang),
      day: c.day,
    }) as string;
  }
  return t('autopay.setup.authorizationRule.notChosen') as string;
}

/** Which field each server-side error is about, and the words we show for it. */
const SERVER_FIELDS: Record<string, FieldMsg> = {
  amountRule: { id: 'amountRule', key: 'autopay.setup.errors.amountRule' },
  daysBeforeDue: { id: 'daysBeforeDue', key: 'autopay.setup.errors.daysBeforeDue' },
  fixedAmountCents: { id: 'fixed-amount', key: 'autopay.setup.errors.fixedAmount' },
  dayOfMonth: { id: 'day-of-month', key: 'autopay.setup.errors.dayOfMonth' },
  maxChargeCents: { id: 'limit', key: 'autopay.setup.errors.limit' },
  billKinds: { id: '', key: 'autopay.setup.errors.billKinds' },
  paymentMethodId: { id: 'paymentMethodId', key: 'autopay.setup.errors.methodInvalid' },
  bankAuthorization: { id: 'bank-authorization', key: 'autopay.setup.errors.authorize' },
};

function saveProblems(err: unknown): FieldMsg[] {
  if (!isApiError(err)) return [{ id: '', key: 'autopay.setup.errors.failed' }];
  if (err.code === 'network') return [{ id: '', key: 'common.errors.network' }];
  if (err.code === 'csrf_failed') return [{ id: '', key: 'autopay.setup.errors.csrf' }];
  if (err.code === 'autopay_unavailable') return [{ id: '', key: 'autopay.setup.errors.unavailable' }];
  const fields = (err.problem.errors ?? [])
    .map((e) => SERVER_FIELDS[e.field.split('.')[0] ?? ''])
    .filter((m): m is FieldMsg => Boolean(m));
  if (fields.length > 0) return fields.filter((m, i) => fields.findIndex((x) => x.id === m.id) === i);
  if (err.code === 'payment_method_invalid')
    return [{ id: 'paymentMethodId', key: 'autopay.setup.errors.methodInvalid' }];
  return [{ id: '', key: 'autopay.setup.errors.failed' }];
}

function SetupForm({
  account,
  methods,
  mobile,
}: {
  account: AutopayAccount;
  methods: PaymentMethodView[];
  mobile: string | null;
}) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const org = useOrganization();
  const session = useMemberSession();
  const navigate = useNavigate();
  const onExpired = useMemberExpiry();
  const phone = useRegionPhone();
  const form = useFormErrors();
  const e = account.enrollment;
  // Preselected: the method it pays with now, else the default (never an expired or blocked one).
  const usable = methods.filter((m) => !m.expired && !m.blocked);
  const firstChoice =
    (e?.method && usable.some((m) => m.id === e.method?.id) ? e.method.id : null) ??
    usable.find((m) => m.isDefault)?.id ??
    (usable.length === 1 ? (usable[0]?.id ?? null) : null);

  const [rule, setRule] = useState<string | null>(e?.amountRule ?? null);
  const [days, setDays] = useState<string | null>(
    e?.amountRule === 'statement_balance' ? String(e.daysBeforeDue) : null,
  );
  const [amount, setAmount] = useState(dollars(e?.fixedAmountCents));
  const [day, setDay] = useState(e?.dayOfMonth ? String(e.dayOfMonth) : '');
  const [methodId, setMethodId] = useState<string | null>(firstChoice);
  const [limit, setLimit] = useState(dollars(e?.maxChargeCents));
  const [text, setText] = useState(Boolean(e?.notifyByText && mobile));
  const [authorized, setAuthorized] = useState(false);
  const [busy, setBusy] = useState(false);

  const method = methods.find((m) => m.id === methodId) ?? null;
  const isBank = method?.kind === 'bank';
  const name = accountTitle(account, t);
  const heading = !e
    ? t('autopay.setup.titleNew')
    : e.status === 'paused'
      ? t('autopay.setup.titlePaused')
      : t('autopay.setup.titleChange');
  const submitLabel = !e
    ? t('autopay.setup.submitNew')
    : e.status === 'paused'
      ? t('autopay.setup.submitPaused')
      : t('autopay.setup.submitChange');
  const minCents = org.payments.minimumCents;
  const amountCents = parseMoneyInput(amount);
  const dayNumber = /^\d{1,2}$/.test(day.trim()) ? Number(day.trim()) : null;
  // Days before the due date on offer, plus one chosen elsewhere (through the API) so it shows.
  const dayOptions = [...new Set<number>([...DAYS_BEFORE, ...(days !== null ? [Number(days)] : [])])].sort(
    (a, b) => a - b,
  );

  function validate(): FieldMsg[] {
    const errors: FieldMsg[] = [];
    if (rule !== 'statement_balance' && rule !== 'fixed')
      errors.push({ id: 'amountRule', key: 'autopay.setup.errors.amountRule' });
    if (rule === 'statement_balance' && days === null)
      errors.push({ id: 'daysBeforeDue', key: 'autopay.setup.errors.daysBeforeDue' });
    if (rule === 'fixed') {
      if (amountCents === null) errors.push({ id: 'fixed-amount', key: 'autopay.setup.errors.fixedAmount' });
      else if (amountCents < minCents || amountCents > MAX_CENTS)
        errors.push({
          id: 'fixed-amount',
          key: 'autopay.setup.errors.fixedAmountRange',
          values: { min: minCents, max: MAX_CENTS },
        });
      if (dayNumber === null || dayNumber < 1 || dayNumber > 31)
        errors.push({ id: 'day-of-month', key: 'autopay.setup.errors.dayOfMonth' });
    }
    if (methods.length === 0) errors.push({ id: 'paymentMethodId', key: 'autopay.setup.errors.noMethods' });
    else if (!method) errors.push({ id: 'paymentMethodId', key: 'autopay.setup.errors.method' });
    else if (method.expired)
      errors.push({ id: 'paymentMethodId', key: 'autopay.setup.errors.methodInvalid' });
    if (limit.trim() !== '') {
      const cents = parseMoneyInput(limit);
      if (cents === null) errors.push({ id: 'limit', key: 'autopay.setup.errors.limit' });
      else if (cents < minCents || cents > MAX_CENTS)
        errors.push({
          id: 'limit',
          key: 'autopay.setup.errors.limitRange',
          values: { min: minCents, max: MAX_CENTS },
        });
    }
    if (isBank && !authorized)
      errors.push({ id: 'bank-authorization', key: 'autopay.setup.errors.authorize' });
    return errors;
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const errors = validate();
    if (errors.length > 0 || !method) {
      form.setErrors(errors);
      return;
    }
    setBusy(true);
    const fixed = rule === 'fixed';
    try {
      const { data } = await autopayApi.save(session.csrfToken, account.accountId, {
        amountRule: fixed ? 'fixed' : 'statement_balance',
        daysBeforeDue: fixed ? 0 : Number(days),
        ...(fixed ? { fixedAmountCents: amountCents ?? 0, dayOfMonth: dayNumber ?? 1 } : {}),
        maxChargeCents: limit.trim() === '' ? null : parseMoneyInput(limit),
        billKinds: [account.accountKind],
        paymentMethodId: method.id,
        ...(isBank
          ? {
              bankAuthorization: {
                accepted: true,
                textVersion: org.payments.achRecurringAuthorization.version,
              },
            }
          : {}),
        notifyByText: Boolean(mobile) && text,
      });
      navigate(autopayPath(account.accountId, 'on'), {
        state: { enrollment: data, changed: Boolean(e) },
      });
    } catch (err) {
      setBusy(false);
      if (onExpired(err)) return;
      form.setErrors(saveProblems(err));
    }
  }

  const clear = (id: string) => form.clearField(id);
  const authorizationText = method
    ? (t('autopay.setup.authorizationText', {
        org: org.name,
        method: methodInSentence(method, lang, t),
        account: inSentence(name),
        rule: authorizationRule({ rule, days, amountCents, day: dayNumber }, t, lang),
        phone,
      }) as string)
    : '';

  let methodQuestion: ReactNode;
  if (methods.length === 0) {
    methodQuestion = (
      <div className={form.fieldError('paymentMethodId') ? 'field field--error' : 'field'}>
        <h2 className="heading-m autopay-question__title">{t('autopay.setup.methodLegend')}</h2>
        {form.fieldError('paymentMethodId') ? (
          <p className="error-message" id="paymentMethodId-error">
            <span className="visually-hidden">{t('common.errorPrefix')} </span>
            {form.fieldError('paymentMethodId')}
          </p>
        ) : null}
        <div className="inset">
          <p>
            <strong>{t('autopay.setup.noMethods')}</strong>
          </p>
          <p>{t('autopay.setup.noMethodsHelp')}</p>
          <p>
            <Link
              to={WALLET_ADD}
              id="paymentMethodId"
              className="button button--secondary"
              aria-describedby={form.fieldError('paymentMethodId') ? 'paymentMethodId-error' : undefined}
            >
              {t('autopay.setup.addMethod')}
            </Link>
          </p>
        </div>
      </div>
    );
  } else {
    methodQuestion = (
      <>
        <Radios
          idBase="paymentMethodId"
          name="paymentMethodId"
          className="autopay-question"
          legend={t('autopay.setup.methodLegend')}
          hint={t('autopay.setup.methodHint')}
          error={form.fieldError('paymentMethodId')}
          value={methodId}
          onChange={(v) => {
            setMethodId(v);
            setAuthorized(false);
            clear('paymentMethodId');
            clear('bank-authorization');
          }}
          options={methods.map((m) => ({
            value: m.id,
            label: methodTitle(m, lang, t),
            ...(m.expired
              ? { hint: t('autopay.setup.expired'), disabled: true }
              : m.blocked
                ? { hint: t('autopay.setup.blocked') }
                : m.kind === 'card'
                  ? { hint: t('autopay.setup.cardExpires', { date: expiryText(m, lang) }) }
                  : {}),
          }))}
        />
        <p className="autopay-add-method">
          <Link to={WALLET_ADD}>{t('autopay.setup.addMethod')}</Link>
        </p>
      </>
    );
  }

  return (
    <Page
      title={heading}
      error={form.hasErrors}
      back={<BackLink to={AUTOPAY_PATH} label={t('autopay.back')} />}
    >
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <span className="caption">{name}</span>
      <h1 className="heading-l">{heading}</h1>
      {e?.status === 'paused' ? (
        <PausedWarning enrollment={e} fixLink={<p>{t('autopay.setup.pausedBody')}</p>} />
      ) : null}
      <form onSubmit={submit} noValidate className="autopay-form">
        <Radios
          idBase="amountRule"
          name="amountRule"
          className="autopay-question"
          legend={t('autopay.setup.amountLegend')}
          error={form.fieldError('amountRule')}
          value={rule}
          onChange={(v) => {
            setRule(v);
            clear('amountRule');
          }}
          options={[
            {
              value: 'statement_balance',
              label: t('autopay.setup.statementBalance'),
              hint: t('autopay.setup.statementBalanceHint'),
              conditional: (
                <Radios
                  idBase="daysBeforeDue"
                  name="daysBeforeDue"
                  legend={t('autopay.setup.whenLegend')}
                  error={form.fieldError('daysBeforeDue')}
                  value={days}
                  onChange={(v) => {
                    setDays(v);
                    clear('daysBeforeDue');
                  }}
                  options={dayOptions.map((n) => ({
                    value: String(n),
                    label: n === 0 ? t('autopay.setup.dueDate') : t('autopay.setup.daysBefore', { count: n }),
                  }))}
                />
              ),
            },
            {
              value: 'fixed',
              label: t('autopay.setup.fixed'),
              hint: t('autopay.setup.fixedHint'),
              conditional: (
                <>
                  <TextInput
                    id="fixed-amount"
                    name="fixedAmount"
                    label={t('autopay.setup.fixedAmount')}
                    hint={t('autopay.setup.fixedAmountHint')}
                    error={form.fieldError('fixed-amount')}
                    prefix="$"
                    inputMode="decimal"
                    autoComplete="off"
                    width="10"
                    value={amount}
                    onChange={(ev) => {
                      setAmount(ev.target.value);
                      clear('fixed-amount');
                    }}
                  />
                  <TextInput
                    id="day-of-month"
                    name="dayOfMonth"
                    label={t('autopay.setup.dayOfMonth')}
                    hint={t('autopay.setup.dayOfMonthHint')}
                    error={form.fieldError('day-of-month')}
                    inputMode="numeric"
                    autoComplete="off"
                    maxLength={2}
                    width="3"
                    value={day}
                    onChange={(ev) => {
                      setDay(ev.target.value);
                      clear('day-of-month');
                    }}
                  />
                </>
              ),
            },
          ]}
        />

        <div className="field autopay-bills">
          <h2 className="heading-m autopay-question__title">{t('autopay.setup.billsOnly')}</h2>
          <p>{t(`autopay.setup.kinds.${account.accountKind}`)}</p>
        </div>

        {methodQuestion}

        <TextInput
          id="limit"
          name="limit"
          label={t('autopay.setup.limit')}
          labelClassName="autopay-question__label"
          hint={t('autopay.setup.limitHint')}
          error={form.fieldError('limit')}
          prefix="$"
          inputMode="decimal"
          autoComplete="off"
          width="10"
          value={limit}
          onChange={(ev) => {
            setLimit(ev.target.value);
            clear('limit');
          }}
        />

        {mobile ? (
          <div className="field">
            <h2 className="heading-m autopay-question__title">{t('autopay.setup.textLegend')}</h2>
            <SingleCheckbox
              id="notify-by-text"
              label={
                <>
                  {t('autopay.setup.text')}
                  <span className="hint autopay-text-hint">
                    {t('autopay.setup.textHint', { last4: mobile.replace(/\D/g, '').slice(-4) })}
                  </span>
                </>
              }
              checked={text}
              onChange={setText}
            />
          </div>
        ) : (
          <div className="field">
            <h2 className="heading-m autopay-question__title">{t('autopay.setup.textLegend')}</h2>
            <p>{t('autopay.setup.noMobile')}</p>
            <p>
              <Link to="/account/profile">{t('autopay.setup.profileLink')}</Link>
            </p>
          </div>
        )}

        {isBank && method ? (
          <div className="authorization">
            <h2 className="heading-m">{t('autopay.setup.authorizationTitle')}</h2>
            <div className="inset" id="ach-text" lang={lang}>
              <p>{authorizationText}</p>
              <p className="secondary-text">
                {t('autopay.setup.authorizationVersion', {
                  version: org.payments.achRecurringAuthorization.version,
                })}
              </p>
            </div>
            <SingleCheckbox
              id="bank-authorization"
              label={t('autopay.setup.authorize')}
              checked={authorized}
              onChange={(v) => {
                setAuthorized(v);
                clear('bank-authorization');
              }}
              error={form.fieldError('bank-authorization')}
            />
          </div>
        ) : null}

        <h2 className="heading-m">{t('autopay.rules.title')}</h2>
        <Rules />

        <div className="button-group">
          <Button busy={busy}>{busy ? t('autopay.setup.saving') : submitLabel}</Button>
          <Link to={AUTOPAY_PATH} className="link-button">
            {t('autopay.setup.cancel')}
          </Link>
        </div>
      </form>
    </Page>
  );
}
