package library

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"relais/backend/store"
)

// The crash test imports in a child process (this test binary re-executed
// with -test.run=^TestImportCrashChild$), kills it with SIGKILL in the
// middle of an import, then checks what is left: every record's blobs are
// complete (their bytes hash to their name), no record is missing a blob,
// the reported imports are all there, and the temporary files a killed
// write leaves are removed by the garbage collector once old.

const (
	envCrashDir   = "RELAIS_TEST_LIBRARY_CRASH_DIR"
	envCrashStart = "RELAIS_TEST_LIBRARY_CRASH_START" // first picture's number, so rounds differ
)

func TestImportCrashChild(t *testing.T) {
	dir := os.Getenv(envCrashDir)
	if dir == "" {
		t.Skip("run by TestImportCrash")
	}
	db, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	out := bufio.NewWriter(os.Stdout)
	var start int
	fmt.Sscan(os.Getenv(envCrashStart), &start)
	for i := start; ; i++ {
		var b bytes.Buffer
		jpeg.Encode(&b, scene(600+i, 700), &jpeg.Options{Quality: 95})
		p, err := l.Import(context.Background(), "ws", []File{{Name: fmt.Sprintf("f%d.jpg", i), Data: b.Bytes()}}, nil)
		if err == nil && len(p.Assets) == 1 {
			fmt.Fprintf(out, "ok %s\n", p.Assets[0])
			out.Flush()
		}
	}
}

func TestImportCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir := t.TempDir()
	var confirmed []string
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestImportCrashChild$")
		cmd.Env = append(os.Environ(), envCrashDir+"="+dir, fmt.Sprintf("%s=%d", envCrashStart, 100*round))
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Kill at a different moment each round, after a few imports.
		deadline := time.After(time.Duration(300+250*round) * time.Millisecond)
		n := 0
	wait:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break wait
				}
				if id, ok := strings.CutPrefix(l, "ok "); ok {
					confirmed = append(confirmed, id)
					n++
				}
			case <-deadline:
				if n >= 2 {
					break wait
				}
				deadline = time.After(50 * time.Millisecond)
			}
		}
		cmd.Process.Kill()
		cmd.Wait()
		for range lines {
		}
	}
	db, err := store.Open(context.Background(), dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l, err := Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range confirmed {
		if _, err := l.Get(context.Background(), id); err != nil {
			t.Errorf("confirmed import %s lost: %v", id, err)
		}
	}
	// Every blob under a final name is complete.
	filepath.WalkDir(l.blobDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".tmp-") {
			return nil
		}
		rel, _ := filepath.Rel(l.blobDir, p)
		want := strings.ReplaceAll(filepath.ToSlash(rel), "/", "")
		f, _ := os.Open(p)
		defer f.Close()
		h, _, _, _ := l.blobs.Put(context.Background(), f, 0) // recomputes the hash
		if h != want {
			t.Errorf("blob %s holds content hashing to %s: half-written", want, h)
		}
		return nil
	})
	page, _ := l.Search(context.Background(), Query{Limit: MaxLimit})
	for _, a := range page.Assets {
		if !l.blobs.Has(a.Blob) || !l.blobs.Has(a.Thumb) {
			t.Errorf("record %s points at a missing blob", a.ID)
		}
	}
	t.Logf("%d imports confirmed over 3 kills, %d records", len(confirmed), page.Total)
	// Leftover temporary files go once old.
	old := time.Now().Add(-2 * tmpGrace)
	filepath.WalkDir(l.blobDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".tmp-") {
			os.Chtimes(p, old, old)
		}
		return nil
	})
	l.SetGCGrace(0)
	if _, err := l.CollectGarbage(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkConsistent(t, l, db)
}
