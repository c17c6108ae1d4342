import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { BackLink } from '../../components/BackLink';
import { Button } from '../../components/Button';
import { ErrorSummary } from '../../components/ErrorSummary';
import { QuestionRadios } from '../../components/Field';
import { Page } from '../../components/Page';
import { useFormErrors } from '../../components/useFormErrors';
import { useOrganization } from '../../organization';
import { type BillKind, updateJourney, useJourney } from './journey';

export function BillTypePage() {
  const { t } = useTranslation();
  const org = useOrganization();
  const navigate = useNavigate();
  const journey = useJourney();
  const [kind, setKind] = useState<string | null>(journey.kind ?? null);
  const form = useFormErrors();
  const region = org.regions.find((r) => r.id === journey.regionId);
  if (!region) return <Navigate to="/pay/region" replace />;

  const options = (['medical', 'premium'] as const)
    .filter((k) => region.guestPayment[k])
    .map((k) => ({ value: k, label: t(`billType.${k}.label`), hint: t(`billType.${k}.hint`) }));

  function submit(e: FormEvent) {
    e.preventDefault();
    if (kind !== 'medical' && kind !== 'premium') {
      form.setErrors([{ id: 'bill-type', key: 'billType.errorRequired' }]);
      return;
    }
    updateJourney({ kind: kind as BillKind });
    navigate('/pay/find');
  }

  return (
    <Page title={t('billType.title')} error={form.hasErrors} back={<BackLink to="/pay/region" />}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <form onSubmit={submit} noValidate>
        <QuestionRadios
          id="bill-type"
          name="billType"
          question={t('billType.title')}
          hint={t('billType.hint')}
          error={form.fieldError('bill-type')}
          value={kind}
          onChange={(v) => {
            setKind(v);
            form.clearField('bill-type');
          }}
          options={options}
        />
        <Button>{t('common.continue')}</Button>
      </form>
    </Page>
  );
}
