import { describe, expect, it } from 'vitest';
import {
  emptySelection,
  layoutFor,
  moveIndex,
  pagesFor,
  rowCount,
  scrollToShow,
  select,
  totalHeight,
  visibleWindow,
} from './grid';

describe('layoutFor', () => {
  it('fits as many cells of the minimum size as the width allows, stretched', () => {
    const l = layoutFor(1000, 160, 12, 36);
    // 5 cells: 5*160 + 4*12 = 848 <= 1000; 6 would need 1020.
    expect(l.cols).toBe(5);
    expect(l.cell).toBe(Math.floor((1000 - 48) / 5));
    expect(l.rowHeight).toBe(l.cell + 36);
  });
  it('keeps one column when the width is smaller than a cell', () => {
    const l = layoutFor(90, 160, 12, 36);
    expect(l.cols).toBe(1);
    expect(l.cell).toBe(90);
  });
  it('survives a zero width (not laid out yet)', () => {
    const l = layoutFor(0, 160, 12, 36);
    expect(l.cols).toBe(1);
    expect(l.cell).toBeGreaterThan(0);
  });
});

describe('visibleWindow', () => {
  const l = { cols: 4, cell: 100, rowHeight: 130, gap: 10 }; // stride 140

  it('renders only the rows on screen, plus the overscan', () => {
    // 10,000 items = 2,500 rows; the viewport shows rows 10..13.
    const w = visibleWindow(10_000, l, 1400, 500, 1);
    expect(w).toEqual({ start: 9 * 4, end: 15 * 4 });
    expect(w.end - w.start).toBeLessThan(40);
  });
  it('starts at 0 at the top', () => {
    expect(visibleWindow(100, l, 0, 300, 2)).toEqual({ start: 0, end: 5 * 4 });
  });
  it('stops at the last item in a short last row', () => {
    const w = visibleWindow(10, l, 0, 10_000, 2);
    expect(w).toEqual({ start: 0, end: 10 });
  });
  it('is empty with nothing to show or no height', () => {
    expect(visibleWindow(0, l, 0, 500)).toEqual({ start: 0, end: 0 });
    expect(visibleWindow(50, l, 0, 0)).toEqual({ start: 0, end: 0 });
  });
  it('handles a viewport above the grid (negative top)', () => {
    expect(visibleWindow(100, l, -300, 500, 0)).toEqual({ start: 0, end: 2 * 4 });
  });
  it('is empty when the grid is scrolled out of view below', () => {
    expect(visibleWindow(8, l, 5000, 500, 0)).toEqual({ start: 0, end: 0 });
  });
  it('totals the height without a trailing gap', () => {
    expect(rowCount(9, 4)).toBe(3);
    expect(totalHeight(9, l)).toBe(3 * 130 + 2 * 10);
    expect(totalHeight(0, l)).toBe(0);
  });
});

describe('scrollToShow', () => {
  const l = { cols: 4, cell: 100, rowHeight: 130, gap: 10 };
  it('leaves a visible item alone', () => {
    expect(scrollToShow(5, l, 0, 500)).toBe(0);
  });
  it('scrolls up to an item above', () => {
    expect(scrollToShow(0, l, 300, 500)).toBe(0);
  });
  it('scrolls down just enough for an item below', () => {
    // Row 10 spans 1400..1530.
    expect(scrollToShow(40, l, 0, 500)).toBe(1530 - 500);
  });
});

