import type { PaymentMethodView } from '@contract/wallet/wallet.schema';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { Button } from '../../../components/Button';
import type { DatePart, DateParts } from '../../../components/DateInput';
import { type ChoiceOption, SingleCheckbox } from '../../../components/Field';
import { useRefocusHeading } from '../../../components/Page';
import { type FieldMsg, useFormErrors } from '../../../components/useFormErrors';
import { langOf } from '../../../format';
import {
  ChooseMethodPage,
  declineMessage,
  MethodQuestion,
  NewMethodFields,
  NicknameInput,
  useNewMethod,
  useNewMethodOptions,
} from '../../payment/NewMethod';
import { partsOf, schedulingWindow } from '../scheduled/dates';
import { checkPayDate, rangeError, type WhenChoice, WhenQuestion } from '../scheduled/WhenQuestion';
import { expiryText, methodTitle } from '../wallet/labels';
import { useWallet } from '../wallet/useWallet';
import { hasFinishedPayment, type MemberWhen, updateMemberPay, useMemberPay } from './journey';
import { MemberAlreadyPaid } from './MemberAlreadyPaid';

const NICKNAME_MAX = 40;

/** A saved method as a radio: its name, and whether it is the default or expires soon. */
function savedOption(m: PaymentMethodView, lang: 'en' | 'es', t: ReturnType<typeof useTranslation>['t']) {
  const notes: string[] = [];
  if (m.isDefault) notes.push(t('wallet.default'));
  if (m.kind === 'card') {
    const expiry = expiryText(m, lang);
    if (m.expired) notes.push(t('wallet.expiredOn', { date: expiry }));
    else if (m.expiresSoon) notes.push(t('wallet.expiresSoonOn', { date: expiry }));
    else notes.push(t('wallet.expires', { date: expiry }));
  } else if (m.holderName) notes.push(m.holderName);
  return {
    value: `saved:${m.id}`,
    label: methodTitle(m, lang, t),
    hint: (
      <>
        {m.expiresSoon && !m.expired ? (
          <strong className="tag tag--warning">{t('wallet.expiresSoon')}</strong>
        ) : null}
        {m.expired ? <strong className="tag tag--error">{t('wallet.expired')}</strong> : null}{' '}
        {notes.join(' · ')}
        {m.expired ? ` ${t('accountPay.expiredCannotUse')}` : ''}
      </>
    ),
    disabled: m.expired,
  } satisfies ChoiceOption;
}

/**
 * /account/pay/method: a saved method, or a new card or bank account (which can be saved); and when
 * to pay: today, or a later date (which needs the method saved, to be charged on that date).
 */
