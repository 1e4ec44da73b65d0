package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"touchbase/internal/auth"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
)

// clock is the settable time of a throttling test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// throttled returns a service with rules small enough to test: two free
// failures, then 1 s doubling up to 8 s; ceiling failures per address in
// a minute; and the reasons of its refusals.
func throttled(s *storage.Store, ceiling int) (*auth.Service, *clock, *[]string) {
	a := auth.NewService(s, auth.DefaultSessionLimits)
	c := &clock{t: time.Now().UTC().Truncate(time.Second)}
	a.SetThrottle(auth.Throttle{FreeFailures: 2, FirstDelay: time.Second, MaxDelay: 8 * time.Second,
		Forget: time.Hour, AddressCeiling: ceiling, AddressWindow: time.Minute}, c.now)
	var reasons []string
	a.OnLoginFailure(func(r string) { reasons = append(reasons, r) })
	return a, c, &reasons
}

func wantBad(t *testing.T, err error, what string) {
	t.Helper()
	if !errors.Is(err, auth.ErrBadCredentials) {
		t.Fatalf("%s: %v, want ErrBadCredentials", what, err)
	}
}

func wantWait(t *testing.T, err error, want time.Duration, byAddress bool, what string) {
	t.Helper()
	var te *auth.ThrottledError
	if !errors.As(err, &te) || !errors.Is(err, auth.ErrThrottled) {
		t.Fatalf("%s: %v, want a ThrottledError", what, err)
	}
	if te.RetryAfter != want || te.ByAddress != byAddress {
		t.Fatalf("%s: wait %v (by address %v), want %v (%v)", what, te.RetryAfter, te.ByAddress, want, byAddress)
	}
}

func TestThrottleDelay(t *testing.T) {
	th := auth.DefaultThrottle
	for streak, want := range map[int]time.Duration{0: 0, 3: 0, 4: time.Second, 5: 2 * time.Second, 6: 4 * time.Second,
		12: 256 * time.Second, 13: 5 * time.Minute, 40: 5 * time.Minute, 1000: 5 * time.Minute} {
		if got := th.Delay(streak); got != want {
			t.Errorf("Delay(%d) = %v, want %v", streak, got, want)
		}
	}
}

func TestLoginPairLockDoesNotRefuseOthers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a, _, reasons := throttled(s, 5)
		newUser(t, s, "agent1", "right password")
		newUser(t, s, "agent2", "second password")
		for i := 0; i < 3; i++ {
			_, err := a.Login(ctx, "Agent1", "guess", "203.0.113.1")
			wantBad(t, err, "failure")
		}
		// The pair must wait, even with the right password …
		_, err := a.Login(ctx, "agent1", "right password", "203.0.113.1")
		wantWait(t, err, time.Second, false, "the failing pair")
		// … but the same user from another address gets in at once,
		if u, err := a.Login(ctx, "agent1", "right password", "198.51.100.7"); err != nil || u.Username != "agent1" {
			t.Fatalf("right password from another address: %v", err)
		}
		// and so does another user from the failing address.
		if _, err := a.Login(ctx, "agent2", "second password", "203.0.113.1"); err != nil {
			t.Fatalf("another user from the failing address: %v", err)
		}
		want := []string{auth.FailWrongPassword, auth.FailWrongPassword, auth.FailWrongPassword, auth.FailThrottled}
		if len(*reasons) != len(want) {
			t.Fatalf("reasons %v, want %v", *reasons, want)
		}
		for i := range want {
			if (*reasons)[i] != want[i] {
				t.Fatalf("reasons %v, want %v", *reasons, want)
			}
		}
	})
}

func TestLoginDelaysGrow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a, c, _ := throttled(s, 100)
		newUser(t, s, "agent1", "right password")
		const ip = "203.0.113.2"
		for i := 0; i < 2; i++ {
			_, err := a.Login(ctx, "agent1", "guess", ip)
			wantBad(t, err, "free failure")
		}
		for _, wait := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second} {
			_, err := a.Login(ctx, "agent1", "guess", ip)
			wantBad(t, err, "failure")
			_, err = a.Login(ctx, "agent1", "right password", ip)
			wantWait(t, err, wait, false, "right after a failure")
			c.advance(wait / 2)
			_, err = a.Login(ctx, "agent1", "right password", ip)
			wantWait(t, err, wait-wait/2, false, "half-way")
			c.advance(wait - wait/2)
		}
		// Once the wait is over the right password gets in and ends the streak.
		if _, err := a.Login(ctx, "agent1", "right password", ip); err != nil {
			t.Fatalf("after the wait: %v", err)
		}
		_, err := a.Login(ctx, "agent1", "guess", ip)
		wantBad(t, err, "first failure of a new streak")
		c.advance(time.Second)
		if _, err := a.Login(ctx, "agent1", "right password", ip); err != nil {
			t.Fatalf("a new streak waits from its first failure: %v", err)
		}
		list, err := a.RecentLoginFailures(ctx, 10)
		if err != nil || len(list) != 1 {
			t.Fatalf("recent failures: %v %+v", err, list)
		}
		if f := list[0]; f.Username != "agent1" || f.IP != ip || f.Total != 8 || f.Streak != 0 || !f.SignedInAfter() || f.RetryAt != nil {
			t.Fatalf("listed %+v", f)
		}
	})
}

func TestLoginAddressCeiling(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a, c, reasons := throttled(s, 5)
		newUser(t, s, "agent1", "right password")
		const ip = "203.0.113.3"
		// A password spray: one guess at five names from one address.
		for _, name := range []string{"a", "b", "c", "d", "e"} {
			_, err := a.Login(ctx, name, "guess", ip)
			wantBad(t, err, "spray")
			c.advance(time.Second)
		}
		if got := (*reasons)[0]; got != auth.FailUnknownUser {
			t.Fatalf("reason of an unknown name: %s", got)
		}
		// The address is at its ceiling: refused until the oldest failure ages out.
		_, err := a.Login(ctx, "agent1", "right password", ip)
		wantWait(t, err, 55*time.Second, true, "at the ceiling")
		if (*reasons)[len(*reasons)-1] != auth.FailAddressLimit {
			t.Fatalf("reasons %v", *reasons)
		}
		if _, err := a.Login(ctx, "agent1", "right password", "198.51.100.9"); err != nil {
			t.Fatalf("another address: %v", err)
		}
		c.advance(55 * time.Second)
		if _, err := a.Login(ctx, "agent1", "right password", ip); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

func TestLoginFailuresSwept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := auth.NewService(s, auth.DefaultSessionLimits)
		_, err := a.Login(ctx, "nobody", "guess", "203.0.113.4")
		wantBad(t, err, "unknown user")
		if list, _ := a.RecentLoginFailures(ctx, 10); len(list) != 1 {
			t.Fatalf("listed %+v", list)
		}
		if _, err := s.DeleteLoginFailures(ctx, time.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if list, _ := a.RecentLoginFailures(ctx, 10); len(list) != 0 {
			t.Fatalf("after the sweep: %+v", list)
		}
	})
}
