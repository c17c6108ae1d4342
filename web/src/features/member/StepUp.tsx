import { type FormEvent, type ReactNode, useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../api';
import { Button } from '../../components/Button';
import { ErrorSummary } from '../../components/ErrorSummary';
import { ModalDialog } from '../../components/ModalDialog';
import { useFormErrors } from '../../components/useFormErrors';
import {
  type FactorMode,
  readSecondFactor,
  SecondFactorFields,
  secondFactorProblem,
} from './SecondFactorFields';
import { useMember, useMemberExpiry, useMemberSession } from './session';

/** Thrown by `run` when the member closed the code dialog instead of entering a code. */
export class StepUpCancelled extends Error {
  constructor() {
    super('step-up cancelled');
    this.name = 'StepUpCancelled';
  }
}

export function isStepUpCancelled(err: unknown): err is StepUpCancelled {
  return err instanceof StepUpCancelled;
}

/**
 * Wallet changes (and paying with "save this card") need a code from the authenticator app when
 * two-step verification is on and none was entered in the last 10 minutes. `run(action)` calls the
 * action with the CSRF token; on `step_up_required` it asks for a code in a dialog, takes the new
 * session (its cookie and CSRF token replace the old ones) and calls the action once more.
 * The page renders `dialog`.
 */
export function useStepUp(): {
  run: <T>(action: (csrfToken: string) => Promise<T>) => Promise<T>;
  dialog: ReactNode;
} {
  const session = useMemberSession();
  const current = useRef(session.csrfToken);
  current.current = session.csrfToken;
  const [open, setOpen] = useState(false);
  const pending = useRef<((csrf: string | null) => void) | null>(null);

  const run = useCallback(async <T,>(action: (csrfToken: string) => Promise<T>): Promise<T> => {
    try {
      return await action(current.current);
    } catch (err) {
      if (!isApiError(err) || err.code !== 'step_up_required') throw err;
      const csrf = await new Promise<string | null>((resolve) => {
        pending.current = resolve;
        setOpen(true);
      });
      if (!csrf) throw new StepUpCancelled();
      return action(csrf);
    }
  }, []);

  const finish = useCallback((csrf: string | null) => {
    setOpen(false);
    pending.current?.(csrf);
    pending.current = null;
  }, []);

  return { run, dialog: <StepUpDialog open={open} onDone={finish} /> };
}

function StepUpDialog({ open, onDone }: { open: boolean; onDone: (csrf: string | null) => void }) {
  const { t } = useTranslation();
  const { setSession } = useMember();
  const session = useMemberSession();
  const onExpired = useMemberExpiry();
  const [mode, setMode] = useState<FactorMode>('code');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const form = useFormErrors();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const read = readSecondFactor('step-up', mode, value);
    if ('error' in read) {
      form.setErrors([read.error]);
      return;
    }
    setBusy(true);
    try {
      const { data } = await api.stepUp(session.csrfToken, read.body);
      setSession(data);
      onDone(data.csrfToken);
    } catch (err) {
      if (isApiError(err) && err.status === 401) {
        onDone(null);
        onExpired(err);
        return;
      }
      form.setErrors([secondFactorProblem(err, 'step-up', mode)]);
    } finally {
      setBusy(false);
    }
  }

  return (
    <ModalDialog
      open={open}
      idBase="step-up"
      className="timeout-dialog step-up-dialog"
      onCancel={() => onDone(null)}
      onOpen={() => {
        setValue('');
        setMode('code');
        form.setErrors([]);
      }}
    >
      <ErrorSummary errors={form.summary} focusKey={form.submitCount} idPrefix="step-up-errors" />
      <h2 className="heading-m" id="step-up-title">
        {t('stepUp.title')}
      </h2>
      <p id="step-up-body">{t('stepUp.body')}</p>
      <form onSubmit={submit} noValidate>
        <SecondFactorFields
          idBase="step-up"
          mode={mode}
          onModeChange={(m) => {
            setMode(m);
            form.setErrors([]);
          }}
          value={value}
          onChange={setValue}
          error={form.fieldError(mode === 'code' ? 'step-up-code' : 'step-up-recovery-code')}
        />
        <div className="button-group">
          <Button busy={busy}>{t('common.continue')}</Button>
          <Button type="button" variant="link" onClick={() => onDone(null)}>
            {t('stepUp.cancel')}
          </Button>
        </div>
      </form>
    </ModalDialog>
  );
}
