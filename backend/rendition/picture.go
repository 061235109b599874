package rendition

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // decoders registered for image.Decode
	_ "image/jpeg"
	_ "image/png"
	"runtime"
	"sync"

	"github.com/disintegration/imaging"
	_ "golang.org/x/image/webp"

	"relais/backend/rendition/internal/jpeg"
)

// MaxPixels is the largest picture Decode accepts (width × height); a
// bigger one is refused before its pixels are allocated.
const MaxPixels = 100_000_000

var (
	// ErrDecode is returned when the data is not a picture Go can decode.
	ErrDecode = errors.New("rendition: cannot decode the picture")
	// ErrTooManyPixels is returned for a picture over MaxPixels.
	ErrTooManyPixels = errors.New("rendition: too many pixels")
)

// Picture is a picture to shrink: its encoded bytes (decoded on demand,
// at the reduced size asked for when the format allows) or an image
// already decoded, and the EXIF orientation still to apply.
type Picture struct {
	data   []byte
	format string
	img    image.Image
	orient int
	// W and H are the full size as displayed (orientation applied).
	W, H int
}

// Open checks data's header (a format Go decodes, at most MaxPixels) and
// keeps it; Shrink decodes it. orientation is the EXIF orientation (1..8;
// anything else means 1), applied after shrinking, where it is cheap.
func Open(data []byte, orientation int) (*Picture, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDecode, err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%w: %d×%d", ErrTooManyPixels, cfg.Width, cfg.Height)
	}
	p := &Picture{data: data, format: format, orient: normOrient(orientation), W: cfg.Width, H: cfg.Height}
	if p.orient >= 5 {
		p.W, p.H = p.H, p.W
	}
	return p, nil
}

// FromImage wraps an already decoded image.
func FromImage(img image.Image, orientation int) *Picture {
	b := img.Bounds()
	p := &Picture{img: img, orient: normOrient(orientation), W: b.Dx(), H: b.Dy()}
	if p.orient >= 5 {
		p.W, p.H = p.H, p.W
	}
	return p
}

func normOrient(o int) int {
	if o < 1 || o > 8 {
		return 1
	}
	return o
}

// decode returns the pixels reduced by an integer factor of at most k
// (JPEG: 1/2, 1/4 or 1/8 straight from the DCT coefficients) and that
// factor.
func (p *Picture) decode(k int) (image.Image, int, error) {
	if p.img != nil {
		return p.img, 1, nil
	}
	if p.format == "jpeg" {
		s := 1
		for _, c := range []int{8, 4, 2} {
			if c <= k {
				s = c
				break
			}
		}
		img, err := jpeg.DecodeScaled(bytes.NewReader(p.data), s)
		if err != nil {
			return nil, 0, fmt.Errorf("%w: %v", ErrDecode, err)
		}
		rawW := p.W
		if p.orient >= 5 {
			rawW = p.H
		}
		if s > 1 && img.Bounds().Dx() == (rawW+s-1)/s {
			return img, s, nil
		}
		return img, 1, nil // decoded in full (CMYK) or scale 1
	}
	img, _, err := image.Decode(bytes.NewReader(p.data))
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %v", ErrDecode, err)
	}
	p.img = img
	return img, 1, nil
}

// Shrink decodes the picture and divides it by an integer factor of at
// most k (DCT scaling, then a box filter), oriented, as an NRGBA image; it
// returns the factor used. With bg set, transparency is flattened onto it
// and the result is opaque.
func (p *Picture) Shrink(k int, bg *color.NRGBA) (*image.NRGBA, int, error) {
	k = max(k, 1)
	img, s, err := p.decode(k)
	if err != nil {
		return nil, 0, err
	}
	b := k / s
	var out *image.NRGBA
	if m, ok := img.(*image.YCbCr); ok && m.Rect.Min == (image.Point{}) && chromaOK(m.SubsampleRatio) {
		out = shrinkYCbCr(m, b)
	} else {
		src, ok := img.(*image.NRGBA)
		premult := false
		if m, isRGBA := img.(*image.RGBA); isRGBA && m.Rect.Min == (image.Point{}) && b > 1 {
			// 8-bit PNGs without alpha decode to RGBA: shrink them in
			// place of a full-size copy.
			src, ok, premult = &image.NRGBA{Pix: m.Pix, Stride: m.Stride, Rect: m.Rect}, true, true
		}
		if !ok || src.Rect.Min != (image.Point{}) {
			src = imaging.Clone(img)
		}
		if b == 1 && bg == nil {
			out = src
		} else {
			out = shrinkPix(src, premult, b, bg)
		}
	}
	return orient(out, p.orient), s * b, nil
}

