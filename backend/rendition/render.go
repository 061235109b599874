package rendition

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"runtime"
	"sync"

	"golang.org/x/image/draw"
)

// ErrOverBudget is returned when even the lowest quality tried does not fit
// a preset's byte budget.
var ErrOverBudget = errors.New("rendition: cannot fit the file-size budget")

// ErrBadColor is returned for a background colour that is not #rrggbb.
var ErrBadColor = errors.New("rendition: colour is not #rrggbb")

// White is the default background transparent pictures are flattened onto.
var White = color.NRGBA{255, 255, 255, 255}

// Job asks for one rendition: a preset and the crop (in displayed source
// pixels) to fill it from.
type Job struct {
	Preset Preset
	Crop   Rect
}

// Output is one finished rendition.
type Output struct {
	Job     Job
	Data    []byte // JPEG
	Quality int
}

// Quality bounds for JPEG output: the first try, and the floor of the
// budget search.
const (
	DefaultQuality = 88
	MinQuality     = 30
)

// Render makes every job from p, flattening transparency onto bg. The
// picture is shrunk once (plus cheap halvings for jobs that need far
// fewer pixels); jobs then run in parallel, one core each.
func Render(ctx context.Context, p *Picture, jobs []Job, bg color.NRGBA) ([]Output, error) {
	if len(jobs) == 0 {
		return nil, nil
	}
	bg.A = 255
	jobs = append([]Job(nil), jobs...)
	for i := range jobs {
		jobs[i].Crop = Normalize(jobs[i].Crop, p.W, p.H, jobs[i].Preset)
	}
	// factor[i] is the largest integer shrink that keeps job i's crop at
	// least as large as its preset.
	factor := make([]int, len(jobs))
	k0 := 0
	for i, j := range jobs {
		f := max(1, min(j.Crop.W/j.Preset.Width, j.Crop.H/j.Preset.Height))
		factor[i] = f
		if k0 == 0 || f < k0 {
			k0 = f
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	base, e, err := p.Shrink(k0, &bg)
	if err != nil {
		return nil, err
	}
	levels := map[int]*image.NRGBA{e: base}
	// Halve again for the jobs that allow it, so the final Catmull-Rom
	// step reduces by less than 2 wherever possible.
	for k := e * 2; ; k *= 2 {
		need := false
		for _, f := range factor {
			if f >= k {
				need = true
			}
		}
		if !need {
			break
		}
		levels[k] = shrinkNRGBA(levels[k/2], 2, nil)
	}
	out := make([]Output, len(jobs))
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := ctx.Err(); err != nil {
					errs[i] = err
					continue
				}
				k := e
				for levels[k*2] != nil && factor[i] >= k*2 {
					k *= 2
				}
				out[i], errs[i] = renderOne(levels[k], k, jobs[i])
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

func renderOne(level *image.NRGBA, k int, j Job) (Output, error) {
	lb := level.Bounds()
	r := image.Rect(j.Crop.X/k, j.Crop.Y/k, (j.Crop.X+j.Crop.W)/k, (j.Crop.Y+j.Crop.H)/k).Intersect(lb)
	if r.Empty() {
		r = lb
	}
	dst := image.NewRGBA(image.Rect(0, 0, j.Preset.Width, j.Preset.Height))
	resample(dst, level, r)
	data, q, err := EncodeJPEG(dst, j.Preset.MaxBytes)
	if err != nil {
		return Output{}, fmt.Errorf("%s: %w", j.Preset.ID, err)
	}
	return Output{Job: j, Data: data, Quality: q}, nil
}

// EncodeJPEG encodes m at DefaultQuality, or, when that exceeds maxBytes
// (> 0), at the highest quality that fits, found by binary search.
func EncodeJPEG(m image.Image, maxBytes int64) ([]byte, int, error) {
	var buf bytes.Buffer
	enc := func(q int) ([]byte, error) {
		buf.Reset()
		if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: q}); err != nil {
			return nil, err
		}
		return bytes.Clone(buf.Bytes()), nil
	}
	data, err := enc(DefaultQuality)
	if err != nil || maxBytes <= 0 || int64(len(data)) <= maxBytes {
		return data, DefaultQuality, err
	}
	var best []byte
	bestQ := 0
	lo, hi := MinQuality, DefaultQuality-1
	for lo <= hi {
		q := (lo + hi) / 2
		d, err := enc(q)
		if err != nil {
			return nil, 0, err
		}
		if int64(len(d)) <= maxBytes {
			best, bestQ = d, q
			lo = q + 1
		} else {
			hi = q - 1
		}
	}
	if best == nil {
		return nil, 0, fmt.Errorf("%w: %d bytes at quality %d, budget %d", ErrOverBudget, len(data), MinQuality, maxBytes)
	}
	return best, bestQ, nil
}

// Thumbnail returns a small picture at most long pixels on its long side,
// oriented, and its encoding: JPEG when opaque, PNG when it has
// transparency. contentType is "image/jpeg" or "image/png".
func Thumbnail(p *Picture, long int) (data []byte, contentType string, err error) {
	k := max(1, max(p.W, p.H)/long)
	small, _, err := p.Shrink(k, nil)
	if err != nil {
		return nil, "", err
	}
	w, h := small.Rect.Dx(), small.Rect.Dy()
	if max(w, h) > long {
		if w >= h {
			w, h = long, max(1, h*long/w)
		} else {
			w, h = max(1, w*long/h), long
		}
		if HasAlpha(small) {
			dst := image.NewNRGBA(image.Rect(0, 0, w, h))
			draw.CatmullRom.Scale(dst, dst.Bounds(), small, small.Bounds(), draw.Src, nil)
			small = dst
		} else {
			dst := image.NewRGBA(image.Rect(0, 0, w, h))
			resample(dst, small, small.Bounds())
			small = &image.NRGBA{Pix: dst.Pix, Stride: dst.Stride, Rect: dst.Rect} // opaque: same bytes
		}
	}
	var buf bytes.Buffer
	if HasAlpha(small) {
		e := png.Encoder{CompressionLevel: png.BestCompression}
		if err := e.Encode(&buf, small); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), "image/png", nil
	}
	rgba := &image.RGBA{Pix: small.Pix, Stride: small.Stride, Rect: small.Rect} // opaque: same bytes
	if err := jpeg.Encode(&buf, rgba, &jpeg.Options{Quality: 80}); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), "image/jpeg", nil
}

// ParseColor reads "#rrggbb" (or "" for white).
func ParseColor(s string) (color.NRGBA, error) {
	if s == "" {
		return White, nil
	}
	var c color.NRGBA
	c.A = 255
	if len(s) != 7 || s[0] != '#' {
		return c, fmt.Errorf("%w: %q", ErrBadColor, s)
	}
	if _, err := fmt.Sscanf(s[1:], "%02x%02x%02x", &c.R, &c.G, &c.B); err != nil {
		return c, fmt.Errorf("%w: %q", ErrBadColor, s)
	}
	return c, nil
}
