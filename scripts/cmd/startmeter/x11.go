package main

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/damage"
	"github.com/jezek/xgb/xfixes"
	"github.com/jezek/xgb/xproto"
)

// background is the window's flat colour before the page paints
// (main.go: BackgroundColour 248,248,250), as a 24-bit 0xRRGGBB pixel.
const background = 0xF8F8FA

// xconn is a connection to an X server that watches the root window for
// damage (anything drawn anywhere on screen).
type xconn struct {
	c      *xgb.Conn
	root   xproto.Window
	depth  byte
	width  uint16
	height uint16
	dmg    damage.Damage // 0 when the server has no DAMAGE extension
	wake   chan struct{} // a damage event arrived
	atoms  map[string]xproto.Atom
	// Top-level (not override-redirect) windows mapped and unmapped since
	// dial: a window shown, hidden and shown again has flashed.
	maps, unmaps atomic.Int32
	frames       string // when set, every look is saved there as a PNG (debugging)
	t0           time.Time
	firstMap     atomic.Int64 // when the first top-level window was mapped (UnixNano)
	lastMap      atomic.Int64 // when a top-level window was last mapped (UnixNano)
}

func init() { xgb.Logger = log.New(io.Discard, "", 0) }

// dial connects to display ("" means $DISPLAY) and subscribes to damage on
// the root window when watch is set.
func dial(display string, watch bool) (*xconn, error) {
	c, err := xgb.NewConnDisplay(display)
	if err != nil {
		return nil, fmt.Errorf("connecting to X display %q: %w", display, err)
	}
	s := xproto.Setup(c).DefaultScreen(c)
	x := &xconn{c: c, root: s.Root, depth: s.RootDepth, width: s.WidthInPixels, height: s.HeightInPixels,
		wake: make(chan struct{}, 1), atoms: map[string]xproto.Atom{}}
	if watch {
		x.watchDamage()
		xproto.ChangeWindowAttributes(c, x.root, xproto.CwEventMask, []uint32{xproto.EventMaskSubstructureNotify})
	}
	go x.readEvents()
	return x, nil
}

func (x *xconn) watchDamage() {
	if xfixes.Init(x.c) != nil || damage.Init(x.c) != nil {
		return
	}
	if _, err := xfixes.QueryVersion(x.c, 5, 0).Reply(); err != nil {
		return
	}
	if _, err := damage.QueryVersion(x.c, 1, 1).Reply(); err != nil {
		return
	}
	id, err := x.c.NewId()
	if err != nil {
		return
	}
	d := damage.Damage(id)
	if damage.CreateChecked(x.c, d, xproto.Drawable(x.root), damage.ReportLevelNonEmpty).Check() != nil {
		return
	}
	x.dmg = d
}

func (x *xconn) readEvents() {
	toplevel := map[xproto.Window]bool{}
	for {
		ev, err := x.c.WaitForEvent()
		if ev == nil && err == nil {
			return // connection closed
		}
		switch e := ev.(type) {
		case damage.NotifyEvent:
			select {
			case x.wake <- struct{}{}:
			default:
			}
		case xproto.MapNotifyEvent:
			if !e.OverrideRedirect {
				toplevel[e.Window] = true
				x.maps.Add(1)
				now := time.Now().UnixNano()
				x.firstMap.CompareAndSwap(0, now)
				x.lastMap.Store(now)
			}
		case xproto.UnmapNotifyEvent:
			if toplevel[e.Window] {
				x.unmaps.Add(1)
			}
		}
	}
}

// rearm clears the accumulated damage so the next drawing sends a new event.
func (x *xconn) rearm() {
	if x.dmg != 0 {
		damage.Subtract(x.c, x.dmg, 0, 0)
	}
}

func (x *xconn) Close() { x.c.Close() }

func (x *xconn) atom(name string) xproto.Atom {
	if a, ok := x.atoms[name]; ok {
		return a
	}
	r, err := xproto.InternAtom(x.c, false, uint16(len(name)), name).Reply()
	if err != nil {
		return 0
	}
	x.atoms[name] = r.Atom
	return r.Atom
}