describe('moveIndex', () => {
  // 10 items in 4 columns:
  //  0 1 2 3
  //  4 5 6 7
  //  8 9
  it('moves left and right along the reading order', () => {
    expect(moveIndex(3, 'ArrowRight', 10, 4, 2)).toBe(4);
    expect(moveIndex(4, 'ArrowLeft', 10, 4, 2)).toBe(3);
    expect(moveIndex(0, 'ArrowLeft', 10, 4, 2)).toBe(0);
    expect(moveIndex(9, 'ArrowRight', 10, 4, 2)).toBe(9);
  });
  it('moves up and down in the column', () => {
    expect(moveIndex(5, 'ArrowDown', 10, 4, 2)).toBe(9);
    expect(moveIndex(5, 'ArrowUp', 10, 4, 2)).toBe(1);
    expect(moveIndex(1, 'ArrowUp', 10, 4, 2)).toBe(1);
  });
  it('goes to the last item from above a hole in the last row', () => {
    expect(moveIndex(7, 'ArrowDown', 10, 4, 2)).toBe(9);
    expect(moveIndex(9, 'ArrowDown', 10, 4, 2)).toBe(9);
  });
  it('knows Home, End, and with Ctrl the ends of the grid', () => {
    expect(moveIndex(6, 'Home', 10, 4, 2)).toBe(4);
    expect(moveIndex(5, 'End', 10, 4, 2)).toBe(7);
    expect(moveIndex(8, 'End', 10, 4, 2)).toBe(9);
    expect(moveIndex(6, 'Home', 10, 4, 2, true)).toBe(0);
    expect(moveIndex(1, 'End', 10, 4, 2, true)).toBe(9);
  });
  it('pages by whole screens, keeping the column', () => {
    expect(moveIndex(1, 'PageDown', 100, 4, 3)).toBe(13);
    expect(moveIndex(13, 'PageUp', 100, 4, 3)).toBe(1);
    expect(moveIndex(5, 'PageUp', 100, 4, 3)).toBe(1);
    expect(moveIndex(90, 'PageDown', 100, 4, 3)).toBe(98);
  });
  it('starts at the first item when nothing is focused, and has nowhere to go when empty', () => {
    expect(moveIndex(-1, 'ArrowDown', 10, 4, 2)).toBe(0);
    expect(moveIndex(0, 'ArrowDown', 0, 4, 2)).toBe(-1);
  });
});

describe('select', () => {
  const ids = ['a', 'b', 'c', 'd', 'e'];
  const idAt = (i: number) => ids[i];

  it('replaces the selection on a plain click', () => {
    let s = select(emptySelection(), 1, {}, idAt);
    s = select(s, 3, {}, idAt);
    expect([...s.ids]).toEqual(['d']);
    expect(s.anchor).toBe(3);
  });
  it('toggles one item with Ctrl', () => {
    let s = select(emptySelection(), 1, {}, idAt);
    s = select(s, 3, { toggle: true }, idAt);
    expect([...s.ids].sort()).toEqual(['b', 'd']);
    s = select(s, 1, { toggle: true }, idAt);
    expect([...s.ids]).toEqual(['d']);
  });
  it('selects a range from the anchor with Shift, either way', () => {
    let s = select(emptySelection(), 3, {}, idAt);
    s = select(s, 1, { range: true }, idAt);
    expect([...s.ids].sort()).toEqual(['b', 'c', 'd']);
    s = select(s, 4, { range: true }, idAt);
    expect([...s.ids].sort()).toEqual(['d', 'e']);
    expect(s.anchor).toBe(3);
  });
  it('adds a range to the rest with Ctrl+Shift', () => {
    let s = select(emptySelection(), 0, {}, idAt);
    s = select(s, 3, { toggle: true }, idAt);
    s = select(s, 4, { range: true, toggle: true }, idAt);
    expect([...s.ids].sort()).toEqual(['a', 'd', 'e']);
  });
  it('leaves out items not loaded yet', () => {
    const partial = (i: number) => (i === 2 ? undefined : ids[i]);
    let s = select(emptySelection(), 0, {}, partial);
    s = select(s, 4, { range: true }, partial);
    expect([...s.ids].sort()).toEqual(['a', 'b', 'd', 'e']);
    expect(select(s, 2, {}, partial)).toBe(s);
  });
});

describe('pagesFor', () => {
  it('lists the pages a window needs', () => {
    expect(pagesFor(0, 10, 100)).toEqual([0]);
    expect(pagesFor(95, 205, 100)).toEqual([0, 1, 2]);
    expect(pagesFor(100, 200, 100)).toEqual([1]);
    expect(pagesFor(5, 5, 100)).toEqual([]);
  });
});
