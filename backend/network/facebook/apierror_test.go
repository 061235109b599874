package facebook

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
	{400, `{"error":{"message":"(#506) Duplicate status message","type":"OAuthException","code":506,"fbtrace_id":"A"}}`},
	{400, `{"error":{"message":"Error validating access token","type":"OAuthException","code":190,"error_subcode":460}}`},
	{400, `{"error":{"message":"(#32) Page request limit reached","type":"OAuthException","code":32}}`},
	{500, `{"error":{"message":"An unknown error occurred","type":"OAuthException","code":1,"is_transient":true}}`},
}
