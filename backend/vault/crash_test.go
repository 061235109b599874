package vault

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"relais/backend/store"
)

// The rotation crash test runs a vault in a child process (this test
// binary, re-executed with -test.run=^TestRotationCrashChild$) that rotates
// the data key over and over, and kills it with SIGKILL at random moments:
// between re-sealed batches, inside a batch's transaction, while the key
// file is rewritten, or while the next unlock resumes an interrupted
// rotation. After each kill the parent reopens the data folder: the
// passphrase must still unlock, every secret must open with its value, and
// the unlock must leave the secrets under one key.

const (
	envRotateDir  = "RELAIS_TEST_ROTATE_DIR"  // data dir; set only for the child
	envRotateSeed = "RELAIS_TEST_ROTATE_SEED" // replays a failing run's timings
)

// TestRotationCrashChild is the rotating process; it runs only inside
// TestRotationCrash.
func TestRotationCrashChild(t *testing.T) {
	dir := os.Getenv(envRotateDir)
	if dir == "" {
		t.Skip("run by TestRotationCrash")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dir, store.Options{})
	if err != nil {
		fmt.Printf("error open: %v\n", err)
		os.Exit(3)
	}
	v := New(db, filepath.Join(dir, "vault.key"), nil)
	v.SetKDF(cheapKDF)
	v.afterBatch = func() { fmt.Println("batch") }
	fmt.Println("ready")
	// Unlock finishes a rotation the last kill interrupted: kills land
	// there too.
	if err := v.Unlock(ctx, pass); err != nil {
		fmt.Printf("error unlock: %v\n", err)
		os.Exit(3)
	}
	fmt.Println("unlocked")
	deadline := time.Now().Add(30 * time.Second) // bounds an orphaned child
	for n := 1; time.Now().Before(deadline); n++ {
		if err := v.Rotate(ctx, pass); err != nil {
			fmt.Printf("error rotate: %v\n", err)
			os.Exit(3)
		}
		fmt.Printf("rotated %d\n", n)
	}
	db.Close()
}

func TestRotationCrash(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGKILL")
	}
	rounds := 12
	if testing.Short() {
		rounds = 5
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(envRotateSeed); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("%s=%d", envRotateSeed, seed)
	rng := rand.New(rand.NewPCG(seed, seed))

	f := newFixture(t, nil)
	setUp(t, f, ModePassphrase)
	names := putMany(t, f, 5*resealBatch+7) // six batches a rotation
	f.db.Close()
	f.db = nil

	var midRotation, rotations int
	for round := range rounds {
		// Wait for a random number of committed batches, then a random
		// extra moment, so kills land everywhere in the cycle.
		batches := 1 + rng.IntN(12)
		delay := time.Duration(rng.IntN(3000)) * time.Microsecond
		seen, done, out := rotateRound(t, f.dir, batches, delay)
		rotations += done

		db, err := store.Open(context.Background(), f.dir, store.Options{})
		if err != nil {
			t.Fatalf("round %d: reopen after the kill: %v\nchild said:\n%s", round, err, out)
		}
		v := New(db, filepath.Join(f.dir, "vault.key"), nil)
		v.SetKDF(cheapKDF)
		st, err := v.Status(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st.Rotating {
			midRotation++
		}
		if err := v.Unlock(context.Background(), pass); err != nil {
			db.Close()
			t.Fatalf("round %d (killed after %d batches): the passphrase no longer unlocks: %v\nchild said:\n%s", round, seen, err, out)
		}
		g := &fixture{dir: f.dir, db: db, v: v}
		checkAll(t, g, names)
		if ids := keyIDs(t, g); len(ids) != 1 || len(v.keys.Keys) != 1 {
			t.Errorf("round %d: after unlock secrets under %d keys, key set of %d; want 1 and 1", round, len(ids), len(v.keys.Keys))
		}
		db.Close()
	}
	t.Logf("%d rounds, %d full rotations by the children, %d kills left a rotation to resume", rounds, rotations, midRotation)
	if midRotation == 0 {
		t.Error("no kill landed mid-rotation: the test proves nothing")
	}
}

// rotateRound runs one child and SIGKILLs it once it has reported batches
// committed batches and delay has passed. It returns the batches seen, the
// full rotations reported and what the child printed.
func rotateRound(t *testing.T, dir string, batches int, delay time.Duration) (seen, done int, out string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRotationCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envRotateDir+"="+dir)
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	var said strings.Builder
	sc := bufio.NewScanner(stdout)
	timeout := time.AfterFunc(20*time.Second, func() { cmd.Process.Kill() })
	defer timeout.Stop()
	for sc.Scan() {
		line := sc.Text()
		said.WriteString(line + "\n")
		switch {
		case line == "batch":
			seen++
		case strings.HasPrefix(line, "rotated "):
			done++
		case strings.HasPrefix(line, "error"):
			t.Fatalf("child: %s\n%s", line, errBuf.String())
		}
		if seen == batches {
			break
		}
	}
	time.Sleep(delay)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill: %v", err)
	}
	cmd.Wait()
	if seen < batches {
		t.Fatalf("the child stopped after %d batches (wanted %d):\n%s%s", seen, batches, said.String(), errBuf.String())
	}
	return seen, done, said.String()
}
