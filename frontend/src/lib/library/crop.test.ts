import { describe, expect, it } from 'vitest';
import {
  cropperView,
  fitAspect,
  focalCrop,
  focalFromPointer,
  frameSize,
  nudgeFocal,
  rectFromPercent,
  restrictOffset,
  sameCrop,
  shownSize,
} from './crop';

// svelte-easy-crop's own formula (helpers.computeCroppedArea, restrict on),
// to check that cropperView is its inverse.
function percentOf(crop: { x: number; y: number }, zoom: number, shown: { width: number; height: number }, aspect: number) {
  const f = frameSize(shown, aspect);
  return {
    x: (((shown.width - f.width / zoom) / 2 - crop.x / zoom) / shown.width) * 100,
    y: (((shown.height - f.height / zoom) / 2 - crop.y / zoom) / shown.height) * 100,
    width: ((f.width / shown.width) * 100) / zoom,
    height: ((f.height / shown.height) * 100) / zoom,
  };
}

describe('shownSize', () => {
  it('scales a large picture down to fit', () => {
    expect(shownSize({ width: 6000, height: 4000 }, { width: 600, height: 600 })).toEqual({ width: 600, height: 400 });
    expect(shownSize({ width: 1000, height: 2000 }, { width: 600, height: 500 })).toEqual({ width: 250, height: 500 });
  });
  it('never scales up', () => {
    expect(shownSize({ width: 200, height: 100 }, { width: 600, height: 600 })).toEqual({ width: 200, height: 100 });
  });
});

describe('fitAspect and focalCrop (same as Go)', () => {
  it('takes the full height of a wide picture for a square', () => {
    expect(fitAspect(6000, 4000, 1080, 1080)).toEqual({ width: 4000, height: 4000 });
    expect(fitAspect(6000, 4000, 1080, 1920)).toEqual({ width: 2250, height: 4000 });
    expect(fitAspect(4000, 6000, 1200, 675)).toEqual({ width: 4000, height: 2250 });
  });
  it('centres the crop on the focal point, inside the edges', () => {
    expect(focalCrop(6000, 4000, 1080, 1080, 0.5, 0.5)).toEqual({ x: 1000, y: 0, w: 4000, h: 4000 });
    expect(focalCrop(6000, 4000, 1080, 1080, 0.0, 0.5)).toEqual({ x: 0, y: 0, w: 4000, h: 4000 });
    expect(focalCrop(6000, 4000, 1080, 1080, 0.9, 0.5)).toEqual({ x: 2000, y: 0, w: 4000, h: 4000 });
    expect(focalCrop(6000, 4000, 1080, 1080, 0.4, 0.5)).toEqual({ x: 400, y: 0, w: 4000, h: 4000 });
  });
});

describe('cropperView and rectFromPercent', () => {
  const source = { width: 6000, height: 4000 };
  const shown = shownSize(source, { width: 720, height: 480 });

  for (const [name, rect, tw, th] of [
    ['the full focal crop', { x: 1000, y: 0, w: 4000, h: 4000 }, 1080, 1080],
    ['a tighter square', { x: 2400, y: 1200, w: 1600, h: 1600 }, 1080, 1080],
    ['a story crop at the left edge', { x: 0, y: 0, w: 2250, h: 4000 }, 1080, 1920],
    ['a landscape crop inside', { x: 1200, y: 900, w: 2400, h: 1350 }, 1200, 675],
  ] as const) {
    it(`round-trips ${name}`, () => {
      const aspect = tw / th;
      const v = cropperView(rect, source, shown, aspect);
      const back = rectFromPercent(percentOf(v.crop, v.zoom, shown, aspect), source, tw, th);
      expect(Math.abs(back.x - rect.x)).toBeLessThanOrEqual(1);
      expect(Math.abs(back.y - rect.y)).toBeLessThanOrEqual(1);
      expect(Math.abs(back.w - rect.w)).toBeLessThanOrEqual(1);
      expect(Math.abs(back.h - rect.h)).toBeLessThanOrEqual(1);
    });
  }

  it('gives zoom 1 for the largest crop', () => {
    expect(cropperView({ x: 1000, y: 0, w: 4000, h: 4000 }, source, shown, 1).zoom).toBeCloseTo(1, 6);
  });

  it('keeps the preset ratio exactly and stays inside the picture', () => {
    const r = rectFromPercent({ x: 90, y: -3, width: 33.4, height: 50.2 }, source, 1080, 1350);
    expect(r.w / r.h).toBeCloseTo(1080 / 1350, 2);
    expect(r.x).toBeGreaterThanOrEqual(0);
    expect(r.y).toBeGreaterThanOrEqual(0);
    expect(r.x + r.w).toBeLessThanOrEqual(6000);
    expect(r.y + r.h).toBeLessThanOrEqual(4000);
  });
});

describe('focal point', () => {
  it('maps a click to 0..1 of the picture', () => {
    const box = { left: 100, top: 50, width: 400, height: 200 };
    expect(focalFromPointer(200, 100, box)).toEqual({ x: 0.25, y: 0.25 });
    expect(focalFromPointer(0, 500, box)).toEqual({ x: 0, y: 1 });
  });
  it('moves with the arrow keys, more with Shift, and centres on Home', () => {
    expect(nudgeFocal({ x: 0.5, y: 0.5 }, 'ArrowRight', false)).toEqual({ x: 0.51, y: 0.5 });
    expect(nudgeFocal({ x: 0.5, y: 0.5 }, 'ArrowUp', true)).toEqual({ x: 0.5, y: 0.4 });
    expect(nudgeFocal({ x: 0.98, y: 0.5 }, 'ArrowRight', true)).toEqual({ x: 1, y: 0.5 });
    expect(nudgeFocal({ x: 0.1, y: 0.9 }, 'Home', false)).toEqual({ x: 0.5, y: 0.5 });
    expect(nudgeFocal({ x: 0.1, y: 0.9 }, 'a', false)).toBeNull();
  });
  it('compares crops', () => {
    expect(sameCrop({ x: 1, y: 2, w: 3, h: 4 }, { x: 1, y: 2, w: 3, h: 4 })).toBe(true);
    expect(sameCrop({ x: 1, y: 2, w: 3, h: 4 }, null)).toBe(false);
    expect(sameCrop(null, null)).toBe(true);
  });
});

describe('restrictOffset', () => {
  it('keeps the picture covering the frame', () => {
    const shown = { width: 600, height: 400 };
    const frame = frameSize(shown, 1); // 400 × 400
    expect(restrictOffset({ x: 500, y: 0 }, shown, frame, 1)).toEqual({ x: 100, y: 0 });
    expect(restrictOffset({ x: -500, y: 30 }, shown, frame, 2)).toEqual({ x: -400, y: 30 });
  });
});
