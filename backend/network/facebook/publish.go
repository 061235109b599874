// Package facebook publishes posts to a Facebook Page for the scheduler,
// through the Graph API with the Page's own access token (sent as the
// documented access_token parameter, in the body of every POST).
//
// # Calls
//
// Each image: POST /{page-id}/photos (multipart: source,
// published=false, alt_text_custom), which uploads it without publishing
// it. The post: POST /{page-id}/feed with message and
// attached_media[i]={"media_fbid": photo id}, or, without images, the
// payload's link. A first comment: POST /{post-id}/comments.
//
// Alt text: the Page photos edge takes alt_text_custom; Relais sends it
// with each unpublished photo. Whether Facebook keeps it once the photo
// is attached to a multi-photo post is not documented; the post itself
// has no alt text field.
//
// # Exactly once
//
// Graph has no idempotency key. A retry (Key.Retry) first looks for the
// post among the Page's published posts since the first attempt (GET
// /{page-id}/published_posts?since=), matching the message, and for the
// comment among the post's comments by the Page. Graph error 506
// ("Duplicate status message") is looked up at once; when the post is
// not (yet) listed it is returned as rest.ErrDuplicate, an outcome the
// scheduler verifies, and on a retry that has just looked and found
// nothing it is the user's text to change (network.ErrInvalidContent).
//
// # Errors
//
// Graph answers errors as {"error": {"code", "error_subcode", "type",
// "message"}}, mostly with HTTP 400: 190 and 102 (token expired or
// revoked) and 10 and 200-299 (a permission withdrawn) need the user to
// reconnect; 4, 17, 32, 613 and 80001-80014 are rate limits (the wait
// comes from the X-Business-Use-Case-Usage or X-App-Usage header's
// estimated_time_to_regain_access, in minutes); 100 is an invalid
// parameter (the text, or the image on /photos); 324 a missing or
// unreadable image; 368 a temporary block for abuse (a failure, not
// retried).
package facebook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"relais/backend/network"
	"relais/backend/network/internal/rest"
	"relais/backend/network/oauthnet"
	"relais/backend/schedule"
)

// Publisher publishes to Facebook Pages.
type Publisher struct {
	// HTTP is the client requests go through; nil: a 60 s timeout.
	HTTP *http.Client
	// Now is the clock; nil: time.Now.
	Now func() time.Time
	// Base replaces the Graph root with its version (tests); "": the
	// account's server, or oauthnet's pinned Graph API base.
	Base string
}

var _ schedule.Publisher = (*Publisher)(nil)

const (
	pageSize = 50
	maxPages = 4
)

func (p *Publisher) rest() rest.Client { return rest.Client{HTTP: p.HTTP, Now: p.Now} }

func (p *Publisher) base(a schedule.Account) string {
	switch {
	case p.Base != "":
		return strings.TrimRight(p.Base, "/")
	case a.Server != "":
		return strings.TrimRight(a.Server, "/")
	}
	if s := oauthnet.Lookup(network.Facebook); s != nil {
		return s.APIBase
	}
	return "https://graph.facebook.com/v26.0"
}

// PostURL is a post's page (Graph post ids are "pageid_postid", which
// facebook.com resolves).
func PostURL(id string) string { return "https://www.facebook.com/" + id }

func page(a schedule.Account) (string, error) {
	if a.RemoteID == "" || strings.ContainsAny(a.RemoteID, "/?#") {
		return "", fmt.Errorf("%w: the account has no Facebook Page id", network.ErrProtocol)
	}
	return a.RemoteID, nil
}

// post sends a form with the token and decodes {"id"}.
func (p *Publisher) post(ctx context.Context, a schedule.Account, path string, form url.Values, refused error) (string, error) {
	form.Set("access_token", a.Token.Access)
	resp, err := p.rest().Do(ctx, rest.Request{Method: http.MethodPost, URL: p.base(a) + path,
		Body: []byte(form.Encode()), ContentType: "application/x-www-form-urlencoded"})
	return p.id(resp, err, refused)
}

func (p *Publisher) id(resp *rest.Response, err error, refused error) (string, error) {
	if err != nil {
		return "", err
	}
	if !resp.OK() {
		return "", p.apiError(resp, refused)
	}
	var r struct {
		ID     string `json:"id"`
		PostID string `json:"post_id"`
	}
	if json.Unmarshal(resp.Body, &r) != nil || r.ID == "" {
		return "", fmt.Errorf("%w: Graph answered without id", network.ErrProtocol)
	}
	return r.ID, nil
}

// get reads a Graph resource.
func (p *Publisher) get(ctx context.Context, a schedule.Account, path string, q url.Values, out any) error {
	q.Set("access_token", a.Token.Access)
	resp, err := p.rest().Do(ctx, rest.Request{Method: http.MethodGet, URL: p.base(a) + path + "?" + q.Encode()})
	if err != nil {
		return err
	}
	if !resp.OK() {
		return p.apiError(resp, network.ErrProtocol)
	}
	if err := json.Unmarshal(resp.Body, out); err != nil {
		return fmt.Errorf("%w: Graph answered something that is not JSON", network.ErrProtocol)
	}
	return nil
}

