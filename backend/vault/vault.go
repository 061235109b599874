// Package vault seals the secrets Relais holds for its user's clients:
// network access and refresh tokens, app passwords and the agency's own
// developer-app client secrets.
//
// # Security model
//
// Every secret is sealed with XChaCha20-Poly1305 under a random 32-byte data
// key. A sealed value is
//
//	version (1 byte) | key id (4 bytes, big-endian) | nonce (24 bytes) | ciphertext+tag
//
// and its additional data is the header plus the secret's name (for example
// "token/v1/<account-id>"), so a ciphertext copied onto another record, or
// another key id, fails to open. Sealed values live in the store under
// store.TableSecret; nothing else in the database, the backups, the logs or
// the frontend ever holds a secret in clear.
//
// # Where the data key lives
//
// In keyring mode the data key (only the key, never the tokens) is kept in
// the OS keyring through zalando/go-keyring: macOS Keychain, Windows
// Credential Manager or a Linux Secret Service. In passphrase mode (no
// keyring, or the user's choice) the key is wrapped by a key-encryption key
// derived from the passphrase with argon2id, in a small key file beside the
// database ({kdf, params, salt, nonce, sealed key}). The mode is recorded in
// the store and shown to the user; Relais never falls back silently to a key
// held only in memory: when the keyring cannot be used, setup fails with
// ErrKeyringUnavailable and the user is asked for a passphrase.
//
// # Rotation and recovery
//
// Rotate adds a new key to the key set, saves the set (keyring or key file)
// first, re-seals every secret, then drops the old key. A crash at any point
// leaves every secret readable by a key still in the set, and the next
// unlock finishes the rotation. If the keyring entry disappears (a new OS
// profile, a wiped keychain), Status reports NeedsRecovery; Recover makes a
// new key and removes the secrets that can no longer be opened, returning
// their names so the accounts can be marked for reconnection. Nothing else
// is lost.
//
// # Wrong passphrases
//
// A wrong passphrase returns ErrWrongPassphrase and changes nothing; each
// further failure doubles the wait before the next try (ErrTooSoon), up to
// 30 seconds. Unlock, ChangePassphrase and Rotate share that count and wait,
// and take one try at a time, so no entry point guesses faster.
package vault

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/crypto/chacha20poly1305"

	"relais/backend/store"
)

// Errors. Test with errors.Is.
var (
	ErrLocked             = errors.New("vault: locked")
	ErrNotSetUp           = errors.New("vault: not set up")
	ErrAlreadySetUp       = errors.New("vault: already set up")
	ErrWrongPassphrase    = errors.New("vault: wrong passphrase")
	ErrTooSoon            = errors.New("vault: too many wrong passphrases, wait before trying again")
	ErrWeakPassphrase     = errors.New("vault: passphrase too short")
	ErrKeyringUnavailable = errors.New("vault: no usable OS keyring")
	ErrKeyMissing         = errors.New("vault: data key missing from the keyring")
	ErrNotFound           = errors.New("vault: no such secret")
	ErrTampered           = errors.New("vault: secret cannot be opened (wrong record, key or corrupted)")
	ErrWrongMode          = errors.New("vault: not possible in this mode")
)

// Mode says where the data key lives.
type Mode string

// Modes.
const (
	ModeNone       Mode = ""
	ModeKeyring    Mode = "keyring"
	ModePassphrase Mode = "passphrase"
)

// MinPassphrase is the shortest passphrase accepted, in bytes.
const MinPassphrase = 10

const (
	sealVersion = 1
	headerLen   = 1 + 4
	overhead    = headerLen + chacha20poly1305.NonceSizeX + chacha20poly1305.Overhead
)

// Keyring is the OS keyring as the vault uses it; zalando/go-keyring's
// package functions have this shape. Implementations must return
// ErrKeyringNotFound-like errors that IsNotFound recognises.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// keySet is every data key the vault can open with; Current seals.
type keySet struct {
	Current uint32            `json:"current"`
	Keys    map[uint32][]byte `json:"keys"`
}

func (k *keySet) clone() *keySet {
	c := &keySet{Current: k.Current, Keys: make(map[uint32][]byte, len(k.Keys))}
	for id, b := range k.Keys {
		c.Keys[id] = append([]byte(nil), b...)
	}
	return c
}

// wipe zeroes the key bytes. Only the holder of a copy may wipe it: the
// vault's own set is wiped by Lock, the copies keysFor hands out by the
// call that asked for them.
func (k *keySet) wipe() {
	if k == nil {
		return
	}
	for _, b := range k.Keys {
		clear(b)
	}
}

