package bluesky

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"relais/backend/network"
	"relais/backend/schedule"
)

// Publishing (checked against @atproto/pds 0.5.35, late 2026): each
// image goes up with com.atproto.repo.uploadBlob (at most 2,000,000
// bytes: the server accepts larger uploads but refuses the post), then
// com.atproto.repo.createRecord writes an app.bsky.feed.post whose record
// key (rkey) is the job's idempotency key, a TID. A repository holds one
// record per key, so a retry of the same job cannot make a second post:
// the server refuses the second createRecord (HTTP 500), and Publish then
// reads the record back with getRecord. A first comment is a reply with
// the next key (schedule.KeyAfter). Links, mentions (handles resolved to
// DIDs) and hashtags become facets indexed by UTF-8 byte offsets.

// getTries is how many times a GET is tried on transport errors.
const getTries = 5

// MaxImageBytes is Bluesky's limit per image (checked 2026).
const MaxImageBytes = 2_000_000

const postCollection = "app.bsky.feed.post"

// Publisher publishes Bluesky posts for the scheduler. Its zero value
// uses a Client with default settings.
type Publisher struct {
	Client *Client
	// Now is the clock for createdAt; nil: time.Now.
	Now func() time.Time
}

var _ schedule.Publisher = (*Publisher)(nil)

func (p *Publisher) client() *Client {
	if p.Client != nil {
		return p.Client
	}
	return &Client{}
}

func (p *Publisher) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// strongRef points at a record.
type strongRef struct {
	URI string `json:"uri"`
	CID string `json:"cid"`
}

// Publish implements schedule.Publisher.
func (p *Publisher) Publish(ctx context.Context, a schedule.Account, pl schedule.Payload, key schedule.Key) (schedule.Result, error) {
	base, err := p.client().server(a.Server)
	if err != nil {
		return schedule.Result{}, err
	}
	repo := firstNonEmpty(a.RemoteID, a.Handle)
	rkey := schedule.KeyTID(key.ID)
	for _, m := range pl.Media {
		if len(m.Data) > MaxImageBytes {
			return schedule.Result{}, &network.StatusError{Reason: fmt.Sprintf("image of %d bytes (maximum %d)", len(m.Data), MaxImageBytes), Err: network.ErrMediaRejected}
		}
	}
	// Already there (a retry whose first answer was lost)? Then the
	// images need not go up again.
	var post strongRef
	found := false
	if key.Retry {
		var err error
		if post, found, err = p.getRecord(ctx, base, repo, rkey); err != nil {
			return schedule.Result{}, err
		}
	}
	if !found {
		rec := map[string]any{"$type": postCollection, "text": pl.Text, "createdAt": p.now().UTC().Format("2006-01-02T15:04:05.000Z")}
		if pl.Lang != "" {
			rec["langs"] = []string{pl.Lang}
		}
		if f := p.facets(ctx, base, pl.Text); len(f) > 0 {
			rec["facets"] = f
		}
		if len(pl.Media) > 0 {
			var imgs []map[string]any
			for _, m := range pl.Media {
				blob, err := p.uploadBlob(ctx, base, a.Token.Access, m)
				if err != nil {
					return schedule.Result{}, err
				}
				img := map[string]any{"image": blob, "alt": m.Alt}
				if m.Width > 0 && m.Height > 0 {
					img["aspectRatio"] = map[string]int{"width": m.Width, "height": m.Height}
				}
				imgs = append(imgs, img)
			}
			rec["embed"] = map[string]any{"$type": "app.bsky.embed.images", "images": imgs}
		} else if pl.Link != "" {
			rec["embed"] = map[string]any{"$type": "app.bsky.embed.external",
				"external": map[string]string{"uri": pl.Link, "title": firstNonEmpty(pl.Title, pl.Link), "description": ""}}
		}
		if post, err = p.createRecord(ctx, base, a.Token.Access, repo, rkey, rec); err != nil {
			return schedule.Result{}, err
		}
	}
	res := schedule.Result{RemoteID: post.URI, URL: postURL(a, rkey)}
	if pl.FirstComment == "" {
		return res, nil
	}
	ckey := schedule.KeyAfter(rkey)
	var c strongRef
	found = false
	if key.Retry {
		var err error
		if c, found, err = p.getRecord(ctx, base, repo, ckey); err != nil {
			return res, err
		}
	}
	if !found {
		rec := map[string]any{"$type": postCollection, "text": pl.FirstComment,
			"createdAt": p.now().UTC().Format("2006-01-02T15:04:05.000Z"),
			"reply":     map[string]strongRef{"root": post, "parent": post}}
		if pl.Lang != "" {
			rec["langs"] = []string{pl.Lang}
		}
		if f := p.facets(ctx, base, pl.FirstComment); len(f) > 0 {
			rec["facets"] = f
		}
		if c, err = p.createRecord(ctx, base, a.Token.Access, repo, ckey, rec); err != nil {
			return res, err
		}
	}
	res.CommentID = c.URI
	return res, nil
}

