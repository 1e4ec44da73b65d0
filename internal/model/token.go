package model

import (
	"slices"
	"time"
)

// TokenScope is what an API token may do, within what its owner may.
type TokenScope string

// Token scopes, each allowing what the ones before it do.
const (
	// ScopeRead reads (and previews sends); it changes nothing.
	ScopeRead TokenScope = "read"
	// ScopeContact does what a rep does: change customers, contacts,
	// records and plans, contact customers, send in bulk.
	ScopeContact TokenScope = "contact"
	// ScopeAdmin adds administration: users, teams, topics, settings,
	// channels, templates, customer sync. Only admins hold it.
	ScopeAdmin TokenScope = "admin"
)

// TokenScopes lists the scopes, narrowest first.
var TokenScopes = []TokenScope{ScopeRead, ScopeContact, ScopeAdmin}

// Valid reports whether s is a known scope.
func (s TokenScope) Valid() bool { return slices.Contains(TokenScopes, s) }

// Allows reports whether a token of scope s may make a request that needs
// scope need.
func (s TokenScope) Allows(need TokenScope) bool {
	return s.Valid() && slices.Index(TokenScopes, s) >= slices.Index(TokenScopes, need)
}

// MaxScope is the widest scope u may give a token: admin for admins,
// contact for everyone else.
func MaxScope(u *User) TokenScope {
	if u.IsAdmin() {
		return ScopeAdmin
	}
	return ScopeContact
}

// APIToken is a bearer token of a user; the secret itself is never stored.
type APIToken struct {
	ID        int64      `json:"id"`
	UserID    int64      `json:"user_id"`
	Name      string     `json:"name"`
	Scope     TokenScope `json:"scope"`
	CreatedAt time.Time  `json:"created_at"`
	// ExpiresAt is when the token stops working; nil: never.
	ExpiresAt *time.Time `json:"expires_at"`
	// Expired is set on load when ExpiresAt has passed.
	Expired    bool       `json:"expired"`
	LastUsedAt *time.Time `json:"last_used_at"`
	// LastUsedIP is the client address of the latest use ("" before any).
	LastUsedIP string `json:"last_used_ip"`
}

// ExpiredAt reports whether the token no longer works at t.
func (t *APIToken) ExpiredAt(at time.Time) bool {
	return t.ExpiresAt != nil && !at.Before(*t.ExpiresAt)
}
