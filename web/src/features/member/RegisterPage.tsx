import type { RegistrationBody } from '@contract/members/members.schema';
import { MAX_LENGTH, MIN_LENGTH_SINGLE_FACTOR } from '@domain/passwords';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api, isApiError } from '../../api';
import { BackLink } from '../../components/BackLink';
import { Button } from '../../components/Button';
import { DateInput, type DatePart, datePartId, parseBirthDate } from '../../components/DateInput';
import { ErrorSummary } from '../../components/ErrorSummary';
import { EmailInput, Radios, SingleCheckbox, TextInput } from '../../components/Field';
import { Page } from '../../components/Page';
import { PasswordInput } from '../../components/PasswordInput';
import { type FieldMsg, useFormErrors } from '../../components/useFormErrors';
import { WhereToFind } from '../../components/WhereToFind';
import { langOf } from '../../format';
import { useOrganization } from '../../organization';
import { MemberCardPicture } from './MemberCardPicture';
import { loadAnswers, type RegistrationAnswers, saveAnswers, saveSent } from './registration';

/** The API's minimum password length (NIST SP 800-63B for a password used on its own). */
const PASSWORD_MIN_LENGTH = MIN_LENGTH_SINGLE_FACTOR;

/** The input each of the API's field names is about. */
const FIELD_IDS: Record<keyof RegistrationBody, string> = {
  firstName: 'first-name',
  lastName: 'last-name',
  birthDate: datePartId('birth-date', 'day'),
  regionId: 'region',
  medicalRecordNumber: 'medical-record-number',
  email: 'email',
  password: 'password',
  language: 'language',
  acceptTerms: 'accept-terms',
};

/** A message for each problem the API can name; anything else gets the field's general message. */
function apiFieldMessage(field: keyof RegistrationBody, code: string): FieldMsg {
  const id = FIELD_IDS[field];
  if (field === 'password') {
    const known = ['too_short', 'too_long', 'too_common', 'same_as_email'];
    return {
      id,
      key: known.includes(code) ? `register.errors.password.${code}` : 'register.errors.password.invalid',
      values: { min: PASSWORD_MIN_LENGTH, max: MAX_LENGTH },
    };
  }
  if ((field === 'firstName' || field === 'lastName') && code === 'too_big')
    return { id, key: `register.errors.${field}.tooLong` };
  if (field === 'medicalRecordNumber' && code === 'too_big')
    return { id, key: 'register.errors.medicalRecordNumber.tooLong' };
  return { id, key: `register.errors.${field}.invalid` };
}

function validate(a: RegistrationAnswers, password: string, acceptTerms: boolean) {
  const errors: FieldMsg[] = [];
  let dateParts: DatePart[] = [];
  let birthDate: string | null = null;
  if (!a.firstName.trim()) errors.push({ id: 'first-name', key: 'register.errors.firstName.required' });
  if (!a.lastName.trim()) errors.push({ id: 'last-name', key: 'register.errors.lastName.required' });
  const date = parseBirthDate(a.birthDate);
  if ('iso' in date) birthDate = date.iso;
  else {
    dateParts = date.parts;
    errors.push({ id: datePartId('birth-date', date.parts[0] ?? 'day'), key: date.key });
  }
  if (!a.regionId) errors.push({ id: 'region', key: 'register.errors.regionId.required' });
  if (!a.medicalRecordNumber.trim())
    errors.push({ id: 'medical-record-number', key: 'register.errors.medicalRecordNumber.required' });
  if (!a.email.trim()) errors.push({ id: 'email', key: 'register.errors.email.required' });
  if (!password) errors.push({ id: 'password', key: 'register.errors.password.required' });
  if (!acceptTerms) errors.push({ id: 'accept-terms', key: 'register.errors.acceptTerms.required' });
  return { errors, dateParts, birthDate };
}

