package network

import (
	"errors"
	"fmt"
	"net"
	"net/url"
)

// Unsent reports whether err, from an HTTP round trip, failed before any
// connection was opened (DNS failure, connection refused, no route): the
// request cannot have reached the server.
func Unsent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// TransportError turns a failed HTTP round trip into an error wrapping
// ErrUnreachable, and ErrNotSent too when the request never left the
// machine. host names the server; the *url.Error (which quotes the URL)
// is not kept.
func TransportError(host string, err error) error {
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) {
		cause = ue.Err
	}
	if Unsent(err) {
		return fmt.Errorf("%w: %w: %s (%v)", ErrUnreachable, ErrNotSent, host, cause)
	}
	return fmt.Errorf("%w: %s (%v)", ErrUnreachable, host, cause)
}
