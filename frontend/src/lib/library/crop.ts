// Geometry for the focal point and the per-network cropper: between the
// source picture's pixels (what Go crops with), the picture as shown, and
// svelte-easy-crop's view (an offset of the picture under a fixed crop
// frame, and a zoom). Pure functions, tested in crop.test.ts.
import type { Crop } from './model';

export interface Size {
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

/**
 * shownSize is how big a `natural` picture is drawn inside a `box` with
 * max-width/max-height 100%: scaled down to fit, never up.
 */
export function shownSize(natural: Size, box: Size): Size {
  if (natural.width <= 0 || natural.height <= 0) return { width: 0, height: 0 };
  const s = Math.min(1, box.width / natural.width, box.height / natural.height);
  return { width: natural.width * s, height: natural.height * s };
}

/** frameSize is the crop frame svelte-easy-crop draws on a picture shown at `shown` (its getCropSize). */
export function frameSize(shown: Size, aspect: number): Size {
  if (shown.width >= shown.height * aspect) return { width: shown.height * aspect, height: shown.height };
  return { width: shown.width, height: shown.width / aspect };
}

/** fitAspect is the largest rectangle of ratio tw:th inside w×h, in whole pixels (Go's fitAspect). */
export function fitAspect(w: number, h: number, tw: number, th: number): Size {
  if (w <= 0 || h <= 0 || tw <= 0 || th <= 0) return { width: Math.max(w, 1), height: Math.max(h, 1) };
  if (w * th > h * tw) return { width: clampInt(Math.round((h * tw) / th), 1, w), height: h };
  return { width: w, height: clampInt(Math.round((w * th) / tw), 1, h) };
}

/**
 * focalCrop is the largest crop of ratio tw:th in a w×h picture, placed so
 * the focal point (fx, fy in 0..1) is as near its centre as the edges
 * allow — the same rectangle Go makes when no crop was set by hand.
 */
export function focalCrop(w: number, h: number, tw: number, th: number, fx: number, fy: number): Crop {
  const s = fitAspect(w, h, tw, th);
  const x = Math.round(clamp01(fx) * w - s.width / 2);
  const y = Math.round(clamp01(fy) * h - s.height / 2);
  return { x: clampInt(x, 0, w - s.width), y: clampInt(y, 0, h - s.height), w: s.width, h: s.height };
}

/**
 * cropperView is the offset and zoom that make svelte-easy-crop show
 * `rect` (source pixels of a `source`-sized picture) in its frame, for a
 * picture drawn at `shown` with the given aspect ratio.
 */
export function cropperView(rect: Crop, source: Size, shown: Size, aspect: number): { crop: Point; zoom: number } {
  const frame = frameSize(shown, aspect);
  if (rect.w <= 0 || source.width <= 0 || shown.width <= 0) return { crop: { x: 0, y: 0 }, zoom: 1 };
  // The frame covers rect.w / source.width of the picture's width.
  const zoom = (frame.width * source.width) / (shown.width * rect.w);
  const x = (zoom * shown.width - frame.width) / 2 - (zoom * shown.width * rect.x) / source.width;
  const y = (zoom * shown.height - frame.height) / 2 - (zoom * shown.height * rect.y) / source.height;
  return { crop: { x, y }, zoom };
}

/**
 * rectFromPercent turns the cropper's area (percentages of the picture)
 * into whole source pixels with exactly the preset's ratio tw:th, inside
 * the picture. This rectangle is all the UI sends to Go.
 */
export function rectFromPercent(
  area: { x: number; y: number; width: number; height: number },
  source: Size,
  tw: number,
  th: number,
): Crop {
  const w0 = Math.max(1, Math.round((area.width / 100) * source.width));
  const h0 = Math.max(1, Math.round((area.height / 100) * source.height));
  const s = fitAspect(Math.min(w0, source.width), Math.min(h0, source.height), tw, th);
  const cx = ((area.x + area.width / 2) / 100) * source.width;
  const cy = ((area.y + area.height / 2) / 100) * source.height;
  return {
    x: clampInt(Math.round(cx - s.width / 2), 0, source.width - s.width),
    y: clampInt(Math.round(cy - s.height / 2), 0, source.height - s.height),
    w: s.width,
    h: s.height,
  };
}

/** focalFromPointer is the focal point under a pointer at (x, y) over an element at `box`. */
export function focalFromPointer(x: number, y: number, box: { left: number; top: number; width: number; height: number }): Point {
  if (box.width <= 0 || box.height <= 0) return { x: 0.5, y: 0.5 };
  return { x: round3(clamp01((x - box.left) / box.width)), y: round3(clamp01((y - box.top) / box.height)) };
}

/**
 * nudgeFocal moves a focal point with an arrow key: 1 % a press, 10 % with
 * Shift; Home puts it back in the centre. Other keys return null.
 */
export function nudgeFocal(p: Point, key: string, big: boolean): Point | null {
  const d = big ? 0.1 : 0.01;
  let { x, y } = p;
  switch (key) {
    case 'ArrowLeft':
      x -= d;
      break;
    case 'ArrowRight':
      x += d;
      break;
    case 'ArrowUp':
      y -= d;
      break;
    case 'ArrowDown':
      y += d;
      break;
    case 'Home':
      return { x: 0.5, y: 0.5 };
    default:
      return null;
  }
  return { x: round3(clamp01(x)), y: round3(clamp01(y)) };
}

/** sameCrop tells whether two rectangles are the same to the pixel. */
export function sameCrop(a: Crop | null, b: Crop | null): boolean {
  if (!a || !b) return a === b;
  return a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h;
}

function clamp01(v: number): number {
  return Number.isNaN(v) ? 0.5 : Math.min(1, Math.max(0, v));
}

function clampInt(v: number, lo: number, hi: number): number {
  return hi < lo ? lo : Math.min(hi, Math.max(lo, v));
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/**
 * restrictOffset keeps svelte-easy-crop's picture offset inside its frame
 * (its own restrictPosition, which it applies only while dragging), for
 * moves made with the keyboard.
 */
export function restrictOffset(p: Point, shown: Size, frame: Size, zoom: number): Point {
  const lim = (pos: number, img: number, f: number) => {
    const m = Math.abs((img * zoom) / 2 - f / 2);
    return Math.min(m, Math.max(pos, -m));
  };
  return { x: lim(p.x, shown.width, frame.width), y: lim(p.y, shown.height, frame.height) };
}
