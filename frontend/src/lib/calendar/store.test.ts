import { describe, expect, it } from 'vitest';
import { noFilters } from './layout';
import { type Entry, toEntry } from './model';
import { CalendarStore } from './store.svelte';

const entry = (id: string, due: string, more: Partial<Entry> = {}): Entry => ({
  ...toEntry({ id, workspaceId: 'w1', due, zone: 'Europe/Paris', status: 'draft' }),
  ...more,
});

describe('the calendar store', () => {
  it('touches only the days a move changes', () => {
    const s = new CalendarStore();
    s.setAll([entry('a', '2027-03-01T09:00:00Z'), entry('b', '2027-03-02T09:00:00Z'), entry('c', '2027-03-03T09:00:00Z')]);
    const day1 = s.byDay.get('2027-03-01');
    const day3 = s.byDay.get('2027-03-03');
    s.upsert({ ...s.get('b')!, due: '2027-03-03T10:00:00Z' });
    expect(s.byDay.get('2027-03-01')).toBe(day1);
    expect(s.byDay.has('2027-03-02')).toBe(false);
    expect(s.byDay.get('2027-03-03')).not.toBe(day3);
    expect(s.byDay.get('2027-03-03')!.map((e) => e.id)).toEqual(['c', 'b']);
  });

  it('keeps unchanged objects across a reload', () => {
    const s = new CalendarStore();
    s.setAll([entry('a', '2027-03-01T09:00:00Z'), entry('b', '2027-03-02T09:00:00Z')]);
    const a = s.get('a');
    const day2 = s.byDay.get('2027-03-02');
    s.setAll([entry('a', '2027-03-01T09:00:00Z'), entry('b', '2027-03-02T09:00:00Z', { status: 'approved' })]);
    expect(s.get('a')).toBe(a);
    expect(s.byDay.get('2027-03-02')).not.toBe(day2);
  });

  it('moves posts between the tray and the calendar, and filters', () => {
    const s = new CalendarStore();
    s.setTray([entry('idea', '', { status: 'idea' })]);
    s.setAll([entry('a', '2027-03-01T09:00:00Z', { status: 'approved' })]);
    s.upsert({ ...s.get('idea')!, due: '2027-03-01T08:00:00Z' });
    expect(s.tray).toEqual([]);
    expect(s.byDay.get('2027-03-01')!.map((e) => e.id)).toEqual(['idea', 'a']);
    s.setFilters({ ...noFilters(), statuses: ['approved'] });
    expect(s.byDay.get('2027-03-01')!.map((e) => e.id)).toEqual(['a']);
    s.upsert({ ...s.get('a')!, due: '' });
    expect(s.byDay.size).toBe(0);
    expect(s.tray.map((e) => e.id)).toEqual(['a']);
  });
});
