package vault

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"relais/backend/store"
)

// cheapKDF keeps tests fast; DefaultKDF is measured in BenchmarkKDF.
var cheapKDF = KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

type fixture struct {
	dir   string
	db    *store.Store
	v     *Vault
	clock time.Time
}

func newFixture(t *testing.T, kr Keyring) *fixture {
	t.Helper()
	f := &fixture{dir: t.TempDir(), clock: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	f.reopen(t, kr)
	return f
}

// reopen simulates a new run of the app on the same data folder.
func (f *fixture) reopen(t *testing.T, kr Keyring) {
	t.Helper()
	if f.db != nil {
		f.db.Close()
	}
	db, err := store.Open(context.Background(), f.dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.db = db
	f.v = New(db, filepath.Join(f.dir, "vault.key"), kr)
	f.v.SetKDF(cheapKDF)
	f.v.SetClock(func() time.Time { return f.clock })
}

const pass = "correct horse battery"

func TestSealIsBoundToItsRecord(t *testing.T) {
	ks := newKeySet()
	sealed, err := seal(ks, "token/v1/acct-A", []byte("secret-A"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := open(ks, "token/v1/acct-A", sealed); err != nil || string(got) != "secret-A" {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := open(ks, "token/v1/acct-B", sealed); !errors.Is(err, ErrTampered) {
		t.Errorf("open under another account's name = %v; want ErrTampered", err)
	}
	for i := range sealed {
		bad := bytes.Clone(sealed)
		bad[i] ^= 0x01
		if _, err := open(ks, "token/v1/acct-A", bad); !errors.Is(err, ErrTampered) {
			t.Fatalf("open with byte %d flipped = %v; want ErrTampered", i, err)
		}
	}
	if _, err := open(newKeySet(), "token/v1/acct-A", sealed); !errors.Is(err, ErrTampered) {
		t.Errorf("open with another key set = %v; want ErrTampered", err)
	}
	if _, err := open(ks, "token/v1/acct-A", sealed[:10]); !errors.Is(err, ErrTampered) {
		t.Errorf("open of a short value = %v; want ErrTampered", err)
	}
	again, _ := seal(ks, "token/v1/acct-A", []byte("secret-A"))
	if bytes.Equal(again, sealed) {
		t.Errorf("two seals of the same secret are identical: nonce reused")
	}
}

func TestMovedCiphertextIsRefused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	if err := f.v.SetUpPassphrase(ctx, pass); err != nil {
		t.Fatal(err)
	}
	if err := f.v.Put(ctx, Name("token", "A"), []byte("token-of-A")); err != nil {
		t.Fatal(err)
	}
	// Copy A's stored record onto B's key, as someone editing the database would.
	err := f.db.Update(ctx, func(tx *store.Txn) error {
		var rec sealedRecord
		if err := tx.Get(secretKey(Name("token", "A")), &rec); err != nil {
			return err
		}
		return tx.Put(secretKey(Name("token", "B")), rec)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := f.v.Get(ctx, Name("token", "B")); !errors.Is(err, ErrTampered) {
		t.Errorf("Get(B) with A's ciphertext = %q, %v; want ErrTampered", got, err)
	}
}

func TestPassphraseMode(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	if st, _ := f.v.Status(ctx); st.SetUp || st.Mode != ModeNone {
		t.Fatalf("fresh Status = %+v", st)
	}
	if err := f.v.Put(ctx, "x", []byte("y")); !errors.Is(err, ErrNotSetUp) {
		t.Errorf("Put before setup = %v; want ErrNotSetUp", err)
	}
	if err := f.v.SetUpPassphrase(ctx, "short"); !errors.Is(err, ErrWeakPassphrase) {
		t.Errorf("SetUpPassphrase(short) = %v; want ErrWeakPassphrase", err)
	}
	if err := f.v.SetUpPassphrase(ctx, pass); err != nil {
		t.Fatal(err)
	}
	if err := f.v.SetUpPassphrase(ctx, pass); !errors.Is(err, ErrAlreadySetUp) {
		t.Errorf("second setup = %v; want ErrAlreadySetUp", err)
	}
	if err := f.v.Put(ctx, Name("token", "1"), []byte("tok-1")); err != nil {
		t.Fatal(err)
	}

	f.reopen(t, nil)
	st, _ := f.v.Status(ctx)
	if st.Mode != ModePassphrase || !st.Locked {
		t.Fatalf("after restart Status = %+v; want passphrase mode, locked", st)
	}
	if _, err := f.v.Get(ctx, Name("token", "1")); !errors.Is(err, ErrLocked) {
		t.Errorf("Get while locked = %v; want ErrLocked", err)
	}
	keyBefore, _ := os.ReadFile(filepath.Join(f.dir, "vault.key"))

	// Wrong passphrases: a clear error, a growing wait, nothing changed.
	waits := []time.Duration{1, 2, 4, 8, 16, 30, 30}
	for i, want := range waits {
		err := f.v.Unlock(ctx, "not the passphrase")
		var we *WaitError
		if !errors.Is(err, ErrWrongPassphrase) || !errors.As(err, &we) || we.Wait != want*time.Second {
			t.Fatalf("wrong try %d = %v; want ErrWrongPassphrase with wait %ds", i+1, err, want)
		}
		if err := f.v.Unlock(ctx, pass); !errors.Is(err, ErrTooSoon) {
			t.Fatalf("try during the wait = %v; want ErrTooSoon", err)
		}
		f.clock = f.clock.Add(want * time.Second)
	}
	if keyAfter, _ := os.ReadFile(filepath.Join(f.dir, "vault.key")); !bytes.Equal(keyBefore, keyAfter) {
		t.Errorf("key file changed by wrong passphrases")
	}
	if err := f.v.Unlock(ctx, pass); err != nil {
		t.Fatalf("Unlock(right) = %v", err)
	}
	if got, err := f.v.Get(ctx, Name("token", "1")); err != nil || string(got) != "tok-1" {
		t.Errorf("Get after unlock = %q, %v", got, err)
	}
	// The wait resets after a success.
	f.v.Lock()
	if err := f.v.Unlock(ctx, "wrong again!"); !isWait(err, time.Second) {
		t.Errorf("first failure after a success = %v; want a 1 s wait", err)
	}

	// Changing the passphrase keeps the secrets.
	f.clock = f.clock.Add(time.Minute)
	if err := f.v.ChangePassphrase(ctx, "wrong passphrase", "new passphrase 123"); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("ChangePassphrase(wrong old) = %v", err)
	}
	f.clock = f.clock.Add(time.Minute) // the wrong old passphrase's wait
	if err := f.v.ChangePassphrase(ctx, pass, "new passphrase 123"); err != nil {
		t.Fatal(err)
	}
	f.reopen(t, nil)
	if err := f.v.Unlock(ctx, pass); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("old passphrase after change = %v; want ErrWrongPassphrase", err)
	}
	f.clock = f.clock.Add(time.Minute)
	if err := f.v.Unlock(ctx, "new passphrase 123"); err != nil {
		t.Fatal(err)
	}
	if got, err := f.v.Get(ctx, Name("token", "1")); err != nil || string(got) != "tok-1" {
		t.Errorf("Get after passphrase change = %q, %v", got, err)
	}
}

func isWait(err error, d time.Duration) bool {
	var we *WaitError
	return errors.As(err, &we) && we.Wait == d
}

func TestDamagedKeyFile(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	if err := f.v.SetUpPassphrase(ctx, pass); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(f.dir, "vault.key")
	for _, content := range []string{"", "{", `{"version":1,"kdf":"scrypt"}`, `{"version":1,"kdf":"argon2id","params":{"time":1,"memoryKiB":99999999,"threads":1}}`} {
		os.WriteFile(path, []byte(content), 0o600)
		f.reopen(t, nil)
		if err := f.v.Unlock(ctx, pass); !errors.Is(err, ErrKeyFileCorrupt) {
			t.Errorf("Unlock with key file %q = %v; want ErrKeyFileCorrupt", content, err)
		}
	}
	os.Remove(path)
	f.reopen(t, nil)
	if err := f.v.Unlock(ctx, pass); !errors.Is(err, ErrKeyFileCorrupt) {
		t.Errorf("Unlock with no key file = %v; want ErrKeyFileCorrupt", err)
	}
}

func TestKeyringMode(t *testing.T) {
	keyring.MockInit()
	ctx := context.Background()
	f := newFixture(t, OSKeyring{})
	st, _ := f.v.Status(ctx)
	if !st.KeyringAvailable {
		t.Fatalf("Status with the mock keyring = %+v; want KeyringAvailable", st)
	}
	if err := f.v.SetUpKeyring(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b", "c"} {
		if err := f.v.Put(ctx, Name("token", id), []byte("tok-"+id)); err != nil {
			t.Fatal(err)
		}
	}
	// A new run opens without asking anything.
	f.reopen(t, OSKeyring{})
	if st, _ := f.v.Status(ctx); st.Mode != ModeKeyring || st.Locked || st.NeedsRecovery {
		t.Fatalf("after restart Status = %+v; want keyring mode, unlocked", st)
	}
	if got, err := f.v.Get(ctx, Name("token", "b")); err != nil || string(got) != "tok-b" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	// Only the data key is in the keyring, never a token.
	var cfg config
	f.db.View(ctx, func(tx *store.Txn) error { return tx.Get(configKey, &cfg) })
	entry, _ := keyring.Get(Service, cfg.user())
	if strings.Contains(entry, "tok-") || len(entry) > 200 {
		t.Errorf("keyring entry holds more than a key: %d bytes", len(entry))
	}

	// The keyring entry disappears: the user is told, tokens are lost,
	// nothing else is.
	if err := f.db.Update(ctx, func(tx *store.Txn) error {
		return tx.Put(store.Key(store.TableSettings, []byte("other")), "kept")
	}); err != nil {
		t.Fatal(err)
	}
	keyring.Delete(Service, cfg.user())
	f.reopen(t, OSKeyring{})
	st, _ = f.v.Status(ctx)
	if !st.NeedsRecovery || !st.Locked {
		t.Fatalf("Status with the key gone = %+v; want NeedsRecovery, locked", st)
	}
	if _, err := f.v.Get(ctx, Name("token", "a")); !errors.Is(err, ErrKeyMissing) {
		t.Errorf("Get with the key gone = %v; want ErrKeyMissing", err)
	}
	lost, err := f.v.Recover(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(lost, ",") != "token/v1/a,token/v1/b,token/v1/c" {
		t.Errorf("Recover lost %v", lost)
	}
	if st, _ := f.v.Status(ctx); st.NeedsRecovery || st.Locked {
		t.Errorf("Status after Recover = %+v", st)
	}
	var kept string
	f.db.View(ctx, func(tx *store.Txn) error { return tx.Get(store.Key(store.TableSettings, []byte("other")), &kept) })
	if kept != "kept" {
		t.Errorf("other data lost by Recover: %q", kept)
	}
	if err := f.v.Put(ctx, Name("token", "a"), []byte("new-a")); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.v.Get(ctx, Name("token", "a")); string(got) != "new-a" {
		t.Errorf("Get after Recover = %q", got)
	}
}

func TestKeyringUnavailable(t *testing.T) {
	keyring.MockInitWithError(errors.New("org.freedesktop.secrets was not provided by any .service files"))
	defer keyring.MockInit()
	ctx := context.Background()
	f := newFixture(t, OSKeyring{})
	if st, _ := f.v.Status(ctx); st.KeyringAvailable {
		t.Errorf("Status = %+v; want no keyring", st)
	}
	if err := f.v.SetUpKeyring(ctx); !errors.Is(err, ErrKeyringUnavailable) {
		t.Fatalf("SetUpKeyring = %v; want ErrKeyringUnavailable", err)
	}
	// Nothing was recorded: the user can still choose a passphrase.
	if st, _ := f.v.Status(ctx); st.SetUp {
		t.Errorf("Status after a failed setup = %+v", st)
	}
	if err := f.v.SetUpPassphrase(ctx, pass); err != nil {
		t.Errorf("SetUpPassphrase after no keyring = %v", err)
	}
}

func TestRotation(t *testing.T) {
	for _, mode := range []Mode{ModePassphrase, ModeKeyring} {
		t.Run(string(mode), func(t *testing.T) {
			keyring.MockInit()
			ctx := context.Background()
			f := newFixture(t, OSKeyring{})
			setUp(t, f, mode)
			names := putMany(t, f, 150)
			oldID := currentKey(f.v)
			if err := f.v.Rotate(ctx, pass); err != nil {
				t.Fatal(err)
			}
			if currentKey(f.v) == oldID {
				t.Fatal("Rotate kept the key id")
			}
			checkAll(t, f, names)
			checkAllUnder(t, f, currentKey(f.v))
			f.reopen(t, OSKeyring{})
			f.v.Unlock(ctx, pass)
			if n := len(f.v.keys.Keys); n != 1 {
				t.Errorf("after rotation the key set holds %d keys; want 1", n)
			}
			checkAll(t, f, names)
		})
	}
}

// A crash after the first re-sealed batch: every secret stays readable and
// the next unlock finishes the rotation.
func TestRotationInterrupted(t *testing.T) {
	for _, mode := range []Mode{ModePassphrase, ModeKeyring} {
		t.Run(string(mode), func(t *testing.T) {
			keyring.MockInit()
			ctx := context.Background()
			f := newFixture(t, OSKeyring{})
			setUp(t, f, mode)
			names := putMany(t, f, 3*resealBatch+5)
			// Stop the process mid-rotation: cancel the context after the
			// first batch has committed.
			cctx, cancel := context.WithCancel(ctx)
			batches := 0
			f.db.Close() // reopen with a hook that counts committed batches
			db, err := store.Open(ctx, f.dir, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			f.db = db
			f.v = New(db, filepath.Join(f.dir, "vault.key"), OSKeyring{})
			f.v.SetKDF(cheapKDF)
			f.v.afterBatch = func() {
				if batches++; batches == 1 {
					cancel()
				}
			}
			if err := f.v.Unlock(ctx, pass); err != nil {
				t.Fatal(err)
			}
			if err := f.v.Rotate(cctx, pass); err == nil {
				t.Fatal("Rotate with a cancelled context succeeded")
			}
			mixed := keyIDs(t, f)
			if len(mixed) != 2 {
				t.Fatalf("after the interruption secrets use %d keys; want 2 (a half-done rotation)", len(mixed))
			}
			f.reopen(t, OSKeyring{})
			if st, _ := f.v.Status(ctx); mode == ModePassphrase && !st.Rotating {
				t.Errorf("Status = %+v; want Rotating", st)
			}
			if err := f.v.Unlock(ctx, pass); err != nil {
				t.Fatal(err)
			}
			checkAll(t, f, names)
			if ids := keyIDs(t, f); len(ids) != 1 || len(f.v.keys.Keys) != 1 {
				t.Errorf("after resuming: secrets under %d keys, key set of %d; want 1 and 1", len(ids), len(f.v.keys.Keys))
			}
		})
	}
}

func setUp(t *testing.T, f *fixture, mode Mode) {
	t.Helper()
	var err error
	if mode == ModeKeyring {
		err = f.v.SetUpKeyring(context.Background())
	} else {
		err = f.v.SetUpPassphrase(context.Background(), pass)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func putMany(t *testing.T, f *fixture, n int) map[string]string {
	t.Helper()
	names := map[string]string{}
	for i := range n {
		name := Name("token", strings.Repeat("x", i%5)+string(rune('a'+i%26))+time.Duration(i).String())
		names[name] = "secret-" + name
		if err := f.v.Put(context.Background(), name, []byte(names[name])); err != nil {
			t.Fatal(err)
		}
	}
	return names
}

func checkAll(t *testing.T, f *fixture, names map[string]string) {
	t.Helper()
	for name, want := range names {
		got, err := f.v.Get(context.Background(), name)
		if err != nil || string(got) != want {
			t.Fatalf("Get(%s) = %q, %v; want %q", name, got, err, want)
		}
	}
}

func currentKey(v *Vault) uint32 {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return v.keys.Current
}

func keyIDs(t *testing.T, f *fixture) map[uint32]int {
	t.Helper()
	ids := map[uint32]int{}
	f.db.View(context.Background(), func(tx *store.Txn) error {
		return tx.Scan([]byte{store.TableSecret}, func(_ []byte, decode func(any) error) error {
			var rec sealedRecord
			decode(&rec)
			ids[keyIDOf(rec.Sealed)]++
			return nil
		})
	})
	return ids
}

func checkAllUnder(t *testing.T, f *fixture, id uint32) {
	t.Helper()
	for got, n := range keyIDs(t, f) {
		if got != id {
			t.Errorf("%d secrets still under key %d", n, got)
		}
	}
}

// No secret in clear in any file under the data folder, backups included,
// and the key file readable by its owner only.
func TestNoSecretOnDisk(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil)
	setUp(t, f, ModePassphrase)
	secret := "sk-live-TOKEN-0123456789abcdef"
	for i := range 50 {
		if err := f.v.Put(ctx, Name("token", string(rune('a'+i%26))+time.Duration(i).String()), []byte(secret)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.BackupToDir(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	f.db.Close()
	f.db = nil
	filepath.WalkDir(f.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		if bytes.Contains(b, []byte(secret)) || bytes.Contains(b, []byte(pass)) {
			t.Errorf("%s holds a secret in clear", p)
		}
		return nil
	})
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(filepath.Join(f.dir, "vault.key"))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("key file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
		}
	}
}

func BenchmarkSealOpen(b *testing.B) {
	ks := newKeySet()
	token := bytes.Repeat([]byte("t"), 2048)
	name := Name("token", "01a207b5-1aaf-73a9-8eb8-108ea216f1e2")
	b.SetBytes(int64(len(token)))
	for b.Loop() {
		sealed, err := seal(ks, name, token)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := open(ks, name, sealed); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKDF is the unlock cost of DefaultKDF (aim: about 0.5 s).
//
//	go test -run '^$' -bench KDF -benchtime 5x ./backend/vault/
func BenchmarkKDF(b *testing.B) {
	salt := randomBytes(16)
	for b.Loop() {
		deriveKEK(pass, salt, DefaultKDF)
	}
}
