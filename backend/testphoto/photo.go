// Package testphoto makes test pictures that compress like photographs
// (smooth shapes, texture, fine noise): a flat test card would flatter
// every encoder and decoder. Benchmarks and scripts/bench-renditions use
// it, so Relais and libvips are measured on the same file.
package testphoto

import (
	"bytes"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"runtime"
	"sync"
)

// Photo returns a w×h 4:2:0 JPEG (quality 90) that depends on seed only.
func Photo(w, h int, seed uint64) ([]byte, error) {
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	cx, cy := float64(w)*(0.3+0.4*r.Float64()), float64(h)*(0.3+0.4*r.Float64())
	band := max(h/(4*runtime.GOMAXPROCS(0)), 16) &^ 1
	var wg sync.WaitGroup
	for y0 := 0; y0 < h; y0 += band {
		wg.Add(1)
		go func(y0, y1 int) {
			defer wg.Done()
			rr := rand.New(rand.NewPCG(seed, uint64(y0)))
			for y := y0; y < y1; y++ {
				row := m.Y[y*m.YStride : y*m.YStride+w]
				for x := range row {
					dx, dy := float64(x)-cx, float64(y)-cy
					d := (dx*dx + dy*dy) / float64(w*w/4)
					v := 200 - 150*d + 20*float64((x/37+y/53)%3) + float64(rr.IntN(24))
					row[x] = uint8(max(0, min(255, v)))
				}
				if y%2 == 0 {
					for x := 0; x < (w+1)/2; x++ {
						m.Cb[(y/2)*m.CStride+x] = uint8(100 + (x*60)/((w+1)/2) + rr.IntN(6))
						m.Cr[(y/2)*m.CStride+x] = uint8(160 - (y*50)/h + rr.IntN(6))
					}
				}
			}
		}(y0, min(y0+band, h))
	}
	wg.Wait()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 90}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Variant returns photo with a JPEG comment holding n inserted after SOI:
// different bytes (a different blob), the same pixels to decode.
func Variant(photo []byte, n int) []byte {
	c := []byte{byte('0' + n/1000%10), byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10)}
	seg := append([]byte{0xFF, 0xFE, 0, byte(len(c) + 2)}, c...)
	out := make([]byte, 0, len(photo)+len(seg))
	out = append(out, photo[:2]...)
	out = append(out, seg...)
	return append(out, photo[2:]...)
}
