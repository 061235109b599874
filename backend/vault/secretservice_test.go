package vault

import (
	"context"
	"os"
	"testing"

	"github.com/zalando/go-keyring"
)

// TestRealSecretService runs the keyring mode against a real Secret
// Service (gnome-keyring over D-Bus). scripts/secret-service-test starts
// one in a private session and sets RELAIS_SECRET_SERVICE=1; the test
// command runs it.
func TestRealSecretService(t *testing.T) {
	if os.Getenv("RELAIS_SECRET_SERVICE") != "1" {
		t.Skip("needs a Secret Service: run scripts/secret-service-test")
	}
	ctx := context.Background()
	f := newFixture(t, OSKeyring{})
	st, err := f.v.Status(ctx)
	if err != nil || !st.KeyringAvailable {
		t.Fatalf("Status = %+v, %v; want the Secret Service available", st, err)
	}
	if err := f.v.SetUpKeyring(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.v.Put(ctx, Name("token", "acct"), []byte("tok")); err != nil {
		t.Fatal(err)
	}
	// A new run reads the key back from the Secret Service.
	f.reopen(t, OSKeyring{})
	if got, err := f.v.Get(ctx, Name("token", "acct")); err != nil || string(got) != "tok" {
		t.Fatalf("Get after restart = %q, %v", got, err)
	}
	// The entry really is in the Secret Service, under Relais's name.
	var cfg config
	f.v.mu.RLock()
	cfg = *f.v.cfg
	f.v.mu.RUnlock()
	if _, err := keyring.Get(Service, cfg.user()); err != nil {
		t.Fatalf("keyring.Get = %v", err)
	}
	// Removing it, as a user wiping their keyring would, is detected.
	if err := keyring.Delete(Service, cfg.user()); err != nil {
		t.Fatal(err)
	}
	f.reopen(t, OSKeyring{})
	if st, _ := f.v.Status(ctx); !st.NeedsRecovery {
		t.Errorf("Status with the entry gone = %+v; want NeedsRecovery", st)
	}
	lost, err := f.v.Recover(ctx)
	if err != nil || len(lost) != 1 {
		t.Errorf("Recover = %v, %v", lost, err)
	}
	f.db.Close()
	keyring.Delete(Service, cfg.user())
}
