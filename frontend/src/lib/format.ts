// Dates, numbers and names through Intl, in the interface language. Every
// function takes the locale explicitly so it can be tested on its own.

const LOCALES: Record<string, string> = { fr: 'fr-FR', en: 'en-GB' };

/** intlLocale maps the interface language to the locale Intl formats in. */
export function intlLocale(lang: string): string {
  if (typeof navigator !== 'undefined') {
    // Keep the user's region when it speaks the interface language
    // (fr-CA, en-US…), so dates look the way they expect.
    const own = navigator.languages?.find((l) => l.toLowerCase().split('-')[0] === lang);
    if (own && own.includes('-')) return own;
  }
  return LOCALES[lang] ?? lang;
}

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function dtf(locale: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = 'd' + locale + JSON.stringify(opts);
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f = new Intl.DateTimeFormat(locale, opts);
    cache.set(key, f);
  }
  return f;
}

function nf(locale: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = 'n' + locale + JSON.stringify(opts);
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) {
    f = new Intl.NumberFormat(locale, opts);
    cache.set(key, f);
  }
  return f;
}

/** formatTime is the wall-clock time at `date` in `zone` ("14:05", "2:05 PM"). */
export function formatTime(date: Date, zone: string, lang: string): string {
  try {
    return dtf(intlLocale(lang), { hour: 'numeric', minute: '2-digit', timeZone: zone }).format(date);
  } catch {
    return dtf(intlLocale(lang), { hour: 'numeric', minute: '2-digit' }).format(date);
  }
}

/**
 * dayShift says whether the calendar day in `zone` is before (-1), the
 * same as (0) or after (1) the day in `here` at `date`.
 */
export function dayShift(date: Date, zone: string, here: string): number {
  const ymd = (tz: string) => {
    try {
      return dtf('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: tz }).format(date);
    } catch {
      return dtf('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
    }
  };
  const a = ymd(zone);
  const b = ymd(here);
  return a === b ? 0 : a < b ? -1 : 1;
}

/** formatWeekday is the short weekday at `date` in `zone` ("Tue", "mar."). */
export function formatWeekday(date: Date, zone: string, lang: string): string {
  return dtf(intlLocale(lang), { weekday: 'short', timeZone: zone }).format(date);
}

/** formatDate is a medium date, in `zone` when given ("12 Mar 2025"). */
export function formatDate(iso: string | Date, lang: string, zone?: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return '';
  return dtf(intlLocale(lang), { dateStyle: 'long', ...(zone ? { timeZone: zone } : {}) }).format(d);
}

/** formatDateTime is a date with a time, in the machine's zone by default. */
export function formatDateTime(iso: string | Date, lang: string, zone?: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return '';
  return dtf(intlLocale(lang), {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(zone ? { timeZone: zone } : {}),
  }).format(d);
}

/** zoneOffset is the zone's UTC offset at `date`, as "UTC+01:00". */
export function zoneOffset(zone: string, date = new Date()): string {
  try {
    const part = dtf('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(date)
      .find((p) => p.type === 'timeZoneName')?.value;
    if (!part || part === 'GMT') return 'UTC+00:00';
    return part.replace('GMT', 'UTC').replace('\u2212', '-');
  } catch {
    return '';
  }
}

/** zoneCity is a zone's readable place: "America/New_York" -> "New York". */
export function zoneCity(zone: string): string {
  const last = zone.split('/').pop() ?? zone;
  return last.replace(/_/g, ' ');
}

/** formatNumber formats an integer or decimal for the language. */
export function formatNumber(n: number, lang: string): string {
  return nf(intlLocale(lang), { maximumFractionDigits: 1 }).format(n);
}

/** formatPercent formats a share given in percent points (42 -> "42 %"). */
export function formatPercent(points: number, lang: string): string {
  return nf(intlLocale(lang), { style: 'percent', maximumFractionDigits: 0 }).format(points / 100);
}

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** formatBytes is a file size in the user's units ("1.5 MB", "1,5 Mo"). */
export function formatBytes(bytes: number, lang: string): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  let i = 0;
  let v = bytes;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return nf(intlLocale(lang), {
    style: 'unit',
    unit: UNITS[i],
    unitDisplay: 'short',
    maximumFractionDigits: i === 0 || v >= 100 ? 0 : 1,
  }).format(v);
}

const displayNames = new Map<string, Intl.DisplayNames>();

/** languageName names a BCP 47 language in the interface language. */
export function languageName(code: string, lang: string): string {
  const locale = intlLocale(lang);
  try {
    let dn = displayNames.get(locale);
    if (!dn) {
      dn = new Intl.DisplayNames([locale], { type: 'language' });
      displayNames.set(locale, dn);
    }
    const name = dn.of(code) ?? code;
    return name.charAt(0).toLocaleUpperCase(locale) + name.slice(1);
  } catch {
    return code;
  }
}

/** allZones lists the IANA zones the engine knows, UTC included. */
export function allZones(): string[] {
  const fn = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf;
  const list = fn ? fn('timeZone') : [];
  return list.includes('UTC') ? list : [...list, 'UTC'];
}

/** machineZone is the zone the webview runs in. */
export function machineZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** fold is the comparable form of a name: no accents, no case, single spaces. */
export function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .normalize('NFC')
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
}

/**
 * zoneMatches tells whether a zone matches a search: every word of the
 * query appears in the zone's name (accents, case and "_" ignored).
 */
export function zoneMatches(zone: string, query: string): boolean {
  const hay = fold(zone.replace(/[_/]/g, ' '));
  return fold(query.replace(/[_/]/g, ' '))
    .split(' ')
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

/**
 * zoneRank orders matching zones: the city starting with the query first,
 * then any part starting with it, then the rest (lower is better).
 */
export function zoneRank(zone: string, query: string): number {
  const q = fold(query.replace(/[_/]/g, ' '));
  if (!q) return 0;
  if (fold(zoneCity(zone)).startsWith(q)) return 0;
  const words = fold(zone.replace(/[_/]/g, ' ')).split(' ');
  return words.some((w) => w.startsWith(q.split(' ')[0])) ? 1 : 2;
}

/** initials is what an avatar shows without a logo: "Café Lumière" -> "CL". */
export function initials(name: string): string {
  // Words that start with a letter; "Lyon 7e" or "& Fils" do not make initials.
  const words = name.trim().split(/\s+/).filter((w) => /^\p{L}/u.test(w));
  if (words.length === 0) return Array.from(name.trim())[0]?.toLocaleUpperCase() ?? '?';
  const first = Array.from(words[0]);
  const second = words.length > 1 ? Array.from(words[1])[0] : (first[1] ?? '');
  return (first[0] + second).toLocaleUpperCase();
}

/**
 * readableOn returns the text colour (dark or light) that reads best on a
 * #rrggbb background, by WCAG relative luminance.
 */
export function readableOn(hex: string): '#111827' | '#ffffff' {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return '#ffffff';
  const n = parseInt(m[1], 16);
  const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  const lum = 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  // Contrast with white vs. with near-black (#111827, luminance ~0.012).
  return (1.05 / (lum + 0.05)) >= ((lum + 0.05) / 0.062) ? '#ffffff' : '#111827';
}
