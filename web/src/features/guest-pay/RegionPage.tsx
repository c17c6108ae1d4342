import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { RadioQuestionPage } from '../../components/RadioQuestionPage';
import { langOf } from '../../format';
import { useOrganization } from '../../organization';
import { updateJourney, useJourney } from './journey';

export function RegionPage() {
  const { t, i18n } = useTranslation();
  const org = useOrganization();
  const lang = langOf(i18n.language);
  const navigate = useNavigate();
  const journey = useJourney();
  const regions = org.regions.filter((r) => r.guestPayment.medical || r.guestPayment.premium);

  function answer(regionId: string) {
    const region = regions.find((r) => r.id === regionId);
    const kind = journey.kind && region?.guestPayment[journey.kind] ? journey.kind : undefined;
    updateJourney((j) => {
      const { kind: _k, ...rest } = j;
      return { ...rest, regionId, ...(kind ? { kind } : {}) };
    });
    navigate('/pay/bill-type');
  }

  return (
    <RadioQuestionPage
      id="region"
      title={t('region.title')}
      hint={t('region.hint')}
      backTo="/"
      options={regions.map((r) => ({ value: r.id, label: r.name[lang] }))}
      initial={journey.regionId ?? null}
      requiredKey="region.errorRequired"
      onAnswer={answer}
    />
  );
}
