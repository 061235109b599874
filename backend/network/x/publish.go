// Package x publishes posts to X (formerly Twitter) for the scheduler,
// through the X API v2 with the account's OAuth 2 user token.
//
// # Calls
//
// Each image goes up through the simple upload, POST /2/media/upload
// (multipart: media, media_category=tweet_image; images are at most 5 MB,
// within what it takes), and its alt text through POST /2/media/metadata
// ({"id", "metadata": {"alt_text": {"text"}}}), the v2 replacement of
// v1.1's media/metadata/create. The post is POST /2/tweets with
// media.media_ids; a first comment is a second post replying to it
// (reply.in_reply_to_tweet_id).
//
// # Exactly once
//
// X has no idempotency key. A retry (Key.Retry) first looks for the post
// among the account's posts since the first attempt (GET
// /2/users/:id/tweets with start_time), matching the text (links expanded
// back from t.co, the photo link dropped) and the number of images; only
// when it is not there is it posted again. X refuses a post identical to
// a recent one with 403 "You are not allowed to create a Tweet with
// duplicate content": that answer is looked up at once, and when the post
// is not (yet) listed it is returned as rest.ErrDuplicate, an outcome the
// scheduler verifies; on a retry that has just looked and found nothing,
// it is the user's text that duplicates another post
// (network.ErrInvalidContent).
package x

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"time"

	"relais/backend/network"
	"relais/backend/network/internal/rest"
	"relais/backend/schedule"
)

// DefaultBase is the X API's root.
const DefaultBase = "https://api.x.com"

// Publisher publishes to X.
type Publisher struct {
	// HTTP is the client requests go through; nil: a 60 s timeout.
	HTTP *http.Client
	// Now is the clock; nil: time.Now.
	Now func() time.Time
	// Base replaces the API root (tests); "": the account's server, or
	// DefaultBase.
	Base string
}

var _ schedule.Publisher = (*Publisher)(nil)

// maxPages bounds a look-up (100 posts a page).
const maxPages = 5

func (p *Publisher) rest() rest.Client { return rest.Client{HTTP: p.HTTP, Now: p.Now} }

func (p *Publisher) base(a schedule.Account) string {
	switch {
	case p.Base != "":
		return strings.TrimRight(p.Base, "/")
	case a.Server != "":
		return strings.TrimRight(a.Server, "/")
	}
	return DefaultBase
}

