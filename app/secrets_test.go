package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"relais/backend/network/mastodon/mastodontest"
	"relais/backend/workspace"
)

// Every bound method's JSON, every log line and every file under the data
// folder (database, backups) is searched for the secrets a full connect
// flow handled: none may appear in clear.
func TestNoSecretCrossesTheSeam(t *testing.T) {
	keyring.MockInit()
	fake := mastodontest.NewFake()
	defer fake.Close()

	var logs bytes.Buffer
	a := New(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	dir := t.TempDir()
	a.ctx = context.Background()
	var events []string
	a.events = func(name string, data ...any) {
		b, _ := json.Marshal(data)
		events = append(events, name+string(b))
	}
	a.openURL = mastodontest.Browser
	if err := a.open(context.Background(), dir); err != nil {
		t.Fatal(err)
	}
	defer a.Shutdown(context.Background())

	var out []any // every DTO a bound method returned
	called := map[string]bool{}
	call := func(name string) func(any, error) {
		called[name] = true
		return func(v any, err error) {
			if err != nil {
				out = append(out, a.FormatError(err))
				return
			}
			out = append(out, v)
		}
	}
	none := func(name string, err error) { call(name)(nil, err) }

	call("Vault.Status")(a.Vault.Status())
	none("Vault.SetUpKeyring", a.Vault.SetUpKeyring())
	none("Vault.SetUpPassphrase", a.Vault.SetUpPassphrase("a passphrase long enough"))
	ws, err := a.Workspaces.Create(workspace.Settings{Name: "Café Lumière"})
	call("Workspaces.Create")(ws, err)
	call("Accounts.Networks")(a.Accounts.Networks())
	call("Accounts.SetDevApp")(a.Accounts.SetDevApp("x", "client-x", "DEVAPP-SECRET-x", 0))
	call("Accounts.DevApps")(a.Accounts.DevApps())
	call("Accounts.ConnectMastodon")(a.Accounts.ConnectMastodon(ws.ID, fake.URL))
	call("Accounts.ConnectBluesky")(a.Accounts.ConnectBluesky(ws.ID, "http://127.0.0.1:1", "cafe.test", "APP-PASSWORD-1"))
	// A successful Bluesky connect against the real server, when the test
	// command runs one: its app password and session tokens are searched
	// for too.
	var bskySecrets []string
	bskyID := ""
	pds, withPDS := newPDSUser(t)
	if withPDS {
		got, err := a.Accounts.ConnectBluesky(ws.ID, pds.Server, pds.Handle, pds.AppPassword)
		call("Accounts.ConnectBluesky")(got, err)
		if err != nil || len(got) != 1 {
			t.Fatalf("ConnectBluesky on the real server = %+v, %v", got, err)
		}
		bskyID = got[0].ID
		tok := sealedToken(t, a, bskyID)
		if tok.Access == "" || tok.Refresh == "" || tok.Password != pds.AppPassword {
			t.Fatalf("the sealed Bluesky token lacks its session or app password")
		}
		bskySecrets = append(bskySecrets, pds.AppPassword, tok.Access, tok.Refresh)
	}
	call("Accounts.ConnectOAuth")(a.Accounts.ConnectOAuth(ws.ID, "linkedin"))
	list, err := a.Accounts.List(ws.ID)
	call("Accounts.List")(list, err)
	if want := map[bool]int{false: 1, true: 2}[withPDS]; len(list) != want || list[0].Network != "mastodon" {
		t.Fatalf("accounts = %+v; want the Mastodon one first, %d in all", list, want)
	}
	call("Accounts.Reconnect")(a.Accounts.Reconnect(list[0].ID, ""))
	if withPDS {
		// A reconnect opens a new session: new tokens to search for.
		call("Accounts.Reconnect")(a.Accounts.Reconnect(bskyID, pds.AppPassword))
		tok := sealedToken(t, a, bskyID)
		bskySecrets = append(bskySecrets, tok.Access, tok.Refresh)
	}
	a.Accounts.CancelConnect()
	called["Accounts.CancelConnect"] = true
	none("Vault.Rotate", a.Vault.Rotate(""))
	none("Vault.ChangePassphrase", a.Vault.ChangePassphrase("x", "y"))
	call("Vault.Recover")(a.Vault.Recover())
	none("Vault.Lock", a.Vault.Lock())
	none("Vault.Unlock", a.Vault.Unlock("wrong"))
	call("Accounts.List")(a.Accounts.List(ws.ID))
	call("Accounts.Attention")(a.Accounts.Attention())
	call("Shell.Info")(a.Shell.Info(), nil)
	call("Settings.Backups")(a.Settings.Backups())
	call("Settings.BackupNow")(a.Settings.BackupNow())
	call("Settings.Prefs")(a.Settings.Prefs())
	call("Workspaces.List")(a.Workspaces.List())
	call("Workspaces.Get")(a.Workspaces.Get(ws.ID))
	none("Accounts.Forget", a.Accounts.Forget([]string{"no-such-account"}))
	callPosts(t, a, ws.ID, list[0].ID, call, none)    // posts_test.go
	callSchedule(t, a, ws.ID, list[0].ID, call, none) // schedule_test.go: a real publish with the token
	boardSecrets := callBoards(t, a, ws.ID, call)     // boards_test.go: a Pinterest account's boards, with its token
	call("Accounts.Disconnect")(a.Accounts.Disconnect(list[0].ID))
	if withPDS {
		call("Accounts.Disconnect")(a.Accounts.Disconnect(bskyID)) // revokes the session at the server
	}
	none("Accounts.DeleteDevApp", a.Accounts.DeleteDevApp("x"))
	callLibrary(t, a, ws.ID, call, none) // library_test.go

	// Every bound method that can return data is covered above, or
	// listed here with why not.
	notCalled := map[string]string{
		"Settings.SetPrefs": "changes the window theme through the Wails runtime", "Settings.SaveBackupAs": "native dialog",
		"Settings.ChooseBackupFile": "native dialog", "Settings.Restore": "returns only an error", "Settings.OpenDataFolder": "returns nothing",
		"Workspaces.Update": "same DTO as Create", "Workspaces.Rename": "same DTO as Create", "Workspaces.Archive": "same DTO as Create",
		"Workspaces.Unarchive": "same DTO as Create", "Workspaces.Delete": "returns a backup path", "Workspaces.SetLogo": "same DTO as Create",
		"Workspaces.RemoveLogo": "same DTO as Create", "Workspaces.MachineTimezone": "a zone name", "Workspaces.Languages": "language codes",
		"Shell.HoldClose": "returns nothing", "Shell.QuitNow": "returns nothing",
	}
	for _, b := range a.Bindings() {
		typ := reflect.TypeOf(b)
		for i := range typ.NumMethod() {
			name := typ.Elem().Name() + "." + typ.Method(i).Name
			if !called[name] && notCalled[name] == "" {
				t.Errorf("bound method %s is not checked for secrets", name)
			}
		}
	}

	blob, _ := json.Marshal(out)
	blob = append(blob, logs.Bytes()...)
	blob = append(blob, strings.Join(events, "\n")...)
	secrets := append([]string{"DEVAPP-SECRET-x", "APP-PASSWORD-1", "a passphrase long enough", "access-code-", "secret-of-client-"}, boardSecrets...)
	secrets = append(secrets, bskySecrets...)
	for _, s := range secrets {
		if bytes.Contains(blob, []byte(s)) {
			t.Errorf("%q reached the frontend, an event or a log", s)
		}
	}
	a.Shutdown(context.Background())
	var files []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files = append(files, p)
		b, _ := os.ReadFile(p)
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds %q in clear", p, s)
			}
		}
		if fi, _ := d.Info(); fi.Mode().Perm()&0o077 != 0 && !strings.HasSuffix(p, "LOCK") {
			t.Errorf("%s has mode %v; want no access for group and others", p, fi.Mode().Perm())
		}
		return nil
	})
	sort.Strings(files)
	if len(files) < 3 {
		t.Errorf("data folder holds only %v", files)
	}
}