export function PayMethodPage() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const navigate = useNavigate();
  const journey = useMemberPay();
  const { methods } = useWallet();
  const decline = journey.decline;
  const chosen = journey.method;
  const [choice, setChoice] = useState<string | null>(() => {
    if (decline) return decline.kind === 'saved' ? null : decline.kind;
    if (chosen?.type === 'saved') return `saved:${chosen.id}`;
    if (chosen?.type === 'new') return chosen.details.kind;
    return null;
  });
  const [save, setSave] = useState(chosen?.type === 'new' ? chosen.save : false);
  const [nickname, setNickname] = useState(chosen?.type === 'new' ? chosen.nickname : '');
  const [when, setWhen] = useState<WhenChoice>(
    journey.when?.type === 'later' || journey.whenError ? 'later' : 'today',
  );
  const [dateParts, setDateParts] = useState<DateParts>(() =>
    journey.when?.type === 'later' ? partsOf(journey.when.payOn) : { day: '', month: '', year: '' },
  );
  const [dateErrorParts, setDateErrorParts] = useState<DatePart[]>([]);
  const form = useFormErrors();
  const newMethod = useNewMethod(form.setErrors);
  const { busy } = newMethod;
  const saved = methods ?? [];
  const newOptions = useNewMethodOptions({
    card: saved.length > 0 ? t('accountPay.newCard') : t('method.card'),
    bank: saved.length > 0 ? t('accountPay.newBank') : t('method.bank'),
  });
  const declineMsg: FieldMsg | null = decline ? declineMessage(decline) : null;
  // The server refused the date (the window moved on since this page): say which dates it allows.
  const whenErrorMsg: FieldMsg | null = journey.whenError
    ? rangeError({ first: journey.whenError.firstDate, last: journey.whenError.lastDate })
    : null;
  const [initialErrors] = useState<FieldMsg[]>([
    ...(declineMsg ? [declineMsg] : []),
    ...(whenErrorMsg ? [whenErrorMsg] : []),
  ]);
  const shownErrors = form.submitCount === 0 ? initialErrors : form.errors;

  // The default method is chosen for the member, once the wallet has loaded.
  const defaulted = useRef(false);
  useEffect(() => {
    if (defaulted.current || !methods) return;
    defaulted.current = true;
    const preferred = methods.find((m) => m.isDefault && !m.expired);
    if (preferred && !decline && !chosen) setChoice(`saved:${preferred.id}`);
  }, [methods, decline, chosen]);

  useRefocusHeading(methods !== null);

  if (!journey.selection) {
    if (hasFinishedPayment(journey)) return <MemberAlreadyPaid />;
    return <Navigate to="/account/pay" replace />;
  }
  const selection = journey.selection;
  const isNew = choice === 'card' || choice === 'bank';
  const dateWindow = schedulingWindow(selection.bills.map((b) => b.dueDate));
  // A payment on a later date is made with a saved method: a new one is saved for it.
  const mustSave = when === 'later';

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const errors: FieldMsg[] = [];
    if (!choice) errors.push({ id: 'method', key: 'method.errors.chooseMethod' });
    const saving = save || mustSave;
    const nick = nickname.trim();
    const nickError: FieldMsg | null =
      isNew && saving && nick.length > NICKNAME_MAX
        ? { id: 'nickname', key: 'wallet.errors.nicknameLong', values: { max: NICKNAME_MAX } }
        : null;
    let payWhen: MemberWhen = { type: 'today' };
    setDateErrorParts([]);
    if (when === 'later') {
      const checked = checkPayDate(dateParts, dateWindow);
      if ('error' in checked) {
        errors.push(checked.error);
        setDateErrorParts(checked.parts);
      } else payWhen = { type: 'later', payOn: checked.iso };
    }
    if (errors.length > 0) {
      form.setErrors(errors);
      return;
    }
    if (choice?.startsWith('saved:')) {
      const id = choice.slice('saved:'.length);
      const method = methods?.find((m) => m.id === id);
      if (!method || method.expired) {
        form.setErrors([{ id: 'method', key: 'method.errors.chooseMethod' }]);
        return;
      }
      updateMemberPay((j) => {
        const { decline: _d, attempt: _a, whenError: _w, scheduleAttempt: _s, ...rest } = j;
        // A method this journey saved for a later date stays marked, so the confirmation can say so.
        const kept = chosen?.type === 'saved' && chosen.id === id ? chosen.savedForLater : undefined;
        return {
          ...rest,
          method: { type: 'saved', id, details: method, ...(kept ? { savedForLater: true } : {}) },
          when: payWhen,
        };
      });
      navigate('/account/pay/review');
      return;
    }
    const result = await newMethod.tokenize(choice, nickError ? [nickError] : []);
    if (!result) return;
    updateMemberPay((j) => {
      const { decline: _d, attempt: _a, whenError: _w, scheduleAttempt: _s, ...rest } = j;
      return {
        ...rest,
        method: {
          type: 'new',
          token: result.token,
          details: result.method,
          save: saving,
          nickname: saving ? nick : '',
        },
        when: payWhen,
      };
    });
    navigate('/account/pay/review');
  }

  const text = (m: FieldMsg) => t(m.key, m.values ?? {}) as string;
  const summary = shownErrors.map((m) => ({ id: m.id, text: text(m) }));
  const groupError = declineMsg && form.submitCount === 0 ? text(declineMsg) : undefined;
  const options: ChoiceOption[] = [...saved.map((m) => savedOption(m, lang, t)), ...newOptions];
  const methodError =
    form.fieldError('method') ??
    (decline?.kind === 'saved' && form.submitCount === 0 ? groupError : undefined);
  const saveLabel = choice === 'bank' ? t('accountPay.saveBank') : t('accountPay.saveCard');
  const dateErrorMsg = shownErrors.find((m) => m.id.startsWith('pay-on-'));
  const nicknameField = (
    <NicknameInput
      value={nickname}
      onChange={(v) => {
        setNickname(v);
        form.clearField('nickname');
      }}
      error={form.fieldError('nickname')}
    />
  );

  return (
    <ChooseMethodPage
      backTo={chosen ? '/account/pay/review' : '/account/pay'}
      errors={summary}
      focusKey={form.submitCount}
      amountCents={selection.amountCents}
    >
      {methods === null ? (
        <>
          <h1 className="heading-l">{t('method.title')}</h1>
          <p className="lead" role="status">
            {t('common.loading')}
          </p>
        </>
      ) : (
        <form onSubmit={submit} noValidate>
          <MethodQuestion
            hint={saved.length > 0 ? t('accountPay.methodHint') : undefined}
            error={methodError}
            value={choice}
            onChange={(v) => {
              setChoice(v);
              form.clearField('method');
            }}
            options={options}
          />
          <NewMethodFields kind={choice} refs={newMethod} decline={decline} declineText={groupError} />
          <WhenQuestion
            value={when}
            onChange={(v) => {
              setWhen(v);
              form.clearField(`pay-on-${dateErrorParts[0] ?? 'day'}`);
            }}
            parts={dateParts}
            onPartsChange={setDateParts}
            window={dateWindow}
            error={dateErrorMsg && when === 'later' ? text(dateErrorMsg) : undefined}
            errorParts={dateErrorParts}
          />
          {isNew && mustSave ? (
            <div className="save-method">
              <p className="inset">
                {choice === 'bank' ? t('scheduled.when.saveBankNeeded') : t('scheduled.when.saveCardNeeded')}
              </p>
              {nicknameField}
            </div>
          ) : isNew ? (
            <div className="save-method">
              <SingleCheckbox id="save-method" label={saveLabel} checked={save} onChange={setSave} />
              {save ? <div className="conditional">{nicknameField}</div> : null}
            </div>
          ) : null}
          <Button busy={busy}>{busy ? t('method.checking') : t('common.continue')}</Button>
        </form>
      )}
    </ChooseMethodPage>
  );
}
