package oauthnet

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"relais/backend/network"
)

// maxPages bounds the pages of a paginated listing.
const maxPages = 20

func noAccount(what string) error {
	return fmt.Errorf("%w: the answer has no %s", network.ErrProtocol, what)
}

// xProfile: GET /2/users/me?user.fields=profile_image_url.
func xProfile(c *Connector, ctx context.Context, server string, tok network.Token) (network.Profile, error) {
	var r struct {
		Data struct {
			ID, Name, Username string
			ProfileImageURL    string `json:"profile_image_url"`
		} `json:"data"`
	}
	q := url.Values{"user.fields": {"profile_image_url"}}
	if err := c.getAPI(ctx, server+"/2/users/me", q, tok.Access, &r); err != nil {
		return network.Profile{}, err
	}
	if r.Data.ID == "" {
		return network.Profile{}, noAccount("user")
	}
	return network.Profile{RemoteID: r.Data.ID, Handle: "@" + r.Data.Username, DisplayName: r.Data.Name,
		AvatarURL: r.Data.ProfileImageURL, URL: "https://x.com/" + r.Data.Username}, nil
}

// linkedInProfile: OpenID Connect GET /v2/userinfo. The member's URN, the
// author of their posts, is urn:li:person:{sub}.
func linkedInProfile(c *Connector, ctx context.Context, server string, tok network.Token) (network.Profile, error) {
	var r struct {
		Sub, Name, Picture string
	}
	if err := c.getAPI(ctx, server+"/v2/userinfo", nil, tok.Access, &r); err != nil {
		return network.Profile{}, err
	}
	if r.Sub == "" {
		return network.Profile{}, noAccount("member")
	}
	return network.Profile{RemoteID: "urn:li:person:" + r.Sub, Handle: r.Name, DisplayName: r.Name, AvatarURL: r.Picture}, nil
}

const linkedInOrgURN = "urn:li:organization:"

// linkedInPages lists the organizations the member administers
// (organizationAcls, roleAssignee finder), one Grant per Page with the
// member's token. Grant.Server is the Page's resource, which Verify reads.
func linkedInPages(c *Connector, ctx context.Context, tok network.Token) ([]network.Grant, error) {
	var urns []string
	seen := map[string]bool{}
	const count = 100
	for page, start := 0, 0; page < maxPages; page, start = page+1, start+count {
		var r struct {
			Elements []struct {
				Organization       string `json:"organization"`
				OrganizationTarget string `json:"organizationTarget"`
				Role, State        string
			} `json:"elements"`
		}
		q := url.Values{"q": {"roleAssignee"}, "role": {"ADMINISTRATOR"}, "state": {"APPROVED"},
			"start": {strconv.Itoa(start)}, "count": {strconv.Itoa(count)}}
		if err := c.getAPI(ctx, c.Spec.APIBase+"/rest/organizationAcls", q, tok.Access, &r); err != nil {
			return nil, err
		}
		for _, e := range r.Elements {
			urn := e.Organization
			if urn == "" {
				urn = e.OrganizationTarget
			}
			if strings.HasPrefix(urn, linkedInOrgURN) && e.Role == "ADMINISTRATOR" && e.State == "APPROVED" && !seen[urn] {
				seen[urn] = true
				urns = append(urns, urn)
			}
		}
		if len(r.Elements) < count {
			break
		}
	}
	var grants []network.Grant
	for _, urn := range urns {
		server := c.Spec.APIBase + "/rest/organizations/" + url.PathEscape(strings.TrimPrefix(urn, linkedInOrgURN))
		p, err := linkedInPageProfile(c, ctx, server, tok)
		if err != nil {
			return nil, err
		}
		grants = append(grants, network.Grant{Server: server, Profile: p, Token: tok})
	}
	return grants, nil
}

// linkedInPageProfile: GET /rest/organizations/{id}.
func linkedInPageProfile(c *Connector, ctx context.Context, server string, tok network.Token) (network.Profile, error) {
	if !strings.Contains(server, "/rest/organizations/") {
		return network.Profile{}, fmt.Errorf("%w: no Page in the account's server", network.ErrProtocol)
	}
	var r struct {
		ID            int64  `json:"id"`
		LocalizedName string `json:"localizedName"`
		VanityName    string `json:"vanityName"`
	}
	if err := c.getAPI(ctx, server, nil, tok.Access, &r); err != nil {
		return network.Profile{}, err
	}
	if r.ID == 0 {
		return network.Profile{}, noAccount("organization")
	}
	p := network.Profile{RemoteID: linkedInOrgURN + strconv.FormatInt(r.ID, 10), Handle: r.VanityName, DisplayName: r.LocalizedName}
	if r.VanityName != "" {
		p.URL = "https://www.linkedin.com/company/" + r.VanityName + "/"
	}
	return p, nil
}

type graphPicture struct {
	Data struct {
		URL string `json:"url"`
	} `json:"data"`
}

