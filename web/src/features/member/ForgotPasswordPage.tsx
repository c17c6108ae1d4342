import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { BackLink } from '../../components/BackLink';
import { Page } from '../../components/Page';
import { RegionContacts } from './RegionContacts';

/** Password reset is not built yet: say so, and give the numbers that can help today. */
export function ForgotPasswordPage() {
  const { t } = useTranslation();
  return (
    <Page title={t('forgotPassword.title')} back={<BackLink to="/sign-in" />}>
      <h1 className="heading-l">{t('forgotPassword.title')}</h1>
      <p className="lead">{t('forgotPassword.lead')}</p>
      <p>{t('forgotPassword.call')}</p>
      <RegionContacts />
      <h2 className="heading-m">{t('forgotPassword.payTitle')}</h2>
      <p>{t('forgotPassword.payBody')}</p>
      <p>
        <Link to="/pay">{t('signIn.guest')}</Link>
      </p>
    </Page>
  );
}
