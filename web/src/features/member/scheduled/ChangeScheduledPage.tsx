import type { ScheduledPaymentView, UpdateScheduledPaymentBody } from '@contract/scheduled/scheduled.schema';
import type { PaymentMethodView } from '@contract/wallet/wallet.schema';
import { parseMoneyInput } from '@domain/money';
import { minimumPaymentCents } from '@domain/payment-rules';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, isApiError } from '../../../api';
import { Button } from '../../../components/Button';
import { DateInput, type DatePart, type DateParts } from '../../../components/DateInput';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { type ChoiceOption, Radios, SingleCheckbox, TextInput } from '../../../components/Field';
import { Page } from '../../../components/Page';
import { type FieldMsg, useFormErrors } from '../../../components/useFormErrors';
import { langOf, money } from '../../../format';
import { useOrganization } from '../../../organization';
import { useMemberExpiry, useMemberSession } from '../session';
import { expiryText, methodTitle } from '../wallet/labels';
import { useWallet } from '../wallet/useWallet';
import { changeDeadlineDate, dayAndDate, partsOf, schedulingWindow } from './dates';
import { lockedView, scheduledProblem } from './problems';
import { amountOnDate, BillsText, SCHEDULED_PATH, type ScheduledNotice } from './shared';
import { checkPayDate, DateHint, PAY_ON_ID, rangeError } from './WhenQuestion';
import { BackToScheduled, WithScheduledPayment } from './WithScheduledPayment';

/** /account/scheduled-payments/:id/change — the amount, the date and the saved method. */
export function ChangeScheduledPage() {
  return (
    <WithScheduledPayment>
      {(view, setView) => <ChangeForm view={view} onLocked={setView} />}
    </WithScheduledPayment>
  );
}

function methodOption(m: PaymentMethodView, lang: 'en' | 'es', t: ReturnType<typeof useTranslation>['t']) {
  const notes: string[] = [];
  if (m.isDefault) notes.push(t('wallet.default'));
  if (m.kind === 'card') {
    const expiry = expiryText(m, lang);
    notes.push(m.expired ? t('wallet.expiredOn', { date: expiry }) : t('wallet.expires', { date: expiry }));
  } else if (m.holderName) notes.push(m.holderName);
  return {
    value: m.id,
    label: methodTitle(m, lang, t),
    hint: `${notes.join(' · ')}${m.expired ? ` ${t('accountPay.expiredCannotUse')}` : ''}`,
    disabled: m.expired,
  } satisfies ChoiceOption;
}

