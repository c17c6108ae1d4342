import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../../../api';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { Page } from '../../../components/Page';
import { useMember, useMemberSession } from '../session';
import { NoticeBanner, useNotice } from '../wallet/WalletPage';

/** After a change that the session view reflects (two-step on or off): ask the server again. */
export function useRefreshSession(): () => Promise<void> {
  const { setSession } = useMember();
  return async () => {
    try {
      const { data } = await api.memberSession();
      setSession(data);
    } catch {
      // The next page that asks will find out.
    }
  };
}

/** /account/settings: password, two-step verification, signing out everywhere. */
export function SettingsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const session = useMemberSession();
  const [notice] = useNotice();
  const [busy, setBusy] = useState(false);
  const on = session.twoStepEnabled;

  async function signOutEverywhere() {
    setBusy(true);
    await api.signOutEverywhere(session.csrfToken).catch(() => undefined);
    // The signed-out page forgets the session in this tab.
    navigate('/signed-out');
  }

  const title = t('settings.title');
  return (
    <Page title={title} back={<BackLink to="/account" label={t('accountPay.back')} />}>
      <NoticeBanner notice={notice} />
      <h1 className="heading-l">{title}</h1>

      <h2 className="heading-m">{t('settings.password.title')}</h2>
      <p>{t('settings.password.body')}</p>
      <p>
        <Link to="/account/settings/password" className="button button--secondary">
          {t('settings.password.change')}
        </Link>
      </p>

      <h2 className="heading-m">{t('settings.twoStep.title')}</h2>
      <p>
        <strong className={on ? 'tag tag--default' : 'tag'}>
          {on ? t('settings.twoStep.on') : t('settings.twoStep.off')}
        </strong>
      </p>
      <p>{on ? t('settings.twoStep.onBody') : t('settings.twoStep.offBody')}</p>
      <p>
        {on ? (
          <Link to="/account/settings/two-step/turn-off" className="button button--secondary">
            {t('settings.twoStep.turnOff')}
          </Link>
        ) : (
          <Link to="/account/settings/two-step" className="button button--secondary">
            {t('settings.twoStep.turnOn')}
          </Link>
        )}
      </p>

      <h2 className="heading-m">{t('account.devicesTitle')}</h2>
      <p>{t('account.devicesBody')}</p>
      <Button type="button" variant="secondary" busy={busy} onClick={signOutEverywhere}>
        {t('account.signOutEverywhere')}
      </Button>
    </Page>
  );
}
