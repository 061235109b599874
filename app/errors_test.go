package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"syscall"
	"testing"

	"relais/backend/account"
	"relais/backend/blob"
	"relais/backend/network/bluesky"
	"relais/backend/network/oauth"
	"relais/backend/store"
	"relais/backend/workspace"
)

func TestToUIError(t *testing.T) {
	tests := []struct {
		err   error
		code  string
		field string
	}{
		{fmt.Errorf("wrapped: %w", store.ErrLocked), "store.locked", ""},
		{&workspace.FieldError{Field: "name", Err: workspace.ErrNameTaken, Info: map[string]any{"name": "Acme"}}, "workspace.nameTaken", "name"},
		{fmt.Errorf("ctx: %w", &workspace.FieldError{Field: "pillars.2.target", Err: workspace.ErrPillarShare}), "workspace.pillarShare", "pillars.2.target"},
		{errors.New("disk on fire"), "internal", ""},
		{errNotReady, "store.notReady", ""},
	}
	for _, tt := range tests {
		got := toUIError(tt.err)
		if got.Code != tt.code || got.Field != tt.field {
			t.Errorf("toUIError(%v) = %+v; want code %q field %q", tt.err, got, tt.code, tt.field)
		}
	}
	if got := toUIError(tests[1].err); got.Info["name"] != "Acme" {
		t.Errorf("info lost: %+v", got)
	}
}

// Every sentinel gets its own code, except deliberate aliases.
func TestCodesAreDistinct(t *testing.T) {
	aliases := map[error]error{
		blob.ErrTooLarge:         workspace.ErrLogoTooLarge,
		account.ErrNoWorkspace:   workspace.ErrNotFound,
		bluesky.ErrInvalidServer: account.ErrInvalidServer,
	}
	seen := map[string]error{}
	for _, c := range codes {
		if first, ok := seen[c.code]; ok && aliases[c.err] != first {
			t.Errorf("code %q used by %v and %v", c.code, first, c.err)
		}
		if _, ok := seen[c.code]; !ok {
			seen[c.code] = c.err
		}
	}
}

var update = flag.Bool("update", false, "rewrite golden files")

// The frontend's list of error codes is generated from codes, so its tests
// can check that every code has a sentence in every language.
func TestErrorCodesFile(t *testing.T) {
	const path = "../frontend/src/lib/error-codes.json"
	set := map[string]bool{"internal": true}
	for _, c := range append(codes, fsCodes...) {
		set[c.code] = true
	}
	list := make([]string, 0, len(set))
	for c := range set {
		list = append(list, c)
	}
	sort.Strings(list)
	want, _ := json.MarshalIndent(list, "", "  ")
	want = append(want, '\n')
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s is out of date (%v); run go test ./app -run ErrorCodesFile -update", path, err)
	}
}

// What the operating system refuses reaches the user as a sentence they can
// act on, whatever Relais was doing, not as "something went wrong".
func TestOSRefusalsHaveTheirOwnSentence(t *testing.T) {
	full := os.WriteFile("/dev/full", []byte("a backup"), 0o600) // Linux's always-full device: a real ENOSPC
	if full == nil {
		t.Skip("/dev/full accepted the write")
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("store: backup: %w", full), "fs.full"},
		{fmt.Errorf("library: export: %w", &fs.PathError{Op: "open", Path: "/media/cle/relais", Err: syscall.EACCES}), "fs.denied"},
		{fmt.Errorf("posts: export: %w", &os.LinkError{Op: "rename", Old: "a", New: "b", Err: syscall.EPERM}), "fs.denied"},
		{fmt.Errorf("library: export: %w", &fs.PathError{Op: "open", Path: "/cdrom/x", Err: syscall.EROFS}), "fs.readOnly"},
		// A feature's own sentence wins over the general one.
		{fmt.Errorf("%w: %w", store.ErrLocked, syscall.EACCES), "store.locked"},
		{errors.New("something else"), "internal"},
	} {
		if got := toUIError(c.err).Code; got != c.want {
			t.Errorf("%v: code %q, want %q", c.err, got, c.want)
		}
	}
}

func TestTakenRedirectPortNamesThePort(t *testing.T) {
	ue := toUIError(fmt.Errorf("oauthnet: connect x: %w", &oauth.PortError{Port: 8765}))
	if ue.Code != "network.portInUse" || ue.Info["port"] != 8765 {
		t.Fatalf("toUIError = %+v, want network.portInUse with port 8765", ue)
	}
}
