package app

import (
	"errors"
	"math"
	"strings"

	"relais/backend/vault"
)

// Vault is the bound facade for the secrets vault: which mode it is in,
// setting it up, unlocking, changing the passphrase, rotating the key and
// recovering from a lost keyring entry. No method returns a secret.
type Vault struct{ a *App }

// Status reports the vault's mode and state.
func (f *Vault) Status() (vault.Status, error) {
	v, err := f.a.vaultSvc()
	if err != nil {
		return vault.Status{}, err
	}
	return v.Status(f.a.context())
}

// SetUpKeyring keeps the data key in the OS keyring.
func (f *Vault) SetUpKeyring() error {
	v, err := f.a.vaultSvc()
	if err != nil {
		return err
	}
	if err := v.SetUpKeyring(f.a.context()); err != nil {
		return err
	}
	f.a.emit("vault:changed")
	return nil
}

// SetUpPassphrase wraps the data key with a passphrase.
func (f *Vault) SetUpPassphrase(passphrase string) error {
	v, err := f.a.vaultSvc()
	if err != nil {
		return err
	}
	if err := v.SetUpPassphrase(f.a.context(), passphrase); err != nil {
		return err
	}
	f.a.emit("vault:changed")
	return nil
}

// Unlock opens the vault with the passphrase.
func (f *Vault) Unlock(passphrase string) error {
	v, err := f.a.vaultSvc()
	if err != nil {
		return err
	}
	if err := v.Unlock(f.a.context(), passphrase); err != nil {
		return err
	}
	f.a.emit("vault:changed")
	f.a.emit("accounts:changed", "")
	return nil
}

// Lock forgets the data key until the next unlock.
func (f *Vault) Lock() error {
	v, err := f.a.vaultSvc()
	if err != nil {
		return err
	}
	v.Lock()
	f.a.emit("vault:changed")
	f.a.emit("accounts:changed", "")
	return nil
}

// ChangePassphrase re-wraps the data key under a new passphrase.
func (f *Vault) ChangePassphrase(old, new string) error {
	v, err := f.a.vaultSvc()
	if err != nil {
		return err
	}
	return v.ChangePassphrase(f.a.context(), old, new)
}

// Rotate re-seals every secret under a new data key.
func (f *Vault) Rotate(passphrase string) error {
	v, err := f.a.vaultSvc()
	if err != nil {
		return err
	}
	return v.Rotate(f.a.context(), passphrase)
}

// Recover starts a new key after the keyring lost the old one; the
// accounts whose tokens are lost are marked for reconnection and the
// developer apps whose client secrets are lost stop claiming one. It
// returns how many sign-ins (account tokens) were lost: the number the UI
// tells the user to reconnect.
func (f *Vault) Recover() (int, error) {
	v, err := f.a.vaultSvc()
	if err != nil {
		return 0, err
	}
	lost, err := v.Recover(f.a.context())
	if err != nil {
		return 0, err
	}
	signIns := 0
	for _, n := range lost {
		if strings.HasPrefix(n, "token/") {
			signIns++
		}
	}
	if acc, err := f.a.accountSvc(); err == nil {
		if err := acc.MarkTokensLost(f.a.context(), lost); err != nil {
			return signIns, err
		}
	}
	f.a.emit("vault:changed")
	f.a.emit("accounts:changed", "")
	return signIns, nil
}

// waitSeconds is the wait a wrong passphrase imposes, for the UI.
func waitSeconds(err error) (int, bool) {
	var we *vault.WaitError
	if errors.As(err, &we) {
		return int(math.Ceil(we.Wait.Seconds())), true
	}
	return 0, false
}
