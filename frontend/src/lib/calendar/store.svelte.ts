// The calendar's posts, grouped by day so that a change re-renders only the
// days it touches: byDay is a SvelteMap (reads are tracked per key) whose
// lists are replaced only when their content changed, and an entry that
// looks the same after a reload keeps its object (keyed each blocks then
// leave its DOM alone).
import { untrack } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import { type Filters, groupByDay, matches, noFilters, sameList } from './layout';
import { type Entry, sameEntry } from './model';
import type { DayKey } from './time';

export class CalendarStore {
  /** Scheduled posts of the loaded range, by id. */
  private all = new Map<string, Entry>();
  /** Visible (filtered) posts per day, in time order. */
  readonly byDay = new SvelteMap<DayKey, Entry[]>();
  /** Unscheduled ideas and drafts. */
  tray = $state.raw<Entry[]>([]);
  filters = $state<Filters>(noFilters());
  /** Bumped on every change, for summaries over the whole period. */
  version = $state(0);

  /** get returns a post of the range or of the tray. */
  get(id: string): Entry | undefined {
    return this.all.get(id) ?? this.tray.find((e) => e.id === id);
  }

  /** entries are the loaded scheduled posts (unfiltered). */
  entries(): Entry[] {
    return [...this.all.values()];
  }

  /** setAll replaces the loaded posts, keeping the objects of unchanged ones. */
  setAll(list: Entry[]): void {
    const next = new Map<string, Entry>();
    for (const e of list) {
      if (!e.due) continue;
      const old = this.all.get(e.id);
      next.set(e.id, old && sameEntry(old, e) ? old : e);
    }
    this.all = next;
    this.regroup();
  }

  setTray(list: Entry[]): void {
    const old = new Map(this.tray.map((e) => [e.id, e]));
    this.tray = list
      .filter((e) => !e.due)
      .map((e) => {
        const o = old.get(e.id);
        return o && sameEntry(o, e) ? o : e;
      });
  }

  /** upsert puts one post where it belongs now (calendar or tray). */
  upsert(e: Entry): void {
    if (e.due) {
      this.all.set(e.id, e);
      if (this.tray.some((x) => x.id === e.id)) this.tray = this.tray.filter((x) => x.id !== e.id);
    } else {
      this.all.delete(e.id);
      this.tray = [...this.tray.filter((x) => x.id !== e.id), e];
    }
    this.regroup();
  }

  remove(id: string): void {
    this.all.delete(id);
    this.tray = this.tray.filter((x) => x.id !== id);
    this.regroup();
  }

  setFilters(f: Filters): void {
    this.filters = f;
    this.regroup();
  }

  /** regroup recomputes the day lists and replaces only those that changed. */
  regroup(): void {
    untrack(() => this.regroupNow());
  }

  private regroupNow(): void {
    const f = $state.snapshot(this.filters) as Filters;
    const groups = groupByDay([...this.all.values()].filter((e) => matches(e, f)));
    for (const k of [...this.byDay.keys()]) if (!groups.has(k)) this.byDay.delete(k);
    for (const [k, l] of groups) {
      if (!sameList(this.byDay.get(k), l)) this.byDay.set(k, l);
    }
    this.version++;
  }
}