// Publish implements schedule.Publisher.
func (p *Publisher) Publish(ctx context.Context, a schedule.Account, pl schedule.Payload, key schedule.Key) (schedule.Result, error) {
	pageID, err := page(a)
	if err != nil {
		return schedule.Result{}, err
	}
	if err := rest.CheckImages(network.Facebook, pl.Media); err != nil {
		return schedule.Result{}, err
	}
	id := ""
	if key.Retry {
		if id, err = p.find(ctx, a, pageID, pl.Text, key.Since); err != nil {
			return schedule.Result{}, err
		}
	}
	if id == "" {
		if id, err = p.create(ctx, a, pageID, pl, key); err != nil {
			return schedule.Result{}, err
		}
	}
	res := schedule.Result{RemoteID: id, URL: PostURL(id)}
	if pl.FirstComment == "" {
		return res, nil
	}
	if key.Retry {
		c, err := p.findComment(ctx, a, pageID, id, pl.FirstComment)
		if err != nil {
			return res, err
		}
		if c != "" {
			res.CommentID = c
			return res, nil
		}
	}
	c, err := p.post(ctx, a, "/"+url.PathEscape(id)+"/comments", url.Values{"message": {pl.FirstComment}}, network.ErrInvalidContent)
	if err != nil {
		return res, err
	}
	res.CommentID = c
	return res, nil
}

// Verify implements schedule.Publisher.
func (p *Publisher) Verify(ctx context.Context, a schedule.Account, pl schedule.Payload, key schedule.Key) (schedule.Result, bool, error) {
	pageID, err := page(a)
	if err != nil {
		return schedule.Result{}, false, err
	}
	id, err := p.find(ctx, a, pageID, pl.Text, key.Since)
	if err != nil || id == "" {
		return schedule.Result{}, false, err
	}
	res := schedule.Result{RemoteID: id, URL: PostURL(id)}
	if pl.FirstComment == "" {
		return res, true, nil
	}
	c, err := p.findComment(ctx, a, pageID, id, pl.FirstComment)
	if err != nil || c == "" {
		return res, false, err
	}
	res.CommentID = c
	return res, true, nil
}

// create uploads the photos unpublished and posts to the feed; a
// duplicate refusal is looked up at once (see the package comment).
func (p *Publisher) create(ctx context.Context, a schedule.Account, pageID string, pl schedule.Payload, key schedule.Key) (string, error) {
	form := url.Values{"message": {pl.Text}}
	for i, m := range pl.Media {
		photo, err := p.photo(ctx, a, pageID, i, m)
		if err != nil {
			return "", err
		}
		b, _ := json.Marshal(map[string]string{"media_fbid": photo})
		form.Set("attached_media["+strconv.Itoa(i)+"]", string(b))
	}
	if len(pl.Media) == 0 && pl.Link != "" {
		form.Set("link", pl.Link)
	}
	id, err := p.post(ctx, a, "/"+url.PathEscape(pageID)+"/feed", form, network.ErrInvalidContent)
	dup, ok := err.(*rest.DuplicateError)
	if !ok {
		return id, err
	}
	found, ferr := p.find(ctx, a, pageID, pl.Text, key.Since)
	switch {
	case ferr != nil:
		return "", dup
	case found != "":
		return found, nil
	case key.Retry:
		return "", rest.Refused(dup)
	}
	return "", dup
}

