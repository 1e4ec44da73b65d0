package auth

import (
	"strings"
	"time"
	"unicode/utf8"

	"touchbase/internal/model"
)

// Throttle are the rules that slow down password guessing without ever
// locking anyone out. Failures count per (username, client address): after
// FreeFailures of them the pair waits FirstDelay before its next attempt,
// then twice as long after each further failure, up to MaxDelay; a success
// ends the streak, and a streak quiet for Forget starts again. Across all
// usernames, an address with AddressCeiling failures within AddressWindow
// is refused until they age out. The right password from an address that
// did not fail always gets in.
type Throttle struct {
	FreeFailures   int
	FirstDelay     time.Duration
	MaxDelay       time.Duration
	Forget         time.Duration
	AddressCeiling int
	AddressWindow  time.Duration
}

// DefaultThrottle: three free failures, then 1 s, 2 s, 4 s … up to 5
// minutes per pair; 100 failures per address in 15 minutes.
var DefaultThrottle = Throttle{
	FreeFailures:   3,
	FirstDelay:     time.Second,
	MaxDelay:       5 * time.Minute,
	Forget:         time.Hour,
	AddressCeiling: 100,
	AddressWindow:  15 * time.Minute,
}

// FailureKeep is how long failed logins stay listed for admins.
const FailureKeep = 7 * 24 * time.Hour

// Delay is the wait a pair's streak of failures imposes on its next attempt.
func (t Throttle) Delay(streak int) time.Duration {
	n := streak - t.FreeFailures
	if n <= 0 {
		return 0
	}
	d := t.FirstDelay
	for i := 1; i < n && d < t.MaxDelay; i++ {
		d *= 2
	}
	return min(d, t.MaxDelay)
}

// maxKeyRunes bounds the username a failure is counted under.
const maxKeyRunes = 100

// throttleKey is the username failures count under: lower-cased, made
// valid text and cut to maxKeyRunes.
func throttleKey(username string) string {
	k := strings.ToLower(model.TextOnly(strings.TrimSpace(username)))
	if utf8.RuneCountInString(k) > maxKeyRunes {
		k = string([]rune(k)[:maxKeyRunes])
	}
	return k
}