func (x *xconn) name(w xproto.Window) string {
	for _, p := range []struct{ prop, typ string }{{"_NET_WM_NAME", "UTF8_STRING"}, {"WM_NAME", "STRING"}} {
		r, err := xproto.GetProperty(x.c, false, w, x.atom(p.prop), xproto.GetPropertyTypeAny, 0, 1024).Reply()
		if err == nil && r != nil && r.Format == 8 && len(r.Value) > 0 {
			return string(r.Value)
		}
	}
	return ""
}

type rect struct{ X, Y, W, H int }

// window is a viewable top-level window whose title matches.
type window struct {
	ID   xproto.Window
	Name string
	rect
}

// windows lists the viewable top-level windows (children of the root, or
// their children when a window manager reparents them) whose title matches.
func (x *xconn) windows(re *regexp.Regexp) ([]window, error) {
	tree, err := xproto.QueryTree(x.c, x.root).Reply()
	if err != nil {
		return nil, err
	}
	var out []window
	for _, w := range tree.Children {
		a, err := xproto.GetWindowAttributes(x.c, w).Reply()
		if err != nil || a.MapState != xproto.MapStateViewable {
			continue
		}
		cands := []xproto.Window{w}
		if sub, err := xproto.QueryTree(x.c, w).Reply(); err == nil {
			cands = append(cands, sub.Children...)
		}
		for _, c := range cands {
			n := x.name(c)
			if n == "" || !re.MatchString(n) {
				continue
			}
			if c != w {
				if a, err := xproto.GetWindowAttributes(x.c, c).Reply(); err != nil || a.MapState != xproto.MapStateViewable {
					continue
				}
			}
			g, err := xproto.GetGeometry(x.c, xproto.Drawable(c)).Reply()
			if err != nil {
				continue
			}
			t, err := xproto.TranslateCoordinates(x.c, c, x.root, 0, 0).Reply()
			if err != nil {
				continue
			}
			out = append(out, window{ID: c, Name: n, rect: rect{int(t.DstX), int(t.DstY), int(g.Width), int(g.Height)}})
			break
		}
	}
	return out, nil
}

// content describes what a grab of a window's area shows.
type content struct {
	Colours int // distinct colours, the background excluded (capped)
	Pixels  int // pixels that are not the background colour
	Area    int
}

const colourCap = 4096

// look grabs the screen area r and counts what is not flat background.
func (x *xconn) look(r rect) (content, error) {
	// Clip to the screen.
	if r.X < 0 {
		r.W += r.X
		r.X = 0
	}
	if r.Y < 0 {
		r.H += r.Y
		r.Y = 0
	}
	r.W = min(r.W, int(x.width)-r.X)
	r.H = min(r.H, int(x.height)-r.Y)
	if r.W <= 0 || r.H <= 0 {
		return content{}, errors.New("window is off screen")
	}
	img, err := xproto.GetImage(x.c, xproto.ImageFormatZPixmap, xproto.Drawable(x.root),
		int16(r.X), int16(r.Y), uint16(r.W), uint16(r.H), 0xffffffff).Reply()
	if err != nil {
		return content{}, err
	}
	if img.Depth != 24 && img.Depth != 32 {
		return content{}, fmt.Errorf("unsupported screen depth %d (run Xvfb with -screen 0 WxHx24)", img.Depth)
	}
	d := img.Data
	n := r.W * r.H
	if len(d) < n*4 {
		return content{}, fmt.Errorf("short image: %d bytes for %d pixels", len(d), n)
	}
	if x.frames != "" {
		x.saveFrame(d, r)
	}
	seen := make(map[uint32]struct{}, 256)
	c := content{Area: n}
	for i := 0; i+3 < n*4; i += 4 {
		p := uint32(d[i]) | uint32(d[i+1])<<8 | uint32(d[i+2])<<16 // BGRX
		if p == background {
			continue
		}
		c.Pixels++
		if len(seen) < colourCap {
			seen[p] = struct{}{}
		}
	}
	c.Colours = len(seen)
	return c, nil
}

