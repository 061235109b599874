import { describe, expect, it } from 'vitest';
import {
  dropDue,
  groupByDay,
  hitDay,
  keyMove,
  lanes,
  listRows,
  matches,
  minuteAt,
  noFilters,
  pillarBalance,
  sameList,
  visibleRange,
} from './layout';
import { type Entry, toEntry } from './model';

const entry = (id: string, due: string, more: Partial<Entry> = {}): Entry => ({
  ...toEntry({ id, workspaceId: 'w1', due, zone: 'Europe/Paris', status: 'draft' }),
  ...more,
});

describe('grouping posts by day', () => {
  it('uses each post’s own zone and sorts by time', () => {
    const a = entry('a', '2027-03-27T23:30:00Z'); // 00:30 on the 28th in Paris
    const b = entry('b', '2027-03-28T08:00:00Z');
    const c = entry('c', '2027-03-28T02:00:00Z', { zone: 'America/New_York' }); // the 27th there
    const d = entry('d', '');
    const g = groupByDay([b, a, c, d]);
    expect(g.get('2027-03-28')!.map((e) => e.id)).toEqual(['a', 'b']);
    expect(g.get('2027-03-27')!.map((e) => e.id)).toEqual(['c']);
    expect([...g.keys()].length).toBe(2);
  });
  it('compares day lists by identity', () => {
    const a = entry('a', '2027-03-27T10:00:00Z');
    expect(sameList([a], [a])).toBe(true);
    expect(sameList([a], [{ ...a }])).toBe(false);
    expect(sameList(undefined, [])).toBe(true);
  });
});

describe('filters', () => {
  const e = entry('a', '2027-03-27T10:00:00Z', {
    accountIds: ['acc1', 'acc2'],
    pillar: 'p1',
    campaignId: 'c1',
    labels: ['promo'],
    status: 'approved',
  });
  it('passes everything when empty', () => expect(matches(e, noFilters())).toBe(true));
  it('ors within a kind and ands across kinds', () => {
    expect(matches(e, { ...noFilters(), accounts: ['acc9', 'acc2'] })).toBe(true);
    expect(matches(e, { ...noFilters(), accounts: ['acc2'], statuses: ['draft'] })).toBe(false);
    expect(matches(e, { ...noFilters(), pillars: ['p1'], campaigns: ['c1'], labels: ['promo'] })).toBe(true);
    expect(matches(e, { ...noFilters(), labels: ['other'] })).toBe(false);
  });
});

describe('pillar balance', () => {
  it('compares each pillar’s share of the period with its target', () => {
    const es = [
      entry('1', '2027-03-01T10:00:00Z', { pillar: 'edu' }),
      entry('2', '2027-03-02T10:00:00Z', { pillar: 'edu' }),
      entry('3', '2027-03-03T10:00:00Z', { pillar: 'promo' }),
      entry('4', '2027-03-04T10:00:00Z', { pillar: 'gone' }),
    ];
    const b = pillarBalance(es, [
      { id: 'edu', name: 'Education', color: '#0f0', target: 40 },
      { id: 'promo', name: 'Promotion', color: '#f00', target: 20 },
      { id: 'team', name: 'Team', color: '#00f', target: 40 },
    ]);
    expect(b.total).toBe(4);
    expect(b.other).toBe(1);
    expect(b.pillars.map((p) => [p.id, p.count, p.share, p.delta])).toEqual([
      ['edu', 2, 50, 10],
      ['promo', 1, 25, 5],
      ['team', 0, 0, -40],
    ]);
  });
  it('has zero shares for an empty period', () => {
    expect(pillarBalance([], [{ id: 'a', name: 'A', color: '', target: 50 }]).pillars[0].share).toBe(0);
  });
});

