// Package resttest holds what the publishers' fake servers share: real
// images, a lost answer, and a request log.
package resttest

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// PNG is a real w×h PNG image.
func PNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, picture(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// JPEG is a real w×h JPEG image.
func JPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, picture(w, h), &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func picture(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x * 3), uint8(y * 5), 180, 255})
		}
	}
	return img
}

// IsImage reports whether b decodes as a PNG or JPEG image header, and
// its format.
func IsImage(b []byte) (string, bool) {
	_, format, err := image.DecodeConfig(bytes.NewReader(b))
	return format, err == nil
}

// Drop closes the connection without an answer: the server did the work
// (stored the post) and the client never learns it.
func Drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("resttest: the response writer cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

// Log records the requests a fake server received ("METHOD /path").
type Log struct {
	mu   sync.Mutex
	reqs []string
}

// Add records one request.
func (l *Log) Add(r *http.Request) {
	l.mu.Lock()
	l.reqs = append(l.reqs, r.Method+" "+r.URL.Path)
	l.mu.Unlock()
}

// Count is how many requests were "METHOD /path".
func (l *Log) Count(call string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.reqs {
		if r == call {
			n++
		}
	}
	return n
}

// All returns the requests in order.
func (l *Log) All() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.reqs...)
}

// Fault is a scripted answer: when Match returns true for a request, the
// fake calls Answer instead of handling it (once, unless Sticky).
type Fault struct {
	Match  func(r *http.Request) bool
	Answer func(w http.ResponseWriter, r *http.Request)
	Sticky bool
	// After: the request is handled first (the post is stored), its
	// answer thrown away, then Answer runs (Drop: the answer is lost).
	After bool
}

// Faults is a fake's list of scripted answers.
type Faults struct {
	mu   sync.Mutex
	list []*Fault
}

// Add schedules f.
func (fs *Faults) Add(f Fault) {
	fs.mu.Lock()
	fs.list = append(fs.list, &f)
	fs.mu.Unlock()
}

// Take returns the first fault matching r (removing it unless sticky).
func (fs *Faults) Take(r *http.Request) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.list {
		if f.Match(r) {
			if !f.Sticky {
				fs.list = append(fs.list[:i], fs.list[i+1:]...)
			}
			return f
		}
	}
	return nil
}

// Serve runs the fault matching r, if any, else handle.
func (fs *Faults) Serve(w http.ResponseWriter, r *http.Request, handle http.HandlerFunc) {
	f := fs.Take(r)
	switch {
	case f == nil:
		handle(w, r)
	case f.After:
		handle(httptest.NewRecorder(), r)
		f.Answer(w, r)
	default:
		f.Answer(w, r)
	}
}

// On matches a method and path.
func On(method, path string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.Method == method && r.URL.Path == path }
}
