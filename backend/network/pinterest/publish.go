// Package pinterest publishes Pins for the scheduler, through the
// Pinterest API v5 with the account's OAuth token.
//
// # Calls
//
// A Pin is one call, POST /v5/pins, with the board (Payload.Board), the
// title (Payload.Title), the description (Payload.Text), the link, the
// first image's alt text, and the image itself in the request:
// media_source {source_type: image_base64, content_type, data}, or
// multiple_image_base64 with items for a carousel (2 to 5 images).
// Pinterest has no API for comments: a first comment is not published
// (the editor should not offer it for Pinterest).
//
// # Exactly once
//
// Pinterest has no idempotency key and accepts identical Pins. A retry
// (Key.Retry) therefore first looks for the Pin on its board (GET
// /v5/boards/{board_id}/pins), matching title, description and link,
// made since a little before the first attempt; only when it is not
// there is it created again.
package pinterest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"relais/backend/network"
	"relais/backend/network/internal/rest"
	"relais/backend/schedule"
)

// DefaultBase is the API's root.
const DefaultBase = "https://api.pinterest.com/v5"

// Publisher publishes Pins.
type Publisher struct {
	// HTTP is the client requests go through; nil: a 60 s timeout.
	HTTP *http.Client
	// Now is the clock; nil: time.Now.
	Now func() time.Time
	// Base replaces the API root with its version (tests); "": the
	// account's server, or DefaultBase.
	Base string
}

var _ schedule.Publisher = (*Publisher)(nil)

const (
	pageSize = 100
	maxPages = 5
)

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

// PinURL is a Pin's page.
func PinURL(id string) string { return "https://www.pinterest.com/pin/" + id + "/" }

