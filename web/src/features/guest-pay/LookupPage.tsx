import type { GuestLookupBody } from '@contract/guest/guest.schema';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { api, isApiError } from '../../api';
import { BackLink } from '../../components/BackLink';
import { Button } from '../../components/Button';
import { ErrorSummary } from '../../components/ErrorSummary';
import { TextInput } from '../../components/Field';
import { Page } from '../../components/Page';
import { type FieldMsg, useFormErrors } from '../../components/useFormErrors';
import { WhereToFind } from '../../components/WhereToFind';
import { langOf } from '../../format';
import { useOrganization } from '../../organization';
import { MedicalBillPicture, PremiumCouponPicture } from './BillPicture';
import { type LookupAnswers, updateJourney, useJourney } from './journey';

const FIELD_IDS: Record<string, string> = {
  accountNumber: 'account-number',
  postalCode: 'postal-code',
  invoiceNumber: 'invoice-number',
  lastName: 'last-name',
};

const ZIP = /^\d{5}(?:[-\s]?\d{4})?$/;
const ACCOUNT = /^[A-Za-z0-9][A-Za-z0-9 -]*$/;

/** Account and invoice numbers are printed with spaces or dashes between groups; people type either. */
function compact(value: string): string {
  return value.replace(/[\s-]/g, '');
}

function validate(kind: 'medical' | 'premium', a: LookupAnswers): FieldMsg[] {
  const errors: FieldMsg[] = [];
  const account = a.accountNumber.trim();
  if (!account) errors.push({ id: 'account-number', key: `lookup.${kind}.accountRequired` });
  else if (!ACCOUNT.test(account) || compact(account).length > 32)
    errors.push({ id: 'account-number', key: 'lookup.accountFormat' });
  if (kind === 'medical') {
    const zip = a.postalCode.trim();
    if (!zip) errors.push({ id: 'postal-code', key: 'lookup.medical.zipRequired' });
    else if (!ZIP.test(zip)) errors.push({ id: 'postal-code', key: 'lookup.medical.zipFormat' });
  } else {
    const invoice = a.invoiceNumber.trim();
    if (!invoice) errors.push({ id: 'invoice-number', key: 'lookup.premium.invoiceRequired' });
    else if (!ACCOUNT.test(invoice) || compact(invoice).length > 32)
      errors.push({ id: 'invoice-number', key: 'lookup.premium.invoiceFormat' });
    const name = a.lastName.trim();
    if (!name) errors.push({ id: 'last-name', key: 'lookup.premium.lastNameRequired' });
    else if (name.length > 80) errors.push({ id: 'last-name', key: 'lookup.premium.lastNameLong' });
  }
  return errors;
}

