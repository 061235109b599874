import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dayLong, dayNumber, monthTitle, timeLabel, weekdayName, when } from './fmt';

const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
beforeAll(() => vi.stubGlobal('navigator', { languages: [] }));
afterAll(() => vi.unstubAllGlobals());

describe('calendar dates in the user’s language', () => {
  it('titles a month', () => {
    expect(monthTitle('2027-03-15', 'fr')).toBe('Mars 2027');
    expect(monthTitle('2027-03-15', 'en')).toBe('March 2027');
  });
  it('names days without letting a zone shift them', () => {
    expect(dayLong('2027-03-28', 'fr')).toMatch(/^dimanche 28 mars/);
    expect(dayNumber('2027-03-01', 'en')).toBe('1');
    expect(weekdayName(0, 'fr')).toBe('Dimanche');
    expect(weekdayName(2, 'en')).toBe('Tuesday');
  });
  it('writes times as the locale does, from the wall-clock minute', () => {
    expect(timeLabel(18 * 60, 'fr')).toBe('18:00');
    expect(timeLabel(9 * 60 + 5, 'en')).toBe('9:05');
  });
  it('says when, in the workspace’s zone', () => {
    expect(plain(when('2027-03-30T16:00:00Z', 'Europe/Paris', 'fr'))).toBe('mardi 30 mars à 18:00');
    expect(plain(when('2027-03-30T16:00:00Z', 'America/New_York', 'en'))).toBe('Tuesday 30 March at 12:00');
  });
});
