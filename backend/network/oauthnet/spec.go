package oauthnet

import (
	"context"
	"net/url"
	"time"

	"golang.org/x/oauth2"

	"relais/backend/network"
)

// Checked is when the values in Specs were last read in each network's own
// documentation. Update it with the values.
const Checked = "2026-11-23"

// Spec is one network's OAuth 2 and profile endpoints, as data. Every URL is
// the network's real one; Connector.Bases redirects them (tests point them
// at httptest servers).
type Spec struct {
	Network network.Name
	// Docs are the pages the values were read in (on Checked).
	Docs []string

	AuthURL  string
	TokenURL string
	// RevokeURL is "" where the network documents no way to revoke a
	// token from the app.
	RevokeURL string
	// APIBase is the root of the API the profile is read from; Grant.Server
	// is this (or an account's resource under it).
	APIBase string

	Scopes []string
	// ScopeSep joins Scopes on the authorization URL ("" = space).
	ScopeSep string
	// AuthParams are added to the authorization URL.
	AuthParams map[string]string

	// ClientAuth is how the token endpoint wants the app's id and secret.
	ClientAuth ClientAuth
	// ClientIDParam names the app id in requests ("" = client_id; TikTok:
	// client_key).
	ClientIDParam string
	// PKCE is the code challenge the network documents for this flow.
	PKCE PKCE

	// AccessLifetime and RefreshLifetime are the documented lifetimes,
	// used only when an answer leaves them out (0: does not expire /
	// unknown).
	AccessLifetime  time.Duration
	RefreshLifetime time.Duration

	// Renewal is how an access token is renewed without the user.
	Renewal Renewal
	// RenewURL and RenewGrant are Meta's refresh endpoint and grant type
	// (Renewal == RenewAccessToken).
	RenewURL   string
	RenewGrant string
	// RefreshRevokedCodes are error codes that, on a refresh request only,
	// mean the refresh token is dead (X answers invalid_request).
	RefreshRevokedCodes []string

	// LongLived is Meta's exchange of the short-lived token the code gives
	// for a long-lived one (nil: none).
	LongLived *Exchange

	// NestedToken: the token answer is {"data":[{...}]} (Instagram).
	NestedToken bool

	// Header is sent on every API call (LinkedIn's version headers).
	Header map[string]string

	// accounts lists what a token gives access to; profile reads the one
	// account a token is (server: Grant.Server). One of them is set.
	accounts func(c *Connector, ctx context.Context, tok network.Token) ([]network.Grant, error)
	profile  func(c *Connector, ctx context.Context, server string, tok network.Token) (network.Profile, error)
	// revoke revokes tok at the network (nil: nothing to call).
	revoke func(c *Connector, ctx context.Context, app *network.DevApp, tok network.Token) error
}

// ClientAuth is how a token endpoint authenticates the app.
type ClientAuth int

const (
	// AuthBody sends the id and secret as form fields.
	AuthBody ClientAuth = iota
	// AuthBasic sends them as HTTP Basic credentials.
	AuthBasic
)

func (a ClientAuth) style() oauth2.AuthStyle {
	if a == AuthBasic {
		return oauth2.AuthStyleInHeader
	}
	return oauth2.AuthStyleInParams
}

// PKCE is the code challenge a network documents.
type PKCE int

const (
	// PKCENone: the network documents no PKCE for this confidential flow.
	PKCENone PKCE = iota
	// PKCES256 is RFC 7636 S256 (base64url of SHA-256).
	PKCES256
	// PKCEHex is TikTok's desktop variant: hex of SHA-256, sent as S256.
	PKCEHex
)

// Renewal is how a network renews an access token.
type Renewal int

const (
	// RenewNone: the user reconnects when the token expires.
	RenewNone Renewal = iota
	// RenewRefreshToken is RFC 6749 section 6, when the answer carried a
	// refresh token.
	RenewRefreshToken
	// RenewAccessToken is Meta's: the long-lived access token itself is
	// exchanged for a new one (once it is a day old).
	RenewAccessToken
)

// Exchange is Meta's short-lived to long-lived token exchange: a GET on URL
// with grant_type=Grant, the short token in TokenParam, the app secret
// (and the app id when SendClientID).
type Exchange struct {
	URL          string
	Grant        string
	TokenParam   string
	SendClientID bool
}

