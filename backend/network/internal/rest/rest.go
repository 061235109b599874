// Package rest is what the publishers of the OAuth networks (X, LinkedIn,
// Facebook, Pinterest) share: one HTTP call with the errors the scheduler
// understands, the rate-limit headers each network sends, and the text
// comparison their look-ups use.
//
// # Errors
//
// A call that could not open a connection wraps network.ErrNotSent (and
// network.ErrUnreachable): retrying it cannot duplicate anything. A call
// that failed after the request may have reached the server wraps
// network.ErrUnreachable alone: its outcome is unknown. An HTTP error
// answer is left to the caller, which knows its network's error bodies.
//
// A network that refuses a post as a duplicate of one it already has
// (LinkedIn's DUPLICATE_POST, X's "duplicate content", Graph error 506)
// gets an error wrapping ErrDuplicate and no *network.StatusError: the
// scheduler treats an error with neither a sentinel it knows nor a 4xx
// status as "outcome unknown" and verifies before anything else.
package rest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"relais/backend/network"
	"relais/backend/schedule"
)

// ErrDuplicate: the network refused the post because it already has one
// with the same content, which may be the one an earlier attempt made.
var ErrDuplicate = errors.New("network: the network already has this post")

// DuplicateError is a duplicate refusal. It deliberately is not a
// *network.StatusError (whose 4xx status would fail the job): the
// scheduler verifies instead.
type DuplicateError struct {
	Status int
	Reason string
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("%v (HTTP %d %s)", ErrDuplicate, e.Status, e.Reason)
}

// Unwrap makes errors.Is(err, ErrDuplicate) true.
func (e *DuplicateError) Unwrap() error { return ErrDuplicate }

// Refused is what a duplicate refusal becomes when this very attempt has
// just looked for the post and not found it: the duplicate is another
// post (an older one, or one deleted recently), so the user must change
// the text. It wraps network.ErrInvalidContent.
func Refused(d *DuplicateError) error {
	return &network.StatusError{Status: d.Status, Reason: "duplicate", Err: network.ErrInvalidContent}
}

// MaxBody bounds what is read of an answer.
const MaxBody = 4 << 20

// getTries is how many times a GET is tried on transport errors.
const getTries = 4

// Client makes calls.
type Client struct {
	// HTTP is the client; nil: a 60 s timeout.
	HTTP *http.Client
	// Now is the clock; nil: time.Now.
	Now func() time.Time
}

var defaultHTTP = &http.Client{Timeout: 60 * time.Second}

func (c Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultHTTP
}

// Clock returns the current time.
func (c Client) Clock() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Request is one call.
type Request struct {
	Method      string
	URL         string
	Header      http.Header // added to the request
	Body        []byte
	ContentType string
	Bearer      string // the access token, sent as Authorization: Bearer
}

// Response is an answer of any status.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// OK reports a 2xx status.
func (r *Response) OK() bool { return r.Status >= 200 && r.Status <= 299 }

// Do makes one call and returns the answer whatever its status; err is
// only for transport failures (and a bad URL). A GET is tried again on
// transport failures, since reading twice is harmless. Errors never
// quote the URL (Graph puts tokens in it), only its host.
func (c Client) Do(ctx context.Context, r Request) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return nil, fmt.Errorf("%w: bad request URL", network.ErrProtocol)
	}
	if r.Body == nil {
		req.Body, req.GetBody, req.ContentLength = nil, nil, 0
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	if r.Bearer != "" {
		req.Header.Set("Authorization", "Bearer "+r.Bearer)
	}
	resp, err := c.http().Do(req)
	for try := 1; err != nil && r.Method == http.MethodGet && try < getTries && ctx.Err() == nil; try++ {
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(try*try) * 50 * time.Millisecond):
		}
		resp, err = c.http().Do(req.Clone(ctx))
	}
	if err != nil {
		if ctx.Err() != nil && !network.Unsent(err) {
			return nil, fmt.Errorf("%w: %s: %w", network.ErrUnreachable, req.URL.Host, ctx.Err())
		}
		return nil, network.TransportError(req.URL.Host, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody))
	if err != nil {
		// The request reached the server; its answer was lost.
		return nil, fmt.Errorf("%w: reading the answer of %s: %v", network.ErrUnreachable, req.URL.Host, err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// RetryAfter is how long an answer asks to wait: Retry-After (seconds or
// an HTTP date), else the reset time of the exhausted rate-limit window
// (X: x-rate-limit-reset, x-user-limit-24hour-reset and
// x-app-limit-24hour-reset, Unix seconds; Pinterest and others:
// x-ratelimit-reset, seconds to wait). 0 when it does not say.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return time.Duration(n) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0)
		}
	}
	// X: the window whose remaining count is 0 is the one to wait for; the
	// 24-hour ones first (they are the longer).
	var wait time.Duration
	for _, p := range []string{"x-user-limit-24hour", "x-app-limit-24hour", "x-rate-limit"} {
		reset := strings.TrimSpace(h.Get(p + "-reset"))
		if reset == "" {
			continue
		}
		if rem := strings.TrimSpace(h.Get(p + "-remaining")); rem != "" && rem != "0" {
			continue
		}
		if n, err := strconv.ParseInt(reset, 10, 64); err == nil {
			wait = max(wait, time.Unix(n, 0).Sub(now))
		}
	}
	if wait > 0 {
		return wait
	}
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			if n > 1_000_000_000 { // a Unix time
				return max(time.Unix(n, 0).Sub(now), 0)
			}
			return time.Duration(n) * time.Second
		}
	}
	return 0
}

// Short keeps the start of a network's message for StatusError.Reason,
// on one line.
func Short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		s = s[:160]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return s
}

// Squash drops white space and unescapes HTML entities, so the text a
// network gives back compares with the text Relais sent whatever the
// network did to line breaks and spaces.
func Squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, html.UnescapeString(s))
}

// SameText reports whether a text the network gives back is the text
// that was sent.
func SameText(got, sent string) bool { return Squash(got) == Squash(sent) }

// VerifySlack is how far before the first attempt a look-up still
// accepts a post (clock differences between Relais and the network).
const VerifySlack = 10 * time.Minute

// Since is the earliest creation time a look-up accepts for a post whose
// first attempt started at since (zero: the last 24 hours).
func Since(since, now time.Time) time.Time {
	if since.IsZero() {
		return now.Add(-24 * time.Hour)
	}
	return since.Add(-VerifySlack)
}

// Ext is a file name extension for an image MIME type.
func Ext(mime string) string {
	switch mime {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	}
	return ""
}

// CheckImages refuses, before any call, more images or larger ones than
// n takes (network.RulesFor): the network would refuse them anyway, after
// the upload.
func CheckImages(n network.Name, ms []schedule.Media) error {
	r, ok := network.RulesFor(n)
	if !ok {
		return nil
	}
	if r.MaxImages > 0 && len(ms) > r.MaxImages {
		return fmt.Errorf("%w: %s takes at most %d images, not %d", network.ErrMediaRejected, n, r.MaxImages, len(ms))
	}
	for i, m := range ms {
		if r.MaxImageBytes > 0 && int64(len(m.Data)) > r.MaxImageBytes {
			return fmt.Errorf("%w: image %d is %d bytes, over %s's %d", network.ErrMediaRejected, i+1, len(m.Data), n, r.MaxImageBytes)
		}
		if len(m.Data) == 0 {
			return fmt.Errorf("%w: image %d is empty", network.ErrMediaRejected, i+1)
		}
	}
	return nil
}
