package vault

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"relais/backend/store"
)

// sealedRecord is a secret as stored: only ciphertext.
type sealedRecord struct {
	Sealed []byte `json:"sealed"`
}

func secretKey(name string) []byte { return store.Key(store.TableSecret, []byte(name)) }

// Name builds a secret's name from its kind and record id, e.g.
// Name("token", accountID) = "token/v1/<accountID>". The name is bound into
// the ciphertext.
func Name(kind, id string) string { return kind + "/v1/" + id }

// Put seals secret under name and stores it durably.
func (v *Vault) Put(ctx context.Context, name string, secret []byte) error {
	ks, err := v.keysFor(ctx)
	if err != nil {
		return err
	}
	defer ks.wipe()
	return v.db.Update(ctx, func(t *store.Txn) error { return v.putTx(t, ks, name, secret) })
}

// PutTx seals secret inside a caller's transaction, so a record and its
// secret are written together. The vault must be unlocked (Unlocked).
func (v *Vault) PutTx(ctx context.Context, t *store.Txn, name string, secret []byte) error {
	ks, err := v.keysFor(ctx)
	if err != nil {
		return err
	}
	defer ks.wipe()
	return v.putTx(t, ks, name, secret)
}

func (v *Vault) putTx(t *store.Txn, ks *keySet, name string, secret []byte) error {
	sealed, err := seal(ks, name, secret)
	if err != nil {
		return err
	}
	return t.Put(secretKey(name), sealedRecord{Sealed: sealed})
}

// Get opens the secret called name.
func (v *Vault) Get(ctx context.Context, name string) ([]byte, error) {
	ks, err := v.keysFor(ctx)
	if err != nil {
		return nil, err
	}
	defer ks.wipe()
	var rec sealedRecord
	err = v.db.View(ctx, func(t *store.Txn) error { return t.Get(secretKey(name), &rec) })
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, name)
	}
	if err != nil {
		return nil, err
	}
	return open(ks, name, rec.Sealed)
}

// Has reports whether a secret called name is stored (it need not be
// unlocked to tell).
func (v *Vault) Has(ctx context.Context, name string) (bool, error) {
	var ok bool
	err := v.db.View(ctx, func(t *store.Txn) (err error) { ok, err = t.Has(secretKey(name)); return err })
	return ok, err
}

// Delete wipes the secret called name. A missing secret is not an error.
func (v *Vault) Delete(ctx context.Context, name string) error {
	return v.db.Update(ctx, func(t *store.Txn) error { return t.Delete(secretKey(name)) })
}

// DeleteTx wipes a secret inside a caller's transaction.
func (v *Vault) DeleteTx(t *store.Txn, name string) error { return t.Delete(secretKey(name)) }

// Names lists the stored secrets' names with the given prefix.
func (v *Vault) Names(ctx context.Context, prefix string) ([]string, error) {
	var out []string
	err := v.db.View(ctx, func(t *store.Txn) error {
		return t.ScanKeys(secretKey(prefix), func(k []byte) error {
			out = append(out, string(k[1:]))
			return nil
		})
	})
	return out, err
}

// Rotate replaces the data key: every secret is re-sealed under a new key.
// In passphrase mode the passphrase is needed to rewrite the key file. An
// interrupted rotation is finished at the next unlock.
func (v *Vault) Rotate(ctx context.Context, passphrase string) error {
	return v.rotateWith(ctx, passphrase, true)
}

// rotateWith re-seals every secret not under the current key; with addKey
// it first adds a new current key.
func (v *Vault) rotateWith(ctx context.Context, passphrase string, addKey bool) error {
	cfg, err := v.loadConfig(ctx)
	if err != nil {
		return err
	}
	ks, err := v.keysFor(ctx)
	if err != nil {
		return err
	}
	defer func() { ks.wipe() }() // the copy in hand at return
	if cfg.Mode == ModePassphrase {
		// Check the passphrase before touching anything. A rotation the
		// user asks for is a passphrase try like Unlock, with the same
		// delay; resuming one inside the Unlock that just accepted the
		// passphrase must not trip over a try made meanwhile.
		check := v.tryPassphrase
		if !addKey {
			check = func(p string) (*keySet, error) { return readKeyFile(v.keyFile, p) }
		}
		if _, err := check(passphrase); err != nil {
			return err
		}
	}
	save := func(ks *keySet) error {
		if cfg.Mode == ModeKeyring {
			return v.saveKeyring(cfg, ks)
		}
		return writeKeyFile(v.keyFile, passphrase, v.kdf, ks)
	}
	if addKey {
		next := ks.clone()
		next.Current = randomKeyID(next.Keys)
		next.Keys[next.Current] = randomBytes(32)
		// The new set is saved before any secret uses the new key, so no
		// crash can leave a secret sealed by a key that was never saved.
		if err := save(next); err != nil {
			return err
		}
		v.mu.Lock()
		v.keys = next.clone() // the vault's own: Lock may wipe it while we re-seal
		v.mu.Unlock()
		ks.wipe()
		ks = next
	}
	if err := v.reseal(ctx, ks); err != nil {
		return err
	}
	final := &keySet{Current: ks.Current, Keys: map[uint32][]byte{ks.Current: bytes.Clone(ks.Keys[ks.Current])}}
	if err := save(final); err != nil {
		return err
	}
	v.mu.Lock()
	v.keys = final
	v.mu.Unlock()
	return nil
}

