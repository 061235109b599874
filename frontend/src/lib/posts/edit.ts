// Small pure steps of editing a post: inserting at the cursor, offering the
// brand's hashtags and signature, adding and removing target accounts,
// applying a one-click fix, and the undo/redo keys.
import type { AssetRef, Fix, Post, PostAccount, Variant } from './model';

export type Inserted = { value: string; caret: number };

/**
 * insertAt puts `text` between start and end of value, with a space on
 * either side where it would otherwise stick to a word (a hashtag group
 * typed in the middle of a sentence).
 */
export function insertAt(value: string, start: number, end: number, text: string): Inserted {
  start = Math.max(0, Math.min(start, value.length));
  end = Math.max(start, Math.min(end, value.length));
  const before = value.slice(0, start);
  const after = value.slice(end);
  const lead = before !== '' && !/\s$/u.test(before) && !/^\s/u.test(text) ? ' ' : '';
  const trail = after !== '' && !/^\s/u.test(after) && !/\s$/u.test(text) ? ' ' : '';
  const piece = lead + text + trail;
  return { value: before + piece + after, caret: before.length + lead.length + text.length };
}

/**
 * appendBlock adds a block (the signature, the brand hashtags) at the end,
 * on its own line after a blank line, unless the text already ends with it.
 */
export function appendBlock(value: string, block: string): Inserted {
  block = block.trim();
  if (!block) return { value, caret: value.length };
  const trimmed = value.replace(/\s+$/u, '');
  if (trimmed.endsWith(block)) return { value, caret: value.length };
  const out = trimmed === '' ? block : trimmed + '\n\n' + block;
  return { value: out, caret: out.length };
}

/** hashtagLine writes tags as "#a #b", each with one leading "#". */
export function hashtagLine(tags: string[]): string {
  return tags
    .map((t) => t.trim().replace(/^[#＃]+/u, ''))
    .filter(Boolean)
    .map((t) => '#' + t)
    .join(' ');
}

/**
 * setTargets gives the post one variant per chosen account, in the
 * accounts' order: kept variants keep everything, new ones start from the
 * master text with the visuals the post already uses.
 */
export function setTargets(p: Post, accountIds: string[], accounts: PostAccount[]): Variant[] {
  const byAccount = new Map(p.variants.map((v) => [v.accountId, v]));
  const shared: AssetRef[] = p.variants[0]?.assets.map((a) => ({ ...a })) ?? [];
  const order = accounts.map((a) => a.id).filter((id) => accountIds.includes(id));
  // Accounts no longer listed (disconnected) stay until removed by hand.
  for (const id of accountIds) if (!order.includes(id)) order.push(id);
  return order.map(
    (id) =>
      byAccount.get(id) ?? {
        id: '',
        accountId: id,
        network: accounts.find((a) => a.id === id)?.network ?? '',
        ownText: false,
        text: '',
        assets: shared.map((a) => ({ assetId: a.assetId, presetId: '', alt: a.alt })),
        firstComment: '',
        title: '',
        link: '',
        board: '',
        handOff: false,
        problems: [],
      },
  );
}

/** applyFix uses the fix's rendition for the asset in that variant. */
export function applyFix(v: Variant, fix: Fix): Variant {
  if (fix.kind !== 'rendition') return v;
  return {
    ...v,
    assets: v.assets.map((a) => (a.assetId === fix.assetId ? { ...a, presetId: fix.presetId } : a)),
  };
}

/**
 * adoptSaved takes what Go assigned on save (version, stamps, new variant
 * ids) into the draft on screen. `sent` is what was saved: when Go stored
 * another status than the one sent (a scheduled post edited into having
 * problems is kept as approved), the draft takes it, unless the user has
 * changed the status since.
 */
export function adoptSaved(draft: Post, saved: Post, sent: Post = draft): Post {
  const ids = new Map(saved.variants.map((v) => [v.accountId, v.id]));
  return {
    ...draft,
    status: draft.status === sent.status ? saved.status : draft.status,
    version: saved.version,
    zone: saved.zone,
    createdAt: saved.createdAt,
    updatedAt: saved.updatedAt,
    variants: draft.variants.map((v) => (v.id ? v : { ...v, id: ids.get(v.accountId) ?? '' })),
  };
}

export type HistoryKey = 'undo' | 'redo' | null;

/** historyKey maps a keydown to undo (Ctrl/⌘+Z) or redo (Ctrl/⌘+Shift+Z, Ctrl+Y). */
export function historyKey(e: { key: string; code: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }, mac: boolean): HistoryKey {
  const primary = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey;
  if (!primary || e.altKey) return null;
  let key = e.key.length === 1 ? e.key.toLowerCase() : '';
  if (!/^[a-z]$/.test(key)) key = /^Key([A-Z])$/.exec(e.code)?.[1].toLowerCase() ?? '';
  if (key === 'z') return e.shiftKey ? 'redo' : 'undo';
  if (key === 'y' && !mac && !e.shiftKey) return 'redo';
  return null;
}
