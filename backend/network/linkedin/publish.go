// Package linkedin publishes posts to LinkedIn for the scheduler, as a
// member (author urn:li:person:…) or as an organisation Page (author
// urn:li:organization:…), through the versioned REST API (Posts, Images
// and Social Actions APIs) with the Linkedin-Version and
// X-Restli-Protocol-Version: 2.0.0 headers on every call.
//
// # Calls
//
// Each image: POST /rest/images?action=initializeUpload with the author
// as owner, then a PUT of the bytes to the uploadUrl it answers. The
// post: POST /rest/posts with the commentary in LinkedIn's "little text"
// format (reserved characters escaped, #words turned into hashtag
// templates), the image (content.media) or images (content.multiImage)
// with their alt texts, or, without images, the payload's link as an
// article. Its URN comes back in the x-restli-id header. A first
// comment is POST /rest/socialActions/{post}/comments.
//
// # Exactly once
//
// LinkedIn has no idempotency key. A retry (Key.Retry) first looks for
// the post among the author's (GET /rest/posts?q=author, newest first),
// matching the commentary and the number of images, and for the comment
// among the post's comments. LinkedIn refuses a post identical to a
// recent one with 422 DUPLICATE_POST: that answer is looked up at once;
// when the post is not (yet) listed it is returned as rest.ErrDuplicate,
// an outcome the scheduler verifies, and on a retry that has just looked
// and found nothing it is the user's text to change
// (network.ErrInvalidContent).
package linkedin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"relais/backend/network"
	"relais/backend/network/internal/rest"
	"relais/backend/network/oauthnet"
	"relais/backend/schedule"
)

// DefaultBase is the API's root.
const DefaultBase = "https://api.linkedin.com"

// Publisher publishes to LinkedIn.
type Publisher struct {
	// HTTP is the client requests go through; nil: a 60 s timeout.
	HTTP *http.Client
	// Now is the clock; nil: time.Now.
	Now func() time.Time
	// Base replaces the API root (tests); "": the origin of the account's
	// server, or DefaultBase.
	Base string
	// Version is the Linkedin-Version header; "": the one oauthnet pins.
	Version string
}

var _ schedule.Publisher = (*Publisher)(nil)

const (
	personURN = "urn:li:person:"
	orgURN    = "urn:li:organization:"
	// pageSize and maxPages bound a look-up.
	pageSize = 50
	maxPages = 4
)

func (p *Publisher) rest() rest.Client { return rest.Client{HTTP: p.HTTP, Now: p.Now} }

func (p *Publisher) base(a schedule.Account) string {
	if p.Base != "" {
		return strings.TrimRight(p.Base, "/")
	}
	if u, err := url.Parse(a.Server); err == nil && u.Scheme != "" && u.Host != "" {
		return u.Scheme + "://" + u.Host
	}
	return DefaultBase
}

func (p *Publisher) version() string {
	if p.Version != "" {
		return p.Version
	}
	if s := oauthnet.Lookup(network.LinkedInPage); s != nil && s.Header["Linkedin-Version"] != "" {
		return s.Header["Linkedin-Version"]
	}
	return "202607"
}

func (p *Publisher) headers() http.Header {
	return http.Header{"Linkedin-Version": {p.version()}, "X-Restli-Protocol-Version": {"2.0.0"}}
}

func author(a schedule.Account) (string, error) {
	if strings.HasPrefix(a.RemoteID, personURN) || strings.HasPrefix(a.RemoteID, orgURN) {
		return a.RemoteID, nil
	}
	return "", fmt.Errorf("%w: the account has no LinkedIn member or organization URN", network.ErrProtocol)
}

// call sends JSON (when body is not nil) with the API's headers.
func (p *Publisher) call(ctx context.Context, a schedule.Account, method, path string, body any) (*rest.Response, error) {
	var b []byte
	ct := ""
	if body != nil {
		b, _ = json.Marshal(body)
		ct = "application/json"
	}
	return p.rest().Do(ctx, rest.Request{Method: method, URL: p.base(a) + path, Header: p.headers(), Body: b, ContentType: ct, Bearer: a.Token.Access})
}

// escapeURN encodes a URN as one path segment, colons included, as
// Rest.li 2.0 wants it.
func escapeURN(urn string) string { return strings.ReplaceAll(url.PathEscape(urn), ":", "%3A") }

