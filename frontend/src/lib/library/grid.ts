// The arithmetic behind the library's virtualised grid: how many columns
// fit, which rows are on screen, where the arrow keys go and what a click
// selects. Pure functions, tested on their own (grid.test.ts).

export interface Layout {
  /** Columns that fit in the width. */
  cols: number;
  /** Width of one cell in CSS pixels. */
  cell: number;
  /** Height of one row (cell + caption), gap excluded. */
  rowHeight: number;
  gap: number;
}

/**
 * layoutFor fits square cells of at least `minCell` px (with `gap` between
 * them) in `width`, stretching them to use the whole width; `caption` px of
 * text sit under each picture.
 */
export function layoutFor(width: number, minCell: number, gap: number, caption: number): Layout {
  const w = Math.max(0, width);
  const cols = Math.max(1, Math.floor((w + gap) / (minCell + gap)));
  const cell = Math.max(1, Math.floor((w - gap * (cols - 1)) / cols));
  return { cols, cell, rowHeight: cell + caption, gap };
}

/** rowCount is the number of rows `count` items take. */
export function rowCount(count: number, cols: number): number {
  return count <= 0 ? 0 : Math.ceil(count / Math.max(1, cols));
}

/** totalHeight is the height of the whole grid, every row included. */
export function totalHeight(count: number, l: Layout): number {
  const rows = rowCount(count, l.cols);
  return rows === 0 ? 0 : rows * l.rowHeight + (rows - 1) * l.gap;
}

/** rowTop is where row `row` starts, from the top of the grid. */
export function rowTop(row: number, l: Layout): number {
  return row * (l.rowHeight + l.gap);
}

export interface Window {
  /** First item index to render. */
  start: number;
  /** One past the last item index to render. */
  end: number;
}

/**
 * visibleWindow returns the items to render when the part of the grid from
 * `top` to `top + height` (grid coordinates) is on screen, plus `overscan`
 * rows above and below so fast scrolling does not show holes.
 */
export function visibleWindow(count: number, l: Layout, top: number, height: number, overscan = 2): Window {
  if (count <= 0 || height <= 0) return { start: 0, end: 0 };
  const stride = l.rowHeight + l.gap;
  const rows = rowCount(count, l.cols);
  const first = Math.max(0, Math.floor(Math.max(0, top) / stride) - overscan);
  const last = Math.min(rows - 1, Math.floor(Math.max(0, top + height - 1) / stride) + overscan);
  if (last < first) return { start: 0, end: 0 };
  return { start: first * l.cols, end: Math.min(count, (last + 1) * l.cols) };
}

/**
 * scrollToShow returns the grid's new scroll offset so that item `index` is
 * fully visible in a viewport of `height` px currently at `top`, or `top`
 * when it already is.
 */
export function scrollToShow(index: number, l: Layout, top: number, height: number): number {
  const row = Math.floor(index / l.cols);
  const y0 = rowTop(row, l);
  const y1 = y0 + l.rowHeight;
  if (y0 < top) return y0;
  if (y1 > top + height) return Math.max(0, y1 - height);
  return top;
}

export type NavKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';

export function isNavKey(k: string): k is NavKey {
  return ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'].includes(k);
}

/**
 * moveIndex is where the cursor goes from `index` with `key` in a grid of
 * `count` items and `cols` columns, `pageRows` rows per screen. Left and
 * right wrap to the previous/next row; up and down stay in the column and
 * stop at the edges (down from the last full row goes to the last item).
 * Ctrl+Home/End go to the first/last item; Home/End to the row's ends.
 */
export function moveIndex(
  index: number,
  key: NavKey,
  count: number,
  cols: number,
  pageRows: number,
  ctrl = false,
): number {
  if (count <= 0) return -1;
  if (index < 0) return 0;
  const c = Math.max(1, cols);
  const last = count - 1;
  const clamp = (i: number) => Math.min(last, Math.max(0, i));
  const rowStart = index - (index % c);
  switch (key) {
    case 'ArrowLeft':
      return clamp(index - 1);
    case 'ArrowRight':
      return clamp(index + 1);
    case 'ArrowUp':
      return index - c >= 0 ? index - c : index;
    case 'ArrowDown':
      if (index + c <= last) return index + c;
      // A shorter last row: go to its last item, if it is below us.
      return rowCount(count, c) - 1 > Math.floor(index / c) ? last : index;
    case 'Home':
      return ctrl ? 0 : rowStart;
    case 'End':
      return ctrl ? last : Math.min(last, rowStart + c - 1);
    case 'PageUp': {
      const i = index - c * Math.max(1, pageRows);
      return i >= 0 ? i : index % c;
    }
    case 'PageDown': {
      const i = index + c * Math.max(1, pageRows);
      if (i <= last) return i;
      const lastRowStart = last - (last % c);
      return Math.min(last, lastRowStart + (index % c));
    }
  }
}

export interface Selection {
  /** Selected ids. */
  ids: Set<string>;
  /** Index the next Shift+click or Shift+arrow extends from. */
  anchor: number;
}

export const emptySelection = (): Selection => ({ ids: new Set(), anchor: -1 });

/**
 * select applies a click (or a key) on item `index` to a selection:
 * plain replaces it, `toggle` (Ctrl/⌘ or Space) adds or removes that item,
 * `range` (Shift) selects from the anchor to it (added to the rest when
 * `toggle` is held too). `idAt` gives the id at an index, or undefined when
 * that item is not loaded yet (it is then left out).
 */
export function select(
  sel: Selection,
  index: number,
  mode: { toggle?: boolean; range?: boolean },
  idAt: (i: number) => string | undefined,
): Selection {
  const id = idAt(index);
  if (id === undefined) return sel;
  if (mode.range && sel.anchor >= 0) {
    const ids = mode.toggle ? new Set(sel.ids) : new Set<string>();
    const [a, b] = sel.anchor <= index ? [sel.anchor, index] : [index, sel.anchor];
    for (let i = a; i <= b; i++) {
      const x = idAt(i);
      if (x !== undefined) ids.add(x);
    }
    return { ids, anchor: sel.anchor };
  }
  if (mode.toggle) {
    const ids = new Set(sel.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { ids, anchor: index };
  }
  return { ids: new Set([id]), anchor: index };
}

/** pagesFor lists the page numbers (of `size` items) that cover items start..end-1. */
export function pagesFor(start: number, end: number, size: number): number[] {
  if (end <= start || size <= 0) return [];
  const out: number[] = [];
  for (let p = Math.floor(start / size); p <= Math.floor((end - 1) / size); p++) out.push(p);
  return out;
}
