package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// tableTest is a table prefix no production table uses; tests keep their
// records under it.
const tableTest byte = 0x7f

func testKey(i int) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(i))
	return Key(tableTest, b[:])
}

// openT opens a store in dir and closes it when the test ends.
func openT(t testing.TB, dir string, opts Options) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("Open(%q) = %v; want nil error", dir, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// putAll writes kv into the test table in one transaction.
func putAll(t testing.TB, s *Store, kv map[int]string) {
	t.Helper()
	err := s.Update(context.Background(), func(tx *Txn) error {
		for k, v := range kv {
			if err := tx.Put(testKey(k), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update(put %d records) = %v; want nil", len(kv), err)
	}
}

// dump returns every record of the test table.
func dump(t testing.TB, s *Store) map[int]string {
	t.Helper()
	got := map[int]string{}
	err := s.View(context.Background(), func(tx *Txn) error {
		return tx.Scan([]byte{tableTest}, func(k []byte, decode func(any) error) error {
			var v string
			if err := decode(&v); err != nil {
				return err
			}
			got[int(binary.BigEndian.Uint64(k[1:]))] = v
			return nil
		})
	})
	if err != nil {
		t.Fatalf("View(scan) = %v; want nil", err)
	}
	return got
}

func checkData(t testing.TB, s *Store, want map[int]string) {
	t.Helper()
	got := dump(t, s)
	if !mapsEqual(got, want) {
		t.Errorf("records = %v; want %v", got, want)
	}
}

func mapsEqual(a, b map[int]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func schemaT(t testing.TB, s *Store) int {
	t.Helper()
	v, err := s.Schema(context.Background())
	if err != nil {
		t.Fatalf("Schema() = %v; want nil error", err)
	}
	return v
}

func TestTimeKeyOrder(t *testing.T) {
	times := []time.Time{
		time.Unix(0, math.MinInt64),
		time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 500000000, time.UTC),
		time.Unix(0, -1),
		time.Unix(0, 0),
		time.Unix(0, 1),
		time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC),
		time.Date(2024, 2, 29, 12, 0, 0, 1, time.UTC),
		time.Date(2024, 2, 29, 13, 0, 0, 0, time.FixedZone("CET", 3600)).Add(time.Hour), // 13:00 UTC
		time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, math.MaxInt64),
	}
	for i := 1; i < len(times); i++ {
		a, b := TimeKey(times[i-1]), TimeKey(times[i])
		if bytes.Compare(a, b) >= 0 {
			t.Errorf("TimeKey(%v) = %x >= TimeKey(%v) = %x; want keys in time order", times[i-1], a, times[i], b)
		}
	}
	for _, tm := range times {
		k := TimeKey(tm)
		if len(k) != 8 {
			t.Errorf("len(TimeKey(%v)) = %d; want 8", tm, len(k))
		}
		got, err := ParseTimeKey(k)
		if err != nil || !got.Equal(tm) {
			t.Errorf("ParseTimeKey(TimeKey(%v)) = %v, %v; want %v, nil", tm, got, err, tm)
		}
		if got.Location() != time.UTC {
			t.Errorf("ParseTimeKey(TimeKey(%v)).Location() = %v; want UTC", tm, got.Location())
		}
	}
	// A key embedded in a longer key keeps the order too: equal prefixes,
	// then time.
	x, y := Key(tableTest, []byte("a"), TimeKey(times[2])), Key(tableTest, []byte("a"), TimeKey(times[4]))
	if bytes.Compare(x, y) >= 0 {
		t.Errorf("Key(..., TimeKey(%v)) >= Key(..., TimeKey(%v)); want <", times[2], times[4])
	}
}

func TestParseTimeKeyBadLength(t *testing.T) {
	for _, b := range [][]byte{nil, {}, make([]byte, 7), make([]byte, 9)} {
		if got, err := ParseTimeKey(b); err == nil {
			t.Errorf("ParseTimeKey(%x) = %v, nil; want an error", b, got)
		}
	}
}

func TestKey(t *testing.T) {
	tests := []struct {
		table byte
		parts [][]byte
		want  []byte
	}{
		{TableSettings, nil, []byte{TableSettings}},
		{TableWorkspace, [][]byte{[]byte("abc")}, []byte{TableWorkspace, 'a', 'b', 'c'}},
		{IndexWorkspaceName, [][]byte{[]byte("ada"), {0}, []byte("id1")}, []byte("\x11ada\x00id1")},
		{TableMeta, [][]byte{nil, {}}, []byte{TableMeta}},
	}
	for _, tt := range tests {
		if got := Key(tt.table, tt.parts...); !bytes.Equal(got, tt.want) {
			t.Errorf("Key(%#x, %q) = %q; want %q", tt.table, tt.parts, got, tt.want)
		}
	}
}

// TestTablePrefixesUnique reads every Table* and Index* constant from the
// package source, so a table added later is checked too: no two may share
// a prefix byte, and none may take the tests' own prefix.
func TestTablePrefixesUnique(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	owner := map[int64]string{int64(tableTest): "tableTest"}
	n := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if !strings.HasPrefix(id.Name, "Table") && !strings.HasPrefix(id.Name, "Index") {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok {
						t.Errorf("%s: value is not a literal; write table prefixes as 0xNN", id.Name)
						continue
					}
					v, err := strconv.ParseInt(lit.Value, 0, 64)
					if err != nil || v < 0 || v > 0xff {
						t.Errorf("%s = %s; want one byte", id.Name, lit.Value)
						continue
					}
					n++
					if other, dup := owner[v]; dup {
						t.Errorf("%s = %#02x; already used by %s", id.Name, v, other)
					}
					owner[v] = id.Name
				}
			}
		}
	}
	if n < 4 {
		t.Errorf("found %d table prefixes in the source; want at least TableMeta, TableSettings, TableWorkspace, IndexWorkspaceName", n)
	}
	if schemaKey[0] != TableMeta {
		t.Errorf("schemaKey[0] = %#x; want TableMeta", schemaKey[0])
	}
}

