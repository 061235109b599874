package vault

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// KDFParams are argon2id's cost parameters, stored in the key file so they
// can be raised later without breaking old files.
type KDFParams struct {
	Time      uint32 `json:"time"`
	MemoryKiB uint32 `json:"memoryKiB"`
	Threads   uint8  `json:"threads"`
}

// DefaultKDF is RFC 9106's second recommended option (64 MiB, p=4) with
// five passes instead of three: well above OWASP's argon2id floor (19 MiB,
// two passes, p=1). Its unlock cost, measured with
//
//	go test -run '^$' -bench KDF -benchtime 5x -count 6 ./backend/vault/
//
// on the project's 2-core machine (Xeon 2.8 GHz, shared with other jobs,
// load average 1 to 4, so noisy): 0.21–0.46 s per unlock over four runs,
// about the half second restic calibrates for. The cost follows memory ×
// passes: 128 MiB at three passes measured 0.23–0.37 s alongside.
var DefaultKDF = KDFParams{Time: 5, MemoryKiB: 64 * 1024, Threads: 4}

// ErrKeyFileCorrupt is returned when the key file cannot be parsed.
var ErrKeyFileCorrupt = errors.New("vault: key file damaged")

// keyFile is the passphrase-mode file beside the database.
type keyFile struct {
	Version  int       `json:"version"`
	KDF      string    `json:"kdf"`
	Params   KDFParams `json:"params"`
	Salt     []byte    `json:"salt"`
	Nonce    []byte    `json:"nonce"`
	Sealed   []byte    `json:"sealed"`   // the key set, sealed by the passphrase's key
	Rotating bool      `json:"rotating"` // more than one key inside: a rotation to finish
}

const keyFileAD = "relais-keyfile-v1"

func deriveKEK(passphrase string, salt []byte, p KDFParams) []byte {
	return argon2.IDKey([]byte(passphrase), salt, p.Time, p.MemoryKiB, p.Threads, chacha20poly1305.KeySize)
}

// writeKeyFile wraps ks under passphrase and replaces the key file
// atomically (temporary file, sync, rename).
func writeKeyFile(path, passphrase string, p KDFParams, ks *keySet) error {
	plain, err := json.Marshal(ks)
	if err != nil {
		return err
	}
	defer clear(plain)
	salt := randomBytes(16)
	kek := deriveKEK(passphrase, salt, p)
	defer clear(kek)
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return err
	}
	nonce := randomBytes(chacha20poly1305.NonceSizeX)
	kf := keyFile{Version: 1, KDF: "argon2id", Params: p, Salt: salt, Nonce: nonce,
		Sealed: aead.Seal(nil, nonce, plain, []byte(keyFileAD)), Rotating: len(ks.Keys) > 1}
	b, err := json.MarshalIndent(kf, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(path, b)
}

func writeAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".vault-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func readKeyFileHeader(path string) (*keyFile, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s is missing", ErrKeyFileCorrupt, filepath.Base(path))
	}
	if err != nil {
		return nil, err
	}
	var kf keyFile
	if err := json.Unmarshal(b, &kf); err != nil || kf.Version != 1 || kf.KDF != "argon2id" ||
		len(kf.Salt) < 16 || len(kf.Nonce) != chacha20poly1305.NonceSizeX || kf.Params.Time == 0 ||
		kf.Params.Threads == 0 || kf.Params.MemoryKiB < 8*uint32(kf.Params.Threads) || kf.Params.MemoryKiB > 4<<20 {
		return nil, ErrKeyFileCorrupt
	}
	return &kf, nil
}

// readKeyFile unwraps the key set with passphrase.
func readKeyFile(path, passphrase string) (*keySet, error) {
	kf, err := readKeyFileHeader(path)
	if err != nil {
		return nil, err
	}
	kek := deriveKEK(passphrase, kf.Salt, kf.Params)
	defer clear(kek)
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, kf.Nonce, kf.Sealed, []byte(keyFileAD))
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	defer clear(plain)
	var ks keySet
	if err := json.Unmarshal(plain, &ks); err != nil || len(ks.Keys[ks.Current]) != 32 {
		return nil, ErrKeyFileCorrupt
	}
	return &ks, nil
}
