package model

import "testing"

func TestTokenScopes(t *testing.T) {
	for _, tc := range []struct {
		has, need TokenScope
		ok        bool
	}{
		{ScopeRead, ScopeRead, true},
		{ScopeRead, ScopeContact, false},
		{ScopeRead, ScopeAdmin, false},
		{ScopeContact, ScopeRead, true},
		{ScopeContact, ScopeContact, true},
		{ScopeContact, ScopeAdmin, false},
		{ScopeAdmin, ScopeAdmin, true},
		{ScopeAdmin, ScopeRead, true},
		{"", ScopeRead, false},
		{"write", ScopeRead, false},
	} {
		if got := tc.has.Allows(tc.need); got != tc.ok {
			t.Errorf("%q allows %q = %v, want %v", tc.has, tc.need, got, tc.ok)
		}
	}
}
