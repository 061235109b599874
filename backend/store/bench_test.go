package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// badgerDefaults switches a store back to Badger's stock tuning, keeping
// only what durability needs: the baseline DesktopOptions is measured
// against.
func badgerDefaults(o badger.Options) badger.Options {
	return badger.DefaultOptions(o.Dir).WithSyncWrites(true).WithLogger(o.Logger)
}

// BenchmarkOpen opens (and closes) a store holding 10,000 records of about
// 1 KB, as the app does at start-up, under each tuning. Besides ns/op (Open
// alone: repair check, Badger open, schema check) it reports, per Open:
//
//   - rss-MB: growth of the resident set from just before Open to just
//     after, read from VmRSS in /proc/self/status (Linux only): the memory
//     the OS really gave the process, mmapped files included;
//   - rss-read-MB: the same growth once every record has been read, as
//     start-up reads its lists (block cache and table indexes filled);
//   - heap-MB: growth of the Go heap in use, runtime/metrics
//     /memory/classes/heap/objects:bytes after a GC on each side: what
//     Badger keeps live (memtable arenas, caches, table indexes).
//
// Each iteration starts from a collected heap returned to the OS
// (debug.FreeOSMemory). The first open in a fresh process is the one the
// user waits for; -benchtime=1x measures it alone.
//
// Most of heap-MB is the memtable arena, allocated whole at Open (about
// 1.3 × MemTableSize). MemTableSize also caps one transaction, migrations
// included, at 15% of it: 4 MiB allows about 630 KB of writes (some 600
// records of 1 KB), 16 MiB about 2.5 MB.
func BenchmarkOpen(b *testing.B) {
	tunings := []struct {
		name string
		hook func(badger.Options) badger.Options
	}{
		{"badger-defaults", badgerDefaults},
		{"desktop", nil},
	}
	for _, tn := range tunings {
		b.Run(tn.name, func(b *testing.B) {
			ctx := context.Background()
			dir := b.TempDir()
			opts := Options{Badger: tn.hook}
			s, err := Open(ctx, dir, opts)
			if err != nil {
				b.Fatal(err)
			}
			seed(b, s, 10_000, 1000)
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}

			var rss, rssRead, heap float64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				runtime.GC()
				debug.FreeOSMemory()
				rss0, heap0 := vmRSS(), heapInUse()
				b.StartTimer()

				s, err := Open(ctx, dir, opts)

				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				rss1 := vmRSS()
				runtime.GC()
				heap1 := heapInUse()
				readAll(b, s)
				rss2 := vmRSS()
				rss += float64(rss1 - rss0)
				rssRead += float64(rss2 - rss0)
				heap += float64(heap1 - heap0)
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.StopTimer()
			if rss != 0 { // 0: not Linux
				b.ReportMetric(rss/float64(b.N)/(1<<20), "rss-MB")
				b.ReportMetric(rssRead/float64(b.N)/(1<<20), "rss-read-MB")
			}
			b.ReportMetric(heap/float64(b.N)/(1<<20), "heap-MB")
		})
	}
}

// seed writes n records of about size bytes, 100 to a transaction.
func seed(b *testing.B, s *Store, n, size int) {
	pad := strings.Repeat("r", size)
	for i := 0; i < n; i += 100 {
		err := s.Update(context.Background(), func(tx *Txn) error {
			for j := i; j < min(i+100, n); j++ {
				if err := tx.Put(testKey(j), fmt.Sprintf("%d:%s", j, pad)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// readAll decodes every record, untimed.
func readAll(b *testing.B, s *Store) {
	err := s.View(context.Background(), func(tx *Txn) error {
		return tx.Scan([]byte{tableTest}, func(_ []byte, decode func(any) error) error {
			var v string
			return decode(&v)
		})
	})
	if err != nil {
		b.Fatal(err)
	}
}

// vmRSS returns the resident set size in bytes, 0 where /proc is missing.
func vmRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func heapInUse() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}
