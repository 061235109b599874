package rendition

import "math"

// Rect is a crop rectangle in the source picture's pixels, orientation
// applied (what the user sees).
type Rect struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

// Empty reports whether r has no area.
func (r Rect) Empty() bool { return r.W <= 0 || r.H <= 0 }

// FocalCrop returns the largest rectangle of the preset's aspect ratio inside
// a w×h picture, placed so the focal point (fx, fy in 0..1) is as close to
// its centre as the picture's edges allow.
func FocalCrop(w, h int, p Preset, fx, fy float64) Rect {
	fx, fy = clamp01(fx), clamp01(fy)
	cw, ch := fitAspect(w, h, p.Width, p.Height)
	x := int(math.Round(fx*float64(w) - float64(cw)/2))
	y := int(math.Round(fy*float64(h) - float64(ch)/2))
	return Rect{X: clampInt(x, 0, w-cw), Y: clampInt(y, 0, h-ch), W: cw, H: ch}
}

// Normalize makes a hand-drawn rectangle usable for preset p on a w×h
// picture: clipped to the picture, then trimmed around its centre to the
// preset's aspect ratio (the UI's cropper keeps the ratio; this guards
// against rounding and hand-made requests). An empty result falls back to
// the centred focal crop.
func Normalize(r Rect, w, h int, p Preset) Rect {
	x0, y0 := clampInt(r.X, 0, w), clampInt(r.Y, 0, h)
	x1, y1 := clampInt(r.X+r.W, 0, w), clampInt(r.Y+r.H, 0, h)
	r = Rect{X: x0, Y: y0, W: x1 - x0, H: y1 - y0}
	if r.Empty() {
		return FocalCrop(w, h, p, 0.5, 0.5)
	}
	cw, ch := fitAspect(r.W, r.H, p.Width, p.Height)
	return Rect{X: r.X + (r.W-cw)/2, Y: r.Y + (r.H-ch)/2, W: cw, H: ch}
}

// fitAspect returns the largest tw:th rectangle inside w×h.
func fitAspect(w, h, tw, th int) (int, int) {
	if w <= 0 || h <= 0 || tw <= 0 || th <= 0 {
		return max(w, 1), max(h, 1)
	}
	if int64(w)*int64(th) > int64(h)*int64(tw) { // wider than the target
		cw := int(math.Round(float64(h) * float64(tw) / float64(th)))
		return clampInt(cw, 1, w), h
	}
	ch := int(math.Round(float64(w) * float64(th) / float64(tw)))
	return w, clampInt(ch, 1, h)
}

func clamp01(v float64) float64 {
	if math.IsNaN(v) {
		return 0.5
	}
	return math.Min(1, math.Max(0, v))
}

func clampInt(v, lo, hi int) int {
	if hi < lo {
		return lo
	}
	return min(max(v, lo), hi)
}