func orient(m *image.NRGBA, o int) *image.NRGBA {
	switch o {
	case 2:
		return imaging.FlipH(m)
	case 3:
		return imaging.Rotate180(m)
	case 4:
		return imaging.FlipV(m)
	case 5:
		return imaging.Transpose(m)
	case 6:
		return imaging.Rotate270(m)
	case 7:
		return imaging.Transverse(m)
	case 8:
		return imaging.Rotate90(m)
	}
	return m
}

// chromaFactors returns the horizontal and vertical chroma subsampling.
func chromaFactors(r image.YCbCrSubsampleRatio) (int, int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return 2, 1
	case image.YCbCrSubsampleRatio420:
		return 2, 2
	case image.YCbCrSubsampleRatio440:
		return 1, 2
	case image.YCbCrSubsampleRatio411:
		return 4, 1
	case image.YCbCrSubsampleRatio410:
		return 4, 2
	}
	return 1, 1
}

func chromaOK(r image.YCbCrSubsampleRatio) bool {
	switch r {
	case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410:
		return true
	}
	return false
}

// parallelRows splits [0, n) into one band per core and runs fn on each.
// Only the shrink stage uses it, never from inside a rendition worker.
func parallelRows(n int, fn func(y0, y1 int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	step := (n + workers - 1) / workers
	for y0 := 0; y0 < n; y0 += step {
		wg.Add(1)
		go func(y0, y1 int) {
			defer wg.Done()
			fn(y0, y1)
		}(y0, min(y0+step, n))
	}
	wg.Wait()
}

// shrinkYCbCr averages k×k blocks of luma (and the chroma samples under
// them) and converts only the result to RGB.
func shrinkYCbCr(m *image.YCbCr, k int) *image.NRGBA {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	ow, oh := max(w/k, 1), max(h/k, 1)
	cxs, cys := chromaFactors(m.SubsampleRatio)
	dst := image.NewNRGBA(image.Rect(0, 0, ow, oh))
	cw := (w + cxs - 1) / cxs
	ch := (h + cys - 1) / cys
	if k == 1 { // conversion only (the decoder already reduced the size)
		xs := map[int]uint{1: 0, 2: 1, 4: 2}[cxs]
		parallelRows(h, func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				yrow := m.Y[y*m.YStride : y*m.YStride+w]
				crow := (y / cys) * m.CStride
				cb, cr := m.Cb[crow:crow+cw], m.Cr[crow:crow+cw]
				out := dst.Pix[y*dst.Stride : y*dst.Stride+w*4]
				for x, yy := range yrow {
					c := x >> xs
					r, g, b := color.YCbCrToRGB(yy, cb[c], cr[c])
					o := out[x*4 : x*4+4 : x*4+4]
					o[0], o[1], o[2], o[3] = r, g, b, 255
				}
			}
		})
		return dst
	}
	parallelRows(oh, func(y0, y1 int) {
		ys := make([]int32, ow)
		cbs := make([]int32, ow)
		crs := make([]int32, ow)
		for oy := y0; oy < y1; oy++ {
			clear(ys)
			clear(cbs)
			clear(crs)
			sy0, sy1 := oy*k, min(oy*k+k, h)
			for y := sy0; y < sy1; y++ {
				row := m.Y[y*m.YStride : y*m.YStride+w]
				for ox := range ow {
					s := ox * k
					var acc int32
					for _, v := range row[s:min(s+k, w)] {
						acc += int32(v)
					}
					ys[ox] += acc
				}
			}
			// Chroma rows and columns under the block; when the block is
			// smaller than a chroma sample, the sample under its centre.
			cy0, cy1 := sy0/cys, (sy1+cys-1)/cys
			if k%cys != 0 {
				cy0 = min((sy0+sy1)/2/cys, ch-1)
				cy1 = cy0 + 1
			}
			cy1 = min(cy1, ch)
			nc := int32(0)
			for cy := cy0; cy < cy1; cy++ {
				cbRow := m.Cb[cy*m.CStride : cy*m.CStride+cw]
				crRow := m.Cr[cy*m.CStride : cy*m.CStride+cw]
				for ox := range ow {
					sx0, sx1 := ox*k, min(ox*k+k, w)
					cx0, cx1 := sx0/cxs, (sx1+cxs-1)/cxs
					if k%cxs != 0 {
						cx0 = min((sx0+sx1)/2/cxs, cw-1)
						cx1 = cx0 + 1
					}
					cx1 = min(cx1, cw)
					var b, r int32
					for cx := cx0; cx < cx1; cx++ {
						b += int32(cbRow[cx])
						r += int32(crRow[cx])
					}
					cbs[ox] += b
					crs[ox] += r
				}
				nc++
			}
			out := dst.Pix[oy*dst.Stride : oy*dst.Stride+ow*4]
			ny := int32((sy1 - sy0) * k)
			for ox := range ow {
				sx0, sx1 := ox*k, min(ox*k+k, w)
				n := ny
				if sx1-sx0 != k {
					n = int32((sy1 - sy0) * (sx1 - sx0))
				}
				cn := nc * chromaCount(sx0, sx1, k, cxs, cw)
				yy := uint8((ys[ox] + n/2) / n)
				cb := uint8((cbs[ox] + cn/2) / cn)
				cr := uint8((crs[ox] + cn/2) / cn)
				r, g, b := color.YCbCrToRGB(yy, cb, cr)
				o := out[ox*4 : ox*4+4 : ox*4+4]
				o[0], o[1], o[2], o[3] = r, g, b, 255
			}
		}
	})
	return dst
}

