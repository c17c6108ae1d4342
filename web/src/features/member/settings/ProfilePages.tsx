import type { ProfileView } from '@contract/members/members.schema';
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, isApiError } from '../../../api';
import { BackLink } from '../../../components/BackLink';
import { Button } from '../../../components/Button';
import { Email } from '../../../components/Email';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { EmailInput, Radios, TextInput } from '../../../components/Field';
import { Page, useRefocusHeading } from '../../../components/Page';
import { type FieldMsg, useFormErrors } from '../../../components/useFormErrors';
import { type Lang, langOf } from '../../../format';
import { setLanguage } from '../../../i18n';
import { useMemberExpiry, useMemberSession } from '../session';
import { NoticeBanner, useNotice } from '../wallet/WalletPage';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ZIP = /^\d{5}(-\d{4})?$/;

/** Loads the profile; null while loading. `setProfile` takes a newer one from a change's answer. */
function useProfile(): {
  profile: ProfileView | null;
  failed: boolean;
  retry: () => void;
  setProfile: (profile: ProfileView) => void;
} {
  const onExpired = useMemberExpiry();
  const [profile, setProfile] = useState<ProfileView | null>(null);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs the fetch on retry
  useEffect(() => {
    let cancelled = false;
    setFailed(false);
    api
      .profile()
      .then(({ data }) => {
        if (!cancelled) setProfile(data);
      })
      .catch((err) => {
        if (!cancelled && !onExpired(err)) setFailed(true);
      });
    return () => {
      cancelled = true;
    };
  }, [attempt, onExpired]);
  return { profile, failed, retry: () => setAttempt((n) => n + 1), setProfile };
}

/** "(510) 555-0123" from "+15105550123". */
export function formatMobile(e164: string): string {
  const d = e164.replace(/^\+1/, '');
  return /^\d{10}$/.test(d) ? `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}` : e164;
}

function problemOf(err: unknown): FieldMsg {
  if (isApiError(err) && err.code === 'network') return { id: '', key: 'common.errors.network' };
  if (isApiError(err) && err.code === 'rate_limited')
    return {
      id: '',
      key: 'twoStep.errors.rateLimited',
      values: { count: Math.max(1, Math.ceil((err.retryAfterSeconds ?? 60) / 60)) },
    };
  return { id: '', key: 'common.errors.unexpected' };
}

