package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type runResult struct {
	watchResult
	Procs  []proc
	Others int // WebKit processes of other apps running when memory was read
}

func (r runResult) total() (pss, rss float64) {
	for _, p := range r.Procs {
		pss += p.PssMB
		rss += p.RssMB
	}
	return
}

func (r runResult) uss() (uss float64) {
	for _, p := range r.Procs {
		uss += p.UssMB
	}
	return
}

func cmdMeasure(args []string) error {
	fs := flag.NewFlagSet("measure", flag.ExitOnError)
	bin := fs.String("bin", "build/bin/relais", "the release binary")
	data := fs.String("data", "", "a seeded data directory, copied afresh for each run (empty: a new empty one)")
	runs := fs.Int("runs", 5, "measured runs")
	warmup := fs.Int("warmup", 1, "unmeasured runs first (warm the page cache)")
	settle := fs.Duration("settle", 3*time.Second, "how long after paint memory is read")
	timeout := fs.Duration("timeout", 30*time.Second, "give up on a run after")
	name := fs.String("name", "^Relais$", "window title (regular expression)")
	screen := fs.String("screen", "1280x1024x24", "Xvfb screen geometry")
	keep := fs.Bool("keep", false, "keep the work directory (logs, data) and print it")
	frames := fs.Bool("frames", false, "save every frame looked at before the paint as runN/frames/<ms>.png (implies -keep; slows the run)")
	rule := ruleFlags(fs)
	_ = fs.Parse(args)

	re, err := regexp.Compile(*name)
	if err != nil {
		return err
	}
	exe, err := filepath.Abs(*bin)
	if err != nil {
		return err
	}
	if _, err := os.Stat(exe); err != nil {
		return err
	}
	for _, tool := range []string{"Xvfb", "dbus-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is not installed (apt: xvfb dbus)", tool)
		}
	}
	work, err := os.MkdirTemp("", "relais-startmeter-")
	if err != nil {
		return err
	}
	if *frames {
		*keep = true
	}
	if *keep {
		fmt.Println("work directory:", work)
	} else {
		defer os.RemoveAll(work)
	}

	var results []runResult
	for i := -*warmup; i < *runs; i++ {
		label := fmt.Sprintf("run %d/%d", i+1, *runs)
		if i < 0 {
			label = "warm-up"
		}
		dir := filepath.Join(work, fmt.Sprintf("run%d", i+*warmup+1))
		r, err := measureOnce(exe, *data, dir, *screen, re, *rule, *timeout, *settle, *frames)
		if err != nil {
			return fmt.Errorf("%s: %w (logs in %s; rerun with -keep to keep them)", label, err, dir)
		}
		pss, rss := r.total()
		flash := ""
		if r.Maps > 1 {
			flash = fmt.Sprintf("; mapped %d times before content, last at %d ms", r.Maps, r.Shown.Milliseconds())
		}
		fmt.Printf("%-8s mapped_ms %4d painted_ms %4d total_pss_mb %5.1f total_rss_mb %5.1f  (%s; %d colours; %d looks%s)\n",
			label, r.Mapped.Milliseconds(), r.Painted.Milliseconds(), pss, rss, breakdown(r.Procs), r.Content.Colours, r.Grabs, flash)
		if i >= 0 {
			results = append(results, r)
		}
	}
	if len(results) == 0 {
		return errors.New("no measured runs")
	}

	painted := make([]float64, len(results))
	mapped := make([]float64, len(results))
	pss := make([]float64, len(results))
	rss := make([]float64, len(results))
	for i, r := range results {
		painted[i] = float64(r.Painted.Milliseconds())
		mapped[i] = float64(r.Mapped.Milliseconds())
		pss[i], rss[i] = r.total()
	}
	// The run whose paint time is the median shows the per-process split.
	mid := results[slices.Index(painted, median(painted))]
	fmt.Println()
	fmt.Printf("median of %d runs: mapped_ms %.0f, painted_ms %.0f (min %.0f, max %.0f), total_pss_mb %.1f (min %.1f, max %.1f), total_rss_mb %.1f\n",
		len(results), median(mapped), median(painted), slices.Min(painted), slices.Max(painted),
		median(pss), slices.Min(pss), slices.Max(pss), median(rss))
	fmt.Printf("window %dx%d; per process in the median run (%s after paint):\n", mid.Window.W, mid.Window.H, *settle)
	for _, p := range mid.Procs {
		fmt.Printf("  %-22s pid %-7d pss %6.1f MB  rss %6.1f MB  uss %6.1f MB\n", p.Comm, p.PID, p.PssMB, p.RssMB, p.UssMB)
	}
	midPss, midRss := mid.total()
	fmt.Printf("  %-22s             pss %6.1f MB  rss %6.1f MB  uss %6.1f MB\n", "total", midPss, midRss, mid.uss())
	if mid.Others > 0 {
		fmt.Printf("note: %d WebKit processes of other apps were running; they share library pages with Relais's and so lower its PSS (USS is unaffected): measure on a quiet machine\n", mid.Others)
	}
	fmt.Printf("painted_ms %d total_pss_mb %d\n", int(math.Round(median(painted))), int(math.Round(median(pss))))
	return nil
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	// An even count: take the lower middle so the value is one that was
	// measured (the per-process split is shown for that run).
	return s[len(s)/2-1]
}

