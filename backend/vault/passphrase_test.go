package vault

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A wrong current passphrase given to ChangePassphrase or Rotate is a
// failed try like a wrong Unlock: the same growing wait, shared with
// Unlock, and nothing changed; otherwise they would be a way around the
// delay.
func TestChangePassphraseWrongOldWaits(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	setUp(t, f, ModePassphrase)
	if err := f.v.Put(ctx, Name("token", "1"), []byte("tok-1")); err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(f.dir, "vault.key")
	keyBefore, _ := os.ReadFile(keyPath)
	const next = "new passphrase 123"

	waits := []time.Duration{1, 2, 4, 8, 16, 30, 30}
	for i, want := range waits {
		var err error
		switch i % 3 { // the three entry points share one count
		case 0, 1:
			err = f.v.ChangePassphrase(ctx, "not the passphrase", next)
		case 2:
			err = f.v.Rotate(ctx, "not the passphrase")
		}
		if !errors.Is(err, ErrWrongPassphrase) || !isWait(err, want*time.Second) {
			t.Fatalf("wrong try %d = %v; want ErrWrongPassphrase with wait %ds", i+1, err, want)
		}
		// During the wait even the right passphrase is refused, by every
		// entry point.
		if err := f.v.ChangePassphrase(ctx, pass, next); !errors.Is(err, ErrTooSoon) {
			t.Fatalf("ChangePassphrase during the wait = %v; want ErrTooSoon", err)
		}
		if err := f.v.Rotate(ctx, pass); !errors.Is(err, ErrTooSoon) {
			t.Fatalf("Rotate during the wait = %v; want ErrTooSoon", err)
		}
		if err := f.v.Unlock(ctx, pass); !errors.Is(err, ErrTooSoon) {
			t.Fatalf("Unlock during the wait = %v; want ErrTooSoon", err)
		}
		if keyAfter, _ := os.ReadFile(keyPath); !bytes.Equal(keyBefore, keyAfter) {
			t.Fatalf("key file changed by wrong try %d", i+1)
		}
		f.clock = f.clock.Add(want * time.Second)
	}
	// A wrong Unlock makes ChangePassphrase wait too.
	if err := f.v.Unlock(ctx, "still not it"); !isWait(err, 30*time.Second) {
		t.Fatalf("wrong Unlock = %v; want a 30 s wait", err)
	}
	if err := f.v.ChangePassphrase(ctx, pass, next); !errors.Is(err, ErrTooSoon) {
		t.Fatalf("ChangePassphrase after a wrong Unlock = %v; want ErrTooSoon", err)
	}
	f.clock = f.clock.Add(30 * time.Second)
	if err := f.v.ChangePassphrase(ctx, pass, next); err != nil {
		t.Fatalf("ChangePassphrase(right) after the wait = %v", err)
	}
	// The success resets the count.
	if err := f.v.ChangePassphrase(ctx, pass, "another one 456"); !isWait(err, time.Second) {
		t.Errorf("first failure after a success = %v; want a 1 s wait", err)
	}
	f.clock = f.clock.Add(time.Second)
	f.v.Lock()
	if err := f.v.Unlock(ctx, next); err != nil {
		t.Fatal(err)
	}
	if got, err := f.v.Get(ctx, Name("token", "1")); err != nil || string(got) != "tok-1" {
		t.Errorf("Get after the change = %q, %v", got, err)
	}
}

// Parallel tries (the frontend can send many calls at once) are taken one
// at a time: with the clock stopped, only the first wrong guess is
// evaluated, every other waits.
func TestParallelPassphraseTriesWait(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	setUp(t, f, ModePassphrase)
	f.reopen(t, nil)
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			if i%2 == 0 {
				errs <- f.v.Unlock(ctx, "guess number "+string(rune('a'+i)))
			} else {
				errs <- f.v.ChangePassphrase(ctx, "guess number "+string(rune('a'+i)), "new passphrase 123")
			}
		}()
	}
	wrong, soon := 0, 0
	for range n {
		switch err := <-errs; {
		case errors.Is(err, ErrWrongPassphrase):
			wrong++
		case errors.Is(err, ErrTooSoon):
			soon++
		default:
			t.Errorf("parallel try = %v", err)
		}
	}
	if wrong != 1 || soon != n-1 {
		t.Errorf("%d parallel wrong tries: %d evaluated, %d told to wait; want 1 and %d", n, wrong, soon, n-1)
	}
}
