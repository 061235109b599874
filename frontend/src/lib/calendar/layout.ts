// The calendar's pure logic: which posts go on which day, filters, the
// pillar balance, week-view lanes, drop targets and keyboard moves, and
// the list view's visible window. No DOM, no Svelte: unit-tested.
import type { Entry } from './model';
import { type DayKey, addDays, dayKey, minuteOfDay, moveToDay, snap, toISO, zonedInstant } from './time';

// ---------- grouping

/** byTime orders entries by instant, then id (stable for equal times). */
export function byTime(a: Entry, b: Entry): number {
  return a.due < b.due ? -1 : a.due > b.due ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** entryDay is the civil day an entry falls on, in its own workspace's zone. */
export function entryDay(e: Entry): DayKey {
  return e.due ? dayKey(new Date(e.due), e.zone) : '';
}

/** groupByDay puts scheduled entries on their days, each day in time order. */
export function groupByDay(entries: Iterable<Entry>): Map<DayKey, Entry[]> {
  const out = new Map<DayKey, Entry[]>();
  for (const e of entries) {
    if (!e.due) continue;
    const k = entryDay(e);
    let l = out.get(k);
    if (!l) out.set(k, (l = []));
    l.push(e);
  }
  for (const l of out.values()) l.sort(byTime);
  return out;
}

/** sameIds tells whether two day lists hold the same entry objects in the same order. */
export function sameList(a: readonly Entry[] | undefined, b: readonly Entry[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

// ---------- filters

export interface Filters {
  accounts: string[];
  pillars: string[];
  campaigns: string[];
  statuses: string[];
  labels: string[];
}

export const noFilters = (): Filters => ({ accounts: [], pillars: [], campaigns: [], statuses: [], labels: [] });

export function activeFilterCount(f: Filters): number {
  return f.accounts.length + f.pillars.length + f.campaigns.length + f.statuses.length + f.labels.length;
}

/**
 * matches tells whether an entry passes the filters: within one kind any
 * chosen value matches (or), across kinds all must (and). An empty kind
 * does not filter.
 */
export function matches(e: Entry, f: Filters): boolean {
  if (f.accounts.length && !e.accountIds.some((a) => f.accounts.includes(a))) return false;
  if (f.pillars.length && !f.pillars.includes(e.pillar)) return false;
  if (f.campaigns.length && !f.campaigns.includes(e.campaignId)) return false;
  if (f.statuses.length && !f.statuses.includes(e.status)) return false;
  if (f.labels.length && !e.labels.some((l) => f.labels.includes(l))) return false;
  return true;
}

// ---------- pillar balance

export interface PillarTarget {
  id: string;
  name: string;
  color: string;
  /** Target share in percent points (0–100). */
  target: number;
}

export interface PillarShare extends PillarTarget {
  count: number;
  /** Actual share in percent points of the posts counted. */
  share: number;
  /** share − target, in points. */
  delta: number;
}

/**
 * pillarBalance counts the entries of the visible period per pillar and
 * compares each pillar's share with its target. Posts without a pillar
 * (or with one no longer defined) count in `other`.
 */
export function pillarBalance(
  entries: Iterable<Entry>,
  pillars: PillarTarget[],
): { total: number; other: number; pillars: PillarShare[] } {
  const counts = new Map<string, number>();
  let total = 0;
  let other = 0;
  const known = new Set(pillars.map((p) => p.id));
  for (const e of entries) {
    total++;
    if (e.pillar && known.has(e.pillar)) counts.set(e.pillar, (counts.get(e.pillar) ?? 0) + 1);
    else other++;
  }
  return {
    total,
    other,
    pillars: pillars.map((p) => {
      const count = counts.get(p.id) ?? 0;
      const share = total ? (count / total) * 100 : 0;
      return { ...p, count, share, delta: share - p.target };
    }),
  };
}

// ---------- week view

/**
 * lanes places a day's entries side by side where they overlap: each
 * entry occupies `span` minutes from its start; the result gives each
 * entry its lane and the number of lanes of its cluster.
 */
export function lanes(
  entries: readonly Entry[],
  span: number,
): Map<string, { lane: number; of: number; minute: number }> {
  const out = new Map<string, { lane: number; of: number; minute: number }>();
  let cluster: { id: string; lane: number; minute: number }[] = [];
  let ends: number[] = [];
  let clusterEnd = -1;
  const flush = () => {
    const of = Math.max(1, ends.length);
    for (const c of cluster) out.set(c.id, { lane: c.lane, of, minute: c.minute });
    cluster = [];
    ends = [];
  };
  for (const e of entries) {
    const minute = minuteOfDay(new Date(e.due), e.zone);
    if (minute >= clusterEnd) flush();
    let lane = ends.findIndex((end) => end <= minute);
    if (lane < 0) {
      lane = ends.length;
      ends.push(0);
    }
    ends[lane] = minute + span;
    clusterEnd = Math.max(clusterEnd, minute + span);
    cluster.push({ id: e.id, lane, minute });
  }
  flush();
  return out;
}

// ---------- drop targets

export interface Box {
  key: DayKey;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** hitDay is the day whose box holds the point, or ''. */
export function hitDay(boxes: readonly Box[], x: number, y: number): DayKey {
  for (const b of boxes) {
    if (x >= b.left && x < b.right && y >= b.top && y < b.bottom) return b.key;
  }
  return '';
}

/**
 * minuteAt is the wall-clock minute under a point in a week-view column
 * spanning the whole day from `top` to `bottom`, snapped to `step`.
 */
export function minuteAt(top: number, bottom: number, y: number, step = 15): number {
  const h = bottom - top;
  if (h <= 0) return 0;
  return snap(((y - top) / h) * 24 * 60, step);
}

/**
 * dropDue is where an entry lands: on `key`, at `minute` when given (week
 * view), else at its own wall-clock time (month view) or `fallback`
 * minutes when it had none (from the unscheduled tray).
 */
export function dropDue(e: Entry, key: DayKey, minute: number | null, fallback = 9 * 60): string {
  if (minute !== null) return toISO(zonedInstant(key, minute, e.zone));
  if (e.due) return moveToDay(e.due, e.zone, key);
  return toISO(zonedInstant(key, fallback, e.zone));
}

export type Mode = 'month' | 'week' | 'list';

/**
 * keyMove is where an arrow key takes a picked-up entry: by a day (left
 * and right) or a week (up and down) in month view; by a day or a
 * `step`-minute slot in week view. `due` is the entry's candidate time.
 */
export function keyMove(due: string, zone: string, mode: Mode, key: string, step = 15): string {
  const at = new Date(due);
  const day = dayKey(at, zone);
  const minute = minuteOfDay(at, zone);
  const days = (n: number) => toISO(zonedInstant(addDays(day, n), minute, zone));
  switch (key) {
    case 'ArrowLeft':
      return days(-1);
    case 'ArrowRight':
      return days(1);
    case 'ArrowUp':
      if (mode === 'week') return toISO(zonedInstant(day, Math.max(0, snap(minute, step) - step), zone));
      return days(-7);
    case 'ArrowDown':
      if (mode === 'week') return toISO(zonedInstant(day, Math.min(24 * 60 - step, snap(minute, step) + step), zone));
      return days(7);
    default:
      return due;
  }
}

// ---------- list view

/**
 * visibleRange is the slice [start, end) of a list of fixed-height rows
 * to render for a scroll position, with `overscan` rows either side.
 */
export function visibleRange(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan = 6,
): { start: number; end: number } {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const last = Math.ceil((Math.max(0, scrollTop) + Math.max(0, viewport)) / rowHeight);
  return { start: Math.max(0, first - overscan), end: Math.min(count, last + overscan) };
}

export type ListRow = { kind: 'day'; key: DayKey; count: number } | { kind: 'post'; entry: Entry };

/** listRows flattens days into rows: a heading per day with posts, then its posts. */
export function listRows(days: readonly DayKey[], byDay: (k: DayKey) => readonly Entry[] | undefined): ListRow[] {
  const rows: ListRow[] = [];
  for (const key of days) {
    const l = byDay(key);
    if (!l || l.length === 0) continue;
    rows.push({ kind: 'day', key, count: l.length });
    for (const entry of l) rows.push({ kind: 'post', entry });
  }
  return rows;
}
