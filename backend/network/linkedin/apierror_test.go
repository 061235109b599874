package linkedin

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
	{422, `{"errorDetailType":"com.linkedin.common.error.BadRequest","message":"Content is a duplicate of urn:li:share:1","errorDetails":{"inputErrors":[{"description":"Duplicate post is detected","input":{},"code":"DUPLICATE_POST"}]},"status":422}`},
	{401, `{"status":401,"serviceErrorCode":65601,"code":"REVOKED_ACCESS_TOKEN","message":"The token used in the request has been revoked by the user"}`},
	{426, `{"status":426,"code":"NONEXISTENT_VERSION","message":"Requested version 20200101 is not active"}`},
	{500, `<html>`},
}
