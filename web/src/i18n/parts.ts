import type { Lang } from '../format';

/**
 * Each language's words come in parts, each its own chunk, so a page downloads only the words it can
 * show (decision 0029):
 * - `core`: the first load — layout, start page, not found, "unavailable", the time-out warnings and
 *   anything else rendered outside an area. Loaded before the first render.
 * - `payment`: the payment journey the guest and member areas share (features/payment).
 * - `guest`, `sign-in`, `member`: the pages of the area of the same name (web/src/areas/).
 * An area's pages render only once its parts (AREA_TEXTS) are in, in the language shown. A key lives in
 * exactly one part: the core, or a part that every area using it loads. i18n/parts.test.ts checks both
 * against the code, so a page cannot use a word whose part its area does not load.
 */
export const TEXT_PARTS = ['core', 'payment', 'guest', 'sign-in', 'member'] as const;
export type TextPart = (typeof TEXT_PARTS)[number];

/** The parts each area (web/src/areas/NAME.ts, loaded in App.tsx) needs besides the core. */
export const AREA_TEXTS = {
  guest: ['payment', 'guest'],
  'sign-in': ['sign-in'],
  // The member settings reuse the sign-in area's password, date and two-step forms.
  member: ['payment', 'sign-in', 'member'],
} as const satisfies Record<string, readonly Exclude<TextPart, 'core'>[]>;
export type Area = keyof typeof AREA_TEXTS;

/** A dictionary's shape with every text widened to `string`: what the other language must match. */
export type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };

/** Nested sections of texts, as i18next takes them. */
export interface Texts {
  [key: string]: string | Texts;
}

/** One chunk per language and part, fetched the first time it is asked for. */
export const textsOf: Record<Lang, Record<TextPart, () => Promise<Texts>>> = {
  en: {
    core: () => import('./en/core').then((m) => m.texts),
    payment: () => import('./en/payment').then((m) => m.texts),
    guest: () => import('./en/guest').then((m) => m.texts),
    'sign-in': () => import('./en/sign-in').then((m) => m.texts),
    member: () => import('./en/member').then((m) => m.texts),
  },
  es: {
    core: () => import('./es/core').then((m) => m.texts),
    payment: () => import('./es/payment').then((m) => m.texts),
    guest: () => import('./es/guest').then((m) => m.texts),
    'sign-in': () => import('./es/sign-in').then((m) => m.texts),
    member: () => import('./es/member').then((m) => m.texts),
  },
};
