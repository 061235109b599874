// Command startmeter measures and checks Relais's window from outside, over
// the X protocol:
//
//	startmeter measure -bin build/bin/relais -data SEEDED_DIR [-runs 5]
//	    starts a private Xvfb and session D-Bus per run, launches the binary
//	    with a fresh copy of SEEDED_DIR, and reports the time until the
//	    window first shows real content and the memory (PSS) of the app and
//	    its WebKit helpers 3 s later. Last line: painted_ms N total_pss_mb N
//	startmeter wait-paint [-name '^Relais$'] [-timeout 30s]
//	    waits on $DISPLAY until such a window shows real content
//	startmeter close [-name '^Relais$']
//	    sends the window WM_DELETE_WINDOW, as a close button does
//	startmeter windows [-name '^Relais$']
//	    lists the viewable windows with that title
//	startmeter session [-screen 1280x1024x24] -- CMD [ARGS...]
//	    runs CMD in a private Xvfb (display chosen by the server itself, so
//	    parallel runs never collide as with xvfb-run -a) and session D-Bus
//
// "Real content" means many distinct colours in the window's area (text,
// images), not the flat background colour rgb(248,248,250) nor any other
// flat fill. The screen is looked at each time something is drawn (X
// DAMAGE events on the root window), with a slow poll as a fallback.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"time"
)

func usage() {
	fmt.Fprintln(os.Stderr, "usage: startmeter measure|wait-paint|close|windows|session [flags] (-h for flags)")
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "measure":
		err = cmdMeasure(os.Args[2:])
	case "wait-paint":
		err = cmdWaitPaint(os.Args[2:])
	case "close":
		err = cmdClose(os.Args[2:])
	case "windows":
		err = cmdWindows(os.Args[2:])
	case "session":
		err = cmdSession(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "startmeter:", err)
		os.Exit(1)
	}
}

func ruleFlags(fs *flag.FlagSet) *paintRule {
	r := &paintRule{}
	fs.IntVar(&r.MinColours, "min-colours", 24, "distinct non-background colours that count as real content")
	fs.IntVar(&r.MinPixels, "min-pixels", 400, "non-background pixels that count as real content")
	return r
}

func cmdWaitPaint(args []string) error {
	fs := flag.NewFlagSet("wait-paint", flag.ExitOnError)
	name := fs.String("name", "^Relais$", "window title (regular expression)")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after")
	rule := ruleFlags(fs)
	_ = fs.Parse(args)
	re, err := regexp.Compile(*name)
	if err != nil {
		return err
	}
	x, err := dial("", true)
	if err != nil {
		return err
	}
	defer x.Close()
	t0 := time.Now()
	res, err := x.waitPaint(re, t0, *timeout, 50*time.Millisecond, *rule, nil)
	if err != nil {
		return err
	}
	w := res.Window
	fmt.Printf("window 0x%x %q at %d,%d size %dx%d shows real content (%d colours, %d of %d pixels not background) after %d ms of waiting\n",
		w.ID, w.Name, w.X, w.Y, w.W, w.H, res.Content.Colours, res.Content.Pixels, res.Content.Area, res.Painted.Milliseconds())
	fmt.Printf("maps %d unmaps %d\n", res.Maps, res.Unmaps)
	return nil
}

func cmdClose(args []string) error {
	fs := flag.NewFlagSet("close", flag.ExitOnError)
	name := fs.String("name", "^Relais$", "window title (regular expression)")
	_ = fs.Parse(args)
	re, err := regexp.Compile(*name)
	if err != nil {
		return err
	}
	x, err := dial("", false)
	if err != nil {
		return err
	}
	defer x.Close()
	ws, err := x.windows(re)
	if err != nil {
		return err
	}
	if len(ws) == 0 {
		return fmt.Errorf("no viewable window titled %s", re)
	}
	for _, w := range ws {
		if err := x.closeWindow(w.ID); err != nil {
			return err
		}
	}
	return nil
}

func cmdWindows(args []string) error {
	fs := flag.NewFlagSet("windows", flag.ExitOnError)
	name := fs.String("name", "^Relais$", "window title (regular expression)")
	_ = fs.Parse(args)
	re, err := regexp.Compile(*name)
	if err != nil {
		return err
	}
	x, err := dial("", false)
	if err != nil {
		return err
	}
	defer x.Close()
	ws, err := x.windows(re)
	if err != nil {
		return err
	}
	for _, w := range ws {
		fmt.Printf("0x%x %d %d %d %d %s\n", w.ID, w.X, w.Y, w.W, w.H, w.Name)
	}
	return nil
}

func cmdSession(args []string) error {
	fs := flag.NewFlagSet("session", flag.ExitOnError)
	screen := fs.String("screen", "1280x1024x24", "Xvfb screen geometry")
	_ = fs.Parse(args)
	if fs.NArg() == 0 {
		return errors.New("session: no command given")
	}
	dir, err := os.MkdirTemp("", "relais-session-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	display, stopX, err := startXvfb(dir, *screen)
	if err != nil {
		return err
	}
	defer stopX()
	bus, stopBus, err := startBus(dir)
	if err != nil {
		return err
	}
	defer stopBus()
	cmd := exec.Command(fs.Arg(0), fs.Args()[1:]...)
	cmd.Env = append(without(os.Environ(), "DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "DBUS_SESSION_BUS_ADDRESS", "GDK_BACKEND"),
		"DISPLAY="+display, "DBUS_SESSION_BUS_ADDRESS="+bus, "GDK_BACKEND=x11")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		stopBus()
		stopX()
		os.RemoveAll(dir)
		os.Exit(exit.ExitCode())
	}
	return err
}
