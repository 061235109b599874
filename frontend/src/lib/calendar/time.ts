// Calendar time in a workspace's zone. Go stores every instant in UTC with
// the workspace's IANA zone beside it; the calendar works on civil days
// ("2027-03-28", a "day key") and wall-clock minutes in that zone, and
// turns them back into instants here. Pure: Intl only, no DOM.

/** A civil date as "YYYY-MM-DD". Keys sort as dates do. */
export type DayKey = string;

export interface WallParts {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
}

const partsCache = new Map<string, Intl.DateTimeFormat>();

function partsFormat(zone: string): Intl.DateTimeFormat {
  let f = partsCache.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      f = partsFormat('UTC');
    }
    partsCache.set(zone, f);
  }
  return f;
}

function slowWallParts(at: Date, zone: string): WallParts {
  const out: Record<string, number> = {};
  for (const p of partsFormat(zone).formatToParts(at)) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return { year: out.year, month: out.month, day: out.day, hour: out.hour % 24, minute: out.minute };
}

function slowOffset(ms: number, zone: string): number {
  const w = slowWallParts(new Date(ms), zone);
  return Math.round((Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - Math.floor(ms / 60_000) * 60_000) / 60_000);
}

// Intl's formatToParts is slow (tens of microseconds), and a month holds a
// thousand posts. A zone's offset is the same all through almost every UTC
// day: remember it per zone and day when its first and last minutes agree,
// and ask Intl for each instant only on the days a zone changes its clocks.
const DAY = 86_400_000;
const offsets = new Map<string, number | null>();

function dayOffset(ms: number, zone: string): number | null {
  const day = Math.floor(ms / DAY);
  const k = `${zone}|${day}`;
  let v = offsets.get(k);
  if (v === undefined) {
    const a = slowOffset(day * DAY, zone);
    const b = slowOffset((day + 1) * DAY - 60_000, zone);
    v = a === b ? a : null;
    if (offsets.size > 50_000) offsets.clear();
    offsets.set(k, v);
  }
  return v;
}

/** wallParts is the wall-clock date and time of `at` in `zone`. */
export function wallParts(at: Date, zone: string): WallParts {
  const ms = at.getTime();
  const off = Number.isFinite(ms) ? dayOffset(ms, zone) : null;
  if (off === null) return slowWallParts(at, zone);
  const d = new Date(Math.floor(ms / 60_000) * 60_000 + off * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  };
}

