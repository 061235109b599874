package vault

import (
	"errors"

	"github.com/zalando/go-keyring"
)

// OSKeyring is the operating system's keyring through zalando/go-keyring.
type OSKeyring struct{}

// Get reads a keyring entry.
func (OSKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }

// Set writes a keyring entry.
func (OSKeyring) Set(service, user, secret string) error { return keyring.Set(service, user, secret) }

// Delete removes a keyring entry.
func (OSKeyring) Delete(service, user string) error { return keyring.Delete(service, user) }

// IsNotFound reports whether err means the keyring has no such entry.
func IsNotFound(err error) bool { return errors.Is(err, keyring.ErrNotFound) }
