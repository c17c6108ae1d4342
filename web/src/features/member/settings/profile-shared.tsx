import type { ProfileView } from '@contract/members/members.schema';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, isApiError } from '../../../api';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { Page } from '../../../components/Page';
import { useApiData } from '../../../components/useApiData';
import type { FieldMsg, useFormErrors } from '../../../components/useFormErrors';
import { useMemberExpiry, useMemberSession } from '../session';

/** What the profile pages share: loading the profile, one row of it, and the form each change uses. */
export const ZIP = /^\d{5}(-\d{4})?$/;

/** Loads the profile; null while loading. `setProfile` takes a newer one from a change's answer. */
export function useProfile(): {
  profile: ProfileView | null;
  failed: boolean;
  retry: () => void;
  setProfile: (profile: ProfileView) => void;
} {
  const onExpired = useMemberExpiry();
  const { data, setData, failed, reload } = useApiData(async () => (await api.profile()).data, onExpired);
  return { profile: data, failed, retry: reload, setProfile: setData };
}

/** "(510) 555-0123" from "+15105550123". */
export function formatMobile(e164: string): string {
  const d = e164.replace(/^\+1/, '');
  return /^\d{10}$/.test(d) ? `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}` : e164;
}

export function problemOf(err: unknown): FieldMsg {
  if (isApiError(err) && err.code === 'network') return { id: '', key: 'common.errors.network' };
  if (isApiError(err) && err.code === 'rate_limited')
    return {
      id: '',
      key: 'twoStep.errors.rateLimited',
      values: { count: Math.max(1, Math.ceil((err.retryAfterSeconds ?? 60) / 60)) },
    };
  return { id: '', key: 'common.errors.unexpected' };
}

export function Row({
  label,
  children,
  to,
  change,
}: {
  label: string;
  children: ReactNode;
  to: string;
  change: string;
}) {
  const { t } = useTranslation();
  return (
    <div className="summary-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
      <dd className="summary-row__action">
        <Link to={to}>
          {t('common.change')}
          <span className="visually-hidden"> {change}</span>
        </Link>
      </dd>
    </div>
  );
}

export function ProfileForm({
  title,
  intro,
  form,
  busy,
  onSubmit,
  children,
  headingInLegend = false,
}: {
  title: string;
  intro?: ReactNode;
  form: ReturnType<typeof useFormErrors>;
  busy: boolean;
  onSubmit: (e: FormEvent) => void;
  children: ReactNode;
  headingInLegend?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Page
      title={title}
      error={form.hasErrors}
      back={<BackLink to="/account/profile" label={t('profile.back')} />}
    >
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      {headingInLegend ? null : <h1 className="heading-l">{title}</h1>}
      {intro}
      <form onSubmit={onSubmit} noValidate>
        {children}
        <div className="button-group">
          <Button busy={busy}>{busy ? t('resetPassword.saving') : t('profile.save')}</Button>
          <Link to="/account/profile" className="link-button">
            {t('stepUp.cancel')}
          </Link>
        </div>
      </form>
    </Page>
  );
}

/** Sends one change; a 401 goes to "signed out", anything else comes back as a message. */
export function useSave() {
  const session = useMemberSession();
  const onExpired = useMemberExpiry();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const save = async (
    action: (csrf: string) => Promise<unknown>,
    notice: { key: string; values?: Record<string, string> },
    onError: (err: unknown) => void,
  ) => {
    if (busy) return;
    setBusy(true);
    try {
      await action(session.csrfToken);
      navigate('/account/profile', { state: { notice } });
    } catch (err) {
      setBusy(false);
      if (!onExpired(err)) onError(err);
    }
  };
  return { busy, save };
}

/** /account/profile/email: a link goes to the new address; it changes when the link is used. */
