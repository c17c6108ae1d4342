import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate } from 'react-router';
import { RadioQuestionPage } from '../../components/RadioQuestionPage';
import { useOrganization } from '../../organization';
import { type BillKind, updateJourney, useJourney } from './journey';

export function BillTypePage() {
  const { t } = useTranslation();
  const org = useOrganization();
  const navigate = useNavigate();
  const journey = useJourney();
  const region = org.regions.find((r) => r.id === journey.regionId);
  if (!region) return <Navigate to="/pay/region" replace />;

  const options = (['medical', 'premium'] as const)
    .filter((k) => region.guestPayment[k])
    .map((k) => ({ value: k, label: t(`billType.${k}.label`), hint: t(`billType.${k}.hint`) }));

  return (
    <RadioQuestionPage
      id="bill-type"
      name="billType"
      title={t('billType.title')}
      hint={t('billType.hint')}
      backTo="/pay/region"
      options={options}
      initial={journey.kind ?? null}
      requiredKey="billType.errorRequired"
      onAnswer={(kind) => {
        updateJourney({ kind: kind as BillKind });
        navigate('/pay/find');
      }}
    />
  );
}
