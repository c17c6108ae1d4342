import type { DateParts } from '../../components/DateInput';

/** What the person typed on the registration page, kept for this tab so Back shows it again. Never the password. */
export interface RegistrationAnswers {
  firstName: string;
  lastName: string;
  birthDate: DateParts;
  regionId: string | null;
  medicalRecordNumber: string;
  email: string;
  /** null until they choose: it then follows the language the page is shown in. */
  language: 'en' | 'es' | null;
}

/** Where the confirmation link went, for the "Check your email" page. */
export interface RegistrationSent {
  email: string;
  regionId: string;
}

const ANSWERS_KEY = 'settle.registration';
const SENT_KEY = 'settle.registration-sent';

function read<T>(key: string): T | null {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage blocked or full: the page still works, it just forgets on reload
  }
}

export const emptyAnswers: RegistrationAnswers = {
  firstName: '',
  lastName: '',
  birthDate: { day: '', month: '', year: '' },
  regionId: null,
  medicalRecordNumber: '',
  email: '',
  language: null,
};

export function loadAnswers(): RegistrationAnswers {
  return { ...emptyAnswers, ...read<RegistrationAnswers>(ANSWERS_KEY) };
}

export function saveAnswers(answers: RegistrationAnswers): void {
  write(ANSWERS_KEY, answers);
}

export function loadSent(): RegistrationSent | null {
  return read<RegistrationSent>(SENT_KEY);
}

export function saveSent(sent: RegistrationSent): void {
  write(SENT_KEY, sent);
}