// facebookPages lists the Pages of the login (GET /me/accounts with the
// long-lived user token), one Grant per Page the user can publish to,
// with that Page's own token: derived from a long-lived user token, it
// does not expire.
func facebookPages(c *Connector, ctx context.Context, user network.Token) ([]network.Grant, error) {
	var grants []network.Grant
	after := ""
	for page := 0; page < maxPages; page++ {
		var r struct {
			Data []struct {
				ID, Name    string
				AccessToken string       `json:"access_token"`
				Tasks       []string     `json:"tasks"`
				Picture     graphPicture `json:"picture"`
			} `json:"data"`
			Paging struct {
				Cursors struct {
					After string `json:"after"`
				} `json:"cursors"`
				Next string `json:"next"`
			} `json:"paging"`
		}
		q := url.Values{"fields": {"id,name,access_token,tasks,picture{url}"}, "limit": {"100"}}
		if after != "" {
			q.Set("after", after)
		}
		if err := c.getGraph(ctx, c.Spec.APIBase+"/me/accounts", q, user.Access, &r); err != nil {
			return nil, err
		}
		for _, p := range r.Data {
			if p.ID == "" || p.AccessToken == "" || !canPublish(p.Tasks) {
				continue
			}
			grants = append(grants, network.Grant{
				Server: c.Spec.APIBase,
				Profile: network.Profile{RemoteID: p.ID, Handle: p.Name, DisplayName: p.Name,
					AvatarURL: p.Picture.Data.URL, URL: "https://www.facebook.com/" + p.ID},
				Token: network.Token{Access: p.AccessToken, Type: "bearer", Scope: user.Scope},
			})
		}
		if r.Paging.Next == "" || r.Paging.Cursors.After == "" {
			break
		}
		after = r.Paging.Cursors.After
	}
	return grants, nil
}

// canPublish: the user's tasks on a Page allow posting (no tasks listed:
// let the network decide).
func canPublish(tasks []string) bool {
	if len(tasks) == 0 {
		return true
	}
	for _, t := range tasks {
		if t == "CREATE_CONTENT" || t == "MANAGE" {
			return true
		}
	}
	return false
}

// facebookProfile: GET /me with a Page token is the Page.
func facebookProfile(c *Connector, ctx context.Context, server string, tok network.Token) (network.Profile, error) {
	var r struct {
		ID, Name string
		Picture  graphPicture `json:"picture"`
	}
	q := url.Values{"fields": {"id,name,picture{url}"}}
	if err := c.getGraph(ctx, server+"/me", q, tok.Access, &r); err != nil {
		return network.Profile{}, err
	}
	if r.ID == "" {
		return network.Profile{}, noAccount("Page")
	}
	return network.Profile{RemoteID: r.ID, Handle: r.Name, DisplayName: r.Name, AvatarURL: r.Picture.Data.URL,
		URL: "https://www.facebook.com/" + r.ID}, nil
}

// instagramProfile: GET graph.instagram.com/me. user_id is the professional
// account's id that publishing uses.
func instagramProfile(c *Connector, ctx context.Context, server string, tok network.Token) (network.Profile, error) {
	var r struct {
		ID                string `json:"id"`
		UserID            string `json:"user_id"`
		Username, Name    string
		ProfilePictureURL string `json:"profile_picture_url"`
	}
	q := url.Values{"fields": {"user_id,username,name,profile_picture_url"}}
	if err := c.getGraph(ctx, server+"/me", q, tok.Access, &r); err != nil {
		return network.Profile{}, err
	}
	id := r.UserID
	if id == "" {
		id = r.ID
	}
	if id == "" {
		return network.Profile{}, noAccount("account")
	}
	return network.Profile{RemoteID: id, Handle: "@" + r.Username, DisplayName: r.Name, AvatarURL: r.ProfilePictureURL,
		URL: "https://www.instagram.com/" + r.Username + "/"}, nil
}

// threadsProfile: GET graph.threads.net/v1.0/me.
func threadsProfile(c *Connector, ctx context.Context, server string, tok network.Token) (network.Profile, error) {
	var r struct {
		ID, Username, Name string
		Picture            string `json:"threads_profile_picture_url"`
	}
	q := url.Values{"fields": {"id,username,name,threads_profile_picture_url"}}
	if err := c.getGraph(ctx, server+"/me", q, tok.Access, &r); err != nil {
		return network.Profile{}, err
	}
	if r.ID == "" {
		return network.Profile{}, noAccount("account")
	}
	return network.Profile{RemoteID: r.ID, Handle: "@" + r.Username, DisplayName: r.Name, AvatarURL: r.Picture,
		URL: "https://www.threads.com/@" + r.Username}, nil
}

// pinterestProfile: GET /v5/user_account.
func pinterestProfile(c *Connector, ctx context.Context, server string, tok network.Token) (network.Profile, error) {
	var r struct {
		ID, Username string
		BusinessName string `json:"business_name"`
		ProfileImage string `json:"profile_image"`
	}
	if err := c.getAPI(ctx, server+"/user_account", nil, tok.Access, &r); err != nil {
		return network.Profile{}, err
	}
	if r.Username == "" {
		return network.Profile{}, noAccount("account")
	}
	id, name := r.ID, r.BusinessName
	if id == "" {
		id = r.Username
	}
	if name == "" {
		name = r.Username
	}
	return network.Profile{RemoteID: id, Handle: r.Username, DisplayName: name, AvatarURL: r.ProfileImage,
		URL: "https://www.pinterest.com/" + r.Username + "/"}, nil
}

