// What the calendar shows, and its conversion from what Go sends (nil
// slices arrive as null, times as RFC 3339 UTC strings, '' when none).
// Pure: no Wails, no DOM.

export const STATUSES = ['idea', 'draft', 'review', 'approved', 'scheduled', 'published', 'failed'] as const;
export type Status = (typeof STATUSES)[number] | (string & {});

/** One post as the calendar shows it (Go: app.Entry). */
export interface Entry {
  id: string;
  workspaceId: string;
  status: Status;
  excerpt: string;
  /** RFC 3339 UTC, '' when unscheduled. */
  due: string;
  /** The workspace's IANA zone the post is planned in. */
  zone: string;
  networks: string[];
  accountIds: string[];
  pillar: string;
  campaignId: string;
  labels: string[];
  /** '' or an image URL. */
  thumb: string;
  /** How many validation problems its variants have. */
  problems: number;
}

/** A posting slot: an account posts on that weekday at that wall-clock time. */
export interface Slot {
  accountId: string;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** "HH:MM" in the workspace's zone. */
  time: string;
}

export interface Campaign {
  id: string;
  name: string;
  color: string;
}

/** An account as the calendar's filters and slots name it. */
export interface CalAccount {
  id: string;
  workspaceId: string;
  network: string;
  handle: string;
  displayName: string;
}

export interface ImportError {
  column: string;
  code: string;
  info: Record<string, unknown>;
}

export interface ImportRow {
  line: number;
  due: string;
  accounts: string[];
  /** The same accounts as people read them, "network:@handle". */
  accountNames: string[];
  text: string;
  errors: ImportError[];
}

export interface ImportPreview {
  token: string;
  rows: ImportRow[];
  ok: boolean;
}

type Raw = Record<string, unknown> | null | undefined;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const rec = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
const list = <T>(v: unknown, f: (r: Raw) => T): T[] => (Array.isArray(v) ? v.map((x) => f(x as Raw)) : []);

/** A Go zero time ("0001-01-01T00:00:00Z") means none. */
function instant(v: unknown): string {
  const s = str(v);
  return !s || s.startsWith('0001-01-01') ? '' : s;
}

export function toEntry(r: Raw): Entry {
  const e = rec(r);
  return {
    id: str(e.id),
    workspaceId: str(e.workspaceId),
    status: str(e.status) || 'draft',
    excerpt: str(e.excerpt),
    due: instant(e.due),
    zone: str(e.zone) || 'UTC',
    networks: strs(e.networks),
    accountIds: strs(e.accountIds),
    pillar: str(e.pillar),
    campaignId: str(e.campaignId),
    labels: strs(e.labels),
    thumb: str(e.thumb),
    problems: num(e.problems),
  };
}

export const toEntries = (v: unknown): Entry[] => list(v, toEntry);

export function toSlot(r: Raw): Slot {
  const s = rec(r);
  return { accountId: str(s.accountId), weekday: num(s.weekday), time: str(s.time) };
}

export function toCampaign(r: Raw): Campaign {
  const c = rec(r);
  return { id: str(c.id), name: str(c.name) || str(c.id), color: str(c.color) };
}

export function toCalAccount(r: Raw): CalAccount {
  const a = rec(r);
  return {
    id: str(a.id),
    workspaceId: str(a.workspaceId),
    network: str(a.network),
    handle: str(a.handle),
    displayName: str(a.displayName),
  };
}

/** toLabels accepts a list of names or of {name} objects. */
export function toLabels(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return v
    .map((x) => (typeof x === 'string' ? x : str(rec(x).name)))
    .filter((x) => x !== '');
}

export function toImportPreview(r: Raw): ImportPreview {
  const p = rec(r);
  return {
    token: str(p.token),
    ok: p.ok === true,
    rows: list(p.rows, (x) => {
      const row = rec(x);
      return {
        line: num(row.line),
        due: instant(row.due),
        accounts: strs(row.accounts),
        accountNames: strs(row.accountNames),
        text: str(row.text),
        errors: list(row.errors, (y) => {
          const e = rec(y);
          return { column: str(e.column), code: str(e.code), info: rec(e.info) };
        }),
      };
    }),
  };
}

/** sameEntry tells whether two versions of an entry look the same on the calendar. */
export function sameEntry(a: Entry, b: Entry): boolean {
  return (
    a.id === b.id &&
    a.due === b.due &&
    a.status === b.status &&
    a.excerpt === b.excerpt &&
    a.zone === b.zone &&
    a.pillar === b.pillar &&
    a.campaignId === b.campaignId &&
    a.thumb === b.thumb &&
    a.problems === b.problems &&
    a.networks.join() === b.networks.join() &&
    a.accountIds.join() === b.accountIds.join() &&
    a.labels.join() === b.labels.join()
  );
}