function Row({
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

const CODE_ID = 'mobile-code';

/** The API's reasons a texted code was refused, in our words. */
const CODE_ERRORS: Record<string, string> = {
  invalid: 'profile.errors.codeWrong',
  expired: 'profile.errors.codeExpired',
  too_many_tries: 'profile.errors.codeTooManyTries',
  not_waiting: 'profile.errors.codeNotWaiting',
};

/**
 * A number not confirmed yet: the code texted to it, or a new one. Errors go to the page's error
 * summary and beside the field; what happened goes to the page's notice.
 */
function MobileConfirmForm({
  number,
  form,
  showErrors,
  onConfirmed,
  onCodeSent,
  onStale,
}: {
  number: string;
  form: ReturnType<typeof useFormErrors>;
  /** Shows these errors (none: clears them). */
  showErrors: (errors: FieldMsg[]) => void;
  onConfirmed: (profile: ProfileView) => void;
  onCodeSent: (profile: ProfileView) => void;
  /** The number changed or was confirmed elsewhere: load the profile again. */
  onStale: () => void;
}) {
  const { t } = useTranslation();
  const session = useMemberSession();
  const onExpired = useMemberExpiry();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState<'confirm' | 'resend' | null>(null);

  async function confirm(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    // People copy codes as "123 456" or "123-456".
    const typed = code.replace(/[\s-]/g, '');
    if (!typed) return showErrors([{ id: CODE_ID, key: 'profile.errors.codeRequired' }]);
    if (!/^\d{6}$/.test(typed)) return showErrors([{ id: CODE_ID, key: 'profile.errors.codeFormat' }]);
    setBusy('confirm');
    try {
      const { data } = await api.verifyMobile(session.csrfToken, typed);
      showErrors([]);
      onConfirmed(data);
    } catch (err) {
      if (onExpired(err)) return;
      const field = isApiError(err) ? err.problem.errors?.find((x) => x.field === 'code') : undefined;
      showErrors([
        field ? { id: CODE_ID, key: CODE_ERRORS[field.code] ?? 'profile.errors.codeFormat' } : problemOf(err),
      ]);
    } finally {
      setBusy(null);
    }
  }

  async function resend() {
    if (busy) return;
    setBusy('resend');
    try {
      const { data } = await api.resendMobileCode(session.csrfToken);
      setCode('');
      showErrors([]);
      onCodeSent(data);
    } catch (err) {
      if (onExpired(err)) return;
      if (isApiError(err) && err.code === 'rate_limited') {
        const minutes = Math.max(1, Math.ceil((err.retryAfterSeconds ?? 60) / 60));
        showErrors([{ id: '', key: 'profile.errors.codesRateLimited', values: { count: minutes } }]);
      } else if (isApiError(err) && err.problem.errors?.some((x) => x.code === 'not_waiting')) {
        showErrors([]);
        onStale();
      } else showErrors([problemOf(err)]);
    } finally {
      setBusy(null);
    }
  }

  return (
    <section aria-labelledby="mobile-confirm-title" className="mobile-confirm">
      <h2 className="heading-m" id="mobile-confirm-title">
        {t('profile.confirmTitle')}
      </h2>
      <p>{t('profile.confirmIntro')}</p>
      <form onSubmit={confirm} noValidate>
        <TextInput
          id={CODE_ID}
          name="code"
          label={t('profile.codeLabel', { number: formatMobile(number) })}
          hint={t('profile.codeHint')}
          error={form.fieldError(CODE_ID)}
          value={code}
          onChange={(e) => {
            setCode(e.target.value);
            form.clearField(CODE_ID);
          }}
          inputMode="numeric"
          autoComplete="one-time-code"
          spellCheck={false}
          maxLength={7}
          width="5"
        />
        <div className="button-group">
          <Button busy={busy === 'confirm'}>
            {busy === 'confirm' ? t('profile.confirming') : t('profile.confirmNumber')}
          </Button>
          <Button type="button" variant="secondary" busy={busy === 'resend'} onClick={resend}>
            {t('profile.resendCode')}
          </Button>
        </div>
      </form>
    </section>
  );
}

/** /account/profile: contact details and language, each with a Change link; a new mobile number is confirmed here. */
export function ProfilePage() {
  const { t } = useTranslation();
  const { profile, failed, retry, setProfile } = useProfile();
  const [notice, setNotice] = useNotice();
  const form = useFormErrors();
  const title = t('profile.title');
  const address = profile?.mailingAddress;
  const mobile = profile?.mobile ?? null;
  return (
    <Page title={title} error={form.hasErrors} back={<BackLink to="/account" label={t('accountPay.back')} />}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <NoticeBanner notice={notice} />
      <h1 className="heading-l">{title}</h1>
      {profile ? (
        <>
          <p>{t('profile.intro')}</p>
          {/* Right under the heading: after saving a new number, the code is the next thing to do;
              the details then get a heading of their own. */}
          {mobile && !mobile.verified ? (
            <MobileConfirmForm
              number={mobile.number}
              form={form}
              showErrors={(errors) => {
                // A problem replaces the last notice, so the two never both claim the focus.
                if (errors.length > 0) setNotice(null);
                form.setErrors(errors);
              }}
              onConfirmed={(next) => {
                setProfile(next);
                setNotice({
                  key: 'profile.mobileConfirmed',
                  values: { number: formatMobile(mobile.number) },
                });
              }}
              onCodeSent={(next) => {
                setProfile(next);
                setNotice({ key: 'profile.codeSent', values: { number: formatMobile(mobile.number) } });
              }}
              onStale={() => {
                setNotice(null);
                retry();
              }}
            />
          ) : null}
          {mobile && !mobile.verified ? <h2 className="heading-m">{t('profile.detailsTitle')}</h2> : null}
          <dl className="summary-list">
            <Row label={t('profile.email')} to="/account/profile/email" change={t('profile.changeEmail')}>
              <Email address={profile.email} />
              {profile.pendingEmail ? (
                <>
                  <br />
                  <span className="secondary-text">
                    {t('profile.pendingEmail', { email: profile.pendingEmail })}
                  </span>
                </>
              ) : null}
            </Row>
            <Row label={t('profile.mobile')} to="/account/profile/mobile" change={t('profile.changeMobile')}>
              {mobile ? (
                <>
                  <span className="nowrap">{formatMobile(mobile.number)}</span>{' '}
                  {mobile.verified ? (
                    <strong className="tag tag--success">{t('profile.confirmed')}</strong>
                  ) : (
                    <strong className="tag tag--warning">{t('profile.notConfirmed')}</strong>
                  )}
                </>
              ) : (
                t('profile.notGiven')
              )}
            </Row>
            <Row
              label={t('profile.address')}
              to="/account/profile/address"
              change={t('profile.changeAddress')}
            >
              {address ? (
                <>
                  {address.line1}
                  <br />
                  {address.line2 ? (
                    <>
                      {address.line2}
                      <br />
                    </>
                  ) : null}
                  {address.city}, {address.state} {address.postalCode}
                </>
              ) : (
                t('profile.notGiven')
              )}
            </Row>
            <Row
              label={t('profile.language')}
              to="/account/profile/language"
              change={t('profile.changeLanguage')}
            >
              {profile.preferredLanguage === 'es' ? 'Español' : 'English'}
            </Row>
          </dl>
          <p className="secondary-text">{t('profile.nameNote')}</p>
        </>
      ) : failed ? (
        <div>
          <p>{t('profile.loadFailed')}</p>
          <Button type="button" onClick={retry}>
            {t('unavailable.retry')}
          </Button>
        </div>
      ) : (
        <p className="lead" role="status">
          {t('common.loading')}
        </p>
      )}
    </Page>
  );
}

/** A profile question page: back to the profile, the error summary, the heading and the form. */
function ProfileForm({
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
function useSave() {
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
export function ProfileEmailPage() {
  const { t } = useTranslation();
  const session = useMemberSession();
  const { busy, save } = useSave();
  const [email, setEmail] = useState('');
  const form = useFormErrors();

  function submit(e: FormEvent) {
    e.preventDefault();
    const value = email.trim();
    if (!value) return form.setErrors([{ id: 'email', key: 'profile.errors.emailRequired' }]);
    if (!EMAIL.test(value) || value.length > 254)
      return form.setErrors([{ id: 'email', key: 'forgotPassword.errors.emailFormat' }]);
    void save(
      (csrf) => api.changeEmail(csrf, value),
      { key: 'profile.emailSent', values: { email: value } },
      (err) => {
        const field = isApiError(err) ? err.problem.errors?.find((x) => x.field === 'email') : undefined;
        form.setErrors([
          field?.code === 'unchanged'
            ? { id: 'email', key: 'profile.errors.emailUnchanged' }
            : field
              ? { id: 'email', key: 'forgotPassword.errors.emailFormat' }
              : problemOf(err),
        ]);
      },
    );
  }

  return (
    <ProfileForm
      title={t('profile.emailTitle')}
      intro={<p>{t('profile.emailIntro', { email: session.member.email })}</p>}
      form={form}
      busy={busy}
      onSubmit={submit}
    >
      <EmailInput
        label={t('profile.newEmail')}
        hint={t('profile.emailHint')}
        error={form.fieldError('email')}
        value={email}
        onValue={(v) => {
          setEmail(v);
          form.clearField('email');
        }}
        mobile
      />
    </ProfileForm>
  );
}

/** /account/profile/mobile */
export function ProfileMobilePage() {
  const { t } = useTranslation();
  const { profile } = useProfile();
  const { busy, save } = useSave();
  const [mobile, setMobile] = useState<string | null>(null);
  const form = useFormErrors();
  const value = mobile ?? (profile?.mobile ? formatMobile(profile.mobile.number) : '');
  useRefocusHeading(profile !== null);

  function submit(e: FormEvent) {
    e.preventDefault();
    const typed = value.trim();
    if (typed && typed.replace(/\D/g, '').replace(/^1(?=\d{10}$)/, '').length !== 10)
      return form.setErrors([{ id: 'mobile', key: 'profile.errors.mobileInvalid' }]);
    void save(
      (csrf) => api.updateProfile(csrf, { mobileNumber: typed || null }),
      { key: typed ? 'profile.mobileSaved' : 'profile.mobileRemoved' },
      (err) => {
        const field = isApiError(err)
          ? err.problem.errors?.find((x) => x.field === 'mobileNumber')
          : undefined;
        form.setErrors([field ? { id: 'mobile', key: 'profile.errors.mobileInvalid' } : problemOf(err)]);
      },
    );
  }

  return (
    <ProfileForm title={t('profile.mobileTitle')} form={form} busy={busy} onSubmit={submit}>
      <TextInput
        id="mobile"
        name="mobile"
        type="tel"
        label={t('profile.mobile')}
        hint={t('profile.mobileHint')}
        error={form.fieldError('mobile')}
        value={value}
        onChange={(e) => {
          setMobile(e.target.value);
          form.clearField('mobile');
        }}
        autoComplete="tel-national"
        inputMode="tel"
        width="20"
      />
    </ProfileForm>
  );
}

type AddressField = 'line1' | 'line2' | 'city' | 'state' | 'postalCode';
const ADDRESS_IDS: Record<AddressField, string> = {
  line1: 'address-line1',
  line2: 'address-line2',
  city: 'address-city',
  state: 'address-state',
  postalCode: 'address-postal-code',
};

/** /account/profile/address: where letters go; all empty removes it. */
export function ProfileAddressPage() {
  const { t } = useTranslation();
  const { profile } = useProfile();
  const { busy, save } = useSave();
  const [draft, setDraft] = useState<Record<AddressField, string> | null>(null);
  const form = useFormErrors();
  useRefocusHeading(profile !== null);
  const saved = profile?.mailingAddress;
  const values: Record<AddressField, string> = draft ?? {
    line1: saved?.line1 ?? '',
    line2: saved?.line2 ?? '',
    city: saved?.city ?? '',
    state: saved?.state ?? '',
    postalCode: saved?.postalCode ?? '',
  };
  const set = (f: AddressField, v: string) => {
    setDraft({ ...values, [f]: v });
    form.clearField(ADDRESS_IDS[f]);
  };

  function submit(e: FormEvent) {
    e.preventDefault();
    const v = Object.fromEntries(Object.entries(values).map(([k, x]) => [k, x.trim()])) as Record<
      AddressField,
      string
    >;
    const empty = Object.values(v).every((x) => !x);
    const errors: FieldMsg[] = [];
    if (!empty) {
      if (!v.line1) errors.push({ id: ADDRESS_IDS.line1, key: 'profile.errors.line1' });
      if (!v.city) errors.push({ id: ADDRESS_IDS.city, key: 'profile.errors.city' });
      if (!/^[A-Za-z]{2}$/.test(v.state)) errors.push({ id: ADDRESS_IDS.state, key: 'profile.errors.state' });
      if (!ZIP.test(v.postalCode)) errors.push({ id: ADDRESS_IDS.postalCode, key: 'profile.errors.zip' });
    }
    if (errors.length > 0) return form.setErrors(errors);
    void save(
      (csrf) =>
        api.updateProfile(csrf, {
          mailingAddress: empty
            ? null
            : {
                line1: v.line1,
                line2: v.line2 || null,
                city: v.city,
                state: v.state.toUpperCase(),
                postalCode: v.postalCode,
              },
        }),
      { key: empty ? 'profile.addressRemoved' : 'profile.addressSaved' },
      (err) => {
        const fields = isApiError(err) ? (err.problem.errors ?? []) : [];
        const list: FieldMsg[] = [];
        for (const f of fields) {
          const name = f.field.replace(/^mailingAddress\./, '') as AddressField;
          const key = { line1: 'line1', line2: 'line1', city: 'city', state: 'state', postalCode: 'zip' }[
            name
          ];
          if (key) list.push({ id: ADDRESS_IDS[name], key: `profile.errors.${key}` });
        }
        form.setErrors(list.length > 0 ? list : [problemOf(err)]);
      },
    );
  }

  return (
    <ProfileForm
      title={t('profile.addressTitle')}
      intro={<p>{t('profile.addressIntro')}</p>}
      form={form}
      busy={busy}
      onSubmit={submit}
    >
      <TextInput
        id={ADDRESS_IDS.line1}
        name="line1"
        label={t('profile.line1')}
        error={form.fieldError(ADDRESS_IDS.line1)}
        value={values.line1}
        onChange={(e) => set('line1', e.target.value)}
        autoComplete="address-line1"
        maxLength={100}
      />
      <TextInput
        id={ADDRESS_IDS.line2}
        name="line2"
        label={t('profile.line2')}
        error={form.fieldError(ADDRESS_IDS.line2)}
        value={values.line2}
        onChange={(e) => set('line2', e.target.value)}
        autoComplete="address-line2"
        maxLength={100}
      />
      <TextInput
        id={ADDRESS_IDS.city}
        name="city"
        label={t('profile.city')}
        error={form.fieldError(ADDRESS_IDS.city)}
        value={values.city}
        onChange={(e) => set('city', e.target.value)}
        autoComplete="address-level2"
        maxLength={60}
        width="20"
      />
      <TextInput
        id={ADDRESS_IDS.state}
        name="state"
        label={t('profile.state')}
        hint={t('profile.stateHint')}
        error={form.fieldError(ADDRESS_IDS.state)}
        value={values.state}
        onChange={(e) => set('state', e.target.value)}
        autoComplete="address-level1"
        autoCapitalize="characters"
        maxLength={2}
        width="3"
      />
      <TextInput
        id={ADDRESS_IDS.postalCode}
        name="postalCode"
        label={t('profile.zip')}
        error={form.fieldError(ADDRESS_IDS.postalCode)}
        value={values.postalCode}
        onChange={(e) => set('postalCode', e.target.value)}
        autoComplete="postal-code"
        inputMode="numeric"
        maxLength={10}
        width="10"
      />
    </ProfileForm>
  );
}

/** /account/profile/language: for emails and letters; the pages switch too. */
export function ProfileLanguagePage() {
  const { t, i18n } = useTranslation();
  const { profile } = useProfile();
  const { busy, save } = useSave();
  const [choice, setChoice] = useState<string | null>(null);
  const form = useFormErrors();
  const value = choice ?? profile?.preferredLanguage ?? langOf(i18n.language);

  function submit(e: FormEvent) {
    e.preventDefault();
    const lang = value as Lang;
    void save(
      async (csrf) => {
        await api.updateProfile(csrf, { preferredLanguage: lang });
        setLanguage(lang);
      },
      { key: 'profile.languageSaved' },
      (err) => form.setErrors([problemOf(err)]),
    );
  }

  return (
    <ProfileForm title={t('register.language')} form={form} busy={busy} onSubmit={submit} headingInLegend>
      <Radios
        idBase="language"
        name="language"
        legend={t('register.language')}
        legendIsHeading
        hint={t('profile.languageHint')}
        value={value}
        onChange={setChoice}
        options={[
          { value: 'en', label: <span lang="en">English</span> },
          { value: 'es', label: <span lang="es">Español</span> },
        ]}
      />
    </ProfileForm>
  );
}