type record struct {
	ID   string   `json:"id"`
	N    int      `json:"n,omitempty"`
	Tags []string `json:"tags,omitempty"`
}

func TestEncodeDecode(t *testing.T) {
	tests := []struct {
		in   any
		want string // stored form after the format byte
	}{
		{record{ID: "a", N: 2, Tags: []string{"x"}}, `{"id":"a","n":2,"tags":["x"]}`},
		{"héllo <b>", `"héllo \u003cb\u003e"`},
		{42, `42`},
		{nil, `null`},
		{map[string]int{"b": 1, "a": 2}, `{"a":2,"b":1}`},
	}
	for _, tt := range tests {
		b, err := Encode(tt.in)
		if err != nil {
			t.Errorf("Encode(%#v) = %v; want nil error", tt.in, err)
			continue
		}
		if len(b) == 0 || b[0] != FormatJSON || string(b[1:]) != tt.want {
			t.Errorf("Encode(%#v) = %q; want %q", tt.in, b, append([]byte{FormatJSON}, tt.want...))
		}
	}

	in := record{ID: "r1", N: 7, Tags: []string{"a", "b"}}
	b, err := Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	var out record
	if err := Decode(b, &out); err != nil || out.ID != in.ID || out.N != in.N || !slices.Equal(out.Tags, in.Tags) {
		t.Errorf("Decode(Encode(%+v)) = %+v, %v; want %+v, nil", in, out, err, in)
	}

	if _, err := Encode(make(chan int)); err == nil {
		t.Errorf("Encode(chan) = nil error; want an error")
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		in          []byte
		wantUnknown bool
	}{
		{nil, true},
		{[]byte{}, true},
		{[]byte{0}, true},
		{[]byte{2, '{', '}'}, true},
		{[]byte(`{"id":"a"}`), true}, // raw JSON without a format byte
		{[]byte{0xff, '1'}, true},
		{[]byte{FormatJSON}, false},
		{[]byte{FormatJSON, '{'}, false},
		{[]byte{FormatJSON, '"', 'x', '"'}, false}, // a string into a struct
	}
	for _, tt := range tests {
		var r record
		err := Decode(tt.in, &r)
		if err == nil {
			t.Errorf("Decode(%q) = nil; want an error", tt.in)
			continue
		}
		if got := errors.Is(err, ErrUnknownFormat); got != tt.wantUnknown {
			t.Errorf("errors.Is(Decode(%q), ErrUnknownFormat) = %v (err %v); want %v", tt.in, got, err, tt.wantUnknown)
		}
	}
}