// config is the vault's record in the store: the mode and the install id
// that names the keyring entry.
type config struct {
	Mode      Mode      `json:"mode"`
	InstallID string    `json:"installId"`
	Created   time.Time `json:"created"`
}

var configKey = store.Key(store.TableMeta, []byte("vault"))

// Service is the keyring service name Relais uses.
const Service = "Relais"

// Vault seals and opens secrets. It is safe for concurrent use.
type Vault struct {
	db      *store.Store
	keyFile string
	kr      Keyring
	kdf     KDFParams
	now     func() time.Time

	tryMu    sync.Mutex // one passphrase try at a time (tryPassphrase)
	mu       sync.RWMutex
	keys     *keySet // nil while locked
	cfg      *config // nil until loaded
	failures int
	nextTry  time.Time

	afterBatch func() // test hook: runs after each committed re-seal batch
}

// New returns a vault over db. keyFile is where passphrase mode keeps the
// wrapped key; kr is the OS keyring (nil: none). It does no I/O.
func New(db *store.Store, keyFile string, kr Keyring) *Vault {
	return &Vault{db: db, keyFile: keyFile, kr: kr, kdf: DefaultKDF, now: time.Now}
}

// SetKDF replaces the argon2id parameters used for new key files (tests use
// cheap ones).
func (v *Vault) SetKDF(p KDFParams) { v.kdf = p }

// SetClock replaces the clock (tests of the wrong-passphrase delay).
func (v *Vault) SetClock(now func() time.Time) { v.now = now }

// Status is what the UI shows about the vault.
type Status struct {
	Mode             Mode `json:"mode"`
	SetUp            bool `json:"setUp"`
	Locked           bool `json:"locked"`
	KeyringAvailable bool `json:"keyringAvailable"`
	NeedsRecovery    bool `json:"needsRecovery"` // keyring mode, key gone
	Rotating         bool `json:"rotating"`      // an interrupted rotation awaits unlock
}

func (v *Vault) loadConfig(ctx context.Context) (*config, error) {
	v.mu.RLock()
	c := v.cfg
	v.mu.RUnlock()
	if c != nil {
		return c, nil
	}
	var cfg config
	err := v.db.View(ctx, func(t *store.Txn) error { return t.Get(configKey, &cfg) })
	if errors.Is(err, store.ErrNotFound) {
		return &config{}, nil
	}
	if err != nil {
		return nil, err
	}
	v.mu.Lock()
	v.cfg = &cfg
	v.mu.Unlock()
	return &cfg, nil
}

func (c *config) user() string { return "data-key:" + c.InstallID }

// Status reports the vault's mode and state. In keyring mode it also tries
// to load the key, so a keyring vault is unlocked by asking.
func (v *Vault) Status(ctx context.Context) (Status, error) {
	cfg, err := v.loadConfig(ctx)
	if err != nil {
		return Status{}, err
	}
	s := Status{Mode: cfg.Mode, SetUp: cfg.Mode != ModeNone, KeyringAvailable: v.keyringWorks()}
	if cfg.Mode == ModeKeyring {
		if err := v.openKeyring(ctx); errors.Is(err, ErrKeyMissing) {
			s.NeedsRecovery = true
		}
	}
	v.mu.RLock()
	s.Locked = v.keys == nil
	s.Rotating = v.keys != nil && len(v.keys.Keys) > 1
	v.mu.RUnlock()
	if s.Locked && cfg.Mode == ModePassphrase {
		if ks, err := readKeyFileHeader(v.keyFile); err == nil {
			s.Rotating = ks.Rotating
		}
	}
	return s, nil
}

// keyringWorks probes the keyring with a throwaway entry.
func (v *Vault) keyringWorks() bool {
	if v.kr == nil {
		return false
	}
	user := "probe:" + randomID()
	if err := v.kr.Set(Service, user, "ok"); err != nil {
		return false
	}
	got, err := v.kr.Get(Service, user)
	_ = v.kr.Delete(Service, user)
	return err == nil && got == "ok"
}

// SetUpKeyring creates a data key and stores it in the OS keyring.
func (v *Vault) SetUpKeyring(ctx context.Context) error {
	if !v.keyringWorks() {
		return ErrKeyringUnavailable
	}
	return v.setUp(ctx, ModeKeyring, func(cfg *config, ks *keySet) error {
		return v.saveKeyring(cfg, ks)
	})
}

