package schedule

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"sync/atomic"
	"time"
)

// Keys are AT Protocol TIDs (timestamp identifiers): 13 characters of
// base32-sortable encoding of a 64-bit number whose top bit is zero,
// followed by 53 bits of microseconds since the Unix epoch and 10 bits of
// "clock id". A TID is a valid Bluesky record key and a fine
// Idempotency-Key for any other network.

const tidAlphabet = "234567abcdefghijklmnopqrstuvwxyz"

// lastMicros is the timestamp of the last key made: keys made by one
// process never share it, even within one microsecond.
var lastMicros atomic.Uint64

// NewKey returns a fresh key for a job planned at t: its time in
// microseconds and a random clock id. The timestamp is always even and
// strictly increasing within the process, so no two keys are equal and
// KeyAfter (one microsecond later, odd) never gives another job's key.
func NewKey(t time.Time) string {
	var b [2]byte
	_, _ = rand.Read(b[:])
	m := uint64(t.UnixMicro()) &^ 1
	for {
		last := lastMicros.Load()
		next := max(m, last+2)
		if lastMicros.CompareAndSwap(last, next) {
			m = next
			break
		}
	}
	return encodeTID(m&(1<<53-1), uint64(binary.BigEndian.Uint16(b[:]))&0x3ff)
}

func encodeTID(micros, clockID uint64) string {
	v := (micros&(1<<53-1))<<10 | clockID&0x3ff
	var out [13]byte
	for i := 12; i >= 0; i-- {
		out[i] = tidAlphabet[v&31]
		v >>= 5
	}
	return string(out[:])
}

// ParseTID returns a TID's value; ok is false when s is not one.
func ParseTID(s string) (v uint64, ok bool) {
	if len(s) != 13 {
		return 0, false
	}
	for i := 0; i < 13; i++ {
		d := -1
		for j := 0; j < len(tidAlphabet); j++ {
			if tidAlphabet[j] == s[i] {
				d = j
				break
			}
		}
		if d < 0 || (i == 0 && d >= 16) {
			return 0, false
		}
		v = v<<5 | uint64(d)
	}
	return v, true
}

// KeyTID returns key itself when it is a TID, else a TID derived from it
// deterministically (a hash), so the same key always gives the same
// record key.
func KeyTID(key string) string {
	if _, ok := ParseTID(key); ok {
		return key
	}
	h := sha256.Sum256([]byte(key))
	v := binary.BigEndian.Uint64(h[:8])
	return encodeTID(v>>11, v)
}

// KeyAfter derives a second key from a TID key (for a first comment):
// the same clock id one microsecond later, also deterministic.
func KeyAfter(key string) string {
	v, _ := ParseTID(KeyTID(key))
	return encodeTID(v>>10+1, v&0x3ff)
}
