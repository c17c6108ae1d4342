import type { SecondFactorBody } from '@contract/auth/auth.schema';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api';
import { Button } from '../../components/Button';
import { TextInput } from '../../components/Field';
import type { FieldMsg } from '../../components/useFormErrors';

export type FactorMode = 'code' | 'recovery';

/** id of the code (or recovery code) input, for the error summary to link to. */
export function factorFieldId(idBase: string, mode: FactorMode): string {
  return mode === 'code' ? `${idBase}-code` : `${idBase}-recovery-code`;
}

/** Checks what was typed: the body to send, or the message to show by the field. */
export function readSecondFactor(
  idBase: string,
  mode: FactorMode,
  value: string,
): { body: SecondFactorBody } | { error: FieldMsg } {
  const id = factorFieldId(idBase, mode);
  if (mode === 'code') {
    // People copy codes as "123 456" or "123-456".
    const code = value.replace(/[\s-]/g, '');
    if (!code) return { error: { id, key: 'twoStep.errors.codeRequired' } };
    if (!/^\d{6}$/.test(code)) return { error: { id, key: 'twoStep.errors.codeFormat' } };
    return { body: { code } };
  }
  const recoveryCode = value.trim();
  if (!recoveryCode) return { error: { id, key: 'twoStep.errors.recoveryRequired' } };
  if (recoveryCode.length < 8 || recoveryCode.length > 20)
    return { error: { id, key: 'twoStep.errors.recoveryFormat' } };
  return { body: { recoveryCode } };
}

/** The API's answer to a wrong code, a timed-out sign-in or too many tries, in our words. */
export function secondFactorProblem(err: unknown, idBase: string, mode: FactorMode): FieldMsg {
  const id = factorFieldId(idBase, mode);
  if (isApiError(err) && err.code === 'validation_failed')
    return { id, key: mode === 'code' ? 'twoStep.errors.wrongCode' : 'twoStep.errors.wrongRecovery' };
  if (isApiError(err) && err.code === 'rate_limited') {
    const minutes = Math.max(1, Math.ceil((err.retryAfterSeconds ?? 60) / 60));
    return { id: '', key: 'twoStep.errors.rateLimited', values: { count: minutes } };
  }
  if (isApiError(err) && err.code === 'network') return { id: '', key: 'common.errors.network' };
  return { id: '', key: 'common.errors.unexpected' };
}

/**
 * The code from an authenticator app (6 digits, the phone's one-time-code autofill), or, for
 * someone without their phone, one of their recovery codes.
 */
export function SecondFactorFields({
  idBase,
  mode,
  onModeChange,
  value,
  onChange,
  error,
}: {
  idBase: string;
  mode: FactorMode;
  onModeChange: (mode: FactorMode) => void;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <>
      {mode === 'code' ? (
        <TextInput
          key="code"
          id={factorFieldId(idBase, 'code')}
          name="code"
          label={t('twoStep.code')}
          hint={t('twoStep.codeHint')}
          error={error}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          inputMode="numeric"
          autoComplete="one-time-code"
          spellCheck={false}
          maxLength={9}
          width="5"
        />
      ) : (
        <TextInput
          key="recovery"
          id={factorFieldId(idBase, 'recovery')}
          name="recoveryCode"
          label={t('twoStep.recoveryCode')}
          hint={t('twoStep.recoveryHint')}
          error={error}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={20}
          width="10"
        />
      )}
      <p>
        <Button
          type="button"
          variant="link"
          onClick={() => {
            onChange('');
            onModeChange(mode === 'code' ? 'recovery' : 'code');
          }}
        >
          {mode === 'code' ? t('twoStep.useRecovery') : t('twoStep.useCode')}
        </Button>
      </p>
    </>
  );
}