// PostURL is a post's page.
func PostURL(urn string) string { return "https://www.linkedin.com/feed/update/" + urn + "/" }

// Publish implements schedule.Publisher.
func (p *Publisher) Publish(ctx context.Context, a schedule.Account, pl schedule.Payload, key schedule.Key) (schedule.Result, error) {
	who, err := author(a)
	if err != nil {
		return schedule.Result{}, err
	}
	if err := rest.CheckImages(network.LinkedIn, pl.Media); err != nil {
		return schedule.Result{}, err
	}
	urn := ""
	if key.Retry {
		if urn, err = p.find(ctx, a, who, pl, key.Since); err != nil {
			return schedule.Result{}, err
		}
	}
	if urn == "" {
		if urn, err = p.create(ctx, a, who, pl, key); err != nil {
			return schedule.Result{}, err
		}
	}
	res := schedule.Result{RemoteID: urn, URL: PostURL(urn)}
	if pl.FirstComment == "" {
		return res, nil
	}
	if key.Retry {
		c, err := p.findComment(ctx, a, who, urn, pl.FirstComment)
		if err != nil {
			return res, err
		}
		if c != "" {
			res.CommentID = c
			return res, nil
		}
	}
	resp, err := p.call(ctx, a, http.MethodPost, "/rest/socialActions/"+escapeURN(urn)+"/comments",
		map[string]any{"actor": who, "object": urn, "message": map[string]string{"text": pl.FirstComment}})
	if err != nil {
		return res, err
	}
	if !resp.OK() {
		return res, p.apiError(resp, network.ErrInvalidContent)
	}
	var c comment
	json.Unmarshal(resp.Body, &c)
	res.CommentID = firstOf(c.CommentURN, resp.Header.Get("x-restli-id"), c.ID)
	if res.CommentID == "" {
		return res, fmt.Errorf("%w: LinkedIn answered a comment without id", network.ErrProtocol)
	}
	return res, nil
}

// Verify implements schedule.Publisher.
func (p *Publisher) Verify(ctx context.Context, a schedule.Account, pl schedule.Payload, key schedule.Key) (schedule.Result, bool, error) {
	who, err := author(a)
	if err != nil {
		return schedule.Result{}, false, err
	}
	urn, err := p.find(ctx, a, who, pl, key.Since)
	if err != nil || urn == "" {
		return schedule.Result{}, false, err
	}
	res := schedule.Result{RemoteID: urn, URL: PostURL(urn)}
	if pl.FirstComment == "" {
		return res, true, nil
	}
	c, err := p.findComment(ctx, a, who, urn, pl.FirstComment)
	if err != nil || c == "" {
		return res, false, err
	}
	res.CommentID = c
	return res, true, nil
}

// create uploads the images and makes the post; a duplicate refusal is
// looked up at once (see the package comment).
func (p *Publisher) create(ctx context.Context, a schedule.Account, who string, pl schedule.Payload, key schedule.Key) (string, error) {
	images, err := p.upload(ctx, a, who, pl.Media)
	if err != nil {
		return "", err
	}
	post := map[string]any{
		"author":     who,
		"commentary": Escape(pl.Text),
		"visibility": "PUBLIC",
		"distribution": map[string]any{"feedDistribution": "MAIN_FEED", "targetEntities": []any{},
			"thirdPartyDistributionChannels": []any{}},
		"lifecycleState":            "PUBLISHED",
		"isReshareDisabledByAuthor": false,
	}
	switch {
	case len(images) == 1:
		post["content"] = map[string]any{"media": images[0]}
	case len(images) > 1:
		post["content"] = map[string]any{"multiImage": map[string]any{"images": images}}
	case pl.Link != "":
		post["content"] = map[string]any{"article": map[string]any{"source": pl.Link, "title": firstOf(pl.Title, pl.Link)}}
	}
	resp, err := p.call(ctx, a, http.MethodPost, "/rest/posts", post)
	if err != nil {
		return "", err
	}
	if !resp.OK() {
		err := p.apiError(resp, network.ErrInvalidContent)
		dup, ok := err.(*rest.DuplicateError)
		if !ok {
			return "", err
		}
		urn, ferr := p.find(ctx, a, who, pl, key.Since)
		switch {
		case ferr != nil:
			return "", dup
		case urn != "":
			return urn, nil
		case key.Retry:
			return "", rest.Refused(dup)
		}
		return "", dup
	}
	urn := resp.Header.Get("x-restli-id")
	if urn == "" {
		return "", fmt.Errorf("%w: LinkedIn answered a post without x-restli-id", network.ErrProtocol)
	}
	return urn, nil
}

