package rest

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"relais/backend/network"
	"relais/backend/schedule"
)

// The scheduler verifies on an error that wraps none of the sentinels it
// acts on and carries no 4xx StatusError; a duplicate must be such an
// error, and Refused must not.
func TestDuplicateIsUnknownOutcome(t *testing.T) {
	var err error = &DuplicateError{Status: 422, Reason: "DUPLICATE_POST"}
	for _, s := range []error{network.ErrNotSent, network.ErrRevoked, network.ErrInvalidContent, network.ErrMediaRejected,
		network.ErrRateLimited, network.ErrUnreachable, network.ErrProtocol} {
		if errors.Is(err, s) {
			t.Errorf("a duplicate wraps %v", s)
		}
	}
	var se *network.StatusError
	if errors.As(err, &se) {
		t.Errorf("a duplicate is a StatusError %v", se)
	}
	if !errors.Is(err, ErrDuplicate) {
		t.Error("a duplicate does not wrap ErrDuplicate")
	}
	refused := Refused(err.(*DuplicateError))
	if !errors.Is(refused, network.ErrInvalidContent) || errors.Is(refused, ErrDuplicate) {
		t.Errorf("Refused = %v; want ErrInvalidContent only", refused)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	unix := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	for _, c := range []struct {
		name string
		h    map[string]string
		want time.Duration
	}{
		{"seconds", map[string]string{"Retry-After": "90"}, 90 * time.Second},
		{"date", map[string]string{"Retry-After": now.Add(time.Hour).Format(http.TimeFormat)}, time.Hour},
		{"X window", map[string]string{"x-rate-limit-remaining": "0", "x-rate-limit-reset": unix(15 * time.Minute)}, 15 * time.Minute},
		{"X 24-hour user limit", map[string]string{"x-rate-limit-remaining": "40", "x-rate-limit-reset": unix(time.Minute),
			"x-user-limit-24hour-remaining": "0", "x-user-limit-24hour-reset": unix(7 * time.Hour)}, 7 * time.Hour},
		{"X window not exhausted", map[string]string{"x-rate-limit-remaining": "3", "x-rate-limit-reset": unix(time.Minute)}, 0},
		{"seconds to reset", map[string]string{"X-RateLimit-Reset": "42"}, 42 * time.Second},
		{"nothing", nil, 0},
	} {
		h := http.Header{}
		for k, v := range c.h {
			h.Set(k, v)
		}
		if got := RetryAfter(h, now); got != c.want {
			t.Errorf("%s: RetryAfter = %v; want %v", c.name, got, c.want)
		}
	}
}

func TestSameText(t *testing.T) {
	for _, c := range []struct {
		got, sent string
		want      bool
	}{
		{"Tarte &amp; café", "Tarte & café", true},
		{"Ligne 1\r\nLigne 2 ", "Ligne 1\nLigne 2", true},
		{"Tarte", "Tartes", false},
	} {
		if got := SameText(c.got, c.sent); got != c.want {
			t.Errorf("SameText(%q, %q) = %v; want %v", c.got, c.sent, got, c.want)
		}
	}
}

func TestShort(t *testing.T) {
	long := ""
	for range 100 {
		long += "é"
	}
	s := Short(long + long)
	if len(s) > 170 || s[len(s)-len("…"):] != "…" {
		t.Errorf("Short = %q", s)
	}
}

func TestCheckImages(t *testing.T) {
	img := schedule.Media{Data: make([]byte, 1000), MIME: "image/jpeg"}
	big := schedule.Media{Data: make([]byte, 5<<20+1), MIME: "image/jpeg"}
	for _, c := range []struct {
		n    network.Name
		ms   []schedule.Media
		want error
	}{
		{network.X, []schedule.Media{img, img, img, img}, nil},
		{network.X, []schedule.Media{img, img, img, img, img}, network.ErrMediaRejected},
		{network.X, []schedule.Media{big}, network.ErrMediaRejected},
		{network.LinkedIn, []schedule.Media{big}, nil},
		{network.Pinterest, []schedule.Media{{MIME: "image/png"}}, network.ErrMediaRejected},
	} {
		if err := CheckImages(c.n, c.ms); !errors.Is(err, c.want) || (c.want == nil) != (err == nil) {
			t.Errorf("CheckImages(%s, %d images) = %v; want %v", c.n, len(c.ms), err, c.want)
		}
	}
}