func breakdown(ps []proc) string {
	byName := map[string]float64{}
	var names []string
	for _, p := range ps {
		if _, ok := byName[p.Comm]; !ok {
			names = append(names, p.Comm)
		}
		byName[p.Comm] += p.PssMB
	}
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %.0f", n, byName[n])
	}
	return strings.Join(parts, ", ")
}

// measureOnce runs the app once in its own Xvfb and session bus.
func measureOnce(exe, seed, dir, screen string, re *regexp.Regexp, rule paintRule, timeout, settle time.Duration, frames bool) (runResult, error) {
	var res runResult
	dataDir := filepath.Join(dir, "data")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, err
	}
	if seed != "" {
		if err := copyTree(seed, dataDir); err != nil {
			return res, fmt.Errorf("copying the seeded data: %w", err)
		}
	}

	display, stopX, err := startXvfb(dir, screen)
	if err != nil {
		return res, err
	}
	defer stopX()
	bus, stopBus, err := startBus(dir)
	if err != nil {
		return res, err
	}
	defer stopBus()
	x, err := dial(display, true)
	if err != nil {
		return res, err
	}
	defer x.Close()
	if frames {
		x.frames = filepath.Join(dir, "frames")
		if err := os.MkdirAll(x.frames, 0o755); err != nil {
			return res, err
		}
	}
	if x.dmg == 0 {
		fmt.Fprintln(os.Stderr, "startmeter: no DAMAGE extension; polling every 10 ms")
	}
	poll := 100 * time.Millisecond
	if x.dmg == 0 {
		poll = 10 * time.Millisecond
	}

	logf, err := os.Create(filepath.Join(dir, "app.log"))
	if err != nil {
		return res, err
	}
	defer logf.Close()
	cmd := exec.Command(exe)
	cmd.Env = append(without(os.Environ(), "DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "DBUS_SESSION_BUS_ADDRESS", "RELAIS_DATA_DIR", "GDK_BACKEND"),
		"DISPLAY="+display, "DBUS_SESSION_BUS_ADDRESS="+bus, "RELAIS_DATA_DIR="+dataDir, "GDK_BACKEND=x11")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Dir = dir
	exited := make(chan error, 1)

	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return res, err
	}
	go func() { exited <- cmd.Wait() }()
	defer stopApp(cmd, exited)
	alive := func() error {
		select {
		case err := <-exited:
			exited <- err
			return fmt.Errorf("the app exited before painting: %v", err)
		default:
			return nil
		}
	}
	res.watchResult, err = x.waitPaint(re, t0, timeout, poll, rule, alive)
	if err != nil {
		return res, err
	}
	time.Sleep(settle)
	if err := alive(); err != nil {
		return res, err
	}
	res.Procs, err = tree(cmd.Process.Pid)
	res.Others = otherWebKit(res.Procs)
	return res, err
}

