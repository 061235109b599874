package pinterest

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
	{401, `{"code":2,"message":"Authentication failed."}`},
	{400, `{"code":1,"message":"Sorry, we could not fetch the image."}`},
	{429, `{"code":8,"message":"You have exceeded your rate limit. Try again later."}`},
	{404, `{"code":3,"message":"Board not found."}`},
}
