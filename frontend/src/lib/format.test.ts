import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  dayShift,
  fold,
  formatBytes,
  formatDate,
  formatPercent,
  formatTime,
  initials,
  languageName,
  readableOn,
  zoneCity,
  zoneMatches,
  zoneOffset,
  zoneRank,
} from './format';

// Intl's output depends on the ICU data; compare with spaces normalised.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

beforeAll(() => vi.stubGlobal('navigator', { languages: [] }));
afterAll(() => vi.unstubAllGlobals());

describe('times in a workspace timezone', () => {
  const at = new Date('2025-01-15T13:05:00Z');
  it('shows the wall clock of the zone', () => {
    expect(formatTime(at, 'Europe/Paris', 'fr')).toBe('14:05');
    expect(formatTime(at, 'Asia/Tokyo', 'fr')).toBe('22:05');
    // en-GB (the default English locale) writes 24-hour times.
    expect(formatTime(at, 'America/New_York', 'en')).toBe('8:05');
  });
  it('falls back to the machine zone for an unknown zone instead of throwing', () => {
    expect(formatTime(at, 'Mars/Olympus', 'fr')).toMatch(/^\d{2}:\d{2}$/);
  });
  it('tells when the zone is on another day', () => {
    const late = new Date('2025-01-15T23:30:00Z');
    expect(dayShift(late, 'Asia/Tokyo', 'Europe/London')).toBe(1);
    expect(dayShift(late, 'America/Los_Angeles', 'Asia/Tokyo')).toBe(-1);
    expect(dayShift(late, 'Europe/Paris', 'Europe/Paris')).toBe(0);
  });
  it('dates in the zone', () => {
    // 23:30 UTC on the 15th is already the 16th in Tokyo.
    expect(formatDate('2025-01-15T23:30:00Z', 'fr', 'Asia/Tokyo')).toBe('16 janvier 2025');
    expect(formatDate('2025-01-15T23:30:00Z', 'en', 'UTC')).toBe('15 January 2025');
    expect(formatDate('not a date', 'en')).toBe('');
  });
  it('names offsets and cities', () => {
    expect(zoneOffset('Asia/Tokyo', new Date('2025-01-15T00:00:00Z'))).toBe('UTC+09:00');
    expect(zoneOffset('America/New_York', new Date('2025-01-15T00:00:00Z'))).toBe('UTC-05:00');
    expect(zoneOffset('UTC')).toBe('UTC+00:00');
    expect(zoneCity('America/Argentina/Buenos_Aires')).toBe('Buenos Aires');
  });
});

describe('numbers', () => {
  it.each([
    [0, 'en', '0 byte'],
    [512, 'en', '512 byte'],
    [1536, 'en', '1.5 kB'],
    [10 << 20, 'en', '10 MB'],
    [10 << 20, 'fr', '10 Mo'],
    [1536, 'fr', '1,5 ko'],
    [3.25 * 1024 ** 3, 'fr', '3,3 Go'],
  ])('formatBytes(%d, %s) = %s', (n, lang, want) => {
    expect(plain(formatBytes(n, lang))).toBe(want);
  });
  it('formats shares as percentages the local way', () => {
    expect(plain(formatPercent(135, 'fr'))).toBe('135 %');
    expect(formatPercent(135, 'en')).toBe('135%');
  });
});

describe('names', () => {
  it('names languages in the interface language', () => {
    expect(languageName('fr', 'fr')).toBe('Français');
    expect(languageName('de', 'en')).toBe('German');
    expect(languageName('de', 'fr')).toBe('Allemand');
  });
  it('folds names like Go does', () => {
    expect(fold('  Café   Lumière ')).toBe('cafe lumiere');
    expect(fold('ÉCOLE')).toBe('ecole');
  });
  it('matches zones by any part', () => {
    expect(zoneMatches('America/New_York', 'new york')).toBe(true);
    expect(zoneMatches('America/New_York', 'america york')).toBe(true);
    expect(zoneMatches('Europe/Zurich', 'zürich')).toBe(true);
    expect(zoneMatches('Europe/Paris', 'tokyo')).toBe(false);
  });
  it('ranks zones whose city starts with the query first', () => {
    const zones = ['Africa/Bamako', 'America/New_York', 'Europe/Amsterdam'];
    const sorted = [...zones].sort((a, b) => zoneRank(a, 'am') - zoneRank(b, 'am'));
    expect(sorted).toEqual(['Europe/Amsterdam', 'America/New_York', 'Africa/Bamako']);
  });
  it('makes initials', () => {
    expect(initials('Café Lumière')).toBe('CL');
    expect(initials('atelier')).toBe('AT');
    expect(initials('La Maison du Pain')).toBe('LM');
    expect(initials('Boulangerie Dupont & Fils, Lyon 7e')).toBe('BD');
    expect(initials('7e Art')).toBe('AR');
    expect(initials('42')).toBe('4');
    expect(initials('  ')).toBe('?');
  });
  it('picks readable text colours', () => {
    expect(readableOn('#4f46e5')).toBe('#ffffff');
    expect(readableOn('#fde047')).toBe('#111827');
    expect(readableOn('#ffffff')).toBe('#111827');
    expect(readableOn('nope')).toBe('#ffffff');
  });
});
