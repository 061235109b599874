package library

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"testing"

	_ "golang.org/x/image/webp" // the reference decode of photo.webp

	"relais/backend/rendition"
)

// meanColour is the average colour of r in m, alpha flattened onto white,
// sampled every step pixels.
func meanColour(m image.Image, r image.Rectangle, step int) [3]float64 {
	var sum [3]float64
	n := 0.0
	for y := r.Min.Y; y < r.Max.Y; y += step {
		for x := r.Min.X; x < r.Max.X; x += step {
			c := color.NRGBAModel.Convert(m.At(x, y)).(color.NRGBA)
			a := float64(c.A) / 255
			sum[0] += float64(c.R)*a + 255*(1-a)
			sum[1] += float64(c.G)*a + 255*(1-a)
			sum[2] += float64(c.B)*a + 255*(1-a)
			n++
		}
	}
	return [3]float64{sum[0] / n, sum[1] / n, sum[2] / n}
}

// Every preset's rendition of the awkward sources (CMYK JPEG, animated
// GIF, lossy WebP, 16-bit PNG): a baseline JPEG of the preset's exact size,
// cropped at its ratio, within its byte budget, and with the colours of the
// source's crop (Go's standard decoders are the reference: an inverted
// CMYK or a 16-bit PNG read as noise would show here).
func TestRenditionsOfEveryFormat(t *testing.T) {
	tests := []struct {
		file   string
		format string
	}{
		{"cmyk.jpg", "jpeg"},
		{"animated.gif", "gif"},
		{"photo.webp", "webp"},
		{"gray16.png", "png"},
	}
	l, _ := openLib(t)
	ctx := context.Background()
	presets := rendition.Presets
	if raceEnabled { // ~10× slower: one preset per shape
		presets = nil
		for _, id := range []string{"instagram-portrait", "instagram-square", "instagram-story", "x"} {
			p, _ := rendition.Lookup(id)
			presets = append(presets, p)
		}
	}
	var ids []string
	for _, p := range presets {
		ids = append(ids, p.ID)
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readTestdata(t, tt.file)
			ref, _, err := image.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("reference decode: %v", err)
			}
			a, p := importOne(t, l, "ws", tt.file, data)
			if len(p.Failed) > 0 || a.Format != tt.format {
				t.Fatalf("import = %+v (format %q)", p, a.Format)
			}
			if b := ref.Bounds(); b.Dx() != a.Width || b.Dy() != a.Height {
				t.Fatalf("asset %d×%d; the source is %v", a.Width, a.Height, b)
			}
			rs, err := l.Renditions(ctx, a.ID, ids, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != len(presets) {
				t.Fatalf("%d renditions; want %d", len(rs), len(presets))
			}
			for i, r := range rs {
				pr := presets[i]
				out, err := l.readBlob(r.Blob)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.HasPrefix(out, []byte{0xFF, 0xD8, 0xFF}) {
					t.Errorf("%s: not a JPEG", pr.ID)
					continue
				}
				m, err := jpeg.Decode(bytes.NewReader(out))
				if err != nil {
					t.Errorf("%s: %v", pr.ID, err)
					continue
				}
				if b := m.Bounds(); b.Dx() != pr.Width || b.Dy() != pr.Height || r.Width != pr.Width || r.Height != pr.Height {
					t.Errorf("%s: %v (reported %d×%d); want %d×%d", pr.ID, b, r.Width, r.Height, pr.Width, pr.Height)
				}
				if pr.MaxBytes > 0 && int64(len(out)) > pr.MaxBytes {
					t.Errorf("%s: %d bytes over its %d budget", pr.ID, len(out), pr.MaxBytes)
				}
				c := r.Crop
				if c.X < 0 || c.Y < 0 || c.X+c.W > a.Width || c.Y+c.H > a.Height || c.Empty() {
					t.Errorf("%s: crop %+v outside the %d×%d source", pr.ID, c, a.Width, a.Height)
					continue
				}
				if got, want := float64(c.W)/float64(c.H), float64(pr.Width)/float64(pr.Height); math.Abs(got-want) > 2/float64(min(c.W, c.H)) {
					t.Errorf("%s: crop %+v ratio %.3f; want %.3f", pr.ID, c, got, want)
				}
				want := meanColour(ref, image.Rect(c.X, c.Y, c.X+c.W, c.Y+c.H), 1)
				got := meanColour(m, m.Bounds(), 4)
				for k := range 3 {
					if math.Abs(got[k]-want[k]) > 12 {
						t.Errorf("%s: mean colour %.0f; the source's crop is %.0f", pr.ID, got, want)
						break
					}
				}
			}
		})
	}
}
