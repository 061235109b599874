package library

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"relais/backend/rendition"
)

// Golden checks over every preset: exact size, aspect ratio, byte budget,
// JPEG out, and the focal point's red dot inside every rendition.
func TestRenditionsFocalPoint(t *testing.T) {
	l, _ := openLib(t)
	ctx := context.Background()
	a, _ := importOne(t, l, "ws", "focal.png", readTestdata(t, "focal.png"))
	fx, fy := focalX, focalY
	if _, err := l.Update(ctx, a.ID, Patch{FocalX: &fx, FocalY: &fy}); err != nil {
		t.Fatal(err)
	}
	rs, err := l.Renditions(ctx, a.ID, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != len(rendition.Presets) {
		t.Fatalf("%d renditions; want %d", len(rs), len(rendition.Presets))
	}
	for i, r := range rs {
		p := rendition.Presets[i]
		data, _ := l.readBlob(r.Blob)
		m, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: not a JPEG: %v", p.ID, err)
		}
		if b := m.Bounds(); b.Dx() != p.Width || b.Dy() != p.Height {
			t.Errorf("%s: %v; want %d×%d", p.ID, b, p.Width, p.Height)
		}
		if p.MaxBytes > 0 && int64(len(data)) > p.MaxBytes {
			t.Errorf("%s: %d bytes over the %d budget", p.ID, len(data), p.MaxBytes)
		}
		// Crop aspect = preset aspect (within a pixel of rounding).
		if got, want := float64(r.Crop.W)/float64(r.Crop.H), float64(p.Width)/float64(p.Height); math.Abs(got-want) > 2/float64(r.Crop.H) {
			t.Errorf("%s: crop %+v ratio %.3f; want %.3f", p.ID, r.Crop, got, want)
		}
		// The dot's pixel position in the source must map inside the
		// crop, and the rendition must show red there.
		dx, dy := focalX*float64(a.Width), focalY*float64(a.Height)
		if dx < float64(r.Crop.X) || dx >= float64(r.Crop.X+r.Crop.W) || dy < float64(r.Crop.Y) || dy >= float64(r.Crop.Y+r.Crop.H) {
			t.Errorf("%s: crop %+v misses the focal point (%.0f, %.0f)", p.ID, r.Crop, dx, dy)
			continue
		}
		sx := (dx - float64(r.Crop.X)) / float64(r.Crop.W) * float64(p.Width)
		sy := (dy - float64(r.Crop.Y)) / float64(r.Crop.H) * float64(p.Height)
		if !near(m.At(int(sx), int(sy)), color.NRGBA{240, 0, 0, 255}) {
			t.Errorf("%s: rendition at (%.0f, %.0f) is %v; want the red dot", p.ID, sx, sy, m.At(int(sx), int(sy)))
		}
	}
	// Cached: asking again makes nothing new.
	again, _ := l.Renditions(ctx, a.ID, nil, "")
	for i := range rs {
		if again[i].Blob != rs[i].Blob || again[i].Key != rs[i].Key {
			t.Errorf("%s: re-made though nothing changed", rs[i].Preset)
		}
	}
	// Moving the focal point changes keys (and so URLs).
	fx = 0.1
	l.Update(ctx, a.ID, Patch{FocalX: &fx})
	moved, _ := l.Plan(ctx, a.ID, nil, "")
	if moved[0].Key == rs[0].Key || moved[0].Blob != "" {
		t.Errorf("focal point moved but the cache key stayed")
	}
}

func TestRenditionStripsGPSAndFlattensAlpha(t *testing.T) {
	l, _ := openLib(t)
	ctx := context.Background()
	src := readTestdata(t, "portrait.jpg")
	if !bytes.Contains(src, []byte("Exif")) {
		t.Fatal("portrait.jpg has no EXIF to strip")
	}
	if _, taken := readEXIF(src); taken.IsZero() {
		t.Fatal("portrait.jpg's EXIF does not parse")
	}
	a, _ := importOne(t, l, "ws", "portrait.jpg", src)
	rs, err := l.Renditions(ctx, a.ID, []string{"instagram-portrait", "x"}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		data, _ := l.readBlob(r.Blob)
		if bytes.Contains(data, []byte("Exif")) || bytes.Contains(data, []byte{0xFF, 0xE1}) {
			t.Errorf("%s: rendition carries an APP1/EXIF segment", r.Preset)
		}
		if o, taken := readEXIF(data); o != 1 || !taken.IsZero() {
			t.Errorf("%s: rendition still has EXIF", r.Preset)
		}
	}
	// Transparent PNG on a brand colour.
	b, _ := importOne(t, l, "ws", "alpha.png", readTestdata(t, "alpha.png"))
	rs, err = l.Renditions(ctx, b.ID, []string{"instagram-square"}, "#2040c0")
	if err != nil {
		t.Fatal(err)
	}
	m := decodeBlob(t, l, rs[0].Blob)
	if !near(m.At(2, 2), color.NRGBA{0x20, 0x40, 0xc0, 255}) {
		t.Errorf("transparent corner = %v; want the brand colour", m.At(2, 2))
	}
	if _, err := l.Renditions(ctx, b.ID, nil, "blue"); err == nil {
		t.Error("background \"blue\" accepted; want #rrggbb")
	}
}

