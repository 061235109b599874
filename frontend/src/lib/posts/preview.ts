// How each network shows a post, as data the preview draws: where its feed
// cuts the text ("… see more") and how it lays out several images. The
// figures are approximations of the networks' own apps (late 2026, the
// desktop web feed); the preview says so. Pure.
import { graphemeList } from './count';

/** Where a network's feed cuts a long text: at `chars` characters or after `lines` lines, whichever comes first. */
export type Cut = { chars: number; lines: number };

export const CUTS: Record<string, Cut | null> = {
  facebook: { chars: 477, lines: 5 },
  instagram: { chars: 125, lines: 2 },
  linkedin: { chars: 210, lines: 3 },
  linkedin_page: { chars: 210, lines: 3 },
  // X cuts at 280 (longer posts are for paid accounts, "Show more").
  x: { chars: 280, lines: 0 },
  tiktok: { chars: 100, lines: 2 },
  youtube: { chars: 150, lines: 3 },
  pinterest: { chars: 100, lines: 2 },
  google_business: { chars: 150, lines: 3 },
  // Bluesky, Mastodon and Threads show the whole text.
  bluesky: null,
  mastodon: null,
  threads: null,
};

export type Truncated = { shown: string; cut: boolean };

/**
 * truncate cuts text where `cut` says, back to the last space when one is
 * near (networks do not cut inside a word), never inside a grapheme (an
 * emoji stays whole). Trailing spaces and line breaks before the cut go.
 */
export function truncate(text: string, cut: Cut | null): Truncated {
  if (!cut) return { shown: text, cut: false };
  const g = graphemeList(text);
  let end = g.length;
  if (cut.chars > 0 && end > cut.chars) end = cut.chars;
  if (cut.lines > 0) {
    let lines = 1;
    for (let i = 0; i < end; i++) {
      if (g[i] === '\n' || g[i] === '\r\n') {
        if (lines === cut.lines) {
          end = i;
          break;
        }
        lines++;
      }
    }
  }
  if (end >= g.length) return { shown: text, cut: false };
  // Back to a word boundary when one is within 20 characters.
  let b = end;
  while (b > 0 && b > end - 20 && !/^\s$/u.test(g[b])) b--;
  if (b > 0 && /^\s$/u.test(g[b])) end = b;
  let shown = g.slice(0, end).join('');
  shown = shown.replace(/\s+$/u, '');
  return { shown, cut: true };
}

/** One cell of an image grid (1-based grid lines, as CSS grid uses). */
export type Cell = { col: number; row: number; colSpan: number; rowSpan: number };

export type Layout =
  | { kind: 'none' }
  /** Images in a grid of `columns` × `rows` inside a frame of `aspect` (width / height). */
  | { kind: 'grid'; columns: number; rows: number; aspect: number; cells: Cell[]; more: number }
  /** One image at a time with dots (Instagram, TikTok, Pinterest), inside a frame of `aspect`. */
  | { kind: 'carousel'; aspect: number; count: number }
  /** Images side by side in a row that scrolls (Threads). */
  | { kind: 'row'; count: number };

const cell = (col: number, row: number, colSpan = 1, rowSpan = 1): Cell => ({ col, row, colSpan, rowSpan });
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * layout says how a network lays out n images; `first` is the first
 * image's aspect ratio (width / height), 0 when unknown.
 */
export function layout(network: string, n: number, first = 0): Layout {
  if (n <= 0) return { kind: 'none' };
  const own = first > 0 ? first : 1;
  switch (network) {
    case 'instagram':
      // The first image sets the carousel's frame: 4:5 to 1.91:1.
      return { kind: 'carousel', aspect: clamp(own, 0.8, 1.91), count: n };
    case 'tiktok':
      return { kind: 'carousel', aspect: 9 / 16, count: n };
    case 'pinterest':
      return { kind: 'carousel', aspect: clamp(own, 0.5, 2), count: n };
    case 'youtube':
      return { kind: 'carousel', aspect: 16 / 9, count: 1 };
    case 'google_business':
      return { kind: 'carousel', aspect: 4 / 3, count: 1 };
    case 'threads':
      return n === 1 ? single(own) : { kind: 'row', count: n };
    case 'facebook':
    case 'linkedin':
    case 'linkedin_page':
      return topHeavy(network, n, own);
    default:
      // X, Bluesky, Mastodon: 1 full, 2 side by side, 3 one tall and two
      // stacked, 4 a 2×2 grid (4 at most).
      return compact(n, own);
  }
}

function single(aspect: number): Layout {
  return { kind: 'grid', columns: 1, rows: 1, aspect: clamp(aspect, 0.75, 2), cells: [cell(1, 1)], more: 0 };
}

function compact(n: number, first: number): Layout {
  switch (n) {
    case 1:
      return single(first);
    case 2:
      return { kind: 'grid', columns: 2, rows: 1, aspect: 16 / 9, cells: [cell(1, 1), cell(2, 1)], more: 0 };
    case 3:
      return { kind: 'grid', columns: 2, rows: 2, aspect: 16 / 9, cells: [cell(1, 1, 1, 2), cell(2, 1), cell(2, 2)], more: 0 };
    default:
      // More than 4 is refused by these networks (a problem says so); the
      // last cell shows how many would not fit.
      return { kind: 'grid', columns: 2, rows: 2, aspect: 16 / 9, cells: [cell(1, 1), cell(2, 1), cell(1, 2), cell(2, 2)], more: n - 4 };
  }
}

/**
 * topHeavy is Facebook's and LinkedIn's layout: one big image on top and
 * the next ones in a row below; past what fits, the last cell shows "+N".
 */
function topHeavy(network: string, n: number, first: number): Layout {
  if (n === 1) return single(first);
  if (n === 2) return { kind: 'grid', columns: 2, rows: 1, aspect: 2, cells: [cell(1, 1), cell(2, 1)], more: 0 };
  if (n === 3) return { kind: 'grid', columns: 2, rows: 2, aspect: 1, cells: [cell(1, 1, 2), cell(1, 2), cell(2, 2)], more: 0 };
  if (network === 'facebook' && n >= 5) {
    // Two on top, three below.
    return {
      kind: 'grid',
      columns: 6,
      rows: 2,
      aspect: 1,
      cells: [cell(1, 1, 3), cell(4, 1, 3), cell(1, 2, 2), cell(3, 2, 2), cell(5, 2, 2)],
      more: n - 5,
    };
  }
  return {
    kind: 'grid',
    columns: 3,
    rows: 2,
    aspect: 1,
    cells: [cell(1, 1, 3), cell(1, 2), cell(2, 2), cell(3, 2)],
    more: n - 4,
  };
}

/** linkDomain is the host of the first link in text, for a link card; "" when none. */
export function linkDomain(text: string): string {
  const m = /\bhttps?:\/\/([^\s/?#<>"]+)/i.exec(text);
  if (!m) return '';
  return m[1].replace(/^www\./i, '').replace(/[.,;:!?)»]+$/u, '').toLowerCase();
}