// SetUpPassphrase creates a data key wrapped by passphrase in the key file.
func (v *Vault) SetUpPassphrase(ctx context.Context, passphrase string) error {
	if len(passphrase) < MinPassphrase {
		return fmt.Errorf("%w (at least %d characters)", ErrWeakPassphrase, MinPassphrase)
	}
	return v.setUp(ctx, ModePassphrase, func(_ *config, ks *keySet) error {
		return writeKeyFile(v.keyFile, passphrase, v.kdf, ks)
	})
}

func (v *Vault) setUp(ctx context.Context, mode Mode, save func(*config, *keySet) error) error {
	cfg, err := v.loadConfig(ctx)
	if err != nil {
		return err
	}
	if cfg.Mode != ModeNone {
		return ErrAlreadySetUp
	}
	ncfg := &config{Mode: mode, InstallID: randomID(), Created: v.now().UTC()}
	ks := newKeySet()
	if err := save(ncfg, ks); err != nil {
		return err
	}
	if err := v.db.Update(ctx, func(t *store.Txn) error { return t.Put(configKey, ncfg) }); err != nil {
		return err
	}
	v.mu.Lock()
	v.cfg, v.keys = ncfg, ks
	v.mu.Unlock()
	return nil
}

func newKeySet() *keySet {
	id := randomKeyID(nil)
	return &keySet{Current: id, Keys: map[uint32][]byte{id: randomBytes(32)}}
}

func randomKeyID(taken map[uint32][]byte) uint32 {
	for {
		id := binary.BigEndian.Uint32(randomBytes(4))
		if _, dup := taken[id]; id != 0 && !dup {
			return id
		}
	}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("vault: no randomness: " + err.Error())
	}
	return b
}

func randomID() string { return fmt.Sprintf("%x", randomBytes(12)) }

func (v *Vault) saveKeyring(cfg *config, ks *keySet) error {
	b, err := json.Marshal(ks)
	if err != nil {
		return err
	}
	if err := v.kr.Set(Service, cfg.user(), string(b)); err != nil {
		return fmt.Errorf("%w: %v", ErrKeyringUnavailable, err)
	}
	return nil
}

// openKeyring loads the key set from the keyring when in keyring mode and
// still locked.
func (v *Vault) openKeyring(ctx context.Context) error {
	cfg, err := v.loadConfig(ctx)
	if err != nil {
		return err
	}
	if cfg.Mode != ModeKeyring {
		return ErrWrongMode
	}
	v.mu.RLock()
	unlocked := v.keys != nil
	v.mu.RUnlock()
	if unlocked {
		return nil
	}
	if v.kr == nil {
		return ErrKeyringUnavailable
	}
	s, err := v.kr.Get(Service, cfg.user())
	if err != nil {
		if IsNotFound(err) {
			return ErrKeyMissing
		}
		return fmt.Errorf("%w: %v", ErrKeyringUnavailable, err)
	}
	var ks keySet
	if err := json.Unmarshal([]byte(s), &ks); err != nil || len(ks.Keys[ks.Current]) != 32 {
		return ErrKeyMissing
	}
	v.mu.Lock()
	v.keys = &ks
	v.mu.Unlock()
	return v.finishRotation(ctx)
}

// Unlock opens the vault: with the passphrase in passphrase mode, from the
// keyring in keyring mode (passphrase ignored).
func (v *Vault) Unlock(ctx context.Context, passphrase string) error {
	cfg, err := v.loadConfig(ctx)
	if err != nil {
		return err
	}
	switch cfg.Mode {
	case ModeNone:
		return ErrNotSetUp
	case ModeKeyring:
		return v.openKeyring(ctx)
	}
	ks, err := v.tryPassphrase(passphrase)
	if err != nil {
		return err
	}
	v.mu.Lock()
	v.keys = ks
	v.mu.Unlock()
	if len(ks.Keys) > 1 {
		// An interrupted rotation: the key file must keep every key until
		// the re-sealing is done; finish it now.
		return v.rotateWith(ctx, passphrase, false)
	}
	return nil
}

// tryPassphrase unwraps the key file with passphrase under the
// wrong-passphrase delay. Every entry point that takes the passphrase
// (Unlock, ChangePassphrase, Rotate) goes through it, so none is a faster
// way to guess: a wrong one counts as a failure and doubles the wait, and
// tries are taken one at a time so parallel calls cannot all slip in
// before the first failure is counted.
func (v *Vault) tryPassphrase(passphrase string) (*keySet, error) {
	v.tryMu.Lock()
	defer v.tryMu.Unlock()
	v.mu.Lock()
	if now := v.now(); now.Before(v.nextTry) {
		wait := v.nextTry.Sub(now)
		v.mu.Unlock()
		return nil, &WaitError{Err: ErrTooSoon, Wait: wait}
	}
	v.mu.Unlock()
	ks, err := readKeyFile(v.keyFile, passphrase)
	if errors.Is(err, ErrWrongPassphrase) {
		v.mu.Lock()
		v.failures++
		wait := time.Second << min(v.failures-1, 5)
		wait = min(wait, 30*time.Second)
		v.nextTry = v.now().Add(wait)
		v.mu.Unlock()
		return nil, &WaitError{Err: ErrWrongPassphrase, Wait: wait}
	}
	if err != nil {
		return nil, err
	}
	v.mu.Lock()
	v.failures, v.nextTry = 0, time.Time{}
	v.mu.Unlock()
	return ks, nil
}

