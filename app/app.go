// Package app is the seam between Wails and Relais's backend: the only
// package that imports the Wails runtime. Each bound facade (Shell,
// Workspaces, Settings) turns a UI request into calls on backend packages and
// returns (DTO, error); FormatError turns the error into something the UI
// can say in the user's language.
package app

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"relais/backend/account"
	"relais/backend/blob"
	"relais/backend/library"
	"relais/backend/network"
	"relais/backend/network/bluesky"
	"relais/backend/network/mastodon"
	"relais/backend/network/oauthnet"
	"relais/backend/notify"
	"relais/backend/post"
	"relais/backend/publish"
	"relais/backend/schedule"
	"relais/backend/settings"
	"relais/backend/store"
	"relais/backend/vault"
	"relais/backend/workspace"
)

// Version is set at build time with -ldflags "-X relais/app.Version=…".
var Version = "dev"

// Default window size for a first launch.
const (
	DefaultWidth  = 1200
	DefaultHeight = 780
)

// App owns the backend services for one run of Relais.
type App struct {
	log *slog.Logger

	assetMu  sync.RWMutex
	assetMux *http.ServeMux

	mu         sync.RWMutex
	ctx        context.Context
	dataDir    string
	db         *store.Store
	workspaces *workspace.Service
	settings   *settings.Service
	startErr   error
	// starting is closed once Startup has opened the store (or failed
	// to): calls arriving before wait for it instead of failing. Nil
	// outside Startup (tests open the store themselves).
	starting chan struct{}
	vault    *vault.Vault
	accounts *account.Service
	library  *library.Library
	posts    *post.Service

	// events delivers an event to the frontend; runtime.EventsEmit once
	// Wails has started, a recorder in tests.
	events func(name string, data ...any)
	// openURL opens a page in the system browser (OAuth authorizations).
	openURL func(url string) error

	close closeGuard

	// Background token refresh (keepTokensFresh): how often it sweeps
	// (tokenSweepEvery; tests shorten it) and how Shutdown stops it.
	sweepEvery time.Duration
	stopSweep  func()

	// Publishing (app/schedule.go).
	engine   *schedule.Engine
	content  *publish.Content
	sync     *publish.Sync
	notifier *notify.Notifier
	icon     []byte

	Shell      *Shell
	Workspaces *Workspaces
	Settings   *Settings
	Accounts   *Accounts
	Vault      *Vault
	Library    *Library
	Posts      *Posts
	Schedule   *Schedule
}

