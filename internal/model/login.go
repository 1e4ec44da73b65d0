package model

import "time"

// LoginFailure is what is known of the failed logins of one username (as
// typed, lower-cased) from one client address.
type LoginFailure struct {
	Username string `json:"username"`
	IP       string `json:"ip"`
	// Streak counts the failures since the pair's last success; it sets
	// the wait before its next attempt.
	Streak int `json:"streak"`
	// Total counts every failure the pair had since FirstFailedAt.
	Total         int       `json:"total"`
	FirstFailedAt time.Time `json:"first_failed_at"`
	LastFailedAt  time.Time `json:"last_failed_at"`
	// RetryAt, when set, is the earliest the pair may try again.
	RetryAt *time.Time `json:"retry_at,omitempty"`
	// SucceededAt is the pair's last successful login, if any.
	SucceededAt *time.Time `json:"succeeded_at,omitempty"`
}

// SignedInAfter reports whether the pair logged in after its last failure.
func (f LoginFailure) SignedInAfter() bool {
	return f.SucceededAt != nil && f.SucceededAt.After(f.LastFailedAt)
}
