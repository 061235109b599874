// Workspace settings form logic: copying, comparing (what is unsaved),
// chips input parsing and pillar totals. Pure, so it is unit tested.
import type { Pillar, WorkspaceSettings } from './model';

/** settingsOf copies a workspace's editable settings (deeply). */
export function settingsOf(w: WorkspaceSettings): WorkspaceSettings {
  return {
    name: w.name,
    color: w.color,
    timezone: w.timezone,
    language: w.language,
    brandKit: {
      colors: [...w.brandKit.colors],
      tone: w.brandKit.tone,
      hashtags: [...w.brandKit.hashtags],
      signature: w.brandKit.signature,
    },
    pillars: w.pillars.map((p) => ({ ...p })),
    charter: { text: w.charter.text, bannedWords: [...w.charter.bannedWords] },
  };
}

/** target reads a pillar's share as an integer (an emptied field is 0). */
export function target(p: Pick<Pillar, 'target'>): number {
  const n = Number(p.target);
  return Number.isFinite(n) ? Math.round(n) : 0;
}

/**
 * toSend is what goes to Go: the same settings with pillar shares as
 * integers (Go's int field rejects 12.5 or null before validating).
 */
export function toSend(s: WorkspaceSettings): WorkspaceSettings {
  const c = settingsOf(s);
  c.pillars = c.pillars.map((p) => ({ ...p, target: target(p) }));
  return c;
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * changedFields lists the fields that differ between the saved settings
 * and the draft, in form order, using Go's field names ("name",
 * "brandKit.hashtags", "pillars"…). An empty list means nothing to save.
 */
export function changedFields(saved: WorkspaceSettings, draft: WorkspaceSettings): string[] {
  const out: string[] = [];
  if (saved.name !== draft.name) out.push('name');
  if (saved.color.toLowerCase() !== draft.color.toLowerCase()) out.push('color');
  if (saved.timezone !== draft.timezone) out.push('timezone');
  if (saved.language !== draft.language) out.push('language');
  if (!sameList(saved.brandKit.colors.map(lc), draft.brandKit.colors.map(lc))) out.push('brandKit.colors');
  if (saved.brandKit.tone !== draft.brandKit.tone) out.push('brandKit.tone');
  if (!sameList(saved.brandKit.hashtags, draft.brandKit.hashtags)) out.push('brandKit.hashtags');
  if (saved.brandKit.signature !== draft.brandKit.signature) out.push('brandKit.signature');
  const pillarKey = (p: Pillar) => [p.id, p.name, p.color.toLowerCase(), target(p)].join('\u0000');
  if (!sameList(saved.pillars.map(pillarKey), draft.pillars.map(pillarKey))) out.push('pillars');
  if (saved.charter.text !== draft.charter.text) out.push('charter.text');
  if (!sameList(saved.charter.bannedWords, draft.charter.bannedWords)) out.push('charter.bannedWords');
  return out;
}

function lc(s: string): string {
  return s.toLowerCase();
}

/** isDirty tells whether the draft has anything to save. */
export function isDirty(saved: WorkspaceSettings, draft: WorkspaceSettings): boolean {
  return changedFields(saved, draft).length > 0;
}

/** pillarTotal adds the pillars' shares. */
export function pillarTotal(pillars: Pick<Pillar, 'target'>[]): number {
  return pillars.reduce((sum, p) => sum + target(p), 0);
}

export type ChipKind = 'hashtag' | 'phrase';

/**
 * splitChips turns typed or pasted text into entries. Hashtags split on
 * commas and spaces and get one leading "#"; phrases split on commas and
 * new lines only, since a banned phrase may hold spaces.
 */
export function splitChips(text: string, kind: ChipKind): string[] {
  const parts = kind === 'hashtag' ? text.split(/[\s,;]+/) : text.split(/[,;\n]+/);
  const out: string[] = [];
  for (let p of parts) {
    p = p.trim().replace(/\s+/g, ' ');
    if (kind === 'hashtag') {
      p = p.replace(/^[#＃]+/, '');
      if (p) p = '#' + p;
    }
    if (p) out.push(p);
  }
  return out;
}

/** addChips appends entries not already present (case-insensitively). */
export function addChips(list: string[], entries: string[]): string[] {
  const seen = new Set(list.map((v) => v.toLowerCase()));
  const out = [...list];
  for (const e of entries) {
    const k = e.toLowerCase();
    if (!seen.has(k)) {
      seen.add(k);
      out.push(e);
    }
  }
  return out;
}

const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** normHex returns "#rrggbb" for a valid hex colour, or null. */
export function normHex(s: string): string | null {
  const m = HEX.exec(s.trim());
  if (!m) return null;
  let h = m[1].toLowerCase();
  if (h.length === 3) h = h.replace(/./g, (c) => c + c);
  return '#' + h;
}

/** A palette new pillars and brand colours cycle through. */
export const PALETTE = ['#4f46e5', '#0891b2', '#16a34a', '#ca8a04', '#ea580c', '#db2777', '#7c3aed', '#64748b'];

/** nextColour picks the first palette colour not used yet. */
export function nextColour(used: string[]): string {
  const u = new Set(used.map(lc));
  return PALETTE.find((c) => !u.has(c)) ?? PALETTE[used.length % PALETTE.length];
}

/** newPillar is an empty pillar with a fresh colour; Go assigns the id. */
export function newPillar(existing: Pillar[]): Pillar {
  return { id: '', name: '', color: nextColour(existing.map((p) => p.color)), target: 0 };
}