// New returns an App; it does no I/O. The store is opened in Startup, after
// Wails' single-instance check, so a second launch never trips over
// Badger's directory lock.
func New(log *slog.Logger) *App {
	if log == nil {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	a := &App{log: log, sweepEvery: tokenSweepEvery}
	a.Shell = &Shell{a: a}
	a.Workspaces = &Workspaces{a: a}
	a.Settings = &Settings{a: a}
	a.Accounts = &Accounts{a: a}
	a.Vault = &Vault{a: a}
	a.Library = &Library{a: a}
	a.Posts = &Posts{a: a, saveDialog: devSaveDialog}
	a.Schedule = &Schedule{a: a}
	a.handleAssets("/library/", a.Library.assetHandler())
	a.events = func(string, ...any) {}
	a.openURL = func(string) error { return errNotReady }
	return a
}

// Bindings lists the facades Wails exposes to the frontend.
func (a *App) Bindings() []any {
	return []any{a.Shell, a.Workspaces, a.Settings, a.Accounts, a.Vault, a.Library, a.Posts, a.Schedule}
}

// Startup opens the store and places the window. A failure is kept and
// shown by the UI (Shell.Info) instead of killing the app silently.
func (a *App) Startup(ctx context.Context) {
	a.mu.Lock()
	a.ctx = ctx
	starting := make(chan struct{})
	a.starting = starting
	a.events = func(name string, data ...any) { runtime.EventsEmit(ctx, name, data...) }
	a.openURL = func(url string) error { runtime.BrowserOpenURL(ctx, url); return nil }
	if devOpenURL != nil {
		a.openURL = devOpenURL
	}
	a.mu.Unlock()
	dir, err := store.DefaultDir()
	if err == nil {
		err = a.open(ctx, dir)
	}
	if err != nil {
		a.log.Error("start-up failed", "err", err)
		a.mu.Lock()
		a.startErr = err
		a.mu.Unlock()
	}
	close(starting) // the calls waiting in waitStarted go on
	if err == nil {
		a.startTokenSweep(ctx)
		a.startScheduler(ctx)
	}
	a.placeWindow(ctx)
}

// Token sweeps: every tokenSweepEvery, the tokens expiring within
// tokenSweepWindow are refreshed.
const (
	tokenSweepEvery  = 15 * time.Minute
	tokenSweepWindow = 45 * time.Minute
)

// startTokenSweep runs keepTokensFresh until Shutdown. Wails never cancels
// the context it gives Startup, so the loop gets its own, which Shutdown
// cancels and waits on before the store closes.
func (a *App) startTokenSweep(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	a.mu.Lock()
	every := a.sweepEvery
	a.stopSweep = func() {
		cancel()
		<-done
	}
	a.mu.Unlock()
	go func() {
		defer close(done)
		a.keepTokensFresh(ctx, every)
	}()
}

// keepTokensFresh refreshes tokens ahead of their expiry while Relais
// runs, so a post due tomorrow morning finds a working token. It sweeps at
// once, then every interval, until ctx ends.
func (a *App) keepTokensFresh(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if acc, err := a.accountSvc(); err == nil {
			if changed, err := acc.Sweep(ctx, tokenSweepWindow); err == nil && len(changed) > 0 {
				a.emit("accounts:changed", "")
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (a *App) open(ctx context.Context, dir string) error {
	db, err := store.Open(ctx, dir, store.Options{Logger: a.log})
	if err != nil {
		return err
	}
	lib, err := library.Open(ctx, db)
	if err != nil {
		_ = db.Close()
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.dataDir = dir
	a.db = db
	a.workspaces = workspace.New(db, blob.New(db.BlobDir()))
	a.settings = settings.New(db)
	a.vault = vault.New(db, filepath.Join(dir, "vault.key"), vault.OSKeyring{})
	connectors := []account.Connector{&mastodon.Client{}, &bluesky.Client{}}
	for _, n := range network.All {
		if n != network.Mastodon && n != network.Bluesky {
			c := oauthnet.New(n)
			if n == network.Pinterest && devPinterest != "" {
				c.Bases = map[string]string{}
				for _, o := range c.Spec.Origins() {
					c.Bases[o] = devPinterest
				}
			}
			connectors = append(connectors, c)
		}
	}
	a.accounts = account.New(db, a.vault, a.workspaces, connectors...)
	a.library = lib
	a.posts = post.New(db, a.workspaces, a.accounts)
	a.posts.SetLibrary(postLibrary{lib}, postLibrary{lib}, postLibrary{lib})
	a.newScheduler()
	return nil
}

// DomReady shows the window once the page is there: it was created hidden
// and placed in Startup, so it never flashes at a default place or size.
func (a *App) DomReady(ctx context.Context) {
	runtime.WindowShow(ctx)
}

// BeforeClose saves the window's geometry, unless the UI holds the close
// (unsaved changes): then it asks the UI and keeps the window open.
func (a *App) BeforeClose(ctx context.Context) bool {
	if a.preventClose(ctx) {
		return true
	}
	a.saveWindow(ctx)
	return false
}

// Shutdown stops the background work, then closes the store.
func (a *App) Shutdown(context.Context) {
	a.mu.Lock()
	stopSweep := a.stopSweep
	a.stopSweep = nil
	a.mu.Unlock()
	if stopSweep != nil {
		stopSweep()
	}
	a.stopScheduler()
	a.mu.Lock()
	db := a.db
	a.db = nil
	a.mu.Unlock()
	if db != nil {
		if err := db.Close(); err != nil {
			a.log.Error("closing the store", "err", err)
		}
	}
}

// SecondInstance brings the running window forward when Relais is
// launched again.
func (a *App) SecondInstance(options.SecondInstanceData) {
	ctx := a.context()
	if ctx == nil {
		return
	}
	runtime.WindowUnminimise(ctx)
	runtime.WindowShow(ctx)
	runtime.EventsEmit(ctx, "app:second-instance")
}

func (a *App) context() context.Context {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.ctx
}

// ctxOrBackground is Wails' context once started, else a background one
// (tests).
func (a *App) ctxOrBackground() context.Context {
	if ctx := a.context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

// devOpenURL replaces the system browser in dev builds that ask for it
// (devbrowser_dev.go); always nil in a release build.
var devOpenURL func(url string) error

// devSaveDialog replaces the native save dialog in dev builds that ask for
// it (devsave_dev.go); always nil in a release build.
var devSaveDialog func(name, pattern string) (string, error)

// startWait bounds how long a call made during start-up waits for the
// store (a slow disk, an antivirus scanning the database).
const startWait = 60 * time.Second

// waitStarted waits until Startup has opened the store: Wails runs
// OnStartup alongside loading the page, so the page's first calls can
// arrive first; they wait rather than fail or answer defaults.
func (a *App) waitStarted() {
	a.mu.RLock()
	starting := a.starting
	a.mu.RUnlock()
	if starting == nil {
		return
	}
	select {
	case <-starting:
	case <-time.After(startWait):
	}
}

// errNotReady is returned by facades when the store failed to open.
var errNotReady = errors.New("app: store not open")

func (a *App) services() (*workspace.Service, *settings.Service, *store.Store, error) {
	a.waitStarted()
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.db == nil {
		if a.startErr != nil {
			return nil, nil, nil, a.startErr
		}
		return nil, nil, nil, errNotReady
	}
	return a.workspaces, a.settings, a.db, nil
}

func (a *App) emit(name string, data ...any) {
	a.mu.RLock()
	events := a.events
	a.mu.RUnlock()
	events(name, data...)
}

// openBrowser opens a URL in the system browser.
func (a *App) openBrowser(url string) error {
	a.mu.RLock()
	open := a.openURL
	a.mu.RUnlock()
	return open(url)
}