type pin struct {
	ID          string `json:"id"`
	CreatedAt   string `json:"created_at"`
	BoardID     string `json:"board_id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Link        string `json:"link"`
}

// Publish implements schedule.Publisher.
func (p *Publisher) Publish(ctx context.Context, a schedule.Account, pl schedule.Payload, key schedule.Key) (schedule.Result, error) {
	if err := check(pl); err != nil {
		return schedule.Result{}, err
	}
	if key.Retry {
		id, err := p.find(ctx, a, pl, key.Since)
		if err != nil {
			return schedule.Result{}, err
		}
		if id != "" {
			return schedule.Result{RemoteID: id, URL: PinURL(id)}, nil
		}
	}
	body := map[string]any{"board_id": pl.Board, "media_source": mediaSource(pl.Media)}
	if pl.Title != "" {
		body["title"] = pl.Title
	}
	if pl.Text != "" {
		body["description"] = pl.Text
	}
	if pl.Link != "" {
		body["link"] = pl.Link
	}
	if alt := pl.Media[0].Alt; alt != "" {
		body["alt_text"] = alt
	}
	b, _ := json.Marshal(body)
	resp, err := p.rest().Do(ctx, rest.Request{Method: http.MethodPost, URL: p.base(a) + "/pins", Body: b,
		ContentType: "application/json", Bearer: a.Token.Access})
	if err != nil {
		return schedule.Result{}, err
	}
	if !resp.OK() {
		return schedule.Result{}, p.apiError(resp, network.ErrInvalidContent)
	}
	var r pin
	if json.Unmarshal(resp.Body, &r) != nil || r.ID == "" {
		return schedule.Result{}, fmt.Errorf("%w: Pinterest answered a Pin without id", network.ErrProtocol)
	}
	return schedule.Result{RemoteID: r.ID, URL: PinURL(r.ID)}, nil
}

// check refuses, before any call, what Pinterest cannot take.
func check(pl schedule.Payload) error {
	switch {
	case pl.Board == "" || strings.ContainsAny(pl.Board, "/?#"):
		return fmt.Errorf("%w: no Pinterest board chosen", network.ErrInvalidContent)
	case len(pl.Media) == 0:
		return fmt.Errorf("%w: a Pin needs an image", network.ErrMediaRejected)
	}
	return rest.CheckImages(network.Pinterest, pl.Media)
}

func mediaSource(ms []schedule.Media) map[string]any {
	if len(ms) == 1 {
		return map[string]any{"source_type": "image_base64", "content_type": ms[0].MIME,
			"data": base64.StdEncoding.EncodeToString(ms[0].Data)}
	}
	items := make([]map[string]any, 0, len(ms))
	for _, m := range ms {
		items = append(items, map[string]any{"content_type": m.MIME, "data": base64.StdEncoding.EncodeToString(m.Data)})
	}
	return map[string]any{"source_type": "multiple_image_base64", "items": items, "index": 0}
}

// Verify implements schedule.Publisher.
func (p *Publisher) Verify(ctx context.Context, a schedule.Account, pl schedule.Payload, key schedule.Key) (schedule.Result, bool, error) {
	if err := check(pl); err != nil {
		return schedule.Result{}, false, err
	}
	id, err := p.find(ctx, a, pl, key.Since)
	if err != nil || id == "" {
		return schedule.Result{}, false, err
	}
	return schedule.Result{RemoteID: id, URL: PinURL(id)}, true, nil
}

// pinTimes are the forms created_at takes (Pinterest documents an ISO
// 8601 date-time, given without a zone: UTC).
var pinTimes = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999"}

func parseTime(s string) (time.Time, bool) {
	for _, l := range pinTimes {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// find looks for the Pin on its board.
func (p *Publisher) find(ctx context.Context, a schedule.Account, pl schedule.Payload, since time.Time) (string, error) {
	from := rest.Since(since, p.rest().Clock())
	bookmark := ""
	for range maxPages {
		q := url.Values{"page_size": {fmt.Sprint(pageSize)}}
		if bookmark != "" {
			q.Set("bookmark", bookmark)
		}
		resp, err := p.rest().Do(ctx, rest.Request{Method: http.MethodGet,
			URL: p.base(a) + "/boards/" + url.PathEscape(pl.Board) + "/pins?" + q.Encode(), Bearer: a.Token.Access})
		if err != nil {
			return "", err
		}
		if !resp.OK() {
			return "", p.apiError(resp, network.ErrProtocol)
		}
		var r struct {
			Items    []pin  `json:"items"`
			Bookmark string `json:"bookmark"`
		}
		if err := json.Unmarshal(resp.Body, &r); err != nil {
			return "", fmt.Errorf("%w: Pinterest answered a board that is not JSON", network.ErrProtocol)
		}
		for _, x := range r.Items {
			if t, ok := parseTime(x.CreatedAt); ok && t.Before(from) {
				continue
			}
			if rest.SameText(x.Title, pl.Title) && rest.SameText(x.Description, pl.Text) && sameLink(x.Link, pl.Link) {
				return x.ID, nil
			}
		}
		if r.Bookmark == "" || len(r.Items) == 0 {
			return "", nil
		}
		bookmark = r.Bookmark
	}
	return "", nil
}

func sameLink(got, sent string) bool {
	return strings.TrimRight(got, "/") == strings.TrimRight(sent, "/")
}

// apiError maps an error answer, {"code": n, "message": "…"}. refused is
// what a 400 means for this call.
func (p *Publisher) apiError(resp *rest.Response, refused error) error {
	var e struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	json.Unmarshal(resp.Body, &e)
	reason := rest.Short(e.Message)
	if e.Code != 0 {
		reason = strings.TrimSpace(fmt.Sprintf("code-%d %s", e.Code, reason))
	}
	se := &network.StatusError{Status: resp.Status, Reason: reason, Err: network.Classify(resp.Status)}
	low := strings.ToLower(e.Message)
	switch resp.Status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		se.RetryAfter = rest.RetryAfter(resp.Header, p.rest().Clock())
	case http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
		se.Err = network.ErrMediaRejected
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		se.Err = refused
		if refused == network.ErrInvalidContent && (strings.Contains(low, "image") || strings.Contains(low, "media")) {
			se.Err = network.ErrMediaRejected
		}
	case http.StatusNotFound:
		if refused == network.ErrInvalidContent || strings.Contains(low, "board") {
			se.Err = network.ErrInvalidContent // the board is gone: pick another
		}
	}
	return se
}
