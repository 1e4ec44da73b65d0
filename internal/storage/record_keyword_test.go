package storage_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// TestRecordKeywordMatchesEveryOccurrence checks keyword search (and its
// count) against a plain strings.Contains over every record, for keywords of one to five
// characters taken from the records (at their starts, ends and across
// fields) and absent ones: whatever the search index narrows to, no
// matching record may be lost and no other found.
func TestRecordKeywordMatchesEveryOccurrence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		cust := newCustomer(t, s, "Acme", "A")
		// A small alphabet, so short keywords recur; quote, backslash, LIKE
		// metacharacters and letters FTS5 folds unlike Go (ς, µ) included.
		alphabet := []rune("ab投诉退款Zq '\\%_回访Xςµ")
		rng := rand.New(rand.NewPCG(3, 5))
		word := func(n int) string {
			rs := make([]rune, n)
			for i := range rs {
				rs[i] = alphabet[rng.IntN(len(alphabet))]
			}
			return string(rs)
		}
		base := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
		var recs []*model.Record
		for i := range 600 {
			recs = append(recs, &model.Record{CustomerID: cust.ID, Channel: model.ChannelPhone, Source: model.SourceManual,
				Title: word(1 + rng.IntN(4)), Summary: word(rng.IntN(8)), Content: word(rng.IntN(12)),
				ContactedAt: base.Add(time.Duration(i) * time.Minute)})
		}
		// One record whose only "款Z" is its last two characters, one whose
		// only "q" is its last character.
		recs = append(recs, &model.Record{CustomerID: cust.ID, Channel: model.ChannelPhone, Source: model.SourceManual,
			Title: "end", Content: "…款Z", ContactedAt: base}, &model.Record{CustomerID: cust.ID, Channel: model.ChannelPhone,
			Source: model.SourceManual, Title: "lone", Summary: "q", ContactedAt: base})
		if err := s.InsertRecords(ctx, recs); err != nil {
			t.Fatal(err)
		}
		all := map[int64]string{}
		var newest []int64 // every record, newest first
		var texts []string
		if err := s.EachRecord(ctx, permission.Policy{Admin: true}, storage.RecordFilter{}, func(r *model.Record) error {
			all[r.ID] = strings.ToLower(r.Title + " " + r.Summary + " " + r.Content)
			newest = append(newest, r.ID)
			texts = append(texts, r.Title+" "+r.Summary+" "+r.Content)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(all) != len(recs) {
			t.Fatalf("%d records listed, %d inserted", len(all), len(recs))
		}
		keywords := []string{"款Z", "q", "款z", "KZ", "缺失", "缺", "不存在", "'", `\`, "%", "_", " ", "投诉退款", "访X", "ς", "µ",
			longKeyword()}
		for range 150 {
			rs := []rune(texts[rng.IntN(len(texts))])
			n := 1 + rng.IntN(5)
			if n > len(rs) {
				continue
			}
			at := rng.IntN(len(rs) - n + 1)
			keywords = append(keywords, string(rs[at:at+n]))
		}
		found := 0
		for _, k := range keywords {
			var want []int64
			for id, text := range all {
				if strings.Contains(text, strings.ToLower(k)) {
					want = append(want, id)
				}
			}
			var got []int64
			if err := s.EachRecord(ctx, permission.Policy{Admin: true}, storage.RecordFilter{Query: k}, func(r *model.Record) error {
				got = append(got, r.ID)
				return nil
			}); err != nil {
				t.Fatalf("keyword %q: %v", k, err)
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("keyword %q: found %v, want %v", k, got, want)
			}
			found += len(got)
			// Counted through the index as found, and cut off at the cap.
			for _, most := range []int{1000, 3} {
				n, err := s.CountVisibleRecords(ctx, permission.Policy{Admin: true}, storage.RecordFilter{Query: k}, most)
				if err != nil {
					t.Fatalf("keyword %q: count: %v", k, err)
				}
				if want := min(len(want), most+1); n != want {
					t.Errorf("keyword %q: counted %d (at most %d), want %d", k, n, most, want)
				}
			}
			// The first page holds the newest matches, in order.
			var first []int64
			for _, id := range newest {
				if strings.Contains(all[id], strings.ToLower(k)) && len(first) < 5 {
					first = append(first, id)
				}
			}
			page, _, err := s.ListRecords(ctx, permission.Policy{Admin: true}, storage.RecordFilter{Query: k, Limit: 5})
			if err != nil {
				t.Fatalf("keyword %q: %v", k, err)
			}
			var ids []int64
			for _, r := range page {
				ids = append(ids, r.ID)
			}
			if !slices.Equal(ids, first) {
				t.Errorf("keyword %q: first page %v, want %v", k, ids, first)
			}
		}
		if found == 0 {
			t.Fatal("no keyword found anything")
		}
	})
}

// TestRecordKeywordPagesAcrossSparseMatches walks page by page through a
// keyword found twice among the newest records, then not for a long
// stretch, then often among the oldest: however the search decides to
// read the records (the newest first, through the index, or the index
// within a time window), each page must hold the next matches in order.
func TestRecordKeywordPagesAcrossSparseMatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		cust := newCustomer(t, s, "Acme", "A")
		base := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
		const n = 2000
		var recs []*model.Record
		for i := range n {
			// i counts from the oldest; the newest 30 hold 2 matches, the
			// next 1,870 none, the oldest 100 hold 20.
			summary := "常规回访"
			if i == n-10 || i == n-30 || (i < 100 && i%5 == 0) {
				summary = "稀有事项"
			}
			recs = append(recs, &model.Record{CustomerID: cust.ID, Channel: model.ChannelPhone, Source: model.SourceManual,
				Title: "call", Summary: summary, ContactedAt: base.Add(time.Duration(i) * time.Minute)})
		}
		if err := s.InsertRecords(ctx, recs); err != nil {
			t.Fatal(err)
		}
		admin := permission.Policy{Admin: true}
		for _, k := range []string{"稀有", "稀", "有事项"} {
			var want []time.Time
			for i := n - 1; i >= 0; i-- {
				if strings.Contains(recs[i].Summary, k) {
					want = append(want, recs[i].ContactedAt)
				}
			}
			var got []time.Time
			var oldest *model.Record
			f := storage.RecordFilter{Query: k, Limit: 3}
			for pages := 0; ; pages++ {
				if pages > 20 {
					t.Fatalf("keyword %q: no end after 20 pages", k)
				}
				page, next, err := s.ListRecords(ctx, admin, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range page {
					got = append(got, r.ContactedAt)
					oldest = r
				}
				if next == nil {
					break
				}
				f.After = next
			}
			if !slices.EqualFunc(got, want, time.Time.Equal) {
				t.Errorf("keyword %q: pages hold %d matches %v, want %d %v", k, len(got), got, len(want), want)
			}
			// Back up from the oldest match, a page of newer ones at a time.
			var back []time.Time
			before := storage.RecordCursor{ContactedAt: oldest.ContactedAt, ID: oldest.ID}
			for pages := 0; ; pages++ {
				if pages > 20 {
					t.Fatalf("keyword %q: no end after 20 pages back", k)
				}
				page, more, err := s.ListRecordsNewer(ctx, admin, storage.RecordFilter{Query: k, Limit: 3}, before)
				if err != nil {
					t.Fatal(err)
				}
				var times []time.Time
				for _, r := range page {
					times = append(times, r.ContactedAt)
				}
				back = append(times, back...)
				if !more || len(page) == 0 {
					break
				}
				before = storage.RecordCursor{ContactedAt: page[0].ContactedAt, ID: page[0].ID}
			}
			if !slices.EqualFunc(back, want[:len(want)-1], time.Time.Equal) {
				t.Errorf("keyword %q: pages back hold %v, want %v", k, back, want[:len(want)-1])
			}
		}
	})
}

// longKeyword is 300 distinct Chinese characters: more pairs than a search
// names (it matches nothing).
func longKeyword() string {
	rs := make([]rune, 300)
	for i := range rs {
		rs[i] = rune(0x4e00 + 7*i)
	}
	return string(rs)
}