export function RegisterPage() {
  const { t, i18n } = useTranslation();
  const lang = langOf(i18n.language);
  const org = useOrganization();
  const navigate = useNavigate();
  const [answers, setAnswers] = useState<RegistrationAnswers>(loadAnswers);
  const [password, setPassword] = useState('');
  const [acceptTerms, setAcceptTerms] = useState(false);
  const [dateParts, setDateParts] = useState<DatePart[]>([]);
  const [busy, setBusy] = useState(false);
  const form = useFormErrors();
  const language = answers.language ?? lang;

  const set =
    (field: 'firstName' | 'lastName' | 'medicalRecordNumber' | 'email') =>
    (e: React.ChangeEvent<HTMLInputElement>) =>
      setAnswers((a) => ({ ...a, [field]: e.target.value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const checked = validate(answers, password, acceptTerms);
    setDateParts(checked.dateParts);
    if (checked.errors.length > 0 || !checked.birthDate || !answers.regionId) {
      form.setErrors(checked.errors);
      return;
    }
    const body: RegistrationBody = {
      language,
      firstName: answers.firstName.trim(),
      lastName: answers.lastName.trim(),
      birthDate: checked.birthDate,
      regionId: answers.regionId,
      medicalRecordNumber: answers.medicalRecordNumber.trim(),
      email: answers.email.trim(),
      password,
      acceptTerms: true,
    };
    saveAnswers(answers);
    setBusy(true);
    try {
      const { data } = await api.register(body);
      saveSent({ email: data.email, regionId: body.regionId });
      navigate('/register/check-email');
    } catch (err) {
      setBusy(false);
      if (isApiError(err) && err.code === 'validation_failed') {
        const list: FieldMsg[] = [];
        for (const f of err.problem.errors ?? []) {
          const field = f.field as keyof RegistrationBody;
          if (!(field in FIELD_IDS) || list.some((m) => m.id === FIELD_IDS[field])) continue;
          list.push(apiFieldMessage(field, f.code));
        }
        if (list.some((m) => m.id === FIELD_IDS.birthDate)) setDateParts(['day', 'month', 'year']);
        form.setErrors(list.length > 0 ? list : [{ id: '', key: 'common.errors.unexpected' }]);
      } else if (isApiError(err) && err.code === 'rate_limited') {
        const minutes = Math.max(1, Math.ceil((err.retryAfterSeconds ?? 60) / 60));
        form.setErrors([{ id: '', key: 'register.errors.rateLimited', values: { count: minutes } }]);
      } else if (isApiError(err) && err.code === 'network') {
        form.setErrors([{ id: '', key: 'common.errors.network' }]);
      } else {
        form.setErrors([{ id: '', key: 'common.errors.unexpected' }]);
      }
    }
  }

  const dateError = form.errors.find((m) => m.id.startsWith('birth-date-'));

  return (
    <Page title={t('register.title')} error={form.hasErrors} back={<BackLink to="/sign-in" />}>
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} />
      <h1 className="heading-l">{t('register.title')}</h1>
      <p>{t('register.intro')}</p>
      <p>
        {t('register.haveAccount')} <Link to="/sign-in">{t('register.signIn')}</Link>
      </p>
      <form onSubmit={submit} noValidate>
        <h2 className="heading-m">{t('register.aboutYou')}</h2>
        <TextInput
          id="first-name"
          name="firstName"
          label={t('register.firstName')}
          hint={t('register.nameHint')}
          error={form.fieldError('first-name')}
          value={answers.firstName}
          onChange={set('firstName')}
          autoComplete="given-name"
          spellCheck={false}
          width="20"
        />
        <TextInput
          id="last-name"
          name="lastName"
          label={t('register.lastName')}
          hint={t('register.nameHint')}
          error={form.fieldError('last-name')}
          value={answers.lastName}
          onChange={set('lastName')}
          autoComplete="family-name"
          spellCheck={false}
          width="20"
        />
        <DateInput
          idBase="birth-date"
          legend={t('register.birthDate')}
          hint={t('register.birthDateHint')}
          error={dateError ? t(dateError.key, dateError.values ?? {}) : undefined}
          errorParts={dateParts}
          value={answers.birthDate}
          onChange={(birthDate) => setAnswers((a) => ({ ...a, birthDate }))}
          autoCompletePrefix="bday"
        />

        <h2 className="heading-m">{t('register.membership')}</h2>
        <Radios
          idBase="region"
          name="regionId"
          legend={t('register.region')}
          hint={t('register.regionHint')}
          error={form.fieldError('region')}
          value={answers.regionId}
          onChange={(regionId) => {
            setAnswers((a) => ({ ...a, regionId }));
            form.clearField('region');
          }}
          options={org.regions.map((r) => ({ value: r.id, label: r.name[lang] }))}
        />
        <TextInput
          id="medical-record-number"
          name="medicalRecordNumber"
          label={t('register.mrn')}
          hint={t('register.mrnHint')}
          error={form.fieldError('medical-record-number')}
          value={answers.medicalRecordNumber}
          onChange={set('medicalRecordNumber')}
          autoComplete="off"
          spellCheck={false}
          width="20"
          help={<WhereToFind picture={<MemberCardPicture />}>{t('register.mrnWhere')}</WhereToFind>}
        />

        <h2 className="heading-m">{t('register.signInDetails')}</h2>
        <EmailInput
          label={t('register.email')}
          hint={t('register.emailHint')}
          error={form.fieldError('email')}
          value={answers.email}
          onValue={(email) => setAnswers((a) => ({ ...a, email }))}
          mobile
        />
        <PasswordInput
          id="password"
          name="password"
          label={t('register.password')}
          hint={t('register.passwordHint', { min: PASSWORD_MIN_LENGTH })}
          error={form.fieldError('password')}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="new-password"
        />
        <Radios
          idBase="language"
          name="language"
          legend={t('register.language')}
          hint={t('register.languageHint')}
          error={form.fieldError('language')}
          className="fieldset--inline"
          value={language}
          onChange={(v) => setAnswers((a) => ({ ...a, language: v === 'es' ? 'es' : 'en' }))}
          options={[
            { value: 'en', label: <span lang="en">English</span> },
            { value: 'es', label: <span lang="es">Español</span> },
          ]}
        />

        <h2 className="heading-m">{t('register.termsTitle')}</h2>
        <ul className="list list--bullet">
          <li>{t('register.terms.match')}</li>
          <li>{t('register.terms.email')}</li>
          <li>{t('register.terms.private')}</li>
          <li>{t('register.terms.close')}</li>
        </ul>
        <SingleCheckbox
          id="accept-terms"
          label={t('register.acceptTerms')}
          checked={acceptTerms}
          onChange={(on) => {
            setAcceptTerms(on);
            if (on) form.clearField('accept-terms');
          }}
          error={form.fieldError('accept-terms')}
        />
        <Button busy={busy}>{busy ? t('register.creating') : t('register.submit')}</Button>
      </form>
    </Page>
  );
}
