// Package network is the vocabulary shared by Relais's network clients
// (the packages under backend/network/<name>) and the packages that use
// them: network names, tokens, profiles and the errors every client maps
// its network's answers to.
//
// A client never logs or wraps a token into an error: errors carry the
// network's status and a short reason, nothing the user pasted or the
// network issued as a credential.
package network

import (
	"errors"
	"fmt"
	"time"
)

// Name identifies a network.
type Name string

// The networks Relais connects to.
const (
	Mastodon       Name = "mastodon"
	Bluesky        Name = "bluesky"
	X              Name = "x"
	LinkedIn       Name = "linkedin"      // a member's own profile
	LinkedInPage   Name = "linkedin_page" // an organisation Page
	Facebook       Name = "facebook"      // a Facebook Page
	Instagram      Name = "instagram"
	Threads        Name = "threads"
	Pinterest      Name = "pinterest"
	YouTube        Name = "youtube"
	TikTok         Name = "tiktok"
	GoogleBusiness Name = "google_business"
)

// All lists every network in the order the UI offers them.
var All = []Name{Mastodon, Bluesky, X, LinkedIn, LinkedInPage, Facebook, Instagram, Threads, Pinterest, YouTube, TikTok, GoogleBusiness}

// Errors a client returns, wrapped with details. Test with errors.Is.
var (
	// ErrRevoked: the network refused the credentials (HTTP 401,
	// invalid_grant): the account needs reconnecting.
	ErrRevoked = errors.New("network: credentials revoked or expired")
	// ErrBadCredentials: a handle or password the user typed is wrong.
	ErrBadCredentials = errors.New("network: wrong identifier or password")
	// ErrDenied: the user declined the authorization in the browser.
	ErrDenied = errors.New("network: authorization declined")
	// ErrUnreachable: the network could not be reached (offline, DNS,
	// refused connection).
	ErrUnreachable = errors.New("network: unreachable")
	// ErrRateLimited: the network asked to slow down.
	ErrRateLimited = errors.New("network: rate limited")
	// ErrProtocol: the network answered something this client does not
	// understand.
	ErrProtocol = errors.New("network: unexpected answer")
	// ErrNoDevApp: the network needs the agency's developer app and none
	// is configured.
	ErrNoDevApp = errors.New("network: developer app not configured")
	// ErrTimeout: the user did not finish authorizing in time.
	ErrTimeout = errors.New("network: authorization timed out")
	// ErrNotSent: the request never left this machine (no connection
	// could be opened: offline, DNS failure, connection refused), so
	// retrying it cannot duplicate anything. Wrapped with ErrUnreachable.
	ErrNotSent = errors.New("network: request not sent")
	// ErrInvalidContent: the network refused a post's text or fields
	// (too long, invalid): the user must fix the text.
	ErrInvalidContent = errors.New("network: post refused")
	// ErrMediaRejected: the network refused an image (too large, wrong
	// format): the user must pick another rendition.
	ErrMediaRejected = errors.New("network: media refused")
)

// Token is what a network issued for an account. It is only ever stored
// sealed by the vault.
type Token struct {
	Access        string    `json:"access"`
	Refresh       string    `json:"refresh,omitempty"`
	Type          string    `json:"type,omitempty"`
	Scope         string    `json:"scope,omitempty"`
	Expiry        time.Time `json:"expiry,omitzero"`        // zero: does not expire
	RefreshExpiry time.Time `json:"refreshExpiry,omitzero"` // zero: unknown or none
	// Password is a Bluesky app password, kept so an expired session can
	// be recreated without asking the user.
	Password string `json:"password,omitempty"`
	// ClientID and ClientSecret are per-account app credentials (Mastodon
	// registers one app per connection).
	ClientID     string `json:"clientId,omitempty"`
	ClientSecret string `json:"clientSecret,omitempty"`
}

// Profile is who an account is on its network.
type Profile struct {
	RemoteID    string `json:"remoteId"`
	Handle      string `json:"handle"`
	DisplayName string `json:"displayName"`
	AvatarURL   string `json:"avatarUrl"`
	URL         string `json:"url"`
}

// Limits are a server's own publishing limits where it reports them
// (Mastodon's /api/v2/instance); zero means unknown.
type Limits struct {
	MaxChars       int      `json:"maxChars"`
	MaxMedia       int      `json:"maxMedia"`
	CharsPerURL    int      `json:"charsPerUrl"`
	MaxImageBytes  int64    `json:"maxImageBytes"`
	ImageMIMETypes []string `json:"imageMimeTypes,omitempty"`
}

// StatusError is an HTTP error answer from a network, without its body's
// credentials: Reason is the network's own short error code or message.
type StatusError struct {
	Status int
	Reason string
	Err    error // one of the sentinels above
	// RetryAfter is how long a rate-limited (429) or unavailable (503)
	// answer asked to wait; 0 when it did not say.
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%v (HTTP %d %s)", e.Err, e.Status, e.Reason)
}
func (e *StatusError) Unwrap() error { return e.Err }

// Classify maps an HTTP status to the sentinel a client should wrap.
func Classify(status int) error {
	switch {
	case status == 401:
		return ErrRevoked
	case status == 429:
		return ErrRateLimited
	case status >= 500:
		return ErrUnreachable
	}
	return ErrProtocol
}

// Opener opens a URL in the user's system browser (never the webview).
type Opener func(url string) error

// DevApp is the agency's own developer app on a network: the client id and
// secret it registered there, and the loopback port it registered as
// redirect (0: any port, for networks that accept RFC 8252 loopback
// redirects on any port).
type DevApp struct {
	ClientID     string
	ClientSecret string
	Port         int
}

// Request is what the user gave to connect an account.
type Request struct {
	Server     string  // Mastodon instance or Bluesky server URL; "" for the network's default
	Identifier string  // Bluesky handle or email
	Password   string  // Bluesky app password
	App        *DevApp // the agency's developer app, for OAuth networks
	Open       Opener  // opens the authorization page
	Language   string  // "fr" or "en", for pages the flow shows
}

// Grant is one account a connection gave access to (a Facebook login may
// give several Pages, each with its own token).
type Grant struct {
	Server  string  // the API base the account lives on
	Profile Profile // who it is
	Token   Token
	Limits  *Limits // the server's own limits, when it reports them
	// Refreshable says whether Token can be renewed without the user;
	// when false, Token.Expiry (or RefreshExpiry) is when the user must
	// reconnect.
	Refreshable bool
}
