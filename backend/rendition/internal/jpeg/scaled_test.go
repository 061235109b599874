package jpeg

import (
	"bytes"
	"image"
	stdjpeg "image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// At scale 1 the fork decodes exactly like the standard library; at 1/2,
// 1/4 and 1/8 each pixel is close to the mean of the full decode's s×s
// group, for every chroma layout and for progressive files.
func TestDecodeScaled(t *testing.T) {
	dir := filepath.Join(runtime.GOROOT(), "src/image/testdata")
	for _, name := range []string{"video-001.jpeg", "video-001.progressive.jpeg", "video-001.q50.420.jpeg",
		"video-001.q50.422.jpeg", "video-001.q50.440.jpeg", "video-001.q50.444.jpeg", "video-001.q50.411.jpeg",
		"video-001.q50.410.jpeg", "video-005.gray.q50.jpeg", "video-001.restart2.jpeg", "video-001.cmyk.jpeg"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := stdjpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		got1, err := DecodeScaled(bytes.NewReader(data), 1)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !sameImage(got1, want) {
			t.Errorf("%s: scale 1 differs from image/jpeg", name)
		}
		for _, s := range []int{2, 4, 8} {
			got, err := DecodeScaled(bytes.NewReader(data), s)
			if err != nil {
				t.Fatalf("%s 1/%d: %v", name, s, err)
			}
			wb := want.Bounds()
			if _, cmyk := want.(*image.CMYK); cmyk {
				if got.Bounds() != wb {
					t.Errorf("%s: CMYK decoded at %v; want full size", name, got.Bounds())
				}
				continue
			}
			if b := got.Bounds(); b.Dx() != (wb.Dx()+s-1)/s || b.Dy() != (wb.Dy()+s-1)/s {
				t.Errorf("%s 1/%d: bounds %v", name, s, b)
			}
			var worst, sum, n float64
			for y := 0; y+s <= wb.Dy(); y += s {
				for x := 0; x+s <= wb.Dx(); x += s {
					var ref float64
					for yy := y; yy < y+s; yy++ {
						for xx := x; xx < x+s; xx++ {
							ref += luma(want, xx, yy)
						}
					}
					ref /= float64(s * s)
					d := ref - luma(got, x/s, y/s)
					if d < 0 {
						d = -d
					}
					worst, sum, n = max(worst, d), sum+d, n+1
				}
			}
			// Frequencies above the reduced block's are dropped (as in
			// libjpeg's scaled IDCT), so sharp edges of this small, busy
			// q50 picture differ a little from a full decode's mean.
			if sum/n > 3.5 || worst > 64 {
				t.Errorf("%s 1/%d: mean error %.1f, worst %.0f (of 255)", name, s, sum/n, worst)
			}
		}
	}
}

// luma is the Y (or grey) sample at x, y: what the reduced IDCT makes,
// without chroma upsampling in the way.
func luma(m image.Image, x, y int) float64 {
	switch m := m.(type) {
	case *image.YCbCr:
		return float64(m.Y[m.YOffset(x, y)])
	case *image.Gray:
		return float64(m.Pix[m.PixOffset(x, y)])
	}
	r, _, _, _ := m.At(x, y).RGBA()
	return float64(r >> 8)
}

func sameImage(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				return false
			}
		}
	}
	return true
}

// FuzzDecodeScaled: any bytes, any scale: an error or a picture of the
// announced size, never a panic.
func FuzzDecodeScaled(f *testing.F) {
	dir := filepath.Join(runtime.GOROOT(), "src/image/testdata")
	for _, name := range []string{"video-001.q50.420.jpeg", "video-001.progressive.jpeg", "video-005.gray.q50.jpeg", "video-001.cmyk.jpeg"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			f.Add(b, uint8(2))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, s uint8) {
		scale := 1 << (s % 4)
		cfg, err := DecodeConfig(bytes.NewReader(data))
		if err != nil || cfg.Width*cfg.Height > 4<<20 {
			return
		}
		m, err := DecodeScaled(bytes.NewReader(data), scale)
		if err != nil {
			return
		}
		b := m.Bounds()
		if b.Dx() != (cfg.Width+scale-1)/scale && b.Dx() != cfg.Width {
			t.Fatalf("scale %d of %d×%d gave %v", scale, cfg.Width, cfg.Height, b)
		}
	})
}
