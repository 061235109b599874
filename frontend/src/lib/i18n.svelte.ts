// Interface language: French or English, following the OS unless the user
// picked one. i18next resolves plurals through Intl.PluralRules; `t` reads
// the current language from a rune so every component re-renders when it
// changes.
import i18next, { type TOptions } from 'i18next';
import { AppError } from './errors';
import { formatBytes, formatNumber, formatPercent } from './format';

export const LANGS = ['fr', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export type LangPref = 'system' | Lang;

export const i18n = i18next.createInstance();
void i18n.init({
  resources: {},
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGS],
  initAsync: false,
  interpolation: { escapeValue: false }, // Svelte escapes text itself
  returnNull: false,
});

/**
 * systemLang picks the interface language from the OS's preferred
 * languages: the first French or English one, else English.
 */
export function systemLang(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (base === 'fr' || base === 'en') return base;
  }
  return 'en';
}

export function resolveLang(pref: LangPref, preferred: readonly string[]): Lang {
  return pref === 'fr' || pref === 'en' ? pref : systemLang(preferred);
}

const state = $state({ lang: 'en' as Lang });

// Each language's strings are a separate chunk: start-up loads only the one
// it shows.
const loaders: Record<Lang, () => Promise<{ default: object }>> = {
  en: () => import('./locales/en'),
  fr: () => import('./locales/fr'),
};
const loading = new Map<Lang, Promise<void>>();

/** loadLang fetches a language's strings once. */
export function loadLang(l: Lang): Promise<void> {
  let p = loading.get(l);
  if (!p) {
    p = loaders[l]().then((m) => {
      i18n.addResourceBundle(l, 'translation', m.default, true, true);
    });
    loading.set(l, p);
  }
  return p;
}

/** The current interface language. */
export function lang(): Lang {
  return state.lang;
}

/** setLang switches the interface language and `<html lang>` once its strings are there. */
export async function setLang(l: Lang): Promise<void> {
  await loadLang(l);
  state.lang = l;
  void i18n.changeLanguage(l);
  if (typeof document !== 'undefined') document.documentElement.lang = l;
}

/** t translates key in the current language. */
export function t(key: string, options?: TOptions): string {
  return i18n.t(key, { ...options, lng: state.lang }) as string;
}

/**
 * errorInfo prepares an error's info values for its sentence: sizes and
 * numbers formatted for the language, and `count` set where the sentence
 * has plural forms.
 */
export function errorInfo(e: AppError, l: Lang): Record<string, unknown> {
  const info: Record<string, unknown> = { ...e.info };
  const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));
  switch (e.code) {
    case 'workspace.logoTooLarge':
      if (info.max !== undefined) info.max = formatBytes(num(info.max), l);
      break;
    case 'workspace.logoTooManyPixels':
      if (info.max !== undefined) info.max = formatNumber(num(info.max), l);
      break;
    case 'workspace.tooLong':
    case 'workspace.tooMany':
      info.count = num(info.max ?? 0);
      info.max = formatNumber(num(info.max ?? 0), l);
      break;
    case 'workspace.pillarShare':
      if (info.value !== undefined) info.value = formatPercent(num(info.value), l);
      break;
    case 'workspace.pillarSharesOver':
      if (info.total !== undefined) info.total = formatPercent(num(info.total), l);
      break;
    case 'post.csvHeader':
      // Go names the missing columns by their internal (English) names;
      // a French user is told the French headers Relais reads.
      if (typeof info.missing === 'string')
        info.missing = info.missing
          .split(', ')
          .map((c) => i18n.t(`csvColumn.${c}`, { lng: l, defaultValue: c }) as string)
          .join(', ');
      break;
  }
  // Waits (too many wrong passphrases, rate limits) pluralise on seconds.
  if (info.seconds !== undefined && info.count === undefined) info.count = num(info.seconds);
  for (const k of ['name', 'file', 'value']) {
    if (info[k] === undefined) info[k] = '';
  }
  return info;
}

/** errorText is the human sentence for an error, never a raw message. */
export function errorText(e: unknown, l: Lang = state.lang): string {
  const err = e instanceof AppError ? e : new AppError('internal');
  const key = `errors.${err.code}`;
  const known = i18n.exists(key, { lng: l }) || i18n.exists(`${key}_other`, { lng: l });
  if (!known) return i18n.t('errors.internal', { lng: l }) as string;
  return i18n.t(key, { ...errorInfo(err, l), lng: l }) as string;
}