func chromaCount(sx0, sx1, k, cxs, cw int) int32 {
	if k%cxs != 0 {
		return 1
	}
	cx0, cx1 := sx0/cxs, min((sx1+cxs-1)/cxs, cw)
	return int32(max(cx1-cx0, 1))
}

// shrinkNRGBA averages k×k blocks with alpha weighting; with bg set the
// result is flattened onto it.
func shrinkNRGBA(src *image.NRGBA, k int, bg *color.NRGBA) *image.NRGBA {
	return shrinkPix(src, false, k, bg)
}

// shrinkPix is shrinkNRGBA over pixels that may be premultiplied by alpha
// (an *image.RGBA's, passed as NRGBA).
func shrinkPix(src *image.NRGBA, premult bool, k int, bg *color.NRGBA) *image.NRGBA {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	ow, oh := max(w/k, 1), max(h/k, 1)
	dst := image.NewNRGBA(image.Rect(0, 0, ow, oh))
	parallelRows(oh, func(y0, y1 int) {
		acc := make([]int64, ow*4) // premultiplied r, g, b and alpha sums
		for oy := y0; oy < y1; oy++ {
			clear(acc)
			sy0, sy1 := oy*k, min(oy*k+k, h)
			for y := sy0; y < sy1; y++ {
				row := src.Pix[y*src.Stride : y*src.Stride+w*4]
				for ox := range ow {
					a4 := acc[ox*4 : ox*4+4 : ox*4+4]
					for x := ox * k; x < min(ox*k+k, w); x++ {
						p := row[x*4 : x*4+4 : x*4+4]
						a, w := int64(p[3]), int64(p[3])
						if premult {
							w = 255
						}
						a4[0] += int64(p[0]) * w
						a4[1] += int64(p[1]) * w
						a4[2] += int64(p[2]) * w
						a4[3] += a
					}
				}
			}
			out := dst.Pix[oy*dst.Stride : oy*dst.Stride+ow*4]
			for ox := range ow {
				n := int64((sy1 - sy0) * (min(ox*k+k, w) - ox*k))
				a4 := acc[ox*4 : ox*4+4 : ox*4+4]
				o := out[ox*4 : ox*4+4 : ox*4+4]
				if bg != nil {
					full := 255 * n
					rest := full - a4[3]
					o[0] = uint8((a4[0] + int64(bg.R)*rest + full/2) / full)
					o[1] = uint8((a4[1] + int64(bg.G)*rest + full/2) / full)
					o[2] = uint8((a4[2] + int64(bg.B)*rest + full/2) / full)
					o[3] = 255
					continue
				}
				if a4[3] == 0 {
					o[0], o[1], o[2], o[3] = 0, 0, 0, 0
					continue
				}
				o[0] = uint8((a4[0] + a4[3]/2) / a4[3])
				o[1] = uint8((a4[1] + a4[3]/2) / a4[3])
				o[2] = uint8((a4[2] + a4[3]/2) / a4[3])
				o[3] = uint8((a4[3] + n/2) / n)
			}
		}
	})
	return dst
}

// HasAlpha reports whether any pixel of m is not fully opaque.
func HasAlpha(m *image.NRGBA) bool {
	for y := range m.Rect.Dy() {
		row := m.Pix[y*m.Stride : y*m.Stride+m.Rect.Dx()*4]
		for i := 3; i < len(row); i += 4 {
			if row[i] != 255 {
				return true
			}
		}
	}
	return false
}