// tweet is a post as GET /2/users/:id/tweets gives it.
type tweet struct {
	ID        string    `json:"id"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
	NoteTweet *struct {
		Text string `json:"text"`
	} `json:"note_tweet"`
	Entities struct {
		URLs []struct {
			URL         string `json:"url"`
			ExpandedURL string `json:"expanded_url"`
			DisplayURL  string `json:"display_url"`
			MediaKey    string `json:"media_key"`
		} `json:"urls"`
	} `json:"entities"`
	Attachments struct {
		MediaKeys []string `json:"media_keys"`
	} `json:"attachments"`
	Referenced []struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	} `json:"referenced_tweets"`
}

func (t *tweet) replyTo() string {
	for _, r := range t.Referenced {
		if r.Type == "replied_to" {
			return r.ID
		}
	}
	return ""
}

var urlRE = regexp.MustCompile(`https?://\S+`)

// sameText compares a post's text with what was sent: t.co links are
// expanded back (the photo link, which X appends, dropped); failing that,
// the texts are compared without their links.
func (t *tweet) sameText(sent string) bool {
	text := t.Text
	if t.NoteTweet != nil && t.NoteTweet.Text != "" {
		text = t.NoteTweet.Text
	}
	expanded, bare := text, text
	for _, u := range t.Entities.URLs {
		if u.URL == "" {
			continue
		}
		repl := u.ExpandedURL
		if u.MediaKey != "" || strings.Contains(u.ExpandedURL, "/photo/") {
			repl = ""
		}
		expanded = strings.ReplaceAll(expanded, u.URL, repl)
		bare = strings.ReplaceAll(bare, u.URL, "")
	}
	if rest.SameText(expanded, sent) {
		return true
	}
	return rest.SameText(bare, urlRE.ReplaceAllString(sent, ""))
}

// Publish implements schedule.Publisher.
func (p *Publisher) Publish(ctx context.Context, a schedule.Account, pl schedule.Payload, key schedule.Key) (schedule.Result, error) {
	if err := rest.CheckImages(network.X, pl.Media); err != nil {
		return schedule.Result{}, err
	}
	var main *tweet
	if key.Retry {
		t, err := p.find(ctx, a, pl.Text, len(pl.Media), "", key.Since)
		if err != nil {
			return schedule.Result{}, err
		}
		main = t
	}
	if main == nil {
		ids, err := p.upload(ctx, a, pl.Media)
		if err != nil {
			return schedule.Result{}, err
		}
		t, err := p.create(ctx, a, pl.Text, ids, "", key, len(pl.Media))
		if err != nil {
			return schedule.Result{}, err
		}
		main = t
	}
	res := schedule.Result{RemoteID: main.ID, URL: postURL(a, main.ID)}
	if pl.FirstComment == "" {
		return res, nil
	}
	if key.Retry {
		c, err := p.find(ctx, a, pl.FirstComment, 0, main.ID, key.Since)
		if err != nil {
			return res, err
		}
		if c != nil {
			res.CommentID = c.ID
			return res, nil
		}
	}
	c, err := p.create(ctx, a, pl.FirstComment, nil, main.ID, key, 0)
	if err != nil {
		return res, err
	}
	res.CommentID = c.ID
	return res, nil
}

// Verify implements schedule.Publisher.
func (p *Publisher) Verify(ctx context.Context, a schedule.Account, pl schedule.Payload, key schedule.Key) (schedule.Result, bool, error) {
	t, err := p.find(ctx, a, pl.Text, len(pl.Media), "", key.Since)
	if err != nil || t == nil {
		return schedule.Result{}, false, err
	}
	res := schedule.Result{RemoteID: t.ID, URL: postURL(a, t.ID)}
	if pl.FirstComment == "" {
		return res, true, nil
	}
	c, err := p.find(ctx, a, pl.FirstComment, 0, t.ID, key.Since)
	if err != nil || c == nil {
		return res, false, err
	}
	res.CommentID = c.ID
	return res, true, nil
}

// postURL is a post's page: x.com/<handle>/status/<id>, or the
// handle-less form X also serves.
func postURL(a schedule.Account, id string) string {
	if h := strings.TrimPrefix(a.Handle, "@"); h != "" && !strings.ContainsAny(h, "/ ") {
		return "https://x.com/" + h + "/status/" + id
	}
	return "https://x.com/i/web/status/" + id
}

// create posts text (replying to replyTo when set). A duplicate refusal
// is looked up at once; see the package comment.
func (p *Publisher) create(ctx context.Context, a schedule.Account, text string, mediaIDs []string, replyTo string, key schedule.Key, nMedia int) (*tweet, error) {
	body := map[string]any{"text": text}
	if len(mediaIDs) > 0 {
		body["media"] = map[string]any{"media_ids": mediaIDs}
	}
	if replyTo != "" {
		body["reply"] = map[string]any{"in_reply_to_tweet_id": replyTo}
	}
	b, _ := json.Marshal(body)
	resp, err := p.rest().Do(ctx, rest.Request{Method: http.MethodPost, URL: p.base(a) + "/2/tweets",
		Body: b, ContentType: "application/json", Bearer: a.Token.Access})
	if err != nil {
		return nil, err
	}
	if !resp.OK() {
		err := p.apiError(resp, network.ErrInvalidContent)
		dup, ok := err.(*rest.DuplicateError)
		if !ok {
			return nil, err
		}
		t, ferr := p.find(ctx, a, text, nMedia, replyTo, key.Since)
		switch {
		case ferr != nil:
			return nil, dup
		case t != nil:
			return t, nil
		case key.Retry:
			return nil, rest.Refused(dup)
		}
		return nil, dup
	}
	var r struct {
		Data tweet `json:"data"`
	}
	if err := json.Unmarshal(resp.Body, &r); err != nil || r.Data.ID == "" {
		return nil, fmt.Errorf("%w: X answered a post without id", network.ErrProtocol)
	}
	return &r.Data, nil
}

// upload sends each image, then its alt text.
func (p *Publisher) upload(ctx context.Context, a schedule.Account, ms []schedule.Media) ([]string, error) {
	var ids []string
	for i, m := range ms {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="media"; filename="image-%d%s"`, i+1, rest.Ext(m.MIME)))
		h.Set("Content-Type", m.MIME)
		w, _ := mw.CreatePart(h)
		w.Write(m.Data)
		mw.WriteField("media_category", "tweet_image")
		if m.MIME != "" {
			mw.WriteField("media_type", m.MIME)
		}
		mw.Close()
		resp, err := p.rest().Do(ctx, rest.Request{Method: http.MethodPost, URL: p.base(a) + "/2/media/upload",
			Body: body.Bytes(), ContentType: mw.FormDataContentType(), Bearer: a.Token.Access})
		if err != nil {
			return nil, err
		}
		if !resp.OK() {
			return nil, p.apiError(resp, network.ErrMediaRejected)
		}
		var r struct {
			Data struct {
				ID string `json:"id"`
			} `json:"data"`
		}
		if err := json.Unmarshal(resp.Body, &r); err != nil || r.Data.ID == "" {
			return nil, fmt.Errorf("%w: X answered an upload without id", network.ErrProtocol)
		}
		if m.Alt != "" {
			b, _ := json.Marshal(map[string]any{"id": r.Data.ID, "metadata": map[string]any{"alt_text": map[string]string{"text": m.Alt}}})
			resp, err := p.rest().Do(ctx, rest.Request{Method: http.MethodPost, URL: p.base(a) + "/2/media/metadata",
				Body: b, ContentType: "application/json", Bearer: a.Token.Access})
			if err != nil {
				return nil, err
			}
			if !resp.OK() {
				return nil, p.apiError(resp, network.ErrMediaRejected)
			}
		}
		ids = append(ids, r.Data.ID)
	}
	return ids, nil
}

// find looks among the account's posts since since for one with text
// (and n images), replying to replyTo when set, not a reply otherwise.
func (p *Publisher) find(ctx context.Context, a schedule.Account, text string, n int, replyTo string, since time.Time) (*tweet, error) {
	if a.RemoteID == "" {
		return nil, fmt.Errorf("%w: the account has no X user id", network.ErrProtocol)
	}
	from := rest.Since(since, p.rest().Clock()).UTC()
	token := ""
	for page := 0; page < maxPages; page++ {
		q := url.Values{"max_results": {"100"}, "start_time": {from.Format(time.RFC3339)},
			"tweet.fields": {"created_at,entities,attachments,referenced_tweets,note_tweet"}}
		if token != "" {
			q.Set("pagination_token", token)
		}
		resp, err := p.rest().Do(ctx, rest.Request{Method: http.MethodGet,
			URL:    p.base(a) + "/2/users/" + url.PathEscape(a.RemoteID) + "/tweets?" + q.Encode(),
			Bearer: a.Token.Access})
		if err != nil {
			return nil, err
		}
		if !resp.OK() {
			return nil, p.apiError(resp, network.ErrProtocol)
		}
		var r struct {
			Data []tweet `json:"data"`
			Meta struct {
				NextToken string `json:"next_token"`
			} `json:"meta"`
		}
		if err := json.Unmarshal(resp.Body, &r); err != nil {
			return nil, fmt.Errorf("%w: X answered a timeline that is not JSON", network.ErrProtocol)
		}
		for i := range r.Data {
			t := &r.Data[i]
			if t.CreatedAt.Before(from) || t.replyTo() != replyTo {
				continue
			}
			if replyTo == "" && len(t.Attachments.MediaKeys) != n {
				continue
			}
			if t.sameText(text) {
				return t, nil
			}
		}
		if r.Meta.NextToken == "" {
			return nil, nil
		}
		token = r.Meta.NextToken
	}
	return nil, nil
}

// problem is X's error answer: an RFC 7807 problem, sometimes with
// errors[].
type problem struct {
	Title  string `json:"title"`
	Detail string `json:"detail"`
	Type   string `json:"type"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

// apiError maps an error answer. refused is what a 400 means for this
// call (the text, or the image).
func (p *Publisher) apiError(resp *rest.Response, refused error) error {
	var pr problem
	json.Unmarshal(resp.Body, &pr)
	reason := pr.Detail
	if reason == "" && len(pr.Errors) > 0 {
		reason = pr.Errors[0].Message
	}
	if reason == "" {
		reason = pr.Title
	}
	reason = rest.Short(reason)
	low := strings.ToLower(reason)
	se := &network.StatusError{Status: resp.Status, Reason: reason, Err: network.Classify(resp.Status)}
	switch {
	case resp.Status == http.StatusForbidden && strings.Contains(low, "duplicate"):
		return &rest.DuplicateError{Status: resp.Status, Reason: reason}
	case resp.Status == http.StatusTooManyRequests || resp.Status == http.StatusServiceUnavailable:
		se.RetryAfter = rest.RetryAfter(resp.Header, p.rest().Clock())
	case resp.Status == http.StatusBadRequest && strings.Contains(low, "media"):
		se.Err = network.ErrMediaRejected
	case resp.Status == http.StatusBadRequest || resp.Status == http.StatusRequestEntityTooLarge ||
		resp.Status == http.StatusUnsupportedMediaType || resp.Status == http.StatusUnprocessableEntity:
		se.Err = refused
	case resp.Status == http.StatusForbidden && strings.Contains(low, "too long"):
		se.Err = network.ErrInvalidContent
	}
	return se
}
