// A campaign as its dialog edits it, and as the Campaigns tab shows it.
// Go keeps a campaign's first and last days as instants (the midnight that
// starts each day in the client's zone); the dialog edits civil days
// ("2027-03-01"), so a campaign reads the same from any machine. Pure, so
// it is unit tested.
import { dayKey, toISO, zonedInstant, type DayKey } from '../calendar/time';
import { AppError } from '../errors';
import { nextColour } from '../form';
import { intlLocale } from '../format';
import { emptyBrief, type Brief, type Campaign } from './model';

/** What the dialog edits: days as "YYYY-MM-DD" ('' = none). */
export interface CampaignDraft {
  id: string;
  workspaceId: string;
  name: string;
  color: string;
  start: DayKey | '';
  end: DayKey | '';
  brief: Brief | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** dayOf is the civil day an instant starts in `zone`, '' for none or nonsense. */
export function dayOf(iso: string, zone: string): DayKey | '' {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  try {
    return dayKey(d, zone);
  } catch {
    return dayKey(d, 'UTC');
  }
}

/** instantOf is the instant `zone`'s day `day` starts, as Go reads it ('' for none). */
export function instantOf(day: string, zone: string): string {
  if (!DAY.test(day)) return '';
  try {
    return toISO(zonedInstant(day, 0, zone));
  } catch {
    return toISO(zonedInstant(day, 0, 'UTC'));
  }
}

/**
 * draftOf starts the dialog: a copy of c, or an empty campaign with the
 * first palette colour the client's other campaigns do not use.
 */
export function draftOf(c: Campaign | null, workspaceId: string, zone: string, others: Campaign[] = []): CampaignDraft {
  if (!c) {
    return { id: '', workspaceId, name: '', color: nextColour(others.map((o) => o.color)), start: '', end: '', brief: null };
  }
  return {
    id: c.id,
    workspaceId: c.workspaceId || workspaceId,
    name: c.name,
    color: c.color,
    start: dayOf(c.start, zone),
    end: dayOf(c.end, zone),
    brief: c.brief ? { ...c.brief } : null,
  };
}

/** briefIsEmpty tells whether a brief says nothing (Go stores none then). */
export function briefIsEmpty(b: Brief | null): boolean {
  return !b || Object.values(b).every((v) => !String(v).trim());
}

/** campaignOf is the draft as Go saves it: days as instants in `zone`, an empty brief as none. */
export function campaignOf(d: CampaignDraft, zone: string): Campaign {
  return {
    id: d.id,
    workspaceId: d.workspaceId,
    name: d.name.trim(),
    color: d.color.trim(),
    start: instantOf(d.start, zone),
    end: instantOf(d.end, zone),
    brief: briefIsEmpty(d.brief) ? null : { ...emptyBrief(), ...d.brief },
    posts: 0,
  };
}

/**
 * checkDraft finds what Go would refuse before asking it, as the same
 * error (code and field) Go sends, so the sentence is the same: a missing
 * name, a date that is not a day, an end before the start.
 */
export function checkDraft(d: CampaignDraft): AppError | null {
  if (!d.name.trim()) return new AppError('post.nameEmpty', 'name');
  for (const f of ['start', 'end'] as const) {
    if (d[f] && !DAY.test(d[f])) return new AppError('post.badTime', f, { value: d[f] });
  }
  // Day keys compare as text.
  if (d.start && d.end && d.end < d.start) return new AppError('post.campaignDates', 'end');
  return null;
}

/** A campaign's dates: the range itself, or campaigns.period.<key> with {date} for an open side or none. */
export type Period = { key: 'range' | 'from' | 'until' | 'none'; date: string };

/**
 * periodOf says a campaign's dates in the user's language, each day as
 * the client's zone sees it: "1–31 March 2027", "1 mars – 2 avril 2027",
 * or one open side ("from"/"until" a date), or none.
 */
export function periodOf(c: Pick<Campaign, 'start' | 'end'>, lang: string, zone: string): Period {
  const fmt = (() => {
    try {
      return new Intl.DateTimeFormat(intlLocale(lang), { dateStyle: 'long', timeZone: zone });
    } catch {
      return new Intl.DateTimeFormat(intlLocale(lang), { dateStyle: 'long', timeZone: 'UTC' });
    }
  })();
  const s = c.start ? new Date(c.start) : null;
  const e = c.end ? new Date(c.end) : null;
  const ok = (d: Date | null): d is Date => !!d && !Number.isNaN(d.getTime());
  if (ok(s) && ok(e)) {
    // formatRange shares what both ends have in common ("1–31 March 2027").
    if (e.getTime() < s.getTime()) return { key: 'range', date: `${fmt.format(s)} – ${fmt.format(e)}` };
    return { key: 'range', date: fmt.formatRange(s, e) };
  }
  if (ok(s)) return { key: 'from', date: fmt.format(s) };
  if (ok(e)) return { key: 'until', date: fmt.format(e) };
  return { key: 'none', date: '' };
}