func TestSetCropAndExport(t *testing.T) {
	l, _ := openLib(t)
	ctx := context.Background()
	a, _ := importOne(t, l, "ws", "Vitrine/été.jpg", readTestdata(t, "landscape.jpg"))
	// A hand-made square crop of the left part, slightly off-ratio.
	if _, err := l.SetCrop(ctx, a.ID, "instagram-square", &rendition.Rect{X: 0, Y: 10, W: 200, H: 210}); err != nil {
		t.Fatal(err)
	}
	rs, _ := l.Renditions(ctx, a.ID, []string{"instagram-square", "x"}, "")
	if !rs[0].Manual || rs[0].Crop != (rendition.Rect{X: 0, Y: 15, W: 200, H: 200}) || rs[1].Manual {
		t.Errorf("crops = %+v, %+v; want manual 200×200 at (0,15) then focal", rs[0], rs[1])
	}
	if _, err := l.SetCrop(ctx, a.ID, "nope", nil); err == nil {
		t.Error("unknown preset accepted")
	}
	if _, err := l.SetCrop(ctx, a.ID, "instagram-square", nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := l.Get(ctx, a.ID); got.Crops != nil {
		t.Errorf("reset crop kept %v", got.Crops)
	}
	dir := t.TempDir()
	n, err := l.Export(ctx, []string{a.ID}, []string{"x", "bluesky"}, dir, "")
	if err != nil || n != 2 {
		t.Fatalf("Export = %d, %v; want 2 files", n, err)
	}
	n, _ = l.Export(ctx, []string{a.ID}, []string{"x"}, dir, "")
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"été-bluesky.jpg", "été-x (2).jpg", "été-x.jpg"}; n != 1 || !slices.Equal(names, want) {
		t.Errorf("export folder = %q; want %q (nothing overwritten)", names, want)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "été-x.jpg")); len(b) == 0 {
		t.Error("exported file is empty")
	} else if cfg, err := jpeg.DecodeConfig(bytes.NewReader(b)); err != nil || cfg.Width != 1200 || cfg.Height != 675 {
		t.Errorf("exported X rendition %v, %v; want 1200×675", cfg, err)
	}
}

// A picture smaller than a preset is scaled up, not refused.
func TestRenditionUpscales(t *testing.T) {
	p := rendition.FromImage(image.NewNRGBA(image.Rect(0, 0, 40, 30)), 1)
	pr, _ := rendition.Lookup("youtube-thumbnail")
	out, err := rendition.Render(context.Background(), p, []rendition.Job{{Preset: pr, Crop: rendition.FocalCrop(40, 30, pr, 0.5, 0.5)}}, rendition.White)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := jpeg.DecodeConfig(bytes.NewReader(out[0].Data))
	if cfg.Width != 1280 || cfg.Height != 720 {
		t.Errorf("upscaled to %d×%d; want 1280×720", cfg.Width, cfg.Height)
	}
}

// A stored original damaged on disk after its import (a disk fault, a
// tool that touched the data folder) is named, and said to be the stored
// copy, not a file that "was not imported".
func TestRenditionsOfADamagedStoredOriginal(t *testing.T) {
	l, _ := openLib(t)
	ctx := context.Background()
	a, _ := importOne(t, l, "ws", "terrasse.png", readTestdata(t, "focal.png"))
	path, err := l.blobs.Path(a.Blob)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data[:len(data)/3], 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = l.Renditions(ctx, a.ID, nil, "")
	var fe *FileError
	if !errors.Is(err, ErrStoredDamaged) || !errors.As(err, &fe) || fe.ErrorInfo()["name"] != "terrasse.png" {
		t.Fatalf("Renditions of a truncated stored original = %v, want ErrStoredDamaged naming terrasse.png", err)
	}
}