// youTubeProfile: GET channels?part=snippet&mine=true (the channel the
// user picked on Google's consent screen).
func youTubeProfile(c *Connector, ctx context.Context, server string, tok network.Token) (network.Profile, error) {
	var r struct {
		Items []struct {
			ID      string `json:"id"`
			Snippet struct {
				Title      string `json:"title"`
				CustomURL  string `json:"customUrl"`
				Thumbnails struct {
					Default struct {
						URL string `json:"url"`
					} `json:"default"`
				} `json:"thumbnails"`
			} `json:"snippet"`
		} `json:"items"`
	}
	q := url.Values{"part": {"snippet"}, "mine": {"true"}}
	if err := c.getAPI(ctx, server+"/channels", q, tok.Access, &r); err != nil {
		return network.Profile{}, err
	}
	if len(r.Items) == 0 || r.Items[0].ID == "" {
		return network.Profile{}, ErrNoAccounts
	}
	ch := r.Items[0]
	p := network.Profile{RemoteID: ch.ID, Handle: ch.Snippet.CustomURL, DisplayName: ch.Snippet.Title,
		AvatarURL: ch.Snippet.Thumbnails.Default.URL, URL: "https://www.youtube.com/channel/" + ch.ID}
	if strings.HasPrefix(ch.Snippet.CustomURL, "@") {
		p.URL = "https://www.youtube.com/" + ch.Snippet.CustomURL
	}
	return p, nil
}

// tikTokProfile: GET /v2/user/info/. The answer always carries an error
// object; "ok" means none.
func tikTokProfile(c *Connector, ctx context.Context, server string, tok network.Token) (network.Profile, error) {
	var r struct {
		Data struct {
			User struct {
				OpenID      string `json:"open_id"`
				AvatarURL   string `json:"avatar_url"`
				DisplayName string `json:"display_name"`
				Username    string `json:"username"`
			} `json:"user"`
		} `json:"data"`
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	q := url.Values{"fields": {"open_id,union_id,avatar_url,display_name,username"}}
	if err := c.getAPI(ctx, server+"/user/info/", q, tok.Access, &r); err != nil {
		return network.Profile{}, err
	}
	if r.Error.Code != "" && r.Error.Code != "ok" {
		return network.Profile{}, &network.StatusError{Status: 200, Reason: shortCode(r.Error.Code), Err: network.ErrProtocol}
	}
	u := r.Data.User
	if u.OpenID == "" {
		return network.Profile{}, noAccount("user")
	}
	p := network.Profile{RemoteID: u.OpenID, Handle: u.DisplayName, DisplayName: u.DisplayName, AvatarURL: u.AvatarURL}
	if u.Username != "" {
		p.Handle = "@" + u.Username
		p.URL = "https://www.tiktok.com/@" + u.Username
	}
	return p, nil
}

type gbpAccount struct {
	Name        string `json:"name"`
	AccountName string `json:"accountName"`
	Type        string `json:"type"`
}

func (a gbpAccount) profile() network.Profile {
	return network.Profile{RemoteID: a.Name, Handle: a.AccountName, DisplayName: a.AccountName, URL: "https://business.google.com/"}
}

// googleBusinessAccounts: accounts.list, one Grant per Business Profile
// account (its locations are what posts target). Grant.Server is the
// account's resource, which Verify reads.
func googleBusinessAccounts(c *Connector, ctx context.Context, tok network.Token) ([]network.Grant, error) {
	var grants []network.Grant
	pageToken := ""
	for page := 0; page < maxPages; page++ {
		var r struct {
			Accounts      []gbpAccount `json:"accounts"`
			NextPageToken string       `json:"nextPageToken"`
		}
		q := url.Values{"pageSize": {"20"}}
		if pageToken != "" {
			q.Set("pageToken", pageToken)
		}
		if err := c.getAPI(ctx, c.Spec.APIBase+"/accounts", q, tok.Access, &r); err != nil {
			return nil, err
		}
		for _, a := range r.Accounts {
			if !strings.HasPrefix(a.Name, "accounts/") {
				continue
			}
			grants = append(grants, network.Grant{Server: c.Spec.APIBase + "/" + a.Name, Profile: a.profile(), Token: tok})
		}
		if r.NextPageToken == "" {
			break
		}
		pageToken = r.NextPageToken
	}
	return grants, nil
}

// googleBusinessProfile: accounts.get on the account's resource.
func googleBusinessProfile(c *Connector, ctx context.Context, server string, tok network.Token) (network.Profile, error) {
	if !strings.Contains(server, "/accounts/") {
		return network.Profile{}, fmt.Errorf("%w: no account in the account's server", network.ErrProtocol)
	}
	var a gbpAccount
	if err := c.getAPI(ctx, server, nil, tok.Access, &a); err != nil {
		return network.Profile{}, err
	}
	if a.Name == "" {
		return network.Profile{}, noAccount("account")
	}
	return a.profile(), nil
}
