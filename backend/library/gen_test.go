package library

import (
	"bytes"
	"encoding/binary"
	"flag"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	goruntime "runtime"
	"testing"

	"github.com/disintegration/imaging"
)

// The files in testdata/ are made by this generator (and two are copied
// from Go's own test images), so each one is known exactly:
//
//	go test ./backend/library -run TestGenerateTestdata -gen
var gen = flag.Bool("gen", false, "rewrite testdata/ images")

// Focal dot of focal.png, in 0..1.
const focalX, focalY = 0.8, 0.3

func TestGenerateTestdata(t *testing.T) {
	if !*gen {
		t.Skip("run with -gen to rewrite testdata/")
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	write := func(name string, b []byte) { must(os.WriteFile(filepath.Join("testdata", name), b, 0o644)) }
	must(os.MkdirAll("testdata", 0o755))

	write("portrait.jpg", withEXIF(encJPEG(t, scene(300, 400)), 1, "2024:06:01 18:30:00", true))
	write("landscape.jpg", withEXIF(encJPEG(t, scene(400, 300)), 1, "2023:12:24 09:15:00", false))
	// Orientation n: stored so that, once n is applied, the red corner is
	// at the top left of a 48×64 (portrait) picture.
	disp := marker(48, 64)
	for o := 1; o <= 8; o++ {
		write(orientName(o), withEXIF(encJPEG(t, storeFor(disp, o)), o, "2022:01:02 03:04:05", false))
	}
	write("alpha.png", encPNG(t, alphaPicture()))
	write("gray16.png", encPNG(t, deep16()))
	write("animated.gif", animated(t))
	write("focal.png", encPNG(t, focalPicture(600, 400)))
	write("corrupt.jpg", append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte("not a jpeg "), 40)...))
	land := encJPEG(t, scene(400, 300))
	write("truncated.jpg", land[:len(land)/2])
	write("bomb.png", bombPNG(30000, 30000))
	write("photo.heic", append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 64)...))
	write("doc.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
	write("logo.svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`))
	root := goruntime.GOROOT()
	for dst, src := range map[string]string{
		"cmyk.jpg": filepath.Join(root, "src/image/testdata/video-001.cmyk.jpeg"),
	} {
		b, err := os.ReadFile(src)
		must(err)
		write(dst, b)
	}
	// A small lossy WebP from golang.org/x/image's test data.
	if b, err := os.ReadFile(webpSource()); err == nil {
		write("photo.webp", b)
	} else {
		t.Errorf("webp source: %v", err)
	}
}

func webpSource() string {
	gopath := os.Getenv("GOMODCACHE")
	if gopath == "" {
		gopath = filepath.Join(os.Getenv("HOME"), "go", "pkg", "mod")
	}
	return filepath.Join(gopath, "golang.org/x/image@v0.47.0/testdata/blue-purple-pink.lossy.webp")
}

func orientName(o int) string { return "orient-" + string(rune('0'+o)) + ".jpg" }

func encJPEG(t testing.TB, m image.Image) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encPNG(t testing.TB, m image.Image) []byte {
	var b bytes.Buffer
	e := png.Encoder{CompressionLevel: png.BestCompression}
	if err := e.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// scene is a soft gradient with shapes: compresses like a photograph.
func scene(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := 0.5 + 0.5*math.Sin(float64(x)/23)*math.Cos(float64(y)/31)
			m.SetNRGBA(x, y, color.NRGBA{uint8(60 + 150*v), uint8(90 + 100*float64(y)/float64(h)), uint8(200 - 120*v), 255})
		}
	}
	return m
}

// marker is a w×h grey picture with a red top-left quadrant and a blue
// bottom-right one.
func marker(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.NRGBA{128, 128, 128, 255}
			switch {
			case x < w/2 && y < h/2:
				c = color.NRGBA{230, 20, 20, 255}
			case x >= w/2 && y >= h/2:
				c = color.NRGBA{20, 20, 230, 255}
			}
			m.SetNRGBA(x, y, c)
		}
	}
	return m
}

// storeFor returns the pixels a camera stores for a picture displayed as
// disp with EXIF orientation o (the inverse of what the viewer applies).
func storeFor(disp *image.NRGBA, o int) *image.NRGBA {
	switch o {
	case 2:
		return imaging.FlipH(disp)
	case 3:
		return imaging.Rotate180(disp)
	case 4:
		return imaging.FlipV(disp)
	case 5:
		return imaging.Transpose(disp)
	case 6:
		return imaging.Rotate90(disp)
	case 7:
		return imaging.Transverse(disp)
	case 8:
		return imaging.Rotate270(disp)
	}
	return disp
}