export function LookupPage() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const org = useOrganization();
  const navigate = useNavigate();
  const journey = useJourney();
  const [answers, setAnswers] = useState<LookupAnswers>(
    journey.lookup ?? { accountNumber: '', postalCode: '', invoiceNumber: '', lastName: '' },
  );
  const [busy, setBusy] = useState(false);
  const [showHints, setShowHints] = useState(false);
  const form = useFormErrors();
  const region = org.regions.find((r) => r.id === journey.regionId);
  const kind = journey.kind;
  if (!region) return <Navigate to="/pay/region" replace />;
  if (!kind || !region.guestPayment[kind]) return <Navigate to="/pay/bill-type" replace />;

  const set = (field: keyof LookupAnswers) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setAnswers((a) => ({ ...a, [field]: e.target.value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || !kind || !region) return;
    const errors = validate(kind, answers);
    if (errors.length > 0) {
      form.setErrors(errors);
      return;
    }
    const body: GuestLookupBody =
      kind === 'medical'
        ? {
            regionId: region.id,
            kind,
            accountNumber: compact(answers.accountNumber),
            postalCode: answers.postalCode.trim().replace(/\s/, '-'),
          }
        : {
            regionId: region.id,
            kind,
            accountNumber: compact(answers.accountNumber),
            invoiceNumber: compact(answers.invoiceNumber),
            lastName: answers.lastName.trim(),
          };
    setBusy(true);
    try {
      const { data } = await api.lookup(body);
      updateJourney((j) => {
        const { selection: _s, method: _m, decline: _d, attempt: _a, bankAuthorized: _b, ...rest } = j;
        return {
          ...rest,
          lookup: answers,
          session: { token: data.sessionToken, expiresAt: data.expiresAt, account: data.account },
          bills: data.bills,
        };
      });
      navigate('/pay/bills');
    } catch (err) {
      setBusy(false);
      if (isApiError(err) && err.code === 'bill_not_found') {
        setShowHints(true);
        form.setErrors([{ id: 'account-number', key: `lookup.${kind}.notFound`, summaryOnly: true }]);
      } else if (isApiError(err) && err.code === 'rate_limited') {
        const minutes = Math.max(1, Math.ceil((err.retryAfterSeconds ?? 60) / 60));
        form.setErrors([{ id: '', key: 'lookup.rateLimited', values: { count: minutes } }]);
      } else if (isApiError(err) && err.code === 'validation_failed') {
        const fieldErrors: FieldMsg[] = [];
        for (const f of err.problem.errors ?? []) {
          const id = FIELD_IDS[f.field];
          if (id && !fieldErrors.some((x) => x.id === id))
            fieldErrors.push({ id, key: `lookup.invalid.${f.field}` });
        }
        form.setErrors(fieldErrors.length > 0 ? fieldErrors : [{ id: '', key: 'common.errors.unexpected' }]);
      } else if (isApiError(err) && err.code === 'network') {
        form.setErrors([{ id: '', key: 'common.errors.network' }]);
      } else {
        form.setErrors([{ id: '', key: 'common.errors.unexpected' }]);
      }
    }
  }

  const hint = (open: boolean) => ({ open: open || undefined, onToggle: undefined });
  const title = t(`lookup.${kind}.title`);

  return (
    <Page title={title} error={form.hasErrors} back={<BackLink to="/pay/bill-type" />}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <span className="caption">{region.name[lang]}</span>
      <h1 className="heading-l">{title}</h1>
      <p>{t(`lookup.${kind}.intro`)}</p>
      <form onSubmit={submit} noValidate>
        <TextInput
          id="account-number"
          name="accountNumber"
          label={t('lookup.accountNumber')}
          hint={t(`lookup.${kind}.accountHint`)}
          error={form.fieldError('account-number')}
          value={answers.accountNumber}
          onChange={set('accountNumber')}
          autoComplete="off"
          spellCheck={false}
          inputMode={kind === 'medical' ? 'numeric' : 'text'}
          width="20"
          help={
            <WhereToFind
              {...hint(showHints)}
              picture={
                kind === 'medical' ? (
                  <MedicalBillPicture spot="account" />
                ) : (
                  <PremiumCouponPicture spot="account" />
                )
              }
            >
              {t(`lookup.${kind}.accountWhere`)}
            </WhereToFind>
          }
        />
        {kind === 'medical' ? (
          <TextInput
            id="postal-code"
            name="postalCode"
            label={t('lookup.medical.zip')}
            hint={t('lookup.medical.zipHint')}
            error={form.fieldError('postal-code')}
            value={answers.postalCode}
            onChange={set('postalCode')}
            autoComplete="postal-code"
            inputMode="numeric"
            width="10"
            help={
              <WhereToFind {...hint(showHints)} picture={<MedicalBillPicture spot="postalCode" />}>
                {t('lookup.medical.zipWhere')}
              </WhereToFind>
            }
          />
        ) : (
          <>
            <TextInput
              id="invoice-number"
              name="invoiceNumber"
              label={t('lookup.premium.invoice')}
              hint={t('lookup.premium.invoiceHint')}
              error={form.fieldError('invoice-number')}
              value={answers.invoiceNumber}
              onChange={set('invoiceNumber')}
              autoComplete="off"
              spellCheck={false}
              width="20"
              help={
                <WhereToFind {...hint(showHints)} picture={<PremiumCouponPicture spot="invoice" />}>
                  {t('lookup.premium.invoiceWhere')}
                </WhereToFind>
              }
            />
            <TextInput
              id="last-name"
              name="lastName"
              label={t('lookup.premium.lastName')}
              hint={t('lookup.premium.lastNameHint')}
              error={form.fieldError('last-name')}
              value={answers.lastName}
              onChange={set('lastName')}
              autoComplete="family-name"
              spellCheck={false}
              help={
                <WhereToFind {...hint(showHints)} picture={<PremiumCouponPicture spot="lastName" />}>
                  {t('lookup.premium.lastNameWhere')}
                </WhereToFind>
              }
            />
          </>
        )}
        <Button busy={busy}>{busy ? t('lookup.searching') : t('lookup.submit')}</Button>
      </form>
    </Page>
  );
}