// painted is the rule for "the window shows real content": text and images
// bring many distinct colours (anti-aliasing); a flat fill, even of another
// colour, brings one or two.
type paintRule struct{ MinColours, MinPixels int }

func (p paintRule) ok(c content) bool { return c.Colours >= p.MinColours && c.Pixels >= p.MinPixels }

// watchResult is what waitPaint saw.
type watchResult struct {
	Mapped  time.Duration // a top-level window first mapped, since t0
	Shown   time.Duration // a top-level window last mapped before the paint
	Painted time.Duration // window first showing real content, since t0
	Window  window
	Content content
	Grabs   int
	// Maps and Unmaps count top-level windows mapped and unmapped before
	// the paint: more than one map means the window flashed.
	Maps, Unmaps int
}

// waitPaint waits until a viewable window titled re shows real content.
// It looks at the screen each time something was drawn (DAMAGE events),
// and every poll as a fallback. alive reports an error when the watched
// process died.
func (x *xconn) waitPaint(re *regexp.Regexp, t0 time.Time, timeout, poll time.Duration, rule paintRule, alive func() error) (watchResult, error) {
	var res watchResult
	x.t0 = t0
	deadline := time.NewTimer(timeout - time.Since(t0))
	defer deadline.Stop()
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		x.rearm()
		at := time.Now()
		ws, err := x.windows(re)
		if err != nil {
			return res, err
		}
		if len(ws) > 0 {
			if res.Mapped == 0 {
				res.Mapped = at.Sub(t0)
			}
			c, err := x.look(ws[0].rect)
			res.Grabs++
			if err == nil {
				res.Window, res.Content = ws[0], c
				if rule.ok(c) {
					res.Painted = at.Sub(t0)
					res.Maps, res.Unmaps = int(x.maps.Load()), int(x.unmaps.Load())
					if m := x.firstMap.Load(); m != 0 {
						res.Mapped = time.Unix(0, m).Sub(t0)
					}
					if m := x.lastMap.Load(); m != 0 {
						res.Shown = time.Unix(0, m).Sub(t0)
					}
					return res, nil
				}
			}
		}
		if alive != nil {
			if err := alive(); err != nil {
				return res, err
			}
		}
		select {
		case <-x.wake:
		case <-tick.C:
		case <-deadline.C:
			if res.Mapped == 0 {
				return res, fmt.Errorf("no viewable window titled %s after %v", re, timeout)
			}
			return res, fmt.Errorf("window %s mapped after %v but showed no real content within %v (last look: %d colours, %d non-background pixels)",
				re, res.Mapped.Round(time.Millisecond), timeout, res.Content.Colours, res.Content.Pixels)
		}
	}
}

// closeWindow asks the window to close the way a window manager's close
// button does: a WM_DELETE_WINDOW client message.
func (x *xconn) closeWindow(w xproto.Window) error {
	ev := xproto.ClientMessageEvent{
		Format: 32,
		Window: w,
		Type:   x.atom("WM_PROTOCOLS"),
		Data:   xproto.ClientMessageDataUnionData32New([]uint32{uint32(x.atom("WM_DELETE_WINDOW")), 0, 0, 0, 0}),
	}
	return xproto.SendEventChecked(x.c, false, w, xproto.EventMaskNoEvent, string(ev.Bytes())).Check()
}

// saveFrame writes a grabbed BGRX area as frames/<ms since t0>.png.
func (x *xconn) saveFrame(d []byte, r rect) {
	img := image.NewRGBA(image.Rect(0, 0, r.W, r.H))
	for i := 0; i < r.W*r.H; i++ {
		img.Pix[i*4], img.Pix[i*4+1], img.Pix[i*4+2], img.Pix[i*4+3] = d[i*4+2], d[i*4+1], d[i*4], 255
	}
	name := filepath.Join(x.frames, fmt.Sprintf("%05d.png", time.Since(x.t0).Milliseconds()))
	f, err := os.Create(name)
	if err != nil {
		return
	}
	defer f.Close()
	_ = png.Encode(f, img)
}
