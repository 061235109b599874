// The calendar's dates through Intl, in the user's locale: month titles,
// weekday names, day headings and the "when" of announcements. Day keys
// are civil dates, formatted at noon UTC with timeZone 'UTC' so no zone can
// move them to the day before.
import { intlLocale } from '../format';
import { type DayKey, noonUTC, parseKey } from './time';

const cache = new Map<string, Intl.DateTimeFormat>();

function dtf(locale: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(opts);
  let f = cache.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(locale, opts);
    } catch {
      f = new Intl.DateTimeFormat(locale, { ...opts, timeZone: undefined });
    }
    cache.set(key, f);
  }
  return f;
}

const cap = (s: string, locale: string) => s.charAt(0).toLocaleUpperCase(locale) + s.slice(1);

/** monthTitle is "mars 2027" / "March 2027", capitalised. */
export function monthTitle(key: DayKey, lang: string): string {
  const l = intlLocale(lang);
  return cap(dtf(l, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(noonUTC(key)), l);
}

/** rangeTitle is a week's span: "22 – 28 mars 2027". */
export function rangeTitle(first: DayKey, last: DayKey, lang: string): string {
  const f = dtf(intlLocale(lang), { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  return f.formatRange(noonUTC(first), noonUTC(last));
}

/** weekdayShort is "lun." / "Mon" for a day key. */
export function weekdayShort(key: DayKey, lang: string): string {
  return dtf(intlLocale(lang), { weekday: 'short', timeZone: 'UTC' }).format(noonUTC(key));
}

/** weekdayName is a weekday's long name, 0 = Sunday. */
export function weekdayName(day: number, lang: string): string {
  // 2027-03-28 is a Sunday.
  const l = intlLocale(lang);
  return cap(dtf(l, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2027, 2, 28 + day, 12))), l);
}

const dayNumbers = new Map<string, string>();

/**
 * dayNumber is the day of the month as the locale writes it, remembered:
 * a month's 42 cells ask again each time their posts change.
 */
export function dayNumber(key: DayKey, lang: string): string {
  const k = `${lang}|${key}`;
  let s = dayNumbers.get(k);
  if (s === undefined) {
    s = dtf(intlLocale(lang), { day: 'numeric', timeZone: 'UTC' }).format(noonUTC(key));
    if (dayNumbers.size > 5000) dayNumbers.clear();
    dayNumbers.set(k, s);
  }
  return s;
}

/** dayLong is "mardi 30 mars" / "Tuesday 30 March". */
export function dayLong(key: DayKey, lang: string): string {
  const l = intlLocale(lang);
  const { year } = parseKey(key);
  const thisYear = new Date().getUTCFullYear();
  return dtf(l, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    ...(year !== thisYear ? { year: 'numeric' } : {}),
    timeZone: 'UTC',
  }).format(noonUTC(key));
}

/** when is an instant's day and time in a zone: "mardi 30 mars à 18:00". */
export function when(iso: string, zone: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return dtf(intlLocale(lang), {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: 'numeric',
    minute: '2-digit',
    timeZone: zone,
  }).format(d);
}

/** hourLabel is an hour of the day as the locale writes it ("14:00", "2 PM"). */
export function hourLabel(hour: number, lang: string): string {
  return dtf(intlLocale(lang), { hour: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(2027, 0, 1, hour)));
}

const times = new Map<string, string>();

/**
 * timeLabel is a wall-clock time (minutes after midnight) as the locale
 * writes it ("18:00", "6:00 PM"), remembered: a month shows the same few
 * times a thousand times.
 */
export function timeLabel(minute: number, lang: string): string {
  const k = `${lang}|${minute}`;
  let s = times.get(k);
  if (s === undefined) {
    s = dtf(intlLocale(lang), { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(
      new Date(Date.UTC(2027, 0, 1, 0, minute)),
    );
    times.set(k, s);
  }
  return s;
}
