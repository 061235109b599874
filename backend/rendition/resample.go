package rendition

import (
	"image"
	"math"
)

// The last resampling step: a separable Catmull-Rom filter in fixed point,
// single-threaded on purpose (renditions run side by side, one per core).
// It reads a window of an opaque NRGBA picture and writes an RGBA
// picture, the type the JPEG encoder converts fastest.

const weightBits = 14

type taps struct {
	start   []int   // first source index per destination index
	n       int     // taps per destination index (fixed; unused ones weigh 0)
	weights []int32 // n weights per destination index, summing to 1<<weightBits
}

func catmullRom(x float64) float64 {
	x = math.Abs(x)
	switch {
	case x < 1:
		return (1.5*x-2.5)*x*x + 1
	case x < 2:
		return ((-0.5*x+2.5)*x-4)*x + 2
	}
	return 0
}

// makeTaps maps dst destination samples onto the source interval
// [lo, lo+src).
func makeTaps(lo, src, dst int) taps {
	scale := float64(src) / float64(dst)
	support := 2 * max(scale, 1)
	n := min(int(math.Ceil(support))*2+1, src)
	t := taps{start: make([]int, dst), n: n, weights: make([]int32, dst*n)}
	fw := make([]float64, n)
	for i := range dst {
		center := (float64(i)+0.5)*scale - 0.5
		// The window of n samples holds every tap the kernel reaches; kept
		// inside the source, where the kernel's outer taps weigh nothing.
		s := clampInt(int(math.Floor(center-support))+1, 0, src-n)
		sum := 0.0
		for k := range n {
			fw[k] = catmullRom((float64(s+k) - center) / max(scale, 1))
			sum += fw[k]
		}
		if sum == 0 {
			sum = 1
		}
		t.start[i] = lo + s
		ws := t.weights[i*n : i*n+n]
		var total int32
		for k := range n {
			ws[k] = int32(math.Round(fw[k] / sum * (1 << weightBits)))
			total += ws[k]
		}
		// Put the rounding error on the largest weight.
		big := 0
		for k := range n {
			if ws[k] > ws[big] {
				big = k
			}
		}
		ws[big] += 1<<weightBits - total
	}
	return t
}

func clampByte(v int32) uint8 {
	v = (v + 1<<(weightBits-1)) >> weightBits
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// resample fills dst from the window r of src (opaque), Catmull-Rom.
func resample(dst *image.RGBA, src *image.NRGBA, r image.Rectangle) {
	dw, dh := dst.Rect.Dx(), dst.Rect.Dy()
	sw, sh := r.Dx(), r.Dy()
	if sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0 {
		return
	}
	xt := makeTaps(r.Min.X, sw, dw)
	yt := makeTaps(r.Min.Y, sh, dh)
	// Only the source rows some destination row reads.
	y0 := yt.start[0] - r.Min.Y
	y1 := yt.start[dh-1] - r.Min.Y + yt.n
	y1 = min(y1, sh)
	rows := y1 - y0
	// Horizontal pass into tmp: rows × dw, three bytes per pixel.
	tmp := make([]uint8, rows*dw*3)
	for y := range rows {
		sy := r.Min.Y + y0 + y
		srow := src.Pix[(sy-src.Rect.Min.Y)*src.Stride:]
		trow := tmp[y*dw*3 : (y+1)*dw*3]
		for x := range dw {
			ws := xt.weights[x*xt.n : x*xt.n+xt.n]
			p := srow[(xt.start[x]-src.Rect.Min.X)*4:]
			p = p[:len(ws)*4]
			var cr, cg, cb int32
			for k, w := range ws {
				q := p[k*4 : k*4+3 : k*4+3]
				cr += int32(q[0]) * w
				cg += int32(q[1]) * w
				cb += int32(q[2]) * w
			}
			o := trow[x*3 : x*3+3 : x*3+3]
			o[0], o[1], o[2] = clampByte(cr), clampByte(cg), clampByte(cb)
		}
	}
	// Vertical pass.
	acc := make([]int32, dw*3)
	for y := range dh {
		clear(acc)
		ws := yt.weights[y*yt.n : y*yt.n+yt.n]
		base := yt.start[y] - r.Min.Y - y0
		for k, w := range ws {
			if w == 0 || base+k < 0 || base+k >= rows {
				continue
			}
			trow := tmp[(base+k)*dw*3 : (base+k+1)*dw*3]
			for i, v := range trow {
				acc[i] += int32(v) * w
			}
		}
		out := dst.Pix[y*dst.Stride : y*dst.Stride+dw*4]
		for x := range dw {
			o := out[x*4 : x*4+4 : x*4+4]
			a := acc[x*3 : x*3+3 : x*3+3]
			o[0], o[1], o[2], o[3] = clampByte(a[0]), clampByte(a[1]), clampByte(a[2]), 255
		}
	}
}
