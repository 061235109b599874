package rendition

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"testing"
)

func TestFocalCrop(t *testing.T) {
	sq, _ := Lookup("instagram-square")
	story, _ := Lookup("instagram-story")
	x, _ := Lookup("x")
	tests := []struct {
		w, h   int
		p      Preset
		fx, fy float64
		want   Rect
	}{
		{6000, 4000, sq, 0.5, 0.5, Rect{1000, 0, 4000, 4000}},
		{6000, 4000, sq, 0, 0.5, Rect{0, 0, 4000, 4000}},         // clamped left
		{6000, 4000, sq, 1, 0.5, Rect{2000, 0, 4000, 4000}},      // clamped right
		{6000, 4000, story, 0.8, 0.5, Rect{3675, 0, 2250, 4000}}, // 4800 − 1125
		{4000, 6000, x, 0.5, 0.1, Rect{0, 0, 4000, 2250}},
		{4000, 6000, x, 0.5, 0.9, Rect{0, 3750, 4000, 2250}},
		{1200, 675, x, 0.3, 0.3, Rect{0, 0, 1200, 675}},
		{100, 100, sq, 2, -1, Rect{0, 0, 100, 100}}, // out of range focal clamped
	}
	for _, tt := range tests {
		if got := FocalCrop(tt.w, tt.h, tt.p, tt.fx, tt.fy); got != tt.want {
			t.Errorf("FocalCrop(%d, %d, %s, %v, %v) = %+v; want %+v", tt.w, tt.h, tt.p.ID, tt.fx, tt.fy, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	sq, _ := Lookup("instagram-square")
	tests := []struct {
		in, want Rect
	}{
		{Rect{10, 10, 100, 100}, Rect{10, 10, 100, 100}},
		{Rect{10, 10, 100, 120}, Rect{10, 20, 100, 100}}, // trimmed around the centre
		{Rect{-50, -50, 200, 200}, Rect{0, 0, 150, 150}}, // clipped first
		{Rect{500, 500, 10, 10}, Rect{0, 0, 300, 300}},   // outside: the centred default crop
	}
	for _, tt := range tests {
		if got := Normalize(tt.in, 300, 300, sq); got != tt.want {
			t.Errorf("Normalize(%+v) = %+v; want %+v", tt.in, got, tt.want)
		}
	}
}

func noise(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range m.Pix {
		m.Pix[i] = uint8(r.IntN(256))
		if i%4 == 3 {
			m.Pix[i] = 255
		}
	}
	return m
}

// The budget search returns the highest quality that fits.
func TestEncodeJPEGBudget(t *testing.T) {
	m := noise(600, 400)
	full, q, err := EncodeJPEG(m, 0)
	if err != nil || q != DefaultQuality {
		t.Fatal(err, q)
	}
	budget := int64(len(full)) / 2
	data, q, err := EncodeJPEG(m, budget)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(data)) > budget || q >= DefaultQuality {
		t.Errorf("EncodeJPEG(budget %d) = %d bytes at q%d", budget, len(data), q)
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, m, &jpeg.Options{Quality: q + 1})
	if int64(buf.Len()) <= budget {
		t.Errorf("q%d fits (%d bytes) but q%d was chosen", q+1, buf.Len(), q)
	}
	if _, _, err := EncodeJPEG(m, 1000); !errors.Is(err, ErrOverBudget) {
		t.Errorf("impossible budget = %v; want ErrOverBudget", err)
	}
}

// Shrinking straight from YCbCr planes gives the same picture as
// converting first, for every chroma subsampling the decoder produces.
func TestShrinkYCbCrMatchesReference(t *testing.T) {
	ratios := []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410}
	for _, ratio := range ratios {
		m := image.NewYCbCr(image.Rect(0, 0, 97, 61), ratio)
		for y := range 61 {
			for x := range 97 {
				m.Y[m.YOffset(x, y)] = uint8(x*2 + y)
				m.Cb[m.COffset(x, y)] = uint8(100 + x/2)
				m.Cr[m.COffset(x, y)] = uint8(150 - y)
			}
		}
		for _, k := range []int{1, 2, 3, 4} {
			got, _, err := FromImage(m, 1).Shrink(k, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, pt := range []image.Point{{0, 0}, {got.Rect.Dx() / 2, got.Rect.Dy() / 2}, {got.Rect.Dx() - 1, got.Rect.Dy() - 1}} {
				// Reference: average of the converted pixels of the block.
				var r, g, b int
				for y := pt.Y * k; y < pt.Y*k+k; y++ {
					for x := pt.X * k; x < pt.X*k+k; x++ {
						c := color.NRGBAModel.Convert(m.At(x, y)).(color.NRGBA)
						r, g, b = r+int(c.R), g+int(c.G), b+int(c.B)
					}
				}
				n := k * k
				want := color.NRGBA{uint8(r / n), uint8(g / n), uint8(b / n), 255}
				if c := got.NRGBAAt(pt.X, pt.Y); absDiff(c.R, want.R) > 6 || absDiff(c.G, want.G) > 6 || absDiff(c.B, want.B) > 6 {
					t.Errorf("%v k=%d at %v: %v; want about %v", ratio, k, pt, c, want)
				}
			}
		}
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// The final resampler keeps flat areas flat and edges in place.
func TestResample(t *testing.T) {
	src := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	for y := range 200 {
		for x := range 300 {
			c := color.NRGBA{200, 40, 40, 255}
			if x >= 150 {
				c = color.NRGBA{30, 60, 220, 255}
			}
			src.SetNRGBA(x, y, c)
		}
	}
	for _, size := range []image.Point{{120, 80}, {300, 200}, {700, 300}, {7, 3}} {
		dst := image.NewRGBA(image.Rect(0, 0, size.X, size.Y))
		resample(dst, src, image.Rect(50, 20, 250, 180))
		left, right := dst.RGBAAt(0, size.Y/2), dst.RGBAAt(size.X-1, size.Y/2)
		if left != (color.RGBA{200, 40, 40, 255}) || right != (color.RGBA{30, 60, 220, 255}) {
			t.Errorf("%v: edges %v %v; want the flat colours", size, left, right)
		}
		if size.X >= 100 {
			if c := dst.RGBAAt(size.X/2-size.X/20, 0); c.R < 150 {
				t.Errorf("%v: left of the edge is %v", size, c)
			}
		}
	}
}

func TestDecodeRefusesBombs(t *testing.T) {
	// PNG header announcing 20000×20000 pixels.
	b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x4e\x20\x00\x00\x4e\x20\x08\x06\x00\x00\x00\xa5\xa5\x7c\x3d")
	if _, err := Open(b, 1); !errors.Is(err, ErrTooManyPixels) && !errors.Is(err, ErrDecode) {
		t.Errorf("Decode(bomb) = %v; want a refusal", err)
	}
}

func TestRenderCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p := FromImage(noise(100, 100), 1)
	pr, _ := Lookup("x")
	if _, err := Render(ctx, p, []Job{{Preset: pr}}, White); !errors.Is(err, context.Canceled) {
		t.Errorf("Render(cancelled) = %v", err)
	}
}

// An RGBA picture (premultiplied, as 8-bit PNGs decode) shrinks to the same
// colours as its NRGBA equivalent, transparency included.
func TestShrinkRGBA(t *testing.T) {
	rgba := image.NewRGBA(image.Rect(0, 0, 8, 8))
	nrgba := image.NewNRGBA(image.Rect(0, 0, 8, 8))
	for y := range 8 {
		for x := range 8 {
			c := color.NRGBA{uint8(30 * x), 200, uint8(20 * y), uint8(255 - 25*(x%4))}
			nrgba.SetNRGBA(x, y, c)
			rgba.Set(x, y, c)
		}
	}
	bg := color.NRGBA{10, 20, 30, 255}
	for _, b := range []*color.NRGBA{nil, &bg} {
		got, _, _ := FromImage(rgba, 1).Shrink(4, b)
		want, _, _ := FromImage(nrgba, 1).Shrink(4, b)
		for i := range got.Pix {
			if d := int(got.Pix[i]) - int(want.Pix[i]); d < -2 || d > 2 {
				t.Fatalf("bg %v: RGBA shrink %v; NRGBA %v", b, got.Pix, want.Pix)
			}
		}
	}
}