// WaitError carries how long to wait before the next passphrase try.
type WaitError struct {
	Err  error
	Wait time.Duration
}

func (e *WaitError) Error() string {
	return fmt.Sprintf("%v (wait %s)", e.Err, e.Wait.Round(time.Second))
}
func (e *WaitError) Unwrap() error { return e.Err }

// Lock forgets the data key (passphrase mode; a keyring vault reopens from
// the keyring on the next use).
func (v *Vault) Lock() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.keys.wipe()
	v.keys = nil
}

// ChangePassphrase re-wraps the data key under a new passphrase. Secrets are
// untouched: they stay sealed by the same data key. A wrong old passphrase
// counts as a failed try, with the same growing wait as Unlock.
func (v *Vault) ChangePassphrase(ctx context.Context, old, new string) error {
	cfg, err := v.loadConfig(ctx)
	if err != nil {
		return err
	}
	if cfg.Mode != ModePassphrase {
		return ErrWrongMode
	}
	if len(new) < MinPassphrase {
		return fmt.Errorf("%w (at least %d characters)", ErrWeakPassphrase, MinPassphrase)
	}
	ks, err := v.tryPassphrase(old)
	if err != nil {
		return err
	}
	return writeKeyFile(v.keyFile, new, v.kdf, ks)
}

// keysFor returns a copy of the unlocked key set, loading it from the
// keyring when that is where it lives. The caller wipes the copy when done.
// A copy, because Lock wipes the vault's own set at once: a token refresh
// or a publish still sealing or opening with it would otherwise read a
// healthy secret as tampered, or seal a new one under a zeroed key.
func (v *Vault) keysFor(ctx context.Context) (*keySet, error) {
	v.mu.RLock()
	var ks *keySet
	if v.keys != nil {
		ks = v.keys.clone()
	}
	v.mu.RUnlock()
	if ks != nil {
		return ks, nil
	}
	cfg, err := v.loadConfig(ctx)
	if err != nil {
		return nil, err
	}
	switch cfg.Mode {
	case ModeNone:
		return nil, ErrNotSetUp
	case ModeKeyring:
		if err := v.openKeyring(ctx); err != nil {
			return nil, err
		}
		v.mu.RLock()
		defer v.mu.RUnlock()
		if v.keys == nil {
			return nil, ErrLocked
		}
		return v.keys.clone(), nil
	}
	return nil, ErrLocked
}

// seal encrypts plaintext for the secret called name.
func seal(ks *keySet, name string, plaintext []byte) ([]byte, error) {
	key := ks.Keys[ks.Current]
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, headerLen+chacha20poly1305.NonceSizeX, overhead+len(plaintext))
	out[0] = sealVersion
	binary.BigEndian.PutUint32(out[1:5], ks.Current)
	copy(out[headerLen:], randomBytes(chacha20poly1305.NonceSizeX))
	nonce := out[headerLen : headerLen+chacha20poly1305.NonceSizeX]
	return aead.Seal(out, nonce, plaintext, ad(out[:headerLen], name)), nil
}

// open decrypts a value sealed for name.
func open(ks *keySet, name string, sealed []byte) ([]byte, error) {
	if len(sealed) < overhead || sealed[0] != sealVersion {
		return nil, ErrTampered
	}
	key, ok := ks.Keys[binary.BigEndian.Uint32(sealed[1:5])]
	if !ok {
		return nil, ErrTampered
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	nonce := sealed[headerLen : headerLen+chacha20poly1305.NonceSizeX]
	pt, err := aead.Open(nil, nonce, sealed[headerLen+chacha20poly1305.NonceSizeX:], ad(sealed[:headerLen], name))
	if err != nil {
		return nil, ErrTampered
	}
	return pt, nil
}

func ad(header []byte, name string) []byte {
	return append(append([]byte(nil), header...), name...)
}

func keyIDOf(sealed []byte) uint32 {
	if len(sealed) < headerLen {
		return 0
	}
	return binary.BigEndian.Uint32(sealed[1:5])
}
