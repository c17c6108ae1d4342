import { type FormEvent, useState } from 'react';
import { emailProblem } from './Field';
import type { FieldMsg } from './useFormErrors';

/**
 * A form whose one answer is an email address, sent to the API on submit: `begin` checks it,
 * shows what to fix, and returns the address to send (null: nothing to send), with `busy` set.
 */
export function useEmailAnswer(
  setErrors: (errors: FieldMsg[]) => void,
  id: string,
  keys: { required: string; format: string },
) {
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  function begin(e: FormEvent): string | null {
    e.preventDefault();
    if (busy) return null;
    const value = email.trim();
    const problem = emailProblem(value, id, keys);
    if (problem) {
      setErrors([problem]);
      return null;
    }
    setBusy(true);
    return value;
  }
  return { email, setEmail, busy, setBusy, begin };
}