describe('week view lanes', () => {
  it('puts overlapping posts side by side and others full width', () => {
    const l = lanes(
      [
        entry('a', '2027-03-01T09:00:00Z'),
        entry('b', '2027-03-01T09:15:00Z'),
        entry('c', '2027-03-01T09:30:00Z'),
        entry('d', '2027-03-01T12:00:00Z'),
      ],
      30,
    );
    expect(l.get('a')).toEqual({ lane: 0, of: 2, minute: 600 });
    expect(l.get('b')).toEqual({ lane: 1, of: 2, minute: 615 });
    expect(l.get('c')).toEqual({ lane: 0, of: 2, minute: 630 });
    expect(l.get('d')).toEqual({ lane: 0, of: 1, minute: 780 });
  });
});

describe('dropping', () => {
  const boxes = [
    { key: '2027-03-01', left: 0, top: 0, right: 100, bottom: 100 },
    { key: '2027-03-02', left: 100, top: 0, right: 200, bottom: 100 },
  ];
  it('finds the day under the pointer', () => {
    expect(hitDay(boxes, 150, 50)).toBe('2027-03-02');
    expect(hitDay(boxes, 250, 50)).toBe('');
  });
  it('snaps the week view to 15 minutes', () => {
    expect(minuteAt(0, 960, 480)).toBe(720);
    expect(minuteAt(0, 960, 483)).toBe(720);
    expect(minuteAt(0, 960, 486)).toBe(735);
    expect(minuteAt(0, 960, 2000)).toBe(1425);
  });
  it('keeps the time on a month drop, sets it on a week drop, uses the fallback from the tray', () => {
    const e = entry('a', '2027-03-23T17:00:00Z');
    expect(dropDue(e, '2027-03-30', null)).toBe('2027-03-30T16:00:00Z');
    expect(dropDue(e, '2027-03-30', 8 * 60 + 45)).toBe('2027-03-30T06:45:00Z');
    expect(dropDue({ ...e, due: '' }, '2027-01-05', null)).toBe('2027-01-05T08:00:00Z');
  });
});

describe('keyboard moves', () => {
  const due = '2027-03-26T17:00:00Z'; // Friday 18:00 in Paris
  it('moves by day and week in month view, across the spring change', () => {
    expect(keyMove(due, 'Europe/Paris', 'month', 'ArrowRight')).toBe('2027-03-27T17:00:00Z');
    expect(keyMove(due, 'Europe/Paris', 'month', 'ArrowDown')).toBe('2027-04-02T16:00:00Z');
    expect(keyMove(due, 'Europe/Paris', 'month', 'ArrowUp')).toBe('2027-03-19T17:00:00Z');
  });
  it('moves by slot in week view and stays in the day', () => {
    expect(keyMove(due, 'Europe/Paris', 'week', 'ArrowDown')).toBe('2027-03-26T17:15:00Z');
    expect(keyMove(due, 'Europe/Paris', 'week', 'ArrowUp')).toBe('2027-03-26T16:45:00Z');
    expect(keyMove('2027-03-26T22:45:00Z', 'Europe/Paris', 'week', 'ArrowDown')).toBe('2027-03-26T22:45:00Z');
    expect(keyMove(due, 'Europe/Paris', 'week', 'Tab')).toBe(due);
  });
});

describe('list view', () => {
  it('renders only the rows in view plus overscan', () => {
    expect(visibleRange(0, 400, 40, 1000, 2)).toEqual({ start: 0, end: 12 });
    expect(visibleRange(4000, 400, 40, 1000, 2)).toEqual({ start: 98, end: 112 });
    expect(visibleRange(39990, 400, 40, 1000, 2)).toEqual({ start: 997, end: 1000 });
    expect(visibleRange(0, 400, 40, 0)).toEqual({ start: 0, end: 0 });
  });
  it('heads each day that has posts', () => {
    const a = entry('a', '2027-03-01T10:00:00Z');
    const rows = listRows(['2027-03-01', '2027-03-02'], (k) => (k === '2027-03-01' ? [a] : []));
    expect(rows).toEqual([{ kind: 'day', key: '2027-03-01', count: 1 }, { kind: 'post', entry: a }]);
  });
});
