package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The crash test runs a writer in a child process (this test binary,
// re-executed with -test.run=^TestCrashChild$) and kills it with SIGKILL at
// random moments. The child prints "ok <i>" only after the Update for write
// i returned nil; every write the parent saw confirmed must be on disk when
// the database is reopened.

const (
	envCrashDir   = "RELAIS_TEST_CRASH_DIR"   // data dir; set only for the child
	envCrashStart = "RELAIS_TEST_CRASH_START" // index of the child's first write
	envCrashSeed  = "RELAIS_TEST_CRASH_SEED"  // replays a failing run's timings
)

// crashValue is what the crash test stores: Gen is the write that stored
// it, Pad makes some values large enough for the value log.
type crashValue struct {
	Key int    `json:"key"`
	Gen int    `json:"gen"`
	Pad string `json:"pad"`
}

func crashPad(key, gen int) string {
	n := 48
	if gen%8 == 5 {
		n = 100 << 10 // above ValueThreshold: stored in the value log
	}
	unit := strconv.Itoa(key) + "/" + strconv.Itoa(gen) + ";"
	return strings.Repeat(unit, n/len(unit)+1)[:n]
}

// crashOp is one change made by a write: a put of (key, gen) or a delete.
type crashOp struct {
	key, gen int
	del      bool
}

// crashOps lists what write i does, in one transaction: it creates key i,
// every fourth write overwrites an earlier key and every seventh deletes
// one, so the final state depends on the order of the writes.
func crashOps(i int) []crashOp {
	ops := []crashOp{{key: i, gen: i}}
	if i%4 == 3 {
		ops = append(ops, crashOp{key: i / 2, gen: i})
	}
	if i%7 == 6 && i >= 10 {
		ops = append(ops, crashOp{key: i - 10, del: true})
	}
	return ops
}

// apply returns the state after write i, as key -> gen.
func apply(state map[int]int, i int) map[int]int {
	next := make(map[int]int, len(state)+1)
	for k, v := range state {
		next[k] = v
	}
	for _, op := range crashOps(i) {
		if op.del {
			delete(next, op.key)
		} else {
			next[op.key] = op.gen
		}
	}
	return next
}

func crashKey(k int) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(k))
	return Key(tableTest, b[:])
}

func crashOptions() Options {
	// Small value-log files and frequent GC, so kills also land during
	// value-log rotation and GC rewrites.
	return Options{GCInterval: 10 * time.Millisecond, Badger: smallValueLog}
}