func alphaPicture() *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, 200, 100))
	for y := range 100 {
		for x := range 200 {
			dx, dy := float64(x-100), float64(y-50)
			if dx*dx+dy*dy < 40*40 {
				m.SetNRGBA(x, y, color.NRGBA{10, 160, 60, 255})
			}
		}
	}
	return m
}

func deep16() *image.RGBA64 {
	m := image.NewRGBA64(image.Rect(0, 0, 120, 80))
	for y := range 80 {
		for x := range 120 {
			m.SetRGBA64(x, y, color.RGBA64{uint16(x * 546), uint16(y * 819), 40000, 65535})
		}
	}
	return m
}

func animated(t testing.TB) []byte {
	g := &gif.GIF{}
	for i := range 3 {
		f := image.NewPaletted(image.Rect(0, 0, 40, 40), palette.Plan9)
		for y := range 40 {
			for x := range 40 {
				f.Set(x, y, color.RGBA{uint8(80 * i), uint8(x * 6), uint8(y * 6), 255})
			}
		}
		g.Image = append(g.Image, f)
		g.Delay = append(g.Delay, 20)
	}
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, g); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// focalPicture is a light picture with a red dot at (focalX, focalY).
func focalPicture(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	cx, cy := focalX*float64(w), focalY*float64(h)
	for y := range h {
		for x := range w {
			c := color.NRGBA{uint8(200 + x%40), 220, uint8(200 + y%50), 255}
			if dx, dy := float64(x)-cx, float64(y)-cy; dx*dx+dy*dy < 14*14 {
				c = color.NRGBA{240, 0, 0, 255}
			}
			m.SetNRGBA(x, y, c)
		}
	}
	return m
}

// bombPNG is a valid PNG header announcing w×h pixels with almost no data:
// decoding it would allocate w×h×4 bytes.
func bombPNG(w, h int) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, c.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

// withEXIF inserts an APP1 EXIF segment after a JPEG's SOI: orientation,
// DateTimeOriginal and, when gps is set, a GPS position (which renditions
// must not carry).
func withEXIF(jpg []byte, orientation int, date string, gps bool) []byte {
	le := binary.LittleEndian
	var t bytes.Buffer
	t.WriteString("II*\x00")
	binary.Write(&t, le, uint32(8))
	entry := func(tag, typ uint16, count, value uint32) {
		binary.Write(&t, le, tag)
		binary.Write(&t, le, typ)
		binary.Write(&t, le, count)
		binary.Write(&t, le, value)
	}
	const (
		ifd0At  = 8
		exifAt  = ifd0At + 2 + 3*12 + 4 // 50
		gpsAt   = exifAt + 2 + 12 + 4   // 68
		dataAt  = gpsAt + 2 + 2*12 + 4  // 98
		ratAt   = dataAt + 20           // 118
		shortTy = 3
		longTy  = 4
		asciiTy = 2
		ratTy   = 5
	)
	nIFD0 := uint16(2)
	if gps {
		nIFD0 = 3
	}
	binary.Write(&t, le, nIFD0)
	entry(0x0112, shortTy, 1, uint32(orientation))
	entry(0x8769, longTy, 1, exifAt)
	if gps {
		entry(0x8825, longTy, 1, gpsAt)
	}
	binary.Write(&t, le, uint32(0))
	for t.Len() < exifAt {
		t.WriteByte(0)
	}
	binary.Write(&t, le, uint16(1))
	entry(0x9003, asciiTy, 20, dataAt)
	binary.Write(&t, le, uint32(0))
	for t.Len() < gpsAt {
		t.WriteByte(0)
	}
	binary.Write(&t, le, uint16(2))
	entry(0x0001, asciiTy, 2, uint32('N'))
	entry(0x0002, ratTy, 3, ratAt)
	binary.Write(&t, le, uint32(0))
	d := []byte(date)
	t.Write(append(d[:min(len(d), 19)], 0))
	for _, v := range []uint32{48, 1, 51, 1, 2400, 100} { // 48° 51' 24.00"
		binary.Write(&t, le, v)
	}
	payload := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}