func without(env []string, names ...string) []string {
	out := env[:0:0]
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(names, k) {
			out = append(out, kv)
		}
	}
	return out
}

// stopApp ends the app the way a session does (SIGTERM: Wails shuts down
// and the store closes), then kills what is left.
func stopApp(cmd *exec.Cmd, exited chan error) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
	}
}

// startXvfb starts a private X server and returns its display name.
func startXvfb(dir, screen string) (string, func(), error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", nil, err
	}
	defer r.Close()
	logf, err := os.Create(filepath.Join(dir, "xvfb.log"))
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", screen, "-nolisten", "tcp", "-noreset")
	cmd.ExtraFiles = []*os.File{w}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		w.Close()
		logf.Close()
		return "", nil, err
	}
	w.Close()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		logf.Close()
	}
	line, err := readLine(r, 10*time.Second)
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("Xvfb did not start: %w (see %s)", err, logf.Name())
	}
	return ":" + line, stop, nil
}

// startBus starts a private session D-Bus (Wails' single-instance lock and
// GLib use it; without one GLib autolaunches a bus, which costs time).
func startBus(dir string) (string, func(), error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", nil, err
	}
	defer r.Close()
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=3",
		"--address=unix:path="+filepath.Join(dir, "bus"))
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		w.Close()
		return "", nil, err
	}
	w.Close()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}
	line, err := readLine(r, 10*time.Second)
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("dbus-daemon did not start: %w", err)
	}
	return line, stop, nil
}

func readLine(r io.Reader, timeout time.Duration) (string, error) {
	type res struct {
		s   string
		err error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := bufio.NewReader(r).ReadString('\n')
		ch <- res{strings.TrimSpace(s), err}
	}()
	select {
	case v := <-ch:
		if v.s == "" && v.err != nil {
			return "", v.err
		}
		return v.s, nil
	case <-time.After(timeout):
		return "", errors.New("timed out")
	}
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		t := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(t, info.Mode().Perm())
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(t, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// otherWebKit counts the WebKit processes that are not in ours.
func otherWebKit(ours []proc) int {
	mine := map[int]bool{}
	for _, p := range ours {
		mine[p.PID] = true
	}
	ents, _ := os.ReadDir("/proc")
	n := 0
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || mine[pid] {
			continue
		}
		if strings.HasPrefix(procName(pid), "WebKit") {
			n++
		}
	}
	return n
}

// procName is the base name of the process's program (comm is cut at 15
// characters: "WebKitWebProces").
func procName(pid int) string {
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil {
		if argv0, _, _ := strings.Cut(string(b), "\x00"); argv0 != "" {
			return filepath.Base(argv0)
		}
	}
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	return strings.TrimSpace(string(b))
}

// proc is one process of the app's tree and its memory.
type proc struct {
	PID                 int
	Comm                string
	PssMB, RssMB, UssMB float64 // USS: private pages only
}

// tree returns pid and all its descendants with their PSS and RSS
// (/proc/PID/smaps_rollup).
func tree(pid int) ([]proc, error) {
	children := map[int][]int{}
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 2 {
			continue
		}
		pp, _ := strconv.Atoi(f[1])
		children[pp] = append(children[pp], p)
	}
	var out []proc
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = append(queue[1:], children[p]...)
		pr := proc{PID: p, Comm: procName(p)}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", p))
		if err != nil {
			if p == pid {
				return nil, err
			}
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) < 2 {
				continue
			}
			kb, _ := strconv.ParseFloat(f[1], 64)
			switch f[0] {
			case "Pss:":
				pr.PssMB = kb / 1024
			case "Rss:":
				pr.RssMB = kb / 1024
			case "Private_Clean:", "Private_Dirty:":
				pr.UssMB += kb / 1024
			}
		}
		out = append(out, pr)
	}
	return out, nil
}
