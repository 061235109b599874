package library

import (
	"bytes"
	"errors"
	"image"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode feeds the import decoder (sniffing, header checks, EXIF,
// GIF frame walk, full decode, thumbnail) arbitrary bytes: it may refuse
// them but must never panic, hang or allocate past MaxPixels.
func FuzzDecode(f *testing.F) {
	entries, _ := os.ReadDir("testdata")
	for _, e := range entries {
		if b, err := os.ReadFile(filepath.Join("testdata", e.Name())); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := decode(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrTooManyPixels) {
				t.Fatalf("decode error %v is none of the import refusals", err)
			}
			return
		}
		if p.width*p.height > MaxPixels || len(p.thumb) == 0 {
			t.Fatalf("accepted %d×%d with a %d-byte thumbnail", p.width, p.height, len(p.thumb))
		}
		if _, _, err := image.Decode(bytes.NewReader(p.thumb)); err != nil {
			t.Fatalf("thumbnail does not decode: %v", err)
		}
	})
}
