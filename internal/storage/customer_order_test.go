package storage_test

import (
	"context"
	"slices"
	"testing"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

func TestListCustomersOrdered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		for _, c := range []*model.Customer{
			{Code: "B2", Name: "Beta", Level: "C"},
			{Code: "A1", Name: "Alpha", Level: "A"},
			{Name: "Gamma", Level: "B"},
		} {
			if err := s.CreateCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		alpha, _ := s.CustomerByCode(ctx, "A1")
		for range 2 {
			if err := s.CreateContact(ctx, &model.Contact{CustomerID: alpha.ID, Name: "x"}); err != nil {
				t.Fatal(err)
			}
		}
		admin := permission.Policy{UserID: 1, Admin: true}
		names := func(sort string, desc bool, f storage.CustomerFilter) []string {
			cs, total, err := s.ListCustomersOrdered(ctx, admin, f, sort, desc)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range cs {
				out = append(out, c.Name)
			}
			if f.Limit == 0 && total != len(out) {
				t.Errorf("total %d, listed %d", total, len(out))
			}
			return out
		}
		for _, tc := range []struct {
			sort string
			desc bool
			want []string
		}{
			{"name", false, []string{"Alpha", "Beta", "Gamma"}},
			{"name", true, []string{"Gamma", "Beta", "Alpha"}},
			{"code", false, []string{"Gamma", "Alpha", "Beta"}},
			{"level", true, []string{"Beta", "Gamma", "Alpha"}},
			{"contacts", true, []string{"Alpha", "Beta", "Gamma"}},
			{"nonsense", false, []string{"Alpha", "Beta", "Gamma"}},
		} {
			if got := names(tc.sort, tc.desc, storage.CustomerFilter{}); !slices.Equal(got, tc.want) {
				t.Errorf("sort %s desc=%v: %v, want %v", tc.sort, tc.desc, got, tc.want)
			}
		}
		if got := names("name", false, storage.CustomerFilter{Limit: 1, Offset: 1}); !slices.Equal(got, []string{"Beta"}) {
			t.Errorf("second page: %v", got)
		}
		levels, err := s.CustomerLevels(ctx)
		if err != nil || !slices.Equal(levels, []string{"A", "B", "C"}) {
			t.Errorf("levels %v, %v", levels, err)
		}
	})
}
