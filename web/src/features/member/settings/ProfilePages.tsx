import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../../api';
import { BackLink } from '../../../components/BackLink';
import { Email } from '../../../components/Email';
import { ErrorSummary } from '../../../components/ErrorSummary';
import { EmailInput, emailProblem, QuestionRadios, TextInput } from '../../../components/Field';
import { LoadState } from '../../../components/LoadState';
import { Page, useRefocusHeading } from '../../../components/Page';
import { useFormErrors } from '../../../components/useFormErrors';
import { type Lang, langOf } from '../../../format';
import { setLanguage } from '../../../i18n';
import { useMemberSession } from '../session';
import { NoticeBanner, useNotice } from '../wallet/WalletPage';
import { MobileConfirmForm } from './MobileConfirmForm';
import { formatMobile, ProfileForm, problemOf, Row, useProfile, useSave } from './profile-shared';

export { ProfileAddressPage } from './ProfileAddressPage';

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
      ) : (
        <LoadState failed={failed} failedText={t('profile.loadFailed')} retry={retry} />
      )}
    </Page>
  );
}

/** A profile question page: back to the profile, the error summary, the heading and the form. */

export function ProfileEmailPage() {
  const { t } = useTranslation();
  const session = useMemberSession();
  const { busy, save } = useSave();
  const [email, setEmail] = useState('');
  const form = useFormErrors();

  function submit(e: FormEvent) {
    e.preventDefault();
    const value = email.trim();
    const problem = emailProblem(value, 'email', {
      required: 'profile.errors.emailRequired',
      format: 'forgotPassword.errors.emailFormat',
    });
    if (problem) return form.setErrors([problem]);
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
      <QuestionRadios
        id="language"
        question={t('register.language')}
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
