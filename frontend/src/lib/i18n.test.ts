/// <reference types="node" />
import { readFileSync, readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from './errors';
import { errorText, i18n, loadLang, resolveLang, systemLang } from './i18n.svelte';
import en from './locales/en';
import fr from './locales/fr';

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out[key] = v;
    else flatten(v, key, out);
  }
  return out;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;
const flat = { en: flatten(en as Tree), fr: flatten(fr as Tree) };
const vars = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

/** The error codes Go can send: every code in app/errors*.go, and "internal". */
function goCodes(): string[] {
  const dir = new URL('../../../app/', import.meta.url);
  const src = readdirSync(dir)
    .filter((f) => /^errors.*\.go$/.test(f) && !f.endsWith('_test.go'))
    .map((f) => readFileSync(new URL(f, dir), 'utf8'))
    .join('\n');
  const codes = new Set([...src.matchAll(/\{[^{}\n]+,\s*"([a-z]+\.[a-zA-Z]+)"\}/g)].map((m) => m[1]));
  codes.add('internal');
  return [...codes].sort();
}

beforeAll(async () => {
  await Promise.all([loadLang('fr'), loadLang('en')]);
});

describe('translations', () => {
  it('have the same keys in French and English', () => {
    expect(Object.keys(flat.fr).sort()).toEqual(Object.keys(flat.en).sort());
  });

  it('have no empty strings', () => {
    for (const lang of ['en', 'fr'] as const) {
      for (const [k, v] of Object.entries(flat[lang])) expect(v.trim(), `${lang}:${k}`).not.toBe('');
    }
  });

  it('use the same placeholders in both languages', () => {
    for (const k of Object.keys(flat.en)) expect(vars(flat.fr[k]), k).toEqual(vars(flat.en[k]));
  });

  it('give every plural a "one" and an "other" form', () => {
    for (const lang of ['en', 'fr'] as const) {
      const bases = new Set(Object.keys(flat[lang]).filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')));
      for (const b of bases) {
        expect(flat[lang][`${b}_one`], `${lang}:${b}_one`).toBeDefined();
        expect(flat[lang][`${b}_other`], `${lang}:${b}_other`).toBeDefined();
        expect(flat[lang][`${b}_one`]).toContain('{{count}}');
      }
    }
  });

  it('translate every error code Go sends (app/errors.go)', () => {
    const codes = goCodes();
    expect(codes.length).toBeGreaterThan(20);
    for (const code of codes) {
      for (const lang of ['en', 'fr'] as const) {
        const has = `errors.${code}` in flat[lang] || `errors.${code}_other` in flat[lang];
        expect(has, `${lang} has no sentence for ${code}`).toBe(true);
      }
    }
  });

  it('keep French typography: no plain space before a colon, question or exclamation mark', () => {
    for (const [k, v] of Object.entries(flat.fr)) expect(v, k).not.toMatch(/ [:?!]/);
  });
});

describe('plurals through Intl.PluralRules', () => {
  const t = (lng: string, key: string, count: number) => i18n.t(key, { lng, count }).replace(/\u00a0/g, ' ');
  it('French counts 0 and 1 as singular', () => {
    expect(t('fr', 'overview.count', 0)).toBe('0 client');
    expect(t('fr', 'overview.count', 1)).toBe('1 client');
    expect(t('fr', 'overview.count', 2)).toBe('2 clients');
    expect(t('fr', 'overview.pillars', 3)).toBe('3 piliers éditoriaux');
  });
  it('English counts only 1 as singular', () => {
    expect(t('en', 'overview.count', 0)).toBe('0 clients');
    expect(t('en', 'overview.count', 1)).toBe('1 client');
  });
  it('French large numbers (CLDR "many") fall back to the plural form', () => {
    expect(t('fr', 'overview.count', 1_000_000)).toBe('1000000 clients');
  });
});

describe('errorText', () => {
  const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
  it('fills in the values Go sends, formatted for the language', () => {
    const big = new AppError('workspace.logoTooLarge', 'logo', { file: 'logo.tiff', max: 10 << 20 });
    expect(plain(errorText(big, 'fr'))).toBe('« logo.tiff » est trop lourd. Un logo peut peser 10 Mo au maximum.');
    expect(errorText(big, 'en')).toBe('“logo.tiff” is too large. A logo can be 10 MB at most.');
    const over = new AppError('workspace.pillarSharesOver', 'pillars', { total: 135 });
    expect(plain(errorText(over, 'fr'))).toContain('font 135 % au total');
    expect(errorText(over, 'en')).toContain('add up to 135%');
  });

  it('names the missing CSV columns in the user’s language', () => {
    const e = new AppError('post.csvHeader', '', { file: 'plan.csv', missing: 'accounts, text' });
    expect(plain(errorText(e, 'fr'))).toContain('il manque : comptes, texte.');
    expect(errorText(e, 'en')).toContain('missing: accounts, text.');
  });

  it('picks the plural form from the limit', () => {
    expect(errorText(new AppError('workspace.tooLong', 'name', { max: 80 }), 'en')).toBe(
      'This is too long: 80 characters at most.',
    );
    expect(errorText(new AppError('workspace.tooLong', 'name', { max: 1 }), 'en')).toBe(
      'This is too long: 1 character at most.',
    );
  });

  it('never shows a raw code or message', () => {
    const unknown = errorText(new AppError('workspace.somethingNew'), 'fr');
    expect(unknown).toBe(flat.fr['errors.internal']);
    expect(errorText(new Error('EOF at line 3'), 'en')).toBe(flat.en['errors.internal']);
    expect(errorText(new AppError('workspace.nameTaken', 'name', {}), 'en')).not.toContain('{{');
  });
});

describe('interface language', () => {
  it.each([
    [['fr-CA', 'en-US'], 'fr'],
    [['en-GB'], 'en'],
    [['de-DE', 'fr-FR'], 'fr'],
    [['de-DE', 'es'], 'en'],
    [[], 'en'],
    [['FR_be'], 'fr'],
  ])('follows the OS: %j -> %s', (langs, want) => expect(systemLang(langs)).toBe(want));

  it('lets the user override the OS', () => {
    expect(resolveLang('en', ['fr-FR'])).toBe('en');
    expect(resolveLang('fr', ['en-US'])).toBe('fr');
    expect(resolveLang('system', ['fr-FR'])).toBe('fr');
  });
});
