package vault

import (
	"context"
	"errors"
	"sync"
	"testing"
)

// The user locks the vault while a token refresh or a publish is reading a
// secret. The read either refuses (locked) or returns the secret; it never
// reads a healthy secret as tampered, which used to happen because Lock
// zeroed the key the read was still using.
func TestLockWhileReading(t *testing.T) {
	f := newFixture(t, nil)
	setUp(t, f, ModePassphrase)
	ctx := context.Background()
	if err := f.v.Put(ctx, "token/v1/a", []byte("secret")); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		var wg sync.WaitGroup
		var got []byte
		var gerr error
		wg.Add(2)
		go func() { defer wg.Done(); got, gerr = f.v.Get(ctx, "token/v1/a") }()
		go func() { defer wg.Done(); f.v.Lock() }()
		wg.Wait()
		switch {
		case gerr == nil && string(got) != "secret":
			t.Fatalf("round %d: read %q", i, got)
		case gerr != nil && !errors.Is(gerr, ErrLocked):
			t.Fatalf("round %d: %v, want the secret or ErrLocked", i, gerr)
		}
		if err := f.v.Unlock(ctx, pass); err != nil {
			t.Fatal(err)
		}
	}
}

// The same with a write: a Put that reports success has sealed the secret
// under the real key, so it reads back after the next unlock.
func TestLockWhileWriting(t *testing.T) {
	f := newFixture(t, nil)
	setUp(t, f, ModePassphrase)
	ctx := context.Background()
	for i := 0; i < 300; i++ {
		var wg sync.WaitGroup
		var perr error
		wg.Add(2)
		go func() { defer wg.Done(); perr = f.v.Put(ctx, "token/v1/a", []byte("fresh")) }()
		go func() { defer wg.Done(); f.v.Lock() }()
		wg.Wait()
		if err := f.v.Unlock(ctx, pass); err != nil {
			t.Fatal(err)
		}
		if perr != nil {
			if !errors.Is(perr, ErrLocked) {
				t.Fatalf("round %d: Put: %v", i, perr)
			}
			continue
		}
		if got, err := f.v.Get(ctx, "token/v1/a"); err != nil || string(got) != "fresh" {
			t.Fatalf("round %d: Put said saved, then Get = %q, %v", i, got, err)
		}
	}
}

// TestKeysInHandSurviveLock pins the rule the two tests above rely on,
// without depending on timing: the key set a call took before Lock still
// seals and opens correctly after it.
func TestKeysInHandSurviveLock(t *testing.T) {
	f := newFixture(t, nil)
	setUp(t, f, ModePassphrase)
	ctx := context.Background()
	ks, err := f.v.keysFor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.v.Lock()
	sealed, err := seal(ks, "token/v1/a", []byte("fresh"))
	if err != nil {
		t.Fatal(err)
	}
	ks.wipe()
	if err := f.v.Unlock(ctx, pass); err != nil {
		t.Fatal(err)
	}
	again, err := f.v.keysFor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer again.wipe()
	if got, err := open(again, "token/v1/a", sealed); err != nil || string(got) != "fresh" {
		t.Fatalf("sealed with the keys in hand across a Lock: open = %q, %v", got, err)
	}
}
