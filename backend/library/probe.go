package library

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"
	"time"

	"github.com/rwcarlsen/goexif/exif"

	"relais/backend/rendition"
)

// probed is what the import decoder learns from a file's bytes before (and
// without) decoding its pixels.
type probed struct {
	format   string // jpeg, png, gif, webp
	width    int    // as stored (before orientation)
	height   int
	orient   int // EXIF orientation, 1..8
	takenAt  time.Time
	animated bool
	deep     bool // 16 bits per channel: decoded at 8 bytes a pixel
}

// sniff names a file's format from its first bytes. Formats Relais does not
// import are named too, so the refusal can say what the file is.
func sniff(b []byte) (format string, supported bool) {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "jpeg", true
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png", true
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "gif", true
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp", true
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		switch brand := string(b[8:12]); brand {
		case "avif", "avis":
			return "avif", false
		case "heic", "heix", "hevc", "hevx", "mif1", "msf1", "heim", "heis":
			return "heic", false
		}
		return "video", false
	case bytes.HasPrefix(b, []byte("8BPS")):
		return "psd", false
	case bytes.HasPrefix(b, []byte("%PDF")):
		return "pdf", false
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return "tiff", false
	case bytes.HasPrefix(b, []byte("BM")):
		return "bmp", false
	}
	head := strings.ToLower(string(b[:min(len(b), 1024)]))
	if strings.Contains(head, "<svg") {
		return "svg", false
	}
	return "", false
}

// probe checks a file's bytes: a supported format, a readable header, a
// pixel count under MaxPixels. It reads EXIF (orientation, date taken) and
// whether a GIF is animated. Errors wrap ErrUnsupported, ErrCorrupt or
// ErrTooManyPixels.
func probe(data []byte) (p probed, err error) {
	format, ok := sniff(data)
	if !ok {
		if format == "" {
			return p, fmt.Errorf("%w: unknown", ErrUnsupported)
		}
		return p, fmt.Errorf("%w: %s", ErrUnsupported, format)
	}
	p.format, p.orient = format, 1
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return p, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return p, fmt.Errorf("%w: %d×%d pixels", ErrCorrupt, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return p, fmt.Errorf("%w: %d×%d", ErrTooManyPixels, cfg.Width, cfg.Height)
	}
	p.width, p.height = cfg.Width, cfg.Height
	switch cfg.ColorModel {
	case color.RGBA64Model, color.NRGBA64Model, color.Gray16Model, color.Alpha16Model:
		p.deep = true
	}
	// A file far too small for the pixels it announces is truncated (or a
	// bomb): refuse it before allocating them. The ratios are beyond what
	// the formats can reach (JPEG spends at least 12 bits per 16×16
	// block; zlib deflates at most 1032:1, at 1 bit per pixel at least).
	pixels := int64(cfg.Width) * int64(cfg.Height)
	if format == "jpeg" && int64(len(data))*1024 < pixels || format == "png" && int64(len(data))*16384 < pixels {
		return p, fmt.Errorf("%w: %d bytes for %d×%d pixels", ErrCorrupt, len(data), cfg.Width, cfg.Height)
	}
	switch format {
	case "jpeg":
		p.orient, p.takenAt = readEXIF(data)
	case "gif":
		n, err := gifFrames(data, 2)
		if err != nil {
			return p, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		p.animated = n > 1
	}
	return p, nil
}

// decoded is what the import decoder makes of a file.
type decoded struct {
	probed
	thumb     []byte
	thumbType string
}

// decode probes data, decodes its pixels (at the reduced size the
// thumbnail needs) and makes the thumbnail: the import decoder, covered by
// FuzzDecode. Errors wrap ErrUnsupported, ErrCorrupt or ErrTooManyPixels.
func decode(data []byte) (decoded, error) {
	p, err := probe(data)
	if err != nil {
		return decoded{probed: p}, err
	}
	return decodeProbed(data, p)
}

// decodeProbed is decode for data that probe has already read as p: the
// import probes first, to weigh the picture before waiting for memory.
func decodeProbed(data []byte, p probed) (decoded, error) {
	pic, err := rendition.Open(data, p.orient)
	if errors.Is(err, rendition.ErrTooManyPixels) {
		return decoded{probed: p}, fmt.Errorf("%w: %v", ErrTooManyPixels, err)
	}
	if err != nil {
		return decoded{probed: p}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	thumb, typ, err := rendition.Thumbnail(pic, ThumbPixels)
	if err != nil {
		return decoded{probed: p}, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return decoded{probed: p, thumb: thumb, thumbType: typ}, nil
}

// exifWindow bounds how much of a JPEG the EXIF reader looks at: the APP1
// segment is at most 64 KiB and comes first.
const exifWindow = 256 << 10

// readEXIF returns the orientation (1 when absent) and the date taken
// (zero when absent). EXIF dates carry no zone: the camera's wall clock is
// kept as if it were UTC, which is what "taken on" shows. A malformed EXIF
// block is ignored, never fatal.
func readEXIF(data []byte) (orient int, taken time.Time) {
	orient = 1
	defer func() {
		if recover() != nil {
			orient, taken = 1, time.Time{}
		}
	}()
	x, err := exif.Decode(bytes.NewReader(data[:min(len(data), exifWindow)]))
	if x == nil || (err != nil && exif.IsCriticalError(err)) {
		return 1, time.Time{}
	}
	if tag, err := x.Get(exif.Orientation); err == nil {
		if v, err := tag.Int(0); err == nil && v >= 1 && v <= 8 {
			orient = v
		}
	}
	for _, name := range []exif.FieldName{exif.DateTimeOriginal, exif.DateTimeDigitized, exif.DateTime} {
		tag, err := x.Get(name)
		if err != nil {
			continue
		}
		s, err := tag.StringVal()
		if err != nil {
			continue
		}
		t, err := time.ParseInLocation("2006:01:02 15:04:05", strings.TrimRight(strings.TrimSpace(s), "\x00"), time.UTC)
		if err == nil && t.Year() > 1900 {
			return orient, t
		}
	}
	return orient, time.Time{}
}

// gifFrames counts a GIF's images, stopping at limit, by walking its block
// structure without decoding pixels.
func gifFrames(b []byte, limit int) (int, error) {
	if len(b) < 13 {
		return 0, errors.New("gif: short header")
	}
	i := 13
	if b[10]&0x80 != 0 {
		i += 3 << (int(b[10]&7) + 1)
	}
	frames := 0
	skipSubBlocks := func() error {
		for {
			if i >= len(b) {
				return errors.New("gif: truncated")
			}
			n := int(b[i])
			i++
			if n == 0 {
				return nil
			}
			i += n
		}
	}
	for frames < limit {
		if i >= len(b) {
			if frames > 0 {
				return frames, nil // missing trailer: what was there counts
			}
			return 0, errors.New("gif: no image")
		}
		switch b[i] {
		case 0x21: // extension: label then sub-blocks
			i += 2
			if err := skipSubBlocks(); err != nil {
				return frames, err
			}
		case 0x2C: // image descriptor
			if i+10 > len(b) {
				return frames, errors.New("gif: truncated")
			}
			packed := b[i+9]
			i += 10
			if packed&0x80 != 0 {
				i += 3 << (int(packed&7) + 1)
			}
			i++ // LZW minimum code size
			if err := skipSubBlocks(); err != nil {
				return frames, err
			}
			frames++
		case 0x3B:
			return frames, nil
		default:
			return frames, fmt.Errorf("gif: unknown block 0x%02x", b[i])
		}
	}
	return frames, nil
}