function ChangeForm({
  view,
  onLocked,
}: {
  view: ScheduledPaymentView;
  onLocked: (view: ScheduledPaymentView) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const org = useOrganization();
  const navigate = useNavigate();
  const session = useMemberSession();
  const onExpired = useMemberExpiry();
  const { methods } = useWallet();
  const form = useFormErrors();
  const [amount, setAmount] = useState((view.amountCents / 100).toFixed(2));
  const [dateParts, setDateParts] = useState<DateParts>(partsOf(view.payOn));
  const [dateErrorParts, setDateErrorParts] = useState<DatePart[]>([]);
  const [methodId, setMethodId] = useState<string | null>(view.method?.id ?? null);
  const [authorized, setAuthorized] = useState(false);
  const [busy, setBusy] = useState(false);

  const total = view.bills.reduce((sum, b) => sum + b.balanceCents, 0);
  const minimum = minimumPaymentCents(total, org.payments.minimumCents);
  const dateWindow = schedulingWindow(view.bills.map((b) => b.dueDate));
  // Until the wallet has loaded (or if it cannot be), the method the payment has is the one offered.
  const offered = methods ?? (view.method ? [view.method] : []);
  const usable = offered.filter((m) => !m.expired || m.id === methodId);
  const chosen = offered.find((m) => m.id === methodId) ?? null;
  const typedCents = parseMoneyInput(amount);
  // A bank debit is authorized for one amount and one account: a new one of either asks again.
  const needsAuthorization =
    chosen?.kind === 'bank' && (chosen.id !== view.method?.id || typedCents !== view.amountCents);
  const title = t('scheduled.change.title');

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const errors: FieldMsg[] = [];
    let amountCents = view.amountCents;
    if (!amount.trim()) errors.push({ id: 'amount', key: 'bills.errors.amountRequired' });
    else if (typedCents === null) errors.push({ id: 'amount', key: 'bills.errors.amountFormat' });
    else if (typedCents < minimum)
      errors.push({ id: 'amount', key: 'bills.errors.amountTooSmall', values: { min: minimum } });
    else if (typedCents > total)
      errors.push({ id: 'amount', key: 'scheduled.change.errors.amountTooLarge', values: { max: total } });
    else amountCents = typedCents;
    let payOn = view.payOn;
    setDateErrorParts([]);
    const checked = checkPayDate(dateParts, dateWindow);
    if ('error' in checked) {
      errors.push(checked.error);
      setDateErrorParts(checked.parts);
    } else payOn = checked.iso;
    if (!chosen || chosen.expired) errors.push({ id: 'method', key: 'method.errors.chooseMethod' });
    if (needsAuthorization && !authorized)
      errors.push({ id: 'bank-authorization', key: 'scheduled.change.errors.authorize' });
    if (errors.length > 0 || !chosen) {
      form.setErrors(errors);
      return;
    }

    const body: UpdateScheduledPaymentBody = {
      ...(amountCents !== view.amountCents ? { amountCents } : {}),
      ...(payOn !== view.payOn ? { payOn } : {}),
      ...(chosen.id !== view.method?.id ? { paymentMethodId: chosen.id } : {}),
      ...(needsAuthorization
        ? { bankAuthorization: { accepted: true, textVersion: org.payments.achAuthorization.version } }
        : {}),
    };
    if (body.amountCents === undefined && body.payOn === undefined && body.paymentMethodId === undefined) {
      const notice: ScheduledNotice = { key: 'scheduled.change.nothing', amountCents, payOn };
      navigate(SCHEDULED_PATH, { state: { scheduledNotice: notice } });
      return;
    }
    setBusy(true);
    try {
      const { data } = await api.changeScheduledPayment(session.csrfToken, view.id, body);
      const notice: ScheduledNotice = {
        key: 'scheduled.change.done',
        amountCents: data.amountCents,
        payOn: data.payOn,
      };
      navigate(SCHEDULED_PATH, { state: { scheduledNotice: notice } });
    } catch (err) {
      setBusy(false);
      if (onExpired(err)) return;
      const locked = lockedView(err, view);
      if (locked) {
        onLocked(locked);
        return;
      }
      form.setErrors([fieldProblem(err)]);
    }
  }

  /** The server's refusal next to the field it is about, in the page's words. */
  function fieldProblem(err: unknown): FieldMsg {
    if (isApiError(err)) {
      const field = err.problem.errors?.[0]?.field;
      if (err.code === 'validation_failed' && field === 'payOn') {
        setDateErrorParts([]);
        return rangeError({
          first: String(err.problem.firstDate ?? dateWindow.first),
          last: String(err.problem.lastDate ?? dateWindow.last),
        });
      }
      if (err.code === 'validation_failed' && field === 'bankAuthorization')
        return { id: 'bank-authorization', key: 'scheduled.change.errors.authorize' };
      if (err.code === 'amount_out_of_range')
        return {
          id: 'amount',
          key: 'scheduled.change.errors.amountRange',
          values: {
            min: Number(err.problem.minimumCents ?? minimum),
            max: Number(err.problem.maximumCents ?? total),
          },
        };
      if (err.code === 'payment_method_invalid' || field === 'paymentMethodId')
        return { id: 'method', key: 'scheduled.change.errors.methodInvalid' };
    }
    return scheduledProblem(err);
  }

  const dateMsg = form.errors.find((m) => m.id.startsWith(`${PAY_ON_ID}-`));
  const typedDate = checkPayDate(dateParts, dateWindow);
  const amountText = money(typedCents ?? view.amountCents, i18n.language);
  const dateText = dayAndDate('iso' in typedDate ? typedDate.iso : view.payOn, i18n.language);
  return (
    <Page title={title} error={form.hasErrors} back={<BackToScheduled />}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <span className="caption">{t('scheduled.list.item', amountOnDate(view, i18n.language))}</span>
      <h1 className="heading-l">{title}</h1>
      <p>{t('scheduled.changeUntil', { date: dayAndDate(changeDeadlineDate(view.payOn), i18n.language) })}</p>
      <div className="inset">
        <p className="strong">
          {view.bills.length > 1 ? t('scheduled.facts.bills') : t('scheduled.facts.bill')}
        </p>
        <BillsText view={view} />
      </div>
      <form onSubmit={submit} noValidate>
        <TextInput
          id="amount"
          name="amount"
          label={t('scheduled.change.amount')}
          hint={t('scheduled.change.amountHint', {
            min: money(minimum, i18n.language),
            max: money(total, i18n.language),
          })}
          error={form.fieldError('amount')}
          prefix="$"
          inputMode="decimal"
          autoComplete="off"
          width="10"
          value={amount}
          onChange={(e) => {
            setAmount(e.target.value);
            form.clearField('amount');
          }}
        />
        <DateInput
          idBase={PAY_ON_ID}
          legend={t('scheduled.date.legend')}
          hint={<DateHint window={dateWindow} />}
          error={dateMsg ? t(dateMsg.key, dateMsg.values ?? {}) : undefined}
          errorParts={dateErrorParts}
          value={dateParts}
          onChange={setDateParts}
        />
        {methods === null && offered.length === 0 ? (
          <p role="status">{t('common.loading')}</p>
        ) : usable.length === 0 ? (
          <div className={form.fieldError('method') ? 'field field--error' : 'field'}>
            <p className="label">{t('scheduled.change.method')}</p>
            <p>
              {t('scheduled.change.noMethods')}{' '}
              <Link id="method" to="/account/payment-methods/add">
                {t('wallet.add')}
              </Link>
            </p>
          </div>
        ) : (
          <Radios
            idBase="method"
            name="method"
            legend={t('scheduled.change.method')}
            hint={view.method ? t('scheduled.change.methodHint') : t('scheduled.change.methodGone')}
            error={form.fieldError('method')}
            value={methodId}
            onChange={(v) => {
              setMethodId(v);
              form.clearField('method');
            }}
            options={usable.map((m) => methodOption(m, lang, t))}
          />
        )}
        {needsAuthorization ? (
          <div className="authorization">
            <h2 className="heading-m">{t('review.authorizationTitle')}</h2>
            <div className="inset" lang={lang}>
              <p>{org.payments.achAuthorization.text[lang]}</p>
            </div>
            <SingleCheckbox
              id="bank-authorization"
              label={t('scheduled.review.authorize', { amount: amountText, date: dateText })}
              checked={authorized}
              onChange={(v) => {
                setAuthorized(v);
                form.clearField('bank-authorization');
              }}
              error={form.fieldError('bank-authorization')}
            />
          </div>
        ) : null}
        <p>{t('scheduled.notTwice')}</p>
        <div className="button-group">
          <Button busy={busy}>{busy ? t('scheduled.change.saving') : t('scheduled.change.save')}</Button>
          <Link to={SCHEDULED_PATH} className="link-button">
            {t('scheduled.change.keep')}
          </Link>
        </div>
      </form>
    </Page>
  );
}
