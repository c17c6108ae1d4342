import type { BillSummary, DashboardView } from '@contract/members/members.schema';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Radios } from '../../../components/Field';
import { LoadState } from '../../../components/LoadState';
import { Page } from '../../../components/Page';
import { useFormErrors } from '../../../components/useFormErrors';
import { money } from '../../../format';
import { BillFacts } from '../../payment/BillFacts';
import {
  AmountQuestion,
  type BillCardState,
  BillChoiceCard,
  BillsFieldset,
  useBillsAndAmount,
} from '../../payment/ChooseBills';
import { BillTitle, useDashboard } from '../DashboardPage';
import { isPayable, startMemberPay, updateMemberPay, useMemberPay } from './journey';

type Person = DashboardView['people'][number];

function BillChoice({ bill, card }: { bill: BillSummary; card: BillCardState }) {
  const { t } = useTranslation();
  return (
    <BillChoiceCard bill={bill} card={card} title={<BillTitle bill={bill} />}>
      <BillFacts bill={bill} />
      <p className="bill-card__link">
        <Link to={`/account/bills/${encodeURIComponent(bill.id)}`}>
          {t('accountPay.seeBill')}
          <span className="visually-hidden">
            {' '}
            <BillTitle bill={bill} />
          </span>
        </Link>
      </p>
    </BillChoiceCard>
  );
}

/** /account/pay: the bills of one person, and how much. `?bill=` comes from a bill's "Pay" button. */
export function PayBillsPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const preselect = params.get('bill');
  const { data, failed, retry } = useDashboard();
  const title = t('accountPay.title');
  return (
    <Page title={title} back={<BackLink to="/account" label={t('accountPay.back')} />} wide>
      {data ? (
        <PayBillsForm data={data} preselect={preselect} />
      ) : (
        <>
          <h1 className="heading-l">{title}</h1>
          <LoadState failed={failed} failedText={t('account.loadFailed')} retry={retry} />
        </>
      )}
    </Page>
  );
}

function PayBillsForm({ data, preselect }: { data: DashboardView; preselect: string | null }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const journey = useMemberPay();
  const form = useFormErrors();
  // The member first, then the people they pay for; only people with something to pay.
  const people: Person[] = [...data.people]
    .sort((a, b) => Number(b.isMember) - Number(a.isMember))
    .map((p) => ({ ...p, bills: p.bills.filter(isPayable) }))
    .filter((p) => p.bills.length > 0);
  const preselected = preselect
    ? people.find((p) => p.bills.some((b) => b.id === preselect && !b.paymentInProgress))
    : undefined;

  const [initial] = useState(() => {
    const previous = journey.selection;
    // Coming back with "Change": what was chosen. From a bill's Pay button: that bill.
    if (previous && (!preselect || previous.bills.some((b) => b.id === preselect))) {
      const person = people.find((p) => p.personId === previous.personId);
      if (person)
        return {
          personId: person.personId,
          billIds: previous.bills.map((b) => b.id).filter((id) => person.bills.some((b) => b.id === id)),
          choice: previous.choice as string | null,
          other: previous.otherAmount,
        };
    }
    if (preselected && preselect)
      return { personId: preselected.personId, billIds: [preselect], choice: null, other: '' };
    const only = people.length === 1 ? people[0] : undefined;
    const selectable = only?.bills.filter((b) => !b.paymentInProgress) ?? [];
    return {
      personId: only?.personId ?? null,
      billIds: selectable.length === 1 && selectable[0] ? [selectable[0].id] : [],
      choice: null,
      other: '',
    };
  });
  const [personId, setPersonId] = useState<string | null>(initial.personId);
  const person = people.find((p) => p.personId === personId) ?? null;
  const bills = person?.bills ?? [];
  const answer = useBillsAndAmount(form, bills, () => initial);

  // A new payment from a bill's Pay button starts afresh (what was paid in this tab is kept).
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const previous = journey.selection;
    if (preselect && !previous?.bills.some((b) => b.id === preselect)) startMemberPay();
  }, [preselect, journey.selection]);

  const title = t('accountPay.title');
  if (people.length === 0) {
    return (
      <>
        <h1 className="heading-l">{title}</h1>
        <p className="lead">{t('account.nothingDue')}</p>
        <p>{t('bills.nothingDueHelp')}</p>
        <Link to="/account" className="button button--secondary">
          {t('accountPay.back')}
        </Link>
      </>
    );
  }

  const askPerson = people.length > 1;

  function submit(e: FormEvent) {
    e.preventDefault();
    const { errors, choice, otherAmount, amountCents } = answer.check();
    // No one chosen yet: that is the problem to fix first, not the bills.
    if (!person) errors.splice(0, 1, { id: 'person', key: 'accountPay.errors.choosePerson' });
    if (errors.length > 0 || !person) {
      form.setErrors(errors);
      return;
    }
    updateMemberPay((j) => {
      const { decline: _d, attempt: _a, ...rest } = j;
      return {
        ...rest,
        selection: {
          personId: person.personId,
          personName: person.name,
          bills: answer.selectedBills,
          choice,
          otherAmount,
          amountCents,
        },
      };
    });
    navigate(journey.method ? '/account/pay/review' : '/account/pay/method');
  }

  return (
    <>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <h1 className="heading-l">{title}</h1>
      <p>{askPerson ? t('accountPay.introPeople') : t('accountPay.intro')}</p>
      <form onSubmit={submit} noValidate>
        {askPerson ? (
          <Radios
            idBase="person"
            name="person"
            legend={<h2 className="heading-m">{t('accountPay.whoFor')}</h2>}
            hint={t('accountPay.whoForHint')}
            error={form.fieldError('person')}
            value={personId}
            onChange={(v) => {
              setPersonId(v);
              answer.setSelected([]);
              form.clearField('person');
            }}
            options={people.map((p) => ({
              value: p.personId,
              label: p.isMember ? t('account.you', { name: p.name }) : p.name,
              hint: t('accountPay.personOwes', {
                count: p.bills.length,
                amount: money(p.totalDueCents, i18n.language),
              }),
            }))}
          />
        ) : null}

        {person ? (
          <BillsFieldset
            heading={askPerson ? t('accountPay.whichBillsFor', { name: person.name }) : t('bills.whichBills')}
            {...answer.fieldset}
            renderBill={(bill, card) => <BillChoice key={bill.id} bill={bill} card={card} />}
          />
        ) : null}

        <AmountQuestion {...answer.amount} />
        <Button>{t('common.continue')}</Button>
      </form>
    </>
  );
}
