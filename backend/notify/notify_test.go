//go:build linux

package notify

import (
	"bufio"
	"context"
	"errors"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// server is a real org.freedesktop.Notifications service on a private
// session bus: what a desktop's notification daemon receives.
type server struct {
	mu   sync.Mutex
	got  []shown
	next uint32
}

type shown struct{ app, summary, body string }

func (s *server) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, shown{app, summary, body})
	s.next++
	return s.next, nil
}

func (s *server) GetCapabilities() ([]string, *dbus.Error) { return []string{"body"}, nil }

func (s *server) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "relais-test", "relais", "1", "1.2", nil
}

func (s *server) CloseNotification(id uint32) *dbus.Error { return nil }

// sessionBus starts a private dbus-daemon and points this process at it.
func sessionBus(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Skip("dbus-daemon is not installed (apt-get install dbus); scripts/test installs it")
	}
	cmd := exec.Command(bin, "--session", "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the bus address: %v", err)
	}
	addr := strings.TrimSpace(line)
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	return addr
}

func TestNotifyReachesTheDesktopService(t *testing.T) {
	addr := sessionBus(t)
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	srv := &server{}
	if err := conn.Export(srv, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("owning the notifications name: %v (%v)", reply, err)
	}

	n := New("Relais", nil)
	defer n.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := n.Notify(ctx, "Publié sur Bluesky", "Café Lumière · « Nouvelle carte d’automne »"); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	want := shown{"Relais", "Publié sur Bluesky", "Café Lumière · « Nouvelle carte d’automne »"}
	if len(srv.got) != 1 || srv.got[0] != want {
		t.Fatalf("the service received %+v, want %+v", srv.got, want)
	}
}

func TestNotifyWithoutServiceSaysSoOnceThenStaysQuiet(t *testing.T) {
	sessionBus(t)                 // a bus with no notification service on it
	t.Setenv("PATH", t.TempDir()) // and no notify-send or kdialog to fall back on
	calls := 0
	n := New("Relais", nil)
	real := n.send
	n.send = func(title, body string, icon any) error { calls++; return real(title, body, icon) }
	ctx := context.Background()
	if err := n.Notify(ctx, "a", "b"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("first Notify = %v, want ErrUnavailable", err)
	}
	if err := n.Notify(ctx, "a", "b"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("second Notify = %v, want ErrUnavailable", err)
	}
	if calls != 1 {
		t.Fatalf("the service was tried %d times, want once", calls)
	}
	_ = n.Close()
	_ = n.Close()
	if err := n.Notify(ctx, "a", "b"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Notify after Close = %v, want ErrClosed", err)
	}
}
