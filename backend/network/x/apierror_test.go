package x

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"relais/backend/network"
	"relais/backend/network/internal/rest"
)

// FuzzAPIError: any error answer maps to an error the scheduler can
// classify (a StatusError or a duplicate), with a one-line reason.
func FuzzAPIError(f *testing.F) {
	for _, s := range seeds {
		f.Add(s.status, s.body)
	}
	f.Fuzz(func(t *testing.T, status int, body string) {
		if status < 300 || status > 599 {
			t.Skip()
		}
		p := &Publisher{}
		err := p.apiError(&rest.Response{Status: status, Header: http.Header{}, Body: []byte(body)}, network.ErrInvalidContent)
		var se *network.StatusError
		switch {
		case errors.As(err, &se):
			if se.Status != status || strings.ContainsAny(se.Reason, "\n\r") || se.Err == nil {
				t.Errorf("apiError(%d, %q) = %#v", status, body, se)
			}
		case errors.Is(err, rest.ErrDuplicate):
		default:
			t.Errorf("apiError(%d, %q) = %v", status, body, err)
		}
	})
}

var seeds = []struct {
	status int
	body   string
}{
	{403, `{"detail":"You are not allowed to create a Tweet with duplicate content.","type":"about:blank","title":"Forbidden","status":403}`},
	{400, `{"errors":[{"parameters":{"text":["x"]},"message":"Your Tweet text is too long."}],"title":"Invalid Request","detail":"One or more parameters to your request was invalid.","type":"https://api.twitter.com/2/problems/invalid-request"}`},
	{429, `{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}`},
	{401, ``},
}
