// Package notify shows the operating system's own desktop notifications:
// org.freedesktop.Notifications over the session D-Bus on Linux (with
// notify-send as a fallback), toasts on Windows, Notification Center on
// macOS, all through gen2brain/beeep.
//
// A notification is a courtesy: the activity log is the record. So Notify
// never blocks the caller for long and a desktop without a notification
// service is reported once (ErrUnavailable) and then skipped quietly.
package notify

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/gen2brain/beeep"
)

// ErrUnavailable means the desktop shows no notifications (no service on
// the session bus, no fallback tool).
var ErrUnavailable = errors.New("notify: this desktop has no notification service")

// ErrClosed is returned after Close.
var ErrClosed = errors.New("notify: closed")

// Notifier sends notifications under one application name and icon.
type Notifier struct {
	app  string
	icon []byte // PNG; nil for none

	mu     sync.Mutex
	closed bool
	broken bool // the service failed once: do not try again each time
	send   func(title, body string, icon any) error
}

// New returns a notifier for app, showing icon (PNG bytes, may be nil).
// It contacts nothing until the first Notify.
func New(app string, icon []byte) *Notifier {
	return &Notifier{app: app, icon: icon, send: beeep.Notify}
}

// Notify shows one notification. It returns when the service has
// accepted it, when ctx ends, or with ErrUnavailable.
func (n *Notifier) Notify(ctx context.Context, title, body string) error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return ErrClosed
	}
	if n.broken {
		n.mu.Unlock()
		return ErrUnavailable
	}
	n.mu.Unlock()

	var icon any = ""
	if len(n.icon) > 0 {
		icon = n.icon
	}
	done := make(chan error, 1)
	go func() {
		// beeep reads its application name from a package variable.
		appName.Lock()
		beeep.AppName = n.app
		err := n.send(title, body, icon)
		appName.Unlock()
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			n.mu.Lock()
			n.broken = true
			n.mu.Unlock()
			return fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops further notifications. It is idempotent.
func (n *Notifier) Close() error {
	n.mu.Lock()
	n.closed = true
	n.mu.Unlock()
	return nil
}

// appName serialises writes to beeep.AppName.
var appName sync.Mutex
