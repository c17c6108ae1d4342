import { parseMoneyInput } from '@domain/money';
import { amountProblem, minimumPaymentCents } from '@domain/payment-rules';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, Radios, TextInput } from '../../components/Field';
import { Money } from '../../components/Money';
import type { FieldMsg, useFormErrors } from '../../components/useFormErrors';
import { formatDate, money } from '../../format';
import { useOrganization } from '../../organization';

/** What every payment journey needs to know about a bill it offers (guest, member, staff). */
export interface ChoosableBill {
  id: string;
  balanceCents: number;
  dueDate: string;
  paymentInProgress: boolean;
}

export type AmountChoice = 'full' | 'other';

/** One row of a summary list: a label and its value. */
export function Fact({ label, children }: { label: ReactNode; children: ReactNode }) {
  return (
    <div className="summary-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/**
 * The "How much?" answer checked the same way in every journey: the full balance of the chosen
 * bills, or another amount between the minimum and that balance.
 */
export function checkAmount(opts: {
  choice: string | null;
  other: string;
  selectedCount: number;
  selectedTotal: number;
  organizationMinimumCents: number;
}): { errors: FieldMsg[]; amountCents: number } {
  const { choice, other, selectedCount, selectedTotal, organizationMinimumCents } = opts;
  const errors: FieldMsg[] = [];
  let amountCents = selectedTotal;
  if (choice !== 'full' && choice !== 'other') {
    errors.push({ id: 'amount', key: 'bills.errors.chooseAmount' });
  } else if (choice === 'other') {
    const parsed = parseMoneyInput(other);
    // With no bill chosen there is nothing to compare with: the bills question says what to fix.
    const problem =
      parsed === null || selectedCount === 0
        ? null
        : amountProblem(parsed, selectedTotal, organizationMinimumCents);
    if (!other.trim()) errors.push({ id: 'other-amount', key: 'bills.errors.amountRequired' });
    else if (parsed === null) errors.push({ id: 'other-amount', key: 'bills.errors.amountFormat' });
    else if (problem === 'too_small')
      errors.push({
        id: 'other-amount',
        key: 'bills.errors.amountTooSmall',
        values: { min: minimumPaymentCents(selectedTotal, organizationMinimumCents) },
      });
    else if (problem === 'too_large')
      errors.push({ id: 'other-amount', key: 'bills.errors.amountTooLarge', values: { max: selectedTotal } });
    else amountCents = parsed;
  }
  return { errors, amountCents };
}

/** A bill as a checkbox card: its title and balance, when it is due, then the caller's facts. */
/** Where a bill card stands in the fieldset, and whether it is ticked. */
export interface BillCardState {
  index: number;
  checked: boolean;
  onToggle: (checked: boolean) => void;
}

export function BillChoiceCard({
  bill,
  card: { index, checked, onToggle },
  title,
  children,
}: {
  bill: ChoosableBill;
  card: BillCardState;
  title: ReactNode;
  /** Facts and links under the checkbox, which differ by journey. */
  children: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const id = index === 0 ? 'bills' : `bills-${bill.id}`;
  const hintId = `${id}-hint`;
  const disabled = bill.paymentInProgress;
  return (
    <div className={checked ? 'bill-card bill-card--selected' : 'bill-card'}>
      <div className="choice choice--checkbox bill-card__choice">
        <input
          className="choice__input"
          type="checkbox"
          id={id}
          name="bills"
          value={bill.id}
          checked={checked}
          disabled={disabled}
          onChange={(e) => onToggle(e.target.checked)}
          aria-describedby={hintId}
        />
        <label className="choice__label bill-card__label" htmlFor={id}>
          <span className="bill-card__title">{title}</span>
          <span className="bill-card__balance">
            <Money cents={bill.balanceCents} />
          </span>
        </label>
        <div className="hint choice__hint" id={hintId}>
          {disabled
            ? t('bills.inProgress')
            : t('bills.dueBy', { date: formatDate(bill.dueDate, i18n.language) })}
        </div>
      </div>
      {children}
    </div>
  );
}

/** "Which bills do you want to pay?": the bill cards in one fieldset, with its error. */
export function BillsFieldset<B extends ChoosableBill>({
  heading,
  bills,
  selected,
  error,
  onToggle,
  renderBill,
}: {
  heading: ReactNode;
  bills: B[];
  selected: string[];
  error: string | undefined;
  onToggle: (billId: string, on: boolean) => void;
  renderBill: (bill: B, card: BillCardState) => ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <div className={error ? 'field field--error' : 'field'}>
      <fieldset className="fieldset" aria-describedby={`bills-legend-hint${error ? ' bills-error' : ''}`}>
        <legend className="legend legend--m">
          <h2 className="heading-m">{heading}</h2>
        </legend>
        <div className="hint" id="bills-legend-hint">
          {bills.length > 1 ? t('bills.whichBillsHintMany') : t('bills.whichBillsHintOne')}
        </div>
        {error ? <ErrorMessage id="bills-error">{error}</ErrorMessage> : null}
        {bills.map((bill, index) =>
          renderBill(bill, {
            index,
            checked: selected.includes(bill.id),
            onToggle: (on) => onToggle(bill.id, on),
          }),
        )}
      </fieldset>
    </div>
  );
}

/** "How much do you want to pay?": the full balance of the chosen bills, or another amount. */
export function AmountQuestion({
  form,
  choice,
  onChoice,
  other,
  onOther,
  selectedCount,
  selectedTotal,
  minimum,
}: {
  form: ReturnType<typeof useFormErrors>;
  choice: string | null;
  onChoice: (choice: string) => void;
  other: string;
  onOther: (other: string) => void;
  selectedCount: number;
  selectedTotal: number;
  minimum: number;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Radios
      idBase="amount"
      name="amount"
      legend={<h2 className="heading-m">{t('bills.howMuch')}</h2>}
      error={form.fieldError('amount')}
      value={choice}
      onChange={(v) => {
        onChoice(v);
        form.clearField('amount');
      }}
      options={[
        {
          value: 'full',
          label:
            selectedCount > 0
              ? t('bills.fullBalanceOf', { amount: money(selectedTotal, i18n.language) })
              : t('bills.fullBalance'),
          hint: selectedCount > 1 ? t('bills.fullBalanceHint', { count: selectedCount }) : undefined,
        },
        {
          value: 'other',
          label: t('bills.otherAmount'),
          conditional: (
            <TextInput
              id="other-amount"
              name="otherAmount"
              label={t('bills.otherAmountLabel')}
              hint={
                selectedCount > 0
                  ? t('bills.otherAmountHint', {
                      min: money(minimum, i18n.language),
                      max: money(selectedTotal, i18n.language),
                    })
                  : t('bills.otherAmountHintNoBills')
              }
              error={form.fieldError('other-amount')}
              prefix="$"
              inputMode="decimal"
              autoComplete="off"
              width="10"
              value={other}
              onChange={(e) => onOther(e.target.value)}
              onBlur={() => {
                const c = parseMoneyInput(other) ?? 0;
                if (c > 0 && /^\d+$/.test(other.trim())) onOther((c / 100).toFixed(2));
              }}
            />
          ),
        },
      ]}
    />
  );
}

type FormErrors = ReturnType<typeof useFormErrors>;

/**
 * The state of "Which bills, and how much?" on any journey's first step: the caller passes the bills
 * it offers and what was answered before; it gets the props for BillsFieldset and AmountQuestion and
 * one `check()` that says what to fix or what was chosen.
 */
export function useBillsAndAmount<B extends ChoosableBill>(
  form: FormErrors,
  bills: B[],
  /** What was answered before (Change), or what to start with; read on the first render only. */
  initial: () => { billIds: string[]; choice: string | null; other: string },
) {
  const org = useOrganization();
  const [start] = useState(initial);
  const [selected, setSelected] = useState<string[]>(start.billIds);
  const [choice, setChoice] = useState<string | null>(start.choice);
  const [other, setOther] = useState(start.other);
  const selectedBills = bills.filter((b) => selected.includes(b.id));
  const selectedTotal = selectedBills.reduce((sum, b) => sum + b.balanceCents, 0);
  const minimum = minimumPaymentCents(selectedTotal, org.payments.minimumCents);

  return {
    selected,
    setSelected,
    selectedBills,
    fieldset: {
      bills,
      selected,
      error: form.fieldError('bills'),
      onToggle: (billId: string, on: boolean) => {
        setSelected((ids) => (on ? [...ids, billId] : ids.filter((x) => x !== billId)));
        form.clearField('bills');
      },
    },
    amount: {
      form,
      choice,
      onChoice: setChoice,
      other,
      onOther: setOther,
      selectedCount: selectedBills.length,
      selectedTotal,
      minimum,
    },
    /** The errors to show (bills first), or the answer to keep in the journey. */
    check(): { errors: FieldMsg[]; choice: AmountChoice; otherAmount: string; amountCents: number } {
      const { errors, amountCents } = checkAmount({
        choice,
        other,
        selectedCount: selectedBills.length,
        selectedTotal,
        organizationMinimumCents: org.payments.minimumCents,
      });
      if (selectedBills.length === 0) errors.unshift({ id: 'bills', key: 'bills.errors.selectBill' });
      const chosen: AmountChoice = choice === 'other' ? 'other' : 'full';
      return { errors, choice: chosen, otherAmount: chosen === 'other' ? other : '', amountCents };
    },
  };
}