// TestCrashChild is the writer; it runs only inside TestCrashDurability.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(envCrashDir)
	if dir == "" {
		t.Skip("run by TestCrashDurability")
	}
	start, err := strconv.Atoi(os.Getenv(envCrashStart))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := Open(ctx, dir, crashOptions())
	if err != nil {
		fmt.Printf("error open: %v\n", err)
		os.Exit(3)
	}
	fmt.Println("ready")
	// The parent kills us long before this; the deadline only bounds a
	// child whose parent died.
	deadline := time.Now().Add(30 * time.Second)
	for i := start; time.Now().Before(deadline); i++ {
		err := s.Update(ctx, func(tx *Txn) error {
			for _, op := range crashOps(i) {
				var err error
				if op.del {
					err = tx.Delete(crashKey(op.key))
				} else {
					err = tx.Put(crashKey(op.key), crashValue{Key: op.key, Gen: op.gen, Pad: crashPad(op.key, op.gen)})
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			fmt.Printf("error write %d: %v\n", i, err)
			os.Exit(3)
		}
		fmt.Printf("ok %d\n", i) // one write(2) on an unbuffered pipe
	}
	s.Close()
}

func TestCrashDurability(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGKILL")
	}
	rounds := 25
	if testing.Short() {
		rounds = 6
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(envCrashSeed); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("%s=%d", envCrashSeed, seed)
	rng := rand.New(rand.NewPCG(seed, seed))

	dir := t.TempDir()
	state := map[int]int{} // key -> gen of every write known to be on disk
	next := 0              // the next child starts with this write
	var confirmed, extra, early int
	for round := 0; round < rounds; round++ {
		// Most kills come while the child writes; one in five comes at a
		// random moment from its start, which may be inside Open
		// (recovery, repair, Badger's replay).
		afterReady := rng.IntN(5) != 0
		delay := time.Duration(rng.IntN(200)) * time.Millisecond
		if !afterReady {
			delay += 50 * time.Millisecond
		}
		last, stderr := crashRound(t, dir, next, afterReady, delay)
		confirmed += last - next + 1
		if last < next {
			early++
		}

		// Every write up to last was confirmed. Write last+1 may have been
		// committed without the parent hearing of it; anything later was
		// never started.
		want := state
		for i := next; i <= last; i++ {
			want = apply(want, i)
		}
		got := readCrashState(t, dir)
		switch {
		case sameState(got, want):
			state, next = want, last+1
		case sameState(got, apply(want, last+1)):
			state, next = apply(want, last+1), last+2
			extra++
		default:
			t.Fatalf("round %d: after confirmed writes %d..%d the reopened store differs:\n%s\nchild stderr:\n%s",
				round, next, last, diffState(got, want), stderr)
		}
	}
	t.Logf("%d rounds, %d confirmed writes, %d keys at the end; %d kills before the first write; %d unconfirmed writes found committed",
		rounds, confirmed, len(state), early, extra)
	if confirmed < rounds {
		t.Errorf("only %d writes confirmed in %d rounds; the children did not get to write", confirmed, rounds)
	}
}

// crashRound runs one child from write next, kills it after delay (counted
// from its "ready" line when afterReady) and returns the last confirmed
// write, next-1 if none.
func crashRound(t *testing.T, dir string, next int, afterReady bool, delay time.Duration) (last int, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envCrashDir+"="+dir, envCrashStart+"="+strconv.Itoa(next))
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() // whatever happens to the test

	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		r := bufio.NewReader(out)
		for {
			line, err := r.ReadString('\n')
			if err != nil { // a line without its newline is not a confirmation
				return
			}
			lines <- strings.TrimSuffix(line, "\n")
		}
	}()

	last = next - 1
	var other []string
	handle := func(line string) {
		if n, ok := strings.CutPrefix(line, "ok "); ok {
			i, err := strconv.Atoi(n)
			if err != nil || i != last+1 {
				t.Fatalf("child printed %q after write %d; want ok %d", line, last, last+1)
			}
			last = i
		} else if line != "ready" {
			other = append(other, line)
		}
	}

	kill := time.NewTimer(delay)
	if afterReady {
		kill.Reset(20 * time.Second) // until ready
	}
	for running := true; running; {
		select {
		case line, ok := <-lines:
			if !ok {
				running = false
				break
			}
			handle(line)
			if line == "ready" && afterReady {
				kill.Reset(delay)
			}
		case <-kill.C:
			running = false
		}
	}
	cmd.Process.Kill()
	for line := range lines { // confirmations already in the pipe count
		handle(line)
	}
	err = cmd.Wait()
	if len(other) > 0 || !killed(err) {
		t.Fatalf("child from write %d ended with %v, output %q; want it killed\nstderr:\n%s", next, err, other, errBuf.String())
	}
	return last, errBuf.String()
}

func killed(err error) bool {
	ee, ok := err.(*exec.ExitError)
	return ok && ee.ExitCode() == -1 && strings.Contains(ee.Error(), "killed")
}

// readCrashState opens the store as the app would after a crash and reads
// every key of the test table as key -> gen, checking each value.
func readCrashState(t *testing.T, dir string) map[int]int {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, dir, crashOptions())
	if err != nil {
		t.Fatalf("Open after kill = %v; want nil", err)
	}
	defer func() {
		if err := s.Close(); err != nil {
			t.Fatalf("Close after kill = %v; want nil", err)
		}
	}()
	if v := schemaT(t, s); v != SchemaVersion() {
		t.Fatalf("Schema() after kill = %d; want %d", v, SchemaVersion())
	}
	got := map[int]int{}
	err = s.View(ctx, func(tx *Txn) error {
		return tx.Scan([]byte{tableTest}, func(k []byte, decode func(any) error) error {
			key := int(binary.BigEndian.Uint64(k[1:]))
			var v crashValue
			if err := decode(&v); err != nil {
				return fmt.Errorf("key %d: %w", key, err)
			}
			if v.Key != key || v.Pad != crashPad(v.Key, v.Gen) {
				return fmt.Errorf("key %d holds a damaged value (key %d gen %d, %d-byte pad)", key, v.Key, v.Gen, len(v.Pad))
			}
			got[key] = v.Gen
			return nil
		})
	})
	if err != nil {
		t.Fatalf("reading the store after kill: %v", err)
	}
	return got
}

func sameState(a, b map[int]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func diffState(got, want map[int]int) string {
	var keys []int
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Ints(keys)
	var b strings.Builder
	n := 0
	for _, k := range keys {
		g, gok := got[k]
		w, wok := want[k]
		var line string
		switch {
		case gok && wok && g != w:
			line = fmt.Sprintf("key %d = gen %d; want gen %d", k, g, w)
		case !gok:
			line = fmt.Sprintf("key %d missing; want gen %d (a confirmed write lost)", k, w)
		case !wok:
			line = fmt.Sprintf("key %d = gen %d; want deleted", k, g)
		default:
			continue
		}
		if n++; n > 20 {
			fmt.Fprintf(&b, "…\n")
			break
		}
		fmt.Fprintln(&b, line)
	}
	return b.String()
}