func TestTxn(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), Options{})

	idx := func(name, id string) []byte { return Key(IndexWorkspaceName, []byte(name), []byte{0}, []byte(id)) }
	err := s.Update(ctx, func(tx *Txn) error {
		for _, r := range []record{{ID: "b", N: 2}, {ID: "a", N: 1}, {ID: "c", N: 3}} {
			if err := tx.Put(Key(TableWorkspace, []byte(r.ID)), r); err != nil {
				return err
			}
			if err := tx.SetIndex(idx("name-"+r.ID, r.ID)); err != nil {
				return err
			}
		}
		return tx.Delete(Key(TableWorkspace, []byte("missing"))) // not an error
	})
	if err != nil {
		t.Fatalf("Update = %v; want nil", err)
	}
	err = s.Update(ctx, func(tx *Txn) error { return tx.Delete(Key(TableWorkspace, []byte("c"))) })
	if err != nil {
		t.Fatalf("Update(delete) = %v; want nil", err)
	}

	err = s.View(ctx, func(tx *Txn) error {
		var r record
		if err := tx.Get(Key(TableWorkspace, []byte("a")), &r); err != nil || r.N != 1 {
			t.Errorf("Get(a) = %+v, %v; want N=1, nil", r, err)
		}
		for key, want := range map[string]bool{"a": true, "b": true, "c": false, "zz": false} {
			if got, err := tx.Has(Key(TableWorkspace, []byte(key))); got != want || err != nil {
				t.Errorf("Has(%q) = %v, %v; want %v, nil", key, got, err, want)
			}
		}
		if err := tx.Get(Key(TableWorkspace, []byte("c")), &r); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(deleted c) = %v; want ErrNotFound", err)
		}
		// An index entry has an empty value: reading it as a record fails
		// instead of decoding garbage.
		if err := tx.Get(idx("name-a", "a"), &r); !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("Get(index key) = %v; want ErrUnknownFormat", err)
		}

		var ids []string
		err := tx.Scan([]byte{TableWorkspace}, func(k []byte, decode func(any) error) error {
			var r record
			if err := decode(&r); err != nil {
				return err
			}
			if string(k[1:]) != r.ID {
				t.Errorf("Scan key %q holds record %q", k, r.ID)
			}
			ids = append(ids, r.ID)
			return nil
		})
		if err != nil || !slices.Equal(ids, []string{"a", "b"}) {
			t.Errorf("Scan(TableWorkspace) = %q, %v; want [a b], nil", ids, err)
		}

		var keys []string
		err = tx.ScanKeys([]byte{IndexWorkspaceName}, func(k []byte) error {
			keys = append(keys, string(k))
			return nil
		})
		want := []string{string(idx("name-a", "a")), string(idx("name-b", "b")), string(idx("name-c", "c"))}
		if err != nil || !slices.Equal(keys, want) {
			t.Errorf("ScanKeys(IndexWorkspaceName) = %q, %v; want %q, nil", keys, err, want)
		}

		stop := errors.New("stop")
		n := 0
		err = tx.ScanKeys([]byte{IndexWorkspaceName}, func([]byte) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("ScanKeys stopping at the first key: %d calls, %v; want 1, stop", n, err)
		}
		n = 0
		err = tx.Scan([]byte{TableWorkspace}, func([]byte, func(any) error) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("Scan stopping at the first key: %d calls, %v; want 1, stop", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("View = %v", err)
	}
}

func TestUpdateRollsBackOnError(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), Options{})
	putAll(t, s, map[int]string{1: "one"})
	boom := errors.New("boom")
	err := s.Update(ctx, func(tx *Txn) error {
		if err := tx.Put(testKey(1), "changed"); err != nil {
			return err
		}
		if err := tx.Put(testKey(2), "two"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update(failing fn) = %v; want boom", err)
	}
	checkData(t, s, map[int]string{1: "one"})
}

func TestUpdateContext(t *testing.T) {
	s := openT(t, t.TempDir(), Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	fn := func(*Txn) error { called = true; return nil }
	if err := s.Update(ctx, fn); !errors.Is(err, context.Canceled) || called {
		t.Errorf("Update(cancelled ctx) = %v, fn called %v; want context.Canceled, false", err, called)
	}
	if err := s.View(ctx, fn); !errors.Is(err, context.Canceled) || called {
		t.Errorf("View(cancelled ctx) = %v, fn called %v; want context.Canceled, false", err, called)
	}
}

// TestUpdateRetriesConflicts runs read-modify-write increments from several
// goroutines: Update must retry the transactions that lose a race, so no
// increment is lost and none fails.
func TestUpdateRetriesConflicts(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir(), Options{})
	const workers, each = 4, 40
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				errs <- s.Update(ctx, func(tx *Txn) error {
					var n int
					if err := tx.Get(testKey(0), &n); err != nil && !errors.Is(err, ErrNotFound) {
						return err
					}
					return tx.Put(testKey(0), n+1)
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Update(increment) = %v; want nil", err)
		}
	}
	var n int
	if err := s.View(ctx, func(tx *Txn) error { return tx.Get(testKey(0), &n) }); err != nil || n != workers*each {
		t.Errorf("counter = %d, %v; want %d, nil", n, err, workers*each)
	}
}

// TestValueLogGC runs value-log GC every few milliseconds while large
// values are overwritten, so the race detector sees GC, writers and Close
// together, and checks the data survives the rewrites.
func TestValueLogGC(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir, Options{GCInterval: 5 * time.Millisecond, Badger: smallValueLog})
	big := func(i, gen int) string {
		return fmt.Sprintf("%d/%d:", i, gen) + string(bytes.Repeat([]byte{'v'}, 96<<10))
	}
	want := map[int]string{}
	for gen := 0; gen < 8; gen++ {
		for i := 0; i < 8; i++ {
			want[i] = big(i, gen)
			putAll(t, s, map[int]string{i: want[i]})
		}
		time.Sleep(10 * time.Millisecond)
	}
	checkData(t, s, want)
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v; want nil", err)
	}
	s = openT(t, dir, Options{})
	checkData(t, s, want)
}

// smallValueLog makes Badger start a new value-log file every megabyte, so
// tests reach value-log rotation and GC with little data.
func smallValueLog(o badger.Options) badger.Options { return o.WithValueLogFileSize(1 << 20) }
