package pinterest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"relais/backend/network"
	"relais/backend/network/internal/rest"
	"relais/backend/schedule"
)

// Board is one of an account's boards, as the editor offers it for a
// Pin (its ID goes into post.Variant.Board).
type Board struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Privacy string `json:"privacy"` // PUBLIC, PROTECTED or SECRET
}

// maxBoardPages bounds the pages of boards read (pageSize each).
const maxBoardPages = 10

// Boards lists the account's boards, GET /v5/boards, following the
// answer's bookmark page after page (at most maxBoardPages), sorted by
// name (case-insensitive). Boards of every privacy are listed.
func (p *Publisher) Boards(ctx context.Context, a schedule.Account) ([]Board, error) {
	out := []Board{}
	seen := map[string]bool{}
	bookmark := ""
	for range maxBoardPages {
		q := url.Values{"page_size": {fmt.Sprint(pageSize)}}
		if bookmark != "" {
			q.Set("bookmark", bookmark)
		}
		resp, err := p.rest().Do(ctx, rest.Request{Method: http.MethodGet, URL: p.base(a) + "/boards?" + q.Encode(), Bearer: a.Token.Access})
		if err != nil {
			return nil, err
		}
		if !resp.OK() {
			return nil, p.apiError(resp, network.ErrProtocol)
		}
		var r struct {
			Items []struct {
				ID      string `json:"id"`
				Name    string `json:"name"`
				Privacy string `json:"privacy"`
			} `json:"items"`
			Bookmark *string `json:"bookmark"`
		}
		if err := json.Unmarshal(resp.Body, &r); err != nil {
			return nil, fmt.Errorf("%w: Pinterest answered a board list that is not JSON", network.ErrProtocol)
		}
		for _, x := range r.Items {
			if x.ID == "" || seen[x.ID] {
				continue
			}
			seen[x.ID] = true
			out = append(out, Board{ID: x.ID, Name: x.Name, Privacy: x.Privacy})
		}
		if r.Bookmark == nil || *r.Bookmark == "" || *r.Bookmark == bookmark || len(r.Items) == 0 {
			break
		}
		bookmark = *r.Bookmark
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, nil
}