// Verify implements schedule.Publisher: the post (and its comment) exist
// under their record keys.
func (p *Publisher) Verify(ctx context.Context, a schedule.Account, pl schedule.Payload, key schedule.Key) (schedule.Result, bool, error) {
	base, err := p.client().server(a.Server)
	if err != nil {
		return schedule.Result{}, false, err
	}
	repo := firstNonEmpty(a.RemoteID, a.Handle)
	rkey := schedule.KeyTID(key.ID)
	post, found, err := p.getRecord(ctx, base, repo, rkey)
	if err != nil || !found {
		return schedule.Result{}, false, err
	}
	res := schedule.Result{RemoteID: post.URI, URL: postURL(a, rkey)}
	if pl.FirstComment == "" {
		return res, true, nil
	}
	c, found, err := p.getRecord(ctx, base, repo, schedule.KeyAfter(rkey))
	if err != nil || !found {
		return res, false, err
	}
	res.CommentID = c.URI
	return res, true, nil
}

func postURL(a schedule.Account, rkey string) string {
	who := a.Handle
	if who == "" || strings.HasSuffix(who, ".test") || who == "handle.invalid" {
		who = a.RemoteID
	}
	return "https://bsky.app/profile/" + url.PathEscape(who) + "/post/" + rkey
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func (p *Publisher) uploadBlob(ctx context.Context, base, access string, m schedule.Media) (json.RawMessage, error) {
	var out struct {
		Blob json.RawMessage `json:"blob"`
	}
	err := p.raw(ctx, http.MethodPost, base, "com.atproto.repo.uploadBlob", access, nil, m.MIME, bytes.NewReader(m.Data), &out)
	var se *network.StatusError
	if errors.As(err, &se) && (se.Status == http.StatusRequestEntityTooLarge || se.Status == http.StatusBadRequest) {
		se.Err = network.ErrMediaRejected
	}
	if err != nil {
		return nil, err
	}
	if len(out.Blob) == 0 {
		return nil, protocolError("com.atproto.repo.uploadBlob", "no blob in the answer")
	}
	return out.Blob, nil
}

// createRecord writes a record under rkey. When the server answers with
// anything but a refusal of the record itself, the record is read back:
// it may exist already (a retry), or have been written before the answer
// was lost.
func (p *Publisher) createRecord(ctx context.Context, base, access, repo, rkey string, rec map[string]any) (strongRef, error) {
	in := map[string]any{"repo": repo, "collection": postCollection, "rkey": rkey, "record": rec}
	b, err := json.Marshal(in)
	if err != nil {
		return strongRef{}, err
	}
	var out strongRef
	err = p.raw(ctx, http.MethodPost, base, "com.atproto.repo.createRecord", access, nil, "application/json", bytes.NewReader(b), &out)
	if err == nil {
		return out, nil
	}
	var se *network.StatusError
	switch {
	case errors.Is(err, network.ErrNotSent), errors.Is(err, network.ErrRevoked), errors.Is(err, network.ErrRateLimited):
		return strongRef{}, err
	case errors.As(err, &se) && se.Status == http.StatusBadRequest:
		lower := strings.ToLower(se.Reason)
		if strings.Contains(lower, "blob") || strings.Contains(lower, "image") || strings.Contains(lower, "mime") {
			se.Err = network.ErrMediaRejected
		} else {
			se.Err = network.ErrInvalidContent
		}
		return strongRef{}, err
	}
	got, found, gerr := p.getRecord(context.WithoutCancel(ctx), base, repo, rkey)
	if gerr == nil && found {
		return got, nil
	}
	return strongRef{}, err
}

// getRecord reads a post by record key; found is false when there is none.
func (p *Publisher) getRecord(ctx context.Context, base, repo, rkey string) (strongRef, bool, error) {
	var out strongRef
	q := url.Values{"repo": {repo}, "collection": {postCollection}, "rkey": {rkey}}
	err := p.raw(ctx, http.MethodGet, base, "com.atproto.repo.getRecord", "", q, "", nil, &out)
	var se *network.StatusError
	if errors.As(err, &se) && (se.Status == http.StatusBadRequest || se.Status == http.StatusNotFound) && strings.HasPrefix(se.Reason, "RecordNotFound") {
		return out, false, nil
	}
	if err != nil {
		return out, false, err
	}
	return out, out.URI != "", nil
}

// raw makes one XRPC call with a raw body. Errors are *network.StatusError
// (Reason: the XRPC error name, and for 400 its message) or transport
// errors wrapping network.ErrUnreachable (and network.ErrNotSent when no
// connection was opened).
func (p *Publisher) raw(ctx context.Context, method, base, nsid, bearer string, q url.Values, ct string, body io.Reader, out any) error {
	u := base + "/xrpc/" + nsid
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidServer, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := p.client().http().Do(req)
	// A read is safe to repeat: a look-up is not abandoned for one lost
	// connection.
	for try := 1; err != nil && method == http.MethodGet && try < getTries && ctx.Err() == nil; try++ {
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(try*try) * 50 * time.Millisecond):
		}
		req = req.Clone(ctx)
		resp, err = p.client().http().Do(req)
	}
	if err != nil {
		return fmt.Errorf("bluesky: %s: %w", nsid, network.TransportError(req.URL.Host, err))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return fmt.Errorf("bluesky: %s: %w (reading the answer: %v)", nsid, network.ErrUnreachable, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		se := statusError(resp, b, []string{bearer})
		if d, ok := retryAfter(resp.Header, p.now()); ok {
			se.RetryAfter = d
		}
		if resp.StatusCode == http.StatusBadRequest && se.Err != network.ErrRevoked {
			var m struct {
				Message string `json:"message"`
			}
			if json.Unmarshal(b, &m) == nil && m.Message != "" && !strings.Contains(m.Message, "eyJ") {
				se.Reason += ": " + sanitize(m.Message)
			}
		}
		return &callError{nsid: nsid, StatusError: se}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return protocolError(nsid, "answer is not the expected JSON")
	}
	return nil
}