// photo uploads one image without publishing it.
func (p *Publisher) photo(ctx context.Context, a schedule.Account, pageID string, i int, m schedule.Media) (string, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("access_token", a.Token.Access)
	mw.WriteField("published", "false")
	if m.Alt != "" {
		mw.WriteField("alt_text_custom", m.Alt)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="source"; filename="image-%d%s"`, i+1, rest.Ext(m.MIME)))
	h.Set("Content-Type", m.MIME)
	w, _ := mw.CreatePart(h)
	w.Write(m.Data)
	mw.Close()
	resp, err := p.rest().Do(ctx, rest.Request{Method: http.MethodPost, URL: p.base(a) + "/" + url.PathEscape(pageID) + "/photos",
		Body: body.Bytes(), ContentType: mw.FormDataContentType()})
	return p.id(resp, err, network.ErrMediaRejected)
}

// graphTime is Graph's time format (2026-11-23T17:30:00+0000).
const graphTime = "2006-01-02T15:04:05-0700"

// find looks for the Page's published post with message, since since.
func (p *Publisher) find(ctx context.Context, a schedule.Account, pageID, message string, since time.Time) (string, error) {
	from := rest.Since(since, p.rest().Clock())
	after := ""
	for range maxPages {
		q := url.Values{"fields": {"id,message,created_time"}, "since": {strconv.FormatInt(from.Unix(), 10)},
			"limit": {strconv.Itoa(pageSize)}}
		if after != "" {
			q.Set("after", after)
		}
		var r struct {
			Data []struct {
				ID          string `json:"id"`
				Message     string `json:"message"`
				CreatedTime string `json:"created_time"`
			} `json:"data"`
			Paging paging `json:"paging"`
		}
		if err := p.get(ctx, a, "/"+url.PathEscape(pageID)+"/published_posts", q, &r); err != nil {
			return "", err
		}
		for _, d := range r.Data {
			if t, err := time.Parse(graphTime, d.CreatedTime); err == nil && t.Before(from) {
				continue
			}
			if rest.SameText(d.Message, message) {
				return d.ID, nil
			}
		}
		if after = r.Paging.next(); after == "" {
			return "", nil
		}
	}
	return "", nil
}

type paging struct {
	Cursors struct {
		After string `json:"after"`
	} `json:"cursors"`
	Next string `json:"next"`
}

func (pg paging) next() string {
	if pg.Next == "" {
		return ""
	}
	return pg.Cursors.After
}

// findComment looks for the Page's comment with message on a post.
func (p *Publisher) findComment(ctx context.Context, a schedule.Account, pageID, postID, message string) (string, error) {
	after := ""
	for range maxPages {
		q := url.Values{"fields": {"id,message,from"}, "filter": {"stream"}, "limit": {strconv.Itoa(pageSize)}}
		if after != "" {
			q.Set("after", after)
		}
		var r struct {
			Data []struct {
				ID      string `json:"id"`
				Message string `json:"message"`
				From    struct {
					ID string `json:"id"`
				} `json:"from"`
			} `json:"data"`
			Paging paging `json:"paging"`
		}
		if err := p.get(ctx, a, "/"+url.PathEscape(postID)+"/comments", q, &r); err != nil {
			return "", err
		}
		for _, c := range r.Data {
			if (c.From.ID == "" || c.From.ID == pageID) && rest.SameText(c.Message, message) {
				return c.ID, nil
			}
		}
		if after = r.Paging.next(); after == "" {
			return "", nil
		}
	}
	return "", nil
}

// apiError maps a Graph error answer. refused is what code 100 means for
// this call (the text, or the image).
func (p *Publisher) apiError(resp *rest.Response, refused error) error {
	var e struct {
		Error struct {
			Message string `json:"message"`
			Type    string `json:"type"`
			Code    int    `json:"code"`
			Subcode int    `json:"error_subcode"`
		} `json:"error"`
	}
	json.Unmarshal(resp.Body, &e)
	code := e.Error.Code
	reason := "graph-" + strconv.Itoa(code)
	if code == 0 {
		reason = ""
	}
	if e.Error.Subcode != 0 {
		reason += "/" + strconv.Itoa(e.Error.Subcode)
	}
	if e.Error.Message != "" {
		reason = strings.TrimPrefix(reason+" "+rest.Short(e.Error.Message), " ")
	}
	se := &network.StatusError{Status: resp.Status, Reason: reason, Err: network.Classify(resp.Status)}
	switch {
	case code == 506:
		return &rest.DuplicateError{Status: resp.Status, Reason: "graph-506"}
	case code == 190 || code == 102 || code == 10 || code >= 200 && code <= 299:
		se.Err = network.ErrRevoked
	case code == 4 || code == 17 || code == 32 || code == 613 || code >= 80001 && code <= 80014:
		se.Err = network.ErrRateLimited
		se.RetryAfter = max(rest.RetryAfter(resp.Header, p.rest().Clock()), usageWait(resp.Header))
	case code == 324:
		se.Err = network.ErrMediaRejected
	case code == 100:
		se.Err = refused
	case resp.Status == http.StatusTooManyRequests || resp.Status == http.StatusServiceUnavailable:
		se.RetryAfter = rest.RetryAfter(resp.Header, p.rest().Clock())
	}
	return se
}

// usageWait reads estimated_time_to_regain_access (minutes) from Graph's
// usage headers: X-Business-Use-Case-Usage ({"<id>": [{...}]}) and
// X-App-Usage / X-Page-Usage ({...}).
func usageWait(h http.Header) time.Duration {
	type usage struct {
		Wait int `json:"estimated_time_to_regain_access"`
	}
	minutes := 0
	var buc map[string][]usage
	if json.Unmarshal([]byte(h.Get("X-Business-Use-Case-Usage")), &buc) == nil {
		for _, us := range buc {
			for _, u := range us {
				minutes = max(minutes, u.Wait)
			}
		}
	}
	for _, name := range []string{"X-App-Usage", "X-Page-Usage"} {
		var u usage
		if json.Unmarshal([]byte(h.Get(name)), &u) == nil {
			minutes = max(minutes, u.Wait)
		}
	}
	return time.Duration(minutes) * time.Minute
}
