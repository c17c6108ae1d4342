import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { formatDate, formatList, type Lang, money } from '../format';
import { en } from './en';
import { es } from './es';

const STORAGE_KEY = 'settle.lang';

function initialLanguage(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'es') return stored;
  } catch {
    // storage blocked: fall through to the browser's language
  }
  return navigator.language?.toLowerCase().startsWith('es') ? 'es' : 'en';
}

export function setLanguage(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // the choice still holds for this page
  }
  void i18n.changeLanguage(lang);
}

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, es: { translation: es } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  supportedLngs: ['en', 'es'],
  interpolation: { escapeValue: false },
  saveMissing: true,
  missingKeyHandler: (_lngs, _ns, key) => {
    console.error(`Missing translation: ${key}`);
  },
  react: { useSuspense: false },
});

// Values in messages stay raw (cents, ISO dates, brand lists) and are formatted in the language shown.
i18n.services.formatter?.add('money', (value: number, lng) => money(value, lng ?? 'en'));
i18n.services.formatter?.add('isoDate', (value: string, lng) => formatDate(value, lng ?? 'en'));
i18n.services.formatter?.add('andList', (value: string[], lng) => formatList(value, lng ?? 'en'));

document.documentElement.lang = i18n.language;

export default i18n;