// The API versions pinned below: one edit moves them.
const (
	graphVersion    = "v26.0"  // Facebook and Instagram Graph API, released 2026-07-29
	threadsVersion  = "v1.0"   // Threads API
	linkedInVersion = "202607" // LinkedIn Marketing API (Linkedin-Version), supported at least a year
)

const day = 24 * time.Hour

// Specs are the OAuth 2 networks, in the UI's order. Values were read in
// each network's documentation on Checked.
var Specs = []*Spec{
	{
		Network:   network.X,
		Docs:      []string{"https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code", "https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token"},
		AuthURL:   "https://x.com/i/oauth2/authorize",
		TokenURL:  "https://api.x.com/2/oauth2/token",
		RevokeURL: "https://api.x.com/2/oauth2/revoke",
		APIBase:   "https://api.x.com",
		// offline.access is what makes X issue a refresh token.
		Scopes:     []string{"tweet.read", "tweet.write", "users.read", "media.write", "offline.access"},
		ClientAuth: AuthBasic, // confidential client
		PKCE:       PKCES256,
		// 2 h access; refresh tokens rotate on every use. X answers
		// invalid_request ("Value passed for the token was invalid") to a
		// used or revoked refresh token.
		AccessLifetime:      2 * time.Hour,
		Renewal:             RenewRefreshToken,
		RefreshRevokedCodes: []string{"invalid_request"},
		profile:             xProfile,
		revoke:              revokeRFC7009,
	},
	{
		Network:   network.LinkedIn,
		Docs:      []string{"https://learn.microsoft.com/linkedin/shared/authentication/authorization-code-flow", "https://learn.microsoft.com/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2", "https://learn.microsoft.com/linkedin/shared/authentication/programmatic-refresh-tokens"},
		AuthURL:   "https://www.linkedin.com/oauth/v2/authorization",
		TokenURL:  "https://www.linkedin.com/oauth/v2/accessToken",
		RevokeURL: "https://www.linkedin.com/oauth/v2/revoke", // (?) not in the reference pages; widely used
		APIBase:   "https://api.linkedin.com",
		Scopes:    []string{"openid", "profile", "w_member_social"},
		// PKCE is only for "native" apps LinkedIn enables on request; the
		// standard flow authenticates with the secret.
		PKCE: PKCENone,
		// 60 days; refresh tokens (a year, not renewed) only for approved
		// partners: without one the user reconnects.
		AccessLifetime:  60 * day,
		RefreshLifetime: 365 * day,
		Renewal:         RenewRefreshToken,
		profile:         linkedInProfile,
		revoke:          revokeRFC7009,
	},
	{
		Network:   network.LinkedInPage,
		Docs:      []string{"https://learn.microsoft.com/linkedin/marketing/community-management/organizations/organization-access-control-by-role", "https://learn.microsoft.com/linkedin/marketing/versioning"},
		AuthURL:   "https://www.linkedin.com/oauth/v2/authorization",
		TokenURL:  "https://www.linkedin.com/oauth/v2/accessToken",
		RevokeURL: "https://www.linkedin.com/oauth/v2/revoke",
		APIBase:   "https://api.linkedin.com",
		// Community Management API: LinkedIn wants it alone in its app,
		// so this is usually a second developer app.
		Scopes:          []string{"rw_organization_admin", "w_organization_social", "r_organization_social"},
		PKCE:            PKCENone,
		AccessLifetime:  60 * day,
		RefreshLifetime: 365 * day,
		Renewal:         RenewRefreshToken,
		Header:          map[string]string{"Linkedin-Version": linkedInVersion, "X-Restli-Protocol-Version": "2.0.0"},
		accounts:        linkedInPages,
		profile:         linkedInPageProfile,
		revoke:          revokeRFC7009,
	},
	{
		Network:  network.Facebook,
		Docs:     []string{"https://developers.facebook.com/documentation/facebook-login/guides/advanced/manual-flow", "https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived", "https://developers.facebook.com/docs/graph-api/changelog"},
		AuthURL:  "https://www.facebook.com/" + graphVersion + "/dialog/oauth",
		TokenURL: "https://graph.facebook.com/" + graphVersion + "/oauth/access_token",
		APIBase:  "https://graph.facebook.com/" + graphVersion,
		Scopes:   []string{"pages_show_list", "pages_read_engagement", "pages_manage_posts"},
		ScopeSep: ",",
		// Facebook's PKCE is the OIDC flow, documented as still in testing.
		PKCE: PKCENone,
		// The user token (60 days) is only used to list the Pages; a Page
		// token derived from a long-lived user token does not expire.
		AccessLifetime: 60 * day,
		Renewal:        RenewNone,
		LongLived:      &Exchange{URL: "https://graph.facebook.com/" + graphVersion + "/oauth/access_token", Grant: "fb_exchange_token", TokenParam: "fb_exchange_token", SendClientID: true},
		accounts:       facebookPages,
		profile:        facebookProfile,
		// No revoke: DELETE /me/permissions needs the user token and would
		// cut every Page of that login at once.
	},
	{
		Network:  network.Instagram,
		Docs:     []string{"https://developers.facebook.com/documentation/instagram-platform/instagram-api-with-instagram-login/business-login", "https://developers.facebook.com/documentation/instagram-platform/reference/access_token", "https://developers.facebook.com/documentation/instagram-platform/reference/refresh_access_token"},
		AuthURL:  "https://www.instagram.com/oauth/authorize",
		TokenURL: "https://api.instagram.com/oauth/access_token",
		APIBase:  "https://graph.instagram.com/" + graphVersion,
		Scopes:   []string{"instagram_business_basic", "instagram_business_content_publish"},
		ScopeSep: ",",
		PKCE:     PKCENone,
		// Short-lived (1 h) to long-lived (60 days), renewed with the
		// long-lived token itself once it is at least 24 h old.
		AccessLifetime: 60 * day,
		Renewal:        RenewAccessToken,
		RenewURL:       "https://graph.instagram.com/refresh_access_token",
		RenewGrant:     "ig_refresh_token",
		LongLived:      &Exchange{URL: "https://graph.instagram.com/access_token", Grant: "ig_exchange_token", TokenParam: "access_token"},
		NestedToken:    true,
		profile:        instagramProfile,
	},
	{
		Network:        network.Threads,
		Docs:           []string{"https://developers.facebook.com/documentation/threads/get-started/get-access-tokens-and-permissions", "https://developers.facebook.com/docs/threads/get-started/long-lived-tokens/"},
		AuthURL:        "https://threads.com/oauth/authorize",
		TokenURL:       "https://graph.threads.net/oauth/access_token",
		APIBase:        "https://graph.threads.net/" + threadsVersion,
		Scopes:         []string{"threads_basic", "threads_content_publish"},
		ScopeSep:       ",",
		PKCE:           PKCENone,
		AccessLifetime: 60 * day,
		Renewal:        RenewAccessToken,
		RenewURL:       "https://graph.threads.net/refresh_access_token",
		RenewGrant:     "th_refresh_token",
		LongLived:      &Exchange{URL: "https://graph.threads.net/access_token", Grant: "th_exchange_token", TokenParam: "access_token"},
		profile:        threadsProfile,
	},
	{
		Network:  network.Pinterest,
		Docs:     []string{"https://developers.pinterest.com/docs/getting-started/set-up-authentication-and-authorization/"},
		AuthURL:  "https://www.pinterest.com/oauth/",
		TokenURL: "https://api.pinterest.com/v5/oauth/token",
		APIBase:  "https://api.pinterest.com/v5",
		Scopes:   []string{"user_accounts:read", "boards:read", "pins:read", "pins:write"},
		ScopeSep: ",",
		// HTTP Basic on the token endpoint; no PKCE documented.
		ClientAuth: AuthBasic,
		PKCE:       PKCENone,
		// Access 30 days; "continuous" refresh tokens: 60 days, a new one
		// on every refresh, renewable indefinitely.
		AccessLifetime:  30 * day,
		RefreshLifetime: 60 * day,
		Renewal:         RenewRefreshToken,
		profile:         pinterestProfile,
		// v5 documents no revoke endpoint.
	},
	{
		Network:   network.YouTube,
		Docs:      []string{"https://developers.google.com/identity/protocols/oauth2/native-app", "https://developers.google.com/youtube/v3/docs/channels/list"},
		AuthURL:   "https://accounts.google.com/o/oauth2/v2/auth",
		TokenURL:  "https://oauth2.googleapis.com/token",
		RevokeURL: "https://oauth2.googleapis.com/revoke",
		APIBase:   "https://www.googleapis.com/youtube/v3",
		Scopes:    []string{"https://www.googleapis.com/auth/youtube.upload", "https://www.googleapis.com/auth/youtube.readonly"},
		// prompt=consent: Google sends a refresh token only on consent.
		AuthParams:     map[string]string{"access_type": "offline", "prompt": "consent"},
		PKCE:           PKCES256,
		AccessLifetime: time.Hour,
		// Refresh tokens last until revoked (7 days while the app is in
		// "testing"); a refresh answer carries no new one.
		Renewal: RenewRefreshToken,
		profile: youTubeProfile,
		revoke:  revokeGoogle,
	},
	{
		Network:   network.TikTok,
		Docs:      []string{"https://developers.tiktok.com/doc/login-kit-desktop", "https://developers.tiktok.com/doc/oauth-get-a-user-access-token", "https://developers.tiktok.com/docs/en/oauth-refresh-a-user-access-token", "https://developers.tiktok.com/docs/en/oauth-revoke-a-user-access-token", "https://developers.tiktok.com/doc/tiktok-api-v2-get-user-info"},
		AuthURL:   "https://www.tiktok.com/v2/auth/authorize/",
		TokenURL:  "https://open.tiktokapis.com/v2/oauth/token/",
		RevokeURL: "https://open.tiktokapis.com/v2/oauth/revoke/",
		APIBase:   "https://open.tiktokapis.com/v2",
		Scopes:    []string{"user.info.basic", "user.info.profile", "video.publish", "video.upload"},
		ScopeSep:  ",",
		// client_key, not client_id, on authorize, token and revoke.
		ClientIDParam: "client_key",
		// Desktop apps must use PKCE, with the challenge hex-encoded.
		PKCE: PKCEHex,
		// Since 2026: access 2 h, refresh 180 days, rotated on every use.
		AccessLifetime:  2 * time.Hour,
		RefreshLifetime: 180 * day,
		Renewal:         RenewRefreshToken,
		profile:         tikTokProfile,
		revoke:          revokeAccessToken,
	},
	{
		Network:        network.GoogleBusiness,
		Docs:           []string{"https://developers.google.com/identity/protocols/oauth2/native-app", "https://developers.google.com/my-business/reference/accountmanagement/rest/v1/accounts/list"},
		AuthURL:        "https://accounts.google.com/o/oauth2/v2/auth",
		TokenURL:       "https://oauth2.googleapis.com/token",
		RevokeURL:      "https://oauth2.googleapis.com/revoke",
		APIBase:        "https://mybusinessaccountmanagement.googleapis.com/v1",
		Scopes:         []string{"https://www.googleapis.com/auth/business.manage"},
		AuthParams:     map[string]string{"access_type": "offline", "prompt": "consent"},
		PKCE:           PKCES256,
		AccessLifetime: time.Hour,
		Renewal:        RenewRefreshToken,
		accounts:       googleBusinessAccounts,
		profile:        googleBusinessProfile,
		revoke:         revokeGoogle,
	},
}

// Lookup returns the spec of a network, or nil.
func Lookup(name network.Name) *Spec {
	for _, s := range Specs {
		if s.Network == name {
			return s
		}
	}
	return nil
}

// Origins lists the scheme://host of every URL in the spec (what
// Connector.Bases may redirect).
func (s *Spec) Origins() []string {
	var out []string
	seen := map[string]bool{}
	for _, raw := range []string{s.AuthURL, s.TokenURL, s.RevokeURL, s.APIBase, s.RenewURL, s.longLivedURL()} {
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		o := u.Scheme + "://" + u.Host
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	return out
}

func (s *Spec) longLivedURL() string {
	if s.LongLived == nil {
		return ""
	}
	return s.LongLived.URL
}

func (s *Spec) clientIDParam() string {
	if s.ClientIDParam == "" {
		return "client_id"
	}
	return s.ClientIDParam
}
