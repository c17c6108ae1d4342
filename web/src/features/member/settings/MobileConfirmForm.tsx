import type { ProfileView } from '@contract/members/members.schema';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../../api';
import { Button } from '../../../components/Button';
import { TextInput } from '../../../components/Field';
import type { FieldMsg, useFormErrors } from '../../../components/useFormErrors';
import { useMemberExpiry, useMemberSession } from '../session';
import { formatMobile, problemOf } from './profile-shared';

export const CODE_ID = 'mobile-code';

/** The API's reasons a texted code was refused, in our words. */
export const CODE_ERRORS: Record<string, string> = {
  invalid: 'profile.errors.codeWrong',
  expired: 'profile.errors.codeExpired',
  too_many_tries: 'profile.errors.codeTooManyTries',
  not_waiting: 'profile.errors.codeNotWaiting',
};

/**
 * A number not confirmed yet: the code texted to it, or a new one. Errors go to the page's error
 * summary and beside the field; what happened goes to the page's notice.
 */
export function MobileConfirmForm({
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