// upload sends each image and returns the posts' media entries.
func (p *Publisher) upload(ctx context.Context, a schedule.Account, who string, ms []schedule.Media) ([]map[string]string, error) {
	var out []map[string]string
	for _, m := range ms {
		resp, err := p.call(ctx, a, http.MethodPost, "/rest/images?action=initializeUpload",
			map[string]any{"initializeUploadRequest": map[string]string{"owner": who}})
		if err != nil {
			return nil, err
		}
		if !resp.OK() {
			return nil, p.apiError(resp, network.ErrMediaRejected)
		}
		var init struct {
			Value struct {
				UploadURL string `json:"uploadUrl"`
				Image     string `json:"image"`
			} `json:"value"`
		}
		if json.Unmarshal(resp.Body, &init) != nil || init.Value.UploadURL == "" || init.Value.Image == "" {
			return nil, fmt.Errorf("%w: LinkedIn answered an upload without URL or image", network.ErrProtocol)
		}
		if u, err := url.Parse(init.Value.UploadURL); err != nil || u.Scheme != "https" && u.Scheme != "http" {
			return nil, fmt.Errorf("%w: LinkedIn answered an unusable upload URL", network.ErrProtocol)
		}
		resp, err = p.rest().Do(ctx, rest.Request{Method: http.MethodPut, URL: init.Value.UploadURL, Body: m.Data,
			ContentType: firstOf(m.MIME, "application/octet-stream"), Bearer: a.Token.Access})
		if err != nil {
			return nil, err
		}
		if !resp.OK() {
			return nil, p.apiError(resp, network.ErrMediaRejected)
		}
		e := map[string]string{"id": init.Value.Image}
		if m.Alt != "" {
			e["altText"] = m.Alt
		}
		out = append(out, e)
	}
	return out, nil
}

// post is a post as the Posts API lists it.
type post struct {
	ID         string `json:"id"`
	Author     string `json:"author"`
	Commentary string `json:"commentary"`
	CreatedAt  int64  `json:"createdAt"`
	Lifecycle  string `json:"lifecycleState"`
	Content    struct {
		Media *struct {
			ID string `json:"id"`
		} `json:"media"`
		MultiImage *struct {
			Images []struct {
				ID string `json:"id"`
			} `json:"images"`
		} `json:"multiImage"`
	} `json:"content"`
}

func (x *post) images() int {
	switch {
	case x.Content.MultiImage != nil:
		return len(x.Content.MultiImage.Images)
	case x.Content.Media != nil && strings.HasPrefix(x.Content.Media.ID, "urn:li:image:"):
		return 1
	}
	return 0
}

// find looks for the post among the author's, newest first, back to
// since.
func (p *Publisher) find(ctx context.Context, a schedule.Account, who string, pl schedule.Payload, since time.Time) (string, error) {
	from := rest.Since(since, p.rest().Clock())
	for page := 0; page < maxPages; page++ {
		q := url.Values{"author": {who}, "q": {"author"}, "sortBy": {"CREATED"},
			"start": {strconv.Itoa(page * pageSize)}, "count": {strconv.Itoa(pageSize)}}
		resp, err := p.call(ctx, a, http.MethodGet, "/rest/posts?"+q.Encode(), nil)
		if err != nil {
			return "", err
		}
		if !resp.OK() {
			return "", p.apiError(resp, network.ErrProtocol)
		}
		var r struct {
			Elements []post `json:"elements"`
		}
		if err := json.Unmarshal(resp.Body, &r); err != nil {
			return "", fmt.Errorf("%w: LinkedIn answered posts that are not JSON", network.ErrProtocol)
		}
		for i := range r.Elements {
			x := &r.Elements[i]
			created := time.UnixMilli(x.CreatedAt)
			if created.Before(from) {
				return "", nil // newest first: the rest is older
			}
			if x.Lifecycle != "" && x.Lifecycle != "PUBLISHED" {
				continue
			}
			if x.images() == len(pl.Media) && rest.SameText(Unescape(x.Commentary), pl.Text) {
				return x.ID, nil
			}
		}
		if len(r.Elements) < pageSize {
			return "", nil
		}
	}
	return "", nil
}

