import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { formatDate, formatList, type Lang, money } from '../format';
import type { Translation } from './en';

const STORAGE_KEY = 'settle.lang';

// Each dictionary is its own chunk: a page loads only the language it shows (about 15 KB each,
// compressed), and the other one only when someone switches to it.
const dictionaries: Record<Lang, () => Promise<Translation>> = {
  en: () => import('./en').then((m) => m.en),
  es: () => import('./es').then((m) => m.es),
};

function initialLanguage(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'es') return stored;
  } catch {
    // storage blocked: fall through to the browser's language
  }
  return navigator.language?.toLowerCase().startsWith('es') ? 'es' : 'en';
}

async function loadDictionary(lang: Lang): Promise<void> {
  if (i18n.hasResourceBundle(lang, 'translation')) return;
  i18n.addResourceBundle(lang, 'translation', await dictionaries[lang]());
}

/** The language last asked for: a slow dictionary must not overrule a later choice. */
let wanted: Lang = initialLanguage();

export function setLanguage(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // the choice still holds for this page
  }
  wanted = lang;
  loadDictionary(lang).then(
    () => {
      if (wanted === lang) void i18n.changeLanguage(lang);
    },
    (err: unknown) => console.error(`Could not load the ${lang} texts`, err),
  );
}

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

/** Resolves once the first language's texts are in; render the app after it. */
export const i18nReady: Promise<void> = (async () => {
  const lng = wanted;
  const translation = await dictionaries[lng]();
  await i18n.use(initReactI18next).init({
    resources: { [lng]: { translation } },
    lng,
    // Unchanged from when both dictionaries were bundled; English is only consulted once loaded.
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
})();

export default i18n;