// finishRotation completes an interrupted rotation in keyring mode.
func (v *Vault) finishRotation(ctx context.Context) error {
	v.mu.RLock()
	rotating := v.keys != nil && len(v.keys.Keys) > 1
	v.mu.RUnlock()
	if !rotating {
		return nil
	}
	return v.rotateWith(ctx, "", false)
}

// resealBatch bounds each re-sealing transaction.
const resealBatch = 64

// reseal re-seals, in batches, every secret whose key id is not current.
func (v *Vault) reseal(ctx context.Context, ks *keySet) error {
	for {
		var names []string
		err := v.db.View(ctx, func(t *store.Txn) error {
			return t.Scan([]byte{store.TableSecret}, func(k []byte, decode func(any) error) error {
				var rec sealedRecord
				if err := decode(&rec); err != nil {
					return err
				}
				if keyIDOf(rec.Sealed) != ks.Current {
					names = append(names, string(k[1:]))
				}
				if len(names) == resealBatch {
					return errBatchFull
				}
				return nil
			})
		})
		if err != nil && !errors.Is(err, errBatchFull) {
			return err
		}
		if len(names) == 0 {
			return nil
		}
		err = v.db.Update(ctx, func(t *store.Txn) error {
			for _, name := range names {
				var rec sealedRecord
				if err := t.Get(secretKey(name), &rec); err != nil {
					if errors.Is(err, store.ErrNotFound) {
						continue
					}
					return err
				}
				plain, err := open(ks, name, rec.Sealed)
				if err != nil {
					// A secret no key opens cannot be saved by re-sealing;
					// leave it for Recover rather than loop on it.
					return fmt.Errorf("vault: re-seal %s: %w", name, err)
				}
				err = v.putTx(t, ks, name, plain)
				clear(plain)
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if v.afterBatch != nil {
			v.afterBatch()
		}
	}
}

var errBatchFull = errors.New("batch full")

// Recover starts over when the keyring lost the data key: a new key is
// made and every secret the old key sealed is removed, since nothing can
// open it any more. It returns the removed names (e.g. "token/v1/<id>") so
// their accounts can be marked for reconnection; no other data is touched.
func (v *Vault) Recover(ctx context.Context) ([]string, error) {
	cfg, err := v.loadConfig(ctx)
	if err != nil {
		return nil, err
	}
	if cfg.Mode != ModeKeyring {
		return nil, ErrWrongMode
	}
	if err := v.openKeyring(ctx); !errors.Is(err, ErrKeyMissing) {
		if err == nil {
			return nil, nil // the key is there: nothing to recover
		}
		return nil, err
	}
	ks := newKeySet()
	if err := v.saveKeyring(cfg, ks); err != nil {
		return nil, err
	}
	lost, err := v.Names(ctx, "")
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(lost); i += resealBatch {
		batch := lost[i:min(i+resealBatch, len(lost))]
		err := v.db.Update(ctx, func(t *store.Txn) error {
			for _, n := range batch {
				if err := t.Delete(secretKey(n)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	v.mu.Lock()
	v.keys = ks
	v.mu.Unlock()
	return lost, nil
}

// Unlocked reports whether secrets can be read and written now.
func (v *Vault) Unlocked(ctx context.Context) bool {
	ks, err := v.keysFor(ctx)
	ks.wipe()
	return err == nil
}

// IDFromName returns the record id of a name built by Name.
func IDFromName(name string) string {
	if i := strings.Index(name, "/v1/"); i >= 0 {
		return name[i+len("/v1/"):]
	}
	return ""
}
