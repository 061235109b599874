package post

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"relais/backend/network"
)

// UnmarshalStored reads a calendar entry's stored JSON (store.Unmarshaler).
// A month of a busy client is a thousand entries per query, and
// encoding/json's validation pass and reflection were three quarters of
// the query's time; Encode writes these values as flat objects of short
// keys, strings, string lists and one integer, which a direct walk reads
// about three times faster (BenchmarkMonthQuery). Anything else (an
// unknown or differently cased key, null, a number with a fraction, bytes
// that are not JSON) goes to json.Unmarshal, so what is accepted and
// refused, and how, does not change (FuzzStoredEntry).
func (se *storedEntry) UnmarshalStored(b []byte) error {
	if se.fast(b) {
		return nil
	}
	*se = storedEntry{}
	return json.Unmarshal(b, se)
}

// fast decodes b into se and tells whether it could; on false se may be
// partly written.
func (se *storedEntry) fast(b []byte) bool {
	*se = storedEntry{}
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipSpace(b, i+1) == len(b)
	}
	for {
		key, j, ok := jsonString(b, i)
		if !ok {
			return false
		}
		i = skipSpace(b, j)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		switch key {
		case "s":
			var s string
			s, i, ok = jsonString(b, i)
			se.S = knownStatus(s)
		case "x":
			se.X, i, ok = jsonString(b, i)
		case "z":
			se.Z, i, ok = jsonString(b, i)
		case "p":
			se.P, i, ok = jsonString(b, i)
		case "c":
			se.C, i, ok = jsonString(b, i)
		case "t":
			se.T, i, ok = jsonString(b, i)
		case "a":
			se.A, i, ok = jsonStrings(b, i)
		case "l":
			se.L, i, ok = jsonStrings(b, i)
		case "n":
			var l []string
			if l, i, ok = jsonStrings(b, i); ok {
				se.N = make([]network.Name, len(l))
				for k, s := range l {
					se.N[k] = network.Name(s)
				}
			}
		case "pr":
			se.Pr, i, ok = jsonInt(b, i)
		default:
			return false
		}
		if !ok {
			return false
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return skipSpace(b, i+1) == len(b)
		default:
			return false
		}
	}
}

// knownStatus returns the package's constant for a status it knows, so
// the string jsonString allocated is garbage at once instead of being
// kept by a thousand entries.
func knownStatus(s string) Status {
	for _, k := range statuses {
		if string(k) == s {
			return k
		}
	}
	return Status(s)
}

var statuses = [...]Status{StatusIdea, StatusDraft, StatusReview, StatusApproved, StatusScheduled, StatusPublished, StatusFailed}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// jsonString reads the JSON string at b[i] and returns it with the index
// after its closing quote. A string with escapes or invalid UTF-8 (rare:
// Encode escapes only quotes, backslashes, control and HTML characters) is
// left to json.Unmarshal, for that one string.
func jsonString(b []byte, i int) (string, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return "", i, false
	}
	escaped := false
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			if raw := b[i+1 : j]; !escaped && utf8.Valid(raw) {
				return string(raw), j + 1, true
			}
			var s string
			if err := json.Unmarshal(b[i:j+1], &s); err != nil {
				return "", j + 1, false
			}
			return s, j + 1, true
		case c == '\\':
			escaped = true
			j++ // the escaped character, which may be a quote
		case c < 0x20:
			return "", j, false
		}
	}
	return "", len(b), false
}

// jsonStrings reads the JSON list of strings at b[i].
func jsonStrings(b []byte, i int) ([]string, int, bool) {
	if i >= len(b) || b[i] != '[' {
		return nil, i, false
	}
	i = skipSpace(b, i+1)
	out := []string{}
	if i < len(b) && b[i] == ']' {
		return out, i + 1, true
	}
	for {
		s, j, ok := jsonString(b, i)
		if !ok {
			return nil, j, false
		}
		out = append(out, s)
		i = skipSpace(b, j)
		if i >= len(b) {
			return nil, i, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case ']':
			return out, i + 1, true
		default:
			return nil, i, false
		}
	}
}

// jsonInt reads a JSON integer (no fraction, no exponent) that fits an int.
func jsonInt(b []byte, i int) (int, int, bool) {
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	d := j
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	if j == d || (b[d] == '0' && j-d > 1) {
		return 0, j, false
	}
	if j < len(b) && (b[j] == '.' || b[j] == 'e' || b[j] == 'E') {
		return 0, j, false
	}
	n, err := strconv.Atoi(string(b[i:j]))
	return n, j, err == nil
}
