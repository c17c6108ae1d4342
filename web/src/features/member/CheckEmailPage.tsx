import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Page } from '../../components/Page';
import { useOrganization } from '../../organization';
import { RegionContacts } from './RegionContacts';
import { loadSent } from './registration';

/**
 * After registering: the same page whether or not the details matched a member (the API never
 * says which), so it speaks of "if".
 */
export function CheckEmailPage() {
  const { t } = useTranslation();
  const org = useOrganization();
  const sent = loadSent();
  const regionId = sent && org.regions.some((r) => r.id === sent.regionId) ? sent.regionId : null;
  return (
    <Page title={t('checkEmail.title')}>
      <h1 className="heading-l">{t('checkEmail.title')}</h1>
      <EmailSentLead texts="checkEmail" email={sent?.email ?? null} />

      <h2 className="heading-m">{t('checkEmail.nothingTitle')}</h2>
      <ul className="list list--bullet">
        <li>{t('checkEmail.spam')}</li>
        <li>{t('checkEmail.wait')}</li>
        <li>
          {t('checkEmail.wrongAddress')} <Link to="/register">{t('checkEmail.changeDetails')}</Link>
        </li>
        <li>{t('checkEmail.alreadyRegistered')}</li>
      </ul>
      <p>{t('checkEmail.call')}</p>
      <RegionContacts only={regionId} />

      <p>
        <Link to="/sign-in">{t('checkEmail.signIn')}</Link>
      </p>
    </Page>
  );
}

/** "We sent a link to …": where it went (when known), to open it, and when it expires. */
export function EmailSentLead({
  texts,
  email,
}: {
  texts: 'checkEmail' | 'forgotPassword';
  email: string | null;
}) {
  const { t } = useTranslation();
  return (
    <>
      <p className="lead">
        {email ? (
          <>
            {t(`${texts}.sentTo`)} <strong className="break-anywhere">{email}</strong>.
          </>
        ) : (
          t(`${texts}.sentNoAddress`)
        )}
      </p>
      <p>{t(`${texts}.openLink`)}</p>
      <div className="inset">
        <p>{t(`${texts}.expires`)}</p>
      </div>
    </>
  );
}
