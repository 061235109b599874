package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// kv is one entry of a hand-made Badger backup stream.
type kv struct {
	key, value []byte
	version    uint64
	expiresAt  uint64
	meta       byte
}

// frame encodes kvs as one frame of Badger's backup stream: a
// little-endian length and a protobuf KVList (field 1: repeated KV with
// key 1, value 2, version 4, expires_at 5, meta 6).
func frame(kvs ...kv) []byte {
	var list []byte
	for _, e := range kvs {
		var m []byte
		m = protowire.AppendTag(m, 1, protowire.BytesType)
		m = protowire.AppendBytes(m, e.key)
		m = protowire.AppendTag(m, 2, protowire.BytesType)
		m = protowire.AppendBytes(m, e.value)
		m = protowire.AppendTag(m, 4, protowire.VarintType)
		m = protowire.AppendVarint(m, e.version)
		if e.expiresAt != 0 {
			m = protowire.AppendTag(m, 5, protowire.VarintType)
			m = protowire.AppendVarint(m, e.expiresAt)
		}
		if e.meta != 0 {
			m = protowire.AppendTag(m, 6, protowire.BytesType)
			m = protowire.AppendBytes(m, []byte{e.meta})
		}
		list = protowire.AppendTag(list, 1, protowire.BytesType)
		list = protowire.AppendBytes(list, m)
	}
	return append(binary.LittleEndian.AppendUint64(nil, uint64(len(list))), list...)
}

// crafted wraps stream frames in a header and a correct trailer.
func crafted(frames ...[]byte) []byte {
	stream := bytes.Join(frames, nil)
	out := []byte(backupMagic + `{"schema":1}` + "\n")
	out = append(out, stream...)
	out = append(out, endOfStream[:]...)
	out = binary.LittleEndian.AppendUint64(out, uint64(len(stream)))
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(stream, castagnoli))
}

func schemaValue(v int) []byte {
	b, err := Encode(schemaRecord{Version: v})
	if err != nil {
		panic(err)
	}
	return b
}

// TestRestoreCraftedStream restores hand-made streams that are well framed
// and carry a correct checksum, as a hostile or buggy writer could make.
func TestRestoreCraftedStream(t *testing.T) {
	schema1 := kv{key: schemaKey, value: schemaValue(1), version: 1}
	record := func(version uint64) kv { return kv{key: testKey(9), value: []byte("\x01\"nine\""), version: version} }
	const (
		bitDelete = 1 << 0 // Badger's meta bits
	)
	tests := []struct {
		name string
		in   []byte
		want error // nil: restored
	}{
		{"minimal backup", crafted(frame(schema1, record(2))), nil},
		{"version 0", crafted(frame(kv{key: schemaKey, value: schemaValue(1)})), nil},
		{"largest allowed version", crafted(frame(schema1, record(maxVersion))), nil},
		// Versions near 2^64 overflow Badger's commit timestamp inside Load:
		// log.Fatal (the app exits) or an endless loop.
		{"version 2^64-1", crafted(frame(schema1, record(math.MaxUint64))), ErrNotBackup},
		{"version 2^64-2", crafted(frame(schema1, record(math.MaxUint64-1))), ErrNotBackup},
		{"version above the bound", crafted(frame(schema1, record(maxVersion+1))), ErrNotBackup},
		{"no frames", crafted(), ErrNotBackup},
		{"schema key deleted", crafted(frame(kv{key: schemaKey, value: schemaValue(1), version: 1, meta: bitDelete})), ErrNotBackup},
		{"schema key expired", crafted(frame(kv{key: schemaKey, value: schemaValue(1), version: 1, expiresAt: 1})), ErrNotBackup},
		{"schema not decodable", crafted(frame(kv{key: schemaKey, value: []byte("1"), version: 1})), ErrNotBackup},
		{"schema 0 inside", crafted(frame(kv{key: schemaKey, value: schemaValue(0), version: 1})), ErrNotBackup},
		{"schema too new inside", crafted(frame(kv{key: schemaKey, value: schemaValue(SchemaVersion() + 1), version: 1})), ErrBackupTooNew},
		{"frame not protobuf", crafted(frame(schema1), []byte("\x04\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff")), ErrNotBackup},
		{"checksum wrong", func() []byte { b := crafted(frame(schema1)); b[len(b)-1] ^= 1; return b }(), ErrNotBackup},
		{"length in trailer wrong", func() []byte { b := crafted(frame(schema1)); b[len(b)-12]++; return b }(), ErrNotBackup},
		{"trailer cut short", func() []byte { b := crafted(frame(schema1)); return b[:len(b)-2] }(), ErrNotBackup},
		{"bytes after the trailer", append(crafted(frame(schema1)), 0), ErrNotBackup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := openT(t, t.TempDir(), Options{})
			live := map[int]string{1: "live"}
			putAll(t, s, live)
			err := s.Restore(ctx, bytes.NewReader(tt.in))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Restore(%s) = %v; want nil", tt.name, err)
				}
				live = dump(t, s)
			} else if !errors.Is(err, tt.want) {
				t.Fatalf("Restore(%s) = %v; want an error wrapping %v", tt.name, err, tt.want)
			}
			// Usable, before and after a reopen.
			putAll(t, s, map[int]string{2: "after"})
			live[2] = "after"
			checkData(t, s, live)
			dir := s.Dir()
			if err := s.Close(); err != nil {
				t.Fatalf("Close() = %v", err)
			}
			s = openT(t, dir, Options{})
			checkData(t, s, live)
		})
	}
}