type comment struct {
	ID         string `json:"id"`
	CommentURN string `json:"commentUrn"`
	Actor      string `json:"actor"`
	Message    struct {
		Text string `json:"text"`
	} `json:"message"`
}

// findComment looks for the author's comment with text on a post.
func (p *Publisher) findComment(ctx context.Context, a schedule.Account, who, urn, text string) (string, error) {
	for page := 0; page < maxPages; page++ {
		q := url.Values{"start": {strconv.Itoa(page * pageSize)}, "count": {strconv.Itoa(pageSize)}}
		resp, err := p.call(ctx, a, http.MethodGet, "/rest/socialActions/"+escapeURN(urn)+"/comments?"+q.Encode(), nil)
		if err != nil {
			return "", err
		}
		if !resp.OK() {
			return "", p.apiError(resp, network.ErrProtocol)
		}
		var r struct {
			Elements []comment `json:"elements"`
		}
		if err := json.Unmarshal(resp.Body, &r); err != nil {
			return "", fmt.Errorf("%w: LinkedIn answered comments that are not JSON", network.ErrProtocol)
		}
		for _, c := range r.Elements {
			if c.Actor == who && rest.SameText(c.Message.Text, text) {
				return firstOf(c.CommentURN, c.ID), nil
			}
		}
		if len(r.Elements) < pageSize {
			return "", nil
		}
	}
	return "", nil
}

// apiError maps an error answer: {"status", "code", "message",
// "errorDetails": {"inputErrors": [{"code"}]}}. refused is what a 400 or
// 422 means for this call.
func (p *Publisher) apiError(resp *rest.Response, refused error) error {
	var e struct {
		Message      string `json:"message"`
		Code         string `json:"code"`
		ErrorDetails struct {
			InputErrors []struct {
				Code        string `json:"code"`
				Description string `json:"description"`
			} `json:"inputErrors"`
		} `json:"errorDetails"`
	}
	json.Unmarshal(resp.Body, &e)
	codes := []string{e.Code}
	for _, ie := range e.ErrorDetails.InputErrors {
		codes = append(codes, ie.Code)
	}
	reason := firstOf(e.Code, e.Message)
	for _, c := range codes[1:] {
		if c != "" {
			reason = c
		}
	}
	reason = rest.Short(reason)
	se := &network.StatusError{Status: resp.Status, Reason: reason, Err: network.Classify(resp.Status)}
	for _, c := range codes {
		if c == "DUPLICATE_POST" {
			return &rest.DuplicateError{Status: resp.Status, Reason: c}
		}
	}
	switch resp.Status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		se.RetryAfter = rest.RetryAfter(resp.Header, p.rest().Clock())
	case http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
		se.Err = refused
	case http.StatusUpgradeRequired:
		// The pinned Linkedin-Version is sunset: Relais needs an update.
		se.Err = network.ErrProtocol
	}
	return se
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// reserved are the characters "little text" gives a meaning to.
const reserved = `\|{}@[]()<>#*_~`

var hashtagRE = regexp.MustCompile(`#([\p{L}\p{N}_]+)`)

// Escape writes text in LinkedIn's little text format: #words become
// hashtag templates, every other reserved character is escaped.
func Escape(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range hashtagRE.FindAllStringSubmatchIndex(text, -1) {
		// A # preceded by a word character is not a hashtag.
		if m[0] > 0 && isWord(text[m[0]-1]) {
			continue
		}
		b.WriteString(escapeChars(text[last:m[0]]))
		b.WriteString(`{hashtag|\#|` + escapeChars(text[m[2]:m[3]]) + `}`)
		last = m[1]
	}
	b.WriteString(escapeChars(text[last:]))
	return b.String()
}

func isWord(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}

func escapeChars(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(reserved, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

var templateRE = regexp.MustCompile(`\{hashtag\|\\?#\|([^}]*)\}`)

// Unescape turns little text back into plain text (hashtag templates
// back to #words, escapes dropped).
func Unescape(s string) string {
	s = templateRE.ReplaceAllString(s, "#$1")
	var b strings.Builder
	esc := false
	for _, r := range s {
		if r == '\\' && !esc {
			esc = true
			continue
		}
		esc = false
		b.WriteRune(r)
	}
	return b.String()
}
