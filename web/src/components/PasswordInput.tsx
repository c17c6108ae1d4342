import { type InputHTMLAttributes, type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from './Field';

interface PasswordInputProps
  extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type' | 'autoComplete'> {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  autoComplete: 'current-password' | 'new-password';
}

/**
 * A password field with a Show/Hide button (GOV.UK "Password input"): paste is allowed, the
 * button says what it will do, and a screen reader hears whether the password is now visible.
 * The password is hidden again when the form is sent, so the browser never stores it as text.
 */
export function PasswordInput({ id, label, hint, error, autoComplete, ...input }: PasswordInputProps) {
  const { t } = useTranslation();
  const [shown, setShown] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const ref = useRef<HTMLInputElement>(null);
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;

  useEffect(() => {
    const form = ref.current?.form;
    if (!form) return;
    const hide = () => {
      setShown(false);
      setAnnouncement('');
    };
    form.addEventListener('submit', hide);
    return () => form.removeEventListener('submit', hide);
  }, []);

  function toggle() {
    const next = !shown;
    setShown(next);
    setAnnouncement(next ? t('password.announceShown') : t('password.announceHidden'));
  }

  return (
    <div className={error ? 'field field--error' : 'field'}>
      <label className="label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      ) : null}
      {error && errorId ? <ErrorMessage id={errorId}>{error}</ErrorMessage> : null}
      <div className="password-input">
        <input
          {...input}
          ref={ref}
          id={id}
          type={shown ? 'text' : 'password'}
          className={error ? 'input input--password input--error' : 'input input--password'}
          autoComplete={autoComplete}
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
          aria-invalid={error ? true : undefined}
        />
        <button
          type="button"
          className="button button--secondary password-input__toggle"
          aria-controls={id}
          aria-label={shown ? t('password.hideLabel') : t('password.showLabel')}
          onClick={toggle}
        >
          {shown ? t('password.hide') : t('password.show')}
        </button>
      </div>
      <div className="visually-hidden" aria-live="polite">
        {announcement}
      </div>
    </div>
  );
}
