package store

import (
	"context"
	"testing"
	"time"
)

// A time window of a table keyed <prefix><TimeKey><id>: what is in range,
// nothing before or after, nothing of a neighbouring prefix.
func TestScanRange(t *testing.T) {
	s := openT(t, t.TempDir(), Options{})
	defer s.Close()
	ctx := context.Background()
	base := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	key := func(ws string, day int) []byte {
		return Key(0x7f, []byte(ws), []byte{0}, TimeKey(base.AddDate(0, 0, day)), []byte{byte(day)})
	}
	err := s.Update(ctx, func(tx *Txn) error {
		for day := -3; day < 40; day++ {
			for _, ws := range []string{"a", "b"} {
				if err := tx.Put(key(ws, day), day); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	prefix := Key(0x7f, []byte("a"), []byte{0})
	from, to := append(append([]byte{}, prefix...), TimeKey(base)...), append(append([]byte{}, prefix...), TimeKey(base.AddDate(0, 1, 0))...)
	var days []int
	err = s.View(ctx, func(tx *Txn) error {
		return tx.ScanRange(prefix, from, to, func(_ []byte, decode func(any) error) error {
			var d int
			if err := decode(&d); err != nil {
				return err
			}
			days = append(days, d)
			return nil
		})
	})
	if err != nil || len(days) != 31 || days[0] != 0 || days[30] != 30 {
		t.Errorf("ScanRange = %v, %v; want days 0..30", days, err)
	}
	n := 0
	err = s.View(ctx, func(tx *Txn) error {
		return tx.ScanKeysRange(prefix, from, nil, func([]byte) error { n++; return nil })
	})
	if err != nil || n != 40 {
		t.Errorf("ScanKeysRange to the end = %d keys, %v; want 40", n, err)
	}
}