// Facets.

var (
	linkRe    = regexp.MustCompile(`https?://[^\s<>"]+`)
	mentionRe = regexp.MustCompile(`(?:^|[\s(])(@(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)`)
	tagRe     = regexp.MustCompile(`(?:^|\s)([#＃][^\s#＃]+)`)
)

type facet struct {
	Index    facetIndex       `json:"index"`
	Features []map[string]any `json:"features"`
}

type facetIndex struct {
	ByteStart int `json:"byteStart"`
	ByteEnd   int `json:"byteEnd"`
}

// facets finds links, mentions and hashtags in text, indexed by UTF-8
// byte offsets (Go strings are UTF-8, so regexp offsets are byte
// offsets). A mention whose handle does not resolve is left as text.
func (p *Publisher) facets(ctx context.Context, base, text string) []facet {
	var out []facet
	for _, m := range linkRe.FindAllStringIndex(text, -1) {
		s, e := m[0], m[1]
		e = s + len(trimURL(text[s:e]))
		out = append(out, facet{facetIndex{s, e}, []map[string]any{{"$type": "app.bsky.richtext.facet#link", "uri": text[s:e]}}})
	}
	for _, m := range mentionRe.FindAllStringSubmatchIndex(text, -1) {
		s, e := m[2], m[3]
		handle := strings.TrimSuffix(text[s+1:e], ".")
		e = s + 1 + len(handle)
		did := p.resolveHandle(ctx, base, handle)
		if did == "" {
			continue
		}
		out = append(out, facet{facetIndex{s, e}, []map[string]any{{"$type": "app.bsky.richtext.facet#mention", "did": did}}})
	}
	for _, m := range tagRe.FindAllStringSubmatchIndex(text, -1) {
		s, e := m[2], m[3]
		tag := strings.TrimRightFunc(text[s:e], unicode.IsPunct)
		_, size := utf8.DecodeRuneInString(tag)
		name := tag[size:]
		if name == "" || strings.Trim(name, "0123456789") == "" || utf8.RuneCountInString(name) > 64 || inside(out, s) {
			continue
		}
		out = append(out, facet{facetIndex{s, s + len(tag)}, []map[string]any{{"$type": "app.bsky.richtext.facet#tag", "tag": name}}})
	}
	return out
}

// trimURL drops trailing punctuation, keeping a closing parenthesis that
// has its opening one in the URL.
func trimURL(u string) string {
	for len(u) > 0 {
		last := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?'\"", last) >= 0:
			u = u[:len(u)-1]
		case last == ')' && strings.Count(u, "(") < strings.Count(u, ")"):
			u = u[:len(u)-1]
		default:
			return u
		}
	}
	return u
}

// inside reports whether byte offset i falls inside an earlier facet (a
// "#" in a link's fragment is not a hashtag).
func inside(fs []facet, i int) bool {
	for _, f := range fs {
		if i >= f.Index.ByteStart && i < f.Index.ByteEnd {
			return true
		}
	}
	return false
}

func (p *Publisher) resolveHandle(ctx context.Context, base, handle string) string {
	var out struct {
		DID string `json:"did"`
	}
	if err := p.raw(ctx, http.MethodGet, base, "com.atproto.identity.resolveHandle", "", url.Values{"handle": {handle}}, "", nil, &out); err != nil {
		return ""
	}
	if !strings.HasPrefix(out.DID, "did:") {
		return ""
	}
	return out.DID
}