/** offsetMinutes is how far `zone`'s wall clock is ahead of UTC at `at`. */
export function offsetMinutes(at: Date, zone: string): number {
  const w = wallParts(at, zone);
  const asUTC = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  return Math.round((asUTC - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** keyOf builds a day key from its parts. */
export function keyOf(year: number, month: number, day: number): DayKey {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** parseKey splits a day key; it throws on anything else. */
export function parseKey(key: DayKey): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key);
  if (!m) throw new Error(`not a day key: ${key}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

const keysByDay = new Map<number, DayKey>();

/** dayKey is the civil day of `at` in `zone`. */
export function dayKey(at: Date, zone: string): DayKey {
  // A month's thousand posts fall on some thirty days: on a day whose
  // offset is known, go from the instant to its day number and remember
  // each day's key, instead of taking the instant apart for every post.
  const ms = at.getTime();
  const off = Number.isFinite(ms) ? dayOffset(ms, zone) : null;
  if (off === null) {
    const w = wallParts(at, zone);
    return keyOf(w.year, w.month, w.day);
  }
  const n = Math.floor((Math.floor(ms / 60_000) + off) / 1440);
  let k = keysByDay.get(n);
  if (k === undefined) {
    const d = new Date(n * DAY);
    k = keyOf(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
    if (keysByDay.size > 50_000) keysByDay.clear();
    keysByDay.set(n, k);
  }
  return k;
}

/** minuteOfDay is the wall-clock time of `at` in `zone`, in minutes after midnight. */
export function minuteOfDay(at: Date, zone: string): number {
  const w = wallParts(at, zone);
  return w.hour * 60 + w.minute;
}

/** addDays moves a day key by n civil days. */
export function addDays(key: DayKey, n: number): DayKey {
  const { year, month, day } = parseKey(key);
  const d = new Date(Date.UTC(year, month - 1, day + n));
  return keyOf(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** daysBetween is the number of civil days from a to b. */
export function daysBetween(a: DayKey, b: DayKey): number {
  const pa = parseKey(a);
  const pb = parseKey(b);
  return Math.round((Date.UTC(pb.year, pb.month - 1, pb.day) - Date.UTC(pa.year, pa.month - 1, pa.day)) / 86_400_000);
}

/** weekday of a day key: 0 = Sunday … 6 = Saturday. */
export function weekday(key: DayKey): number {
  const { year, month, day } = parseKey(key);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** noonUTC is a Date on that civil day, for formatting it with timeZone 'UTC'. */
export function noonUTC(key: DayKey): Date {
  const { year, month, day } = parseKey(key);
  return new Date(Date.UTC(year, month - 1, day, 12));
}

/**
 * zonedInstant is the instant when `zone`'s wall clock shows `key` at
 * `minutes` after midnight. A time skipped by a daylight-saving jump
 * (02:30 on the spring-forward night) moves forward by the jump, as
 * clocks do; a time that happens twice takes the first.
 */
export function zonedInstant(key: DayKey, minutes: number, zone: string): Date {
  const { year, month, day } = parseKey(key);
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  // Two rounds of "subtract the offset at the guess" settle on the answer
  // everywhere except inside a gap.
  let guess = wall - offsetMinutes(new Date(wall), zone) * 60_000;
  const o2 = offsetMinutes(new Date(guess), zone);
  guess = wall - o2 * 60_000;
  const back = wallParts(new Date(guess), zone);
  const shown = Date.UTC(back.year, back.month - 1, back.day, back.hour, back.minute);
  if (shown !== wall) {
    // In a gap: use the offset from before the jump, which lands after it.
    const before = offsetMinutes(new Date(guess - 6 * 3_600_000), zone);
    guess = wall - before * 60_000;
  } else {
    // An ambiguous hour: prefer the earlier instant when it shows the same wall time.
    const earlier = guess - 3_600_000;
    const e = wallParts(new Date(earlier), zone);
    if (Date.UTC(e.year, e.month - 1, e.day, e.hour, e.minute) === wall) guess = earlier;
  }
  return new Date(guess);
}

/** toISO is an instant as Go's RFC 3339 UTC string, without milliseconds. */
export function toISO(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** moveToDay keeps `due`'s wall-clock time in `zone` and puts it on `key`. */
export function moveToDay(due: string, zone: string, key: DayKey): string {
  return toISO(zonedInstant(key, minuteOfDay(new Date(due), zone), zone));
}

/** snap rounds minutes to the nearest step and keeps them inside one day. */
export function snap(minutes: number, step = 15): number {
  const s = Math.round(minutes / step) * step;
  return Math.min(Math.max(s, 0), 24 * 60 - step);
}

/**
 * firstDayOfWeek is the day a locale's weeks start on (0 = Sunday, 1 =
 * Monday), from Intl.Locale's week info where the engine has it, else
 * from the region (Monday for French and most of the world).
 */
export function firstDayOfWeek(locale: string): number {
  try {
    const l = new Intl.Locale(locale) as Intl.Locale & {
      getWeekInfo?: () => { firstDay: number };
      weekInfo?: { firstDay: number };
    };
    const info = l.getWeekInfo?.() ?? l.weekInfo;
    if (info && typeof info.firstDay === 'number') return info.firstDay % 7;
    const region = (l.maximize().region ?? '').toUpperCase();
    return SUNDAY_FIRST.has(region) ? 0 : 1;
  } catch {
    return 1;
  }
}

// Regions whose weeks start on Sunday (CLDR), for engines without weekInfo.
const SUNDAY_FIRST = new Set([
  'AG', 'AS', 'BR', 'BS', 'BT', 'BW', 'BZ', 'CA', 'CO', 'DM', 'DO', 'ET', 'GT', 'GU', 'HK', 'HN', 'ID',
  'IL', 'IN', 'JM', 'JP', 'KE', 'KH', 'KR', 'LA', 'MH', 'MM', 'MO', 'MT', 'MX', 'MZ', 'NI', 'NP', 'PA',
  'PE', 'PH', 'PK', 'PR', 'PT', 'PY', 'SA', 'SG', 'SV', 'TH', 'TT', 'TW', 'UM', 'US', 'VE', 'VI', 'WS',
  'YE', 'ZA', 'ZW',
]);

/** weekStartOf is the first day of the week holding `key`. */
export function weekStartOf(key: DayKey, firstDay: number): DayKey {
  return addDays(key, -((weekday(key) - firstDay + 7) % 7));
}

/** weekDays are the seven day keys of the week holding `key`. */
export function weekDays(key: DayKey, firstDay: number): DayKey[] {
  const start = weekStartOf(key, firstDay);
  return Array.from({ length: 7 }, (_, i) => addDays(start, i));
}

/**
 * monthGrid is the month holding `key` as whole weeks (5 or 6 rows of 7
 * day keys), starting on `firstDay`.
 */
export function monthGrid(key: DayKey, firstDay: number): DayKey[][] {
  const { year, month } = parseKey(key);
  const first = keyOf(year, month, 1);
  const next = month === 12 ? keyOf(year + 1, 1, 1) : keyOf(year, month + 1, 1);
  let d = weekStartOf(first, firstDay);
  const weeks: DayKey[][] = [];
  while (d < next) {
    weeks.push(Array.from({ length: 7 }, (_, i) => addDays(d, i)));
    d = addDays(d, 7);
  }
  return weeks;
}

/** addMonths moves to the first day of the month n months away. */
export function addMonths(key: DayKey, n: number): DayKey {
  const { year, month } = parseKey(key);
  const m = year * 12 + (month - 1) + n;
  return keyOf(Math.floor(m / 12), (m % 12) + 1, 1);
}

/**
 * rangeOf is the UTC interval [from, to) to ask Go for so that every
 * day in [firstKey, lastKey] is covered in any zone (a day's padding on
 * each side: zones span UTC−12 to UTC+14).
 */
export function rangeOf(firstKey: DayKey, lastKey: DayKey): { from: string; to: string } {
  const a = parseKey(addDays(firstKey, -1));
  const b = parseKey(addDays(lastKey, 2));
  return {
    from: toISO(new Date(Date.UTC(a.year, a.month - 1, a.day))),
    to: toISO(new Date(Date.UTC(b.year, b.month - 1, b.day))),
  };
}

/** hhmm writes minutes after midnight as "HH:MM". */
export function hhmm(minutes: number): string {
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** parseHHMM reads "HH:MM" (00:00–23:59) into minutes, or -1. */
export function parseHHMM(s: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : -1;
}
