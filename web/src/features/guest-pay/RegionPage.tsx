import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { BackLink } from '../../components/BackLink';
import { Button } from '../../components/Button';
import { ErrorSummary } from '../../components/ErrorSummary';
import { QuestionRadios } from '../../components/Field';
import { Page } from '../../components/Page';
import { useFormErrors } from '../../components/useFormErrors';
import { langOf } from '../../format';
import { useOrganization } from '../../organization';
import { updateJourney, useJourney } from './journey';

export function RegionPage() {
  const { t, i18n } = useTranslation();
  const org = useOrganization();
  const lang = langOf(i18n.language);
  const navigate = useNavigate();
  const journey = useJourney();
  const [regionId, setRegionId] = useState<string | null>(journey.regionId ?? null);
  const form = useFormErrors();
  const regions = org.regions.filter((r) => r.guestPayment.medical || r.guestPayment.premium);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!regionId) {
      form.setErrors([{ id: 'region', key: 'region.errorRequired' }]);
      return;
    }
    const region = regions.find((r) => r.id === regionId);
    const kind = journey.kind && region?.guestPayment[journey.kind] ? journey.kind : undefined;
    updateJourney((j) => {
      const { kind: _k, ...rest } = j;
      return { ...rest, regionId, ...(kind ? { kind } : {}) };
    });
    navigate('/pay/bill-type');
  }

  return (
    <Page title={t('region.title')} error={form.hasErrors} back={<BackLink to="/" />}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <form onSubmit={submit} noValidate>
        <QuestionRadios
          id="region"
          question={t('region.title')}
          hint={t('region.hint')}
          error={form.fieldError('region')}
          value={regionId}
          onChange={(v) => {
            setRegionId(v);
            form.clearField('region');
          }}
          options={regions.map((r) => ({ value: r.id, label: r.name[lang] }))}
        />
        <Button>{t('common.continue')}</Button>
      </form>
    </Page>
  );
}
