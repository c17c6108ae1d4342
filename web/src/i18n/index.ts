import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { formatDate, formatList, type Lang, langOf, money } from '../format';
import { AREA_TEXTS, type Area, type TextPart, textsOf } from './parts';

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

/** The language last asked for: a slow dictionary must not overrule a later choice. */
let wanted: Lang = initialLanguage();
const first = wanted;

/** The language on the page (before i18next is set up: the one it will start with). */
function shown(): Lang {
  return i18n.isInitialized ? langOf(i18n.language) : first;
}

/** Resolves once the first language's core texts are in; render the app after it. */
export const i18nReady: Promise<void> = (async () => {
  const translation = await textsOf[first].core();
  await i18n.use(initReactI18next).init({
    resources: { [first]: { translation } },
    lng: first,
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

/** The parts the app has needed so far (the core, and those of every area opened): a switch brings them all. */
const opened = new Set<TextPart>(['core']);
/** Each part of each language in the page or on its way, by `lang:part`. */
const parts = new Map<string, Promise<void>>([[`${first}:core`, i18nReady]]);

function loadPart(lang: Lang, part: TextPart): Promise<void> {
  const id = `${lang}:${part}`;
  let loading = parts.get(id);
  if (!loading) {
    loading = Promise.all([textsOf[lang][part](), i18nReady]).then(([texts]) => {
      // Deep merge into the one namespace: a section can be split between parts (the core holds
      // `scheduled.nav` for the header, the member part the rest of `scheduled`), and keys stay as they were.
      i18n.addResourceBundle(lang, 'translation', texts, true, false);
    });
    parts.set(id, loading);
    // A failed fetch (connection lost) is tried again next time.
    loading.catch(() => parts.delete(id));
  }
  return loading;
}

/**
 * Loads an area's texts (AREA_TEXTS) in the language shown, and in the one being switched to if a
 * switch is under way; the area's loader waits for it before its pages render. From then on a
 * language switch brings them too.
 */
export async function loadAreaTexts(area: Area): Promise<void> {
  const needed = AREA_TEXTS[area];
  for (const part of needed) opened.add(part);
  const langs = new Set([shown(), wanted]);
  await Promise.all([...langs].flatMap((lang) => needed.map((part) => loadPart(lang, part))));
}

/** Every part opened so far, in `lang`; an area opened meanwhile is waited for too. */
async function loadOpened(lang: Lang): Promise<void> {
  for (;;) {
    const now = [...opened];
    await Promise.all(now.map((part) => loadPart(lang, part)));
    if (opened.size === now.length) return;
  }
}

export function setLanguage(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // the choice still holds for this page
  }
  wanted = lang;
  loadOpened(lang).then(
    () => {
      if (wanted === lang) void i18n.changeLanguage(lang);
    },
    (err: unknown) => console.error(`Could not load the ${lang} texts`, err),
  );
}

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

export default i18n;
