package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// SessionLimits bound a browser session: it ends after Idle without use
// (each use moves the end on) and Max after the login, used or not.
type SessionLimits struct {
	Idle, Max time.Duration
}

// DefaultSessionLimits are 14 days without use and 30 days in all.
var DefaultSessionLimits = SessionLimits{Idle: 14 * 24 * time.Hour, Max: 30 * 24 * time.Hour}

// Errors of Login.
var (
	ErrBadCredentials = errors.New("auth: wrong username or password")
	// ErrThrottled is matched by every *ThrottledError.
	ErrThrottled = errors.New("auth: too many failed logins, try again later")
)

// ThrottledError refuses a login attempt made too soon; RetryAfter says
// when the next one will be heard.
type ThrottledError struct {
	RetryAfter time.Duration
	// ByAddress is set when the client address's ceiling refused it,
	// rather than the pair's delay.
	ByAddress bool
}

// Error implements error.
func (e *ThrottledError) Error() string { return ErrThrottled.Error() }

// Seconds is the wait in whole seconds, at least 1 (for Retry-After).
func (e *ThrottledError) Seconds() int {
	return max(1, int((e.RetryAfter+time.Second-1)/time.Second))
}

// Is makes errors.Is(err, ErrThrottled) hold.
func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }

// Reasons of failed logins, given to the OnLoginFailure hook.
const (
	FailUnknownUser   = "unknown_user"
	FailWrongPassword = "wrong_password"
	FailInactive      = "inactive"
	FailThrottled     = "throttled"
	FailAddressLimit  = "address_limit"
)

// Service authenticates users.
type Service struct {
	store    *storage.Store
	limits   SessionLimits
	throttle Throttle
	now      func() time.Time
	onFail   func(reason string)
}

// NewService returns a Service on store whose sessions keep to limits
// (a zero limit takes its default) and whose logins are throttled by
// DefaultThrottle.
func NewService(store *storage.Store, limits SessionLimits) *Service {
	if limits.Idle <= 0 {
		limits.Idle = DefaultSessionLimits.Idle
	}
	if limits.Max <= 0 {
		limits.Max = DefaultSessionLimits.Max
	}
	return &Service{store: store, limits: limits, throttle: DefaultThrottle, now: time.Now}
}

// SetThrottle replaces the login throttling rules and the clock they read
// (nil keeps time.Now), for tests and tools.
func (s *Service) SetThrottle(t Throttle, now func() time.Time) {
	s.throttle = t
	if now != nil {
		s.now = now
	}
}

// OnLoginFailure calls fn with the reason of every refused login (one of
// the Fail… constants), for metrics.
func (s *Service) OnLoginFailure(fn func(reason string)) { s.onFail = fn }

func (s *Service) failed(reason string) {
	if s.onFail != nil {
		s.onFail(reason)
	}
}

// Login checks a username and password from client address ip. It
// returns a *ThrottledError (errors.Is ErrThrottled) when the pair
// (username, ip) must still wait after its failures or ip failed too
// often across all usernames, and ErrBadCredentials on a mismatch (also
// for unknown or inactive users). Failures of one pair never refuse
// another: the right password from another address always gets in.
func (s *Service) Login(ctx context.Context, username, password, ip string) (*model.User, error) {
	// A name that is not valid text (a NUL, a broken byte) belongs to nobody
	// — names are checked when users are made — and never reaches the
	// database as it stands; its failure counts under the text it holds.
	key := throttleKey(username)
	t := s.now()
	st, err := s.store.LoginState(ctx, key, ip, t.Add(-s.throttle.AddressWindow))
	if err != nil {
		return nil, err
	}
	if wait := st.RetryAt.Sub(t); wait > 0 {
		s.failed(FailThrottled)
		return nil, &ThrottledError{RetryAfter: wait}
	}
	if st.IPFailures >= s.throttle.AddressCeiling {
		s.failed(FailAddressLimit)
		return nil, &ThrottledError{RetryAfter: max(time.Second, st.IPOldest.Add(s.throttle.AddressWindow).Sub(t)), ByAddress: true}
	}
	var u *model.User
	err = model.ErrNotFound
	if model.IsText(username) {
		u, err = s.store.UserByUsername(ctx, username)
	}
	ok, reason := false, FailUnknownUser
	switch {
	case err == nil && u.Active && u.PasswordHash != "":
		if ok, err = CheckPassword(u.PasswordHash, password); err != nil {
			return nil, err
		}
		reason = FailWrongPassword
	case err != nil && !errors.Is(err, model.ErrNotFound):
		return nil, err
	default:
		if err == nil {
			reason = FailInactive
		}
		// Spend the same time as a real check so unknown names are not revealed.
		_, _ = CheckPassword(dummyHash, password)
	}
	if !ok {
		if _, err := s.store.RecordLoginFailure(ctx, key, ip, t, s.throttle.Forget, s.throttle.Delay); err != nil {
			return nil, err
		}
		s.failed(reason)
		return nil, ErrBadCredentials
	}
	if err := s.store.RecordLoginSuccess(ctx, key, ip, t); err != nil {
		return nil, err
	}
	return u, nil
}

// RecentLoginFailures lists, for admins, the usernames and addresses that
// failed to log in within the last week, the latest first.
func (s *Service) RecentLoginFailures(ctx context.Context, limit int) ([]model.LoginFailure, error) {
	return s.store.RecentLoginFailures(ctx, s.now().Add(-FailureKeep), limit)
}

// dummyHash is a valid hash of a random password, checked against when the
// user does not exist.
var dummyHash, _ = HashPassword(RandomPassword(16))

// StartSession creates a session for u and returns its secret id (for the
// cookie) and the session with its CSRF token. The session the browser
// held before (replaces: its cookie's id, "" for none) ends, so a login
// always gets a new id and never leaves an earlier one alive.
func (s *Service) StartSession(ctx context.Context, u *model.User, replaces string) (string, *model.Session, error) {
	if replaces != "" {
		if err := s.EndSession(ctx, replaces); err != nil {
			return "", nil, err
		}
	}
	id := newSecret()
	t := time.Now()
	sess := &model.Session{UserID: u.ID, CSRFToken: newSecret(), ExpiresAt: t.Add(min(s.limits.Idle, s.limits.Max))}
	if err := s.store.CreateSession(ctx, hashSecret(id), sess); err != nil {
		return "", nil, err
	}
	sess.EndsAt = sess.CreatedAt.Add(s.limits.Max)
	return id, sess, nil
}

// Session returns the session and user behind a cookie's secret id. Use
// moves the idle expiry on (written at most every slideStep), never past
// the session's absolute end.
func (s *Service) Session(ctx context.Context, id string) (*model.Session, *model.User, error) {
	if id == "" {
		return nil, nil, model.ErrUnauthenticated
	}
	h := hashSecret(id)
	t := time.Now()
	sess, err := s.store.SessionByHash(ctx, h, t.Add(-s.limits.Max))
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil, model.ErrUnauthenticated
	}
	if err != nil {
		return nil, nil, err
	}
	u, err := s.store.UserByID(ctx, sess.UserID)
	if err != nil {
		return nil, nil, err
	}
	sess.EndsAt = sess.CreatedAt.Add(s.limits.Max)
	if next := minTime(t.Add(s.limits.Idle), sess.EndsAt); next.Sub(sess.ExpiresAt) > s.slideStep() {
		sess.ExpiresAt = next
		if err := s.store.ExtendSession(ctx, h, sess.ExpiresAt); err != nil {
			return nil, nil, err
		}
	}
	return sess, u, nil
}

// slideStep is how far a session's expiry must move before it is written:
// an hour, less for short idle limits.
func (s *Service) slideStep() time.Duration { return min(time.Hour, s.limits.Idle/4) }

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// EndSession logs a session out.
func (s *Service) EndSession(ctx context.Context, id string) error {
	return s.store.DeleteSession(ctx, hashSecret(id))
}

// SignOutEverywhere ends every session of a user, the caller's own
// included, and with tokens revokes every API token of theirs.
func (s *Service) SignOutEverywhere(ctx context.Context, userID int64, tokens bool) (model.SignOut, error) {
	return s.store.SignOutUser(ctx, userID, tokens)
}

// SweepExpired deletes the sessions that have ended, the API tokens that
// expired more than TokenKeep ago and the failed logins older than
// FailureKeep.
func (s *Service) SweepExpired(ctx context.Context) (sessions, tokens int64, err error) {
	t := time.Now()
	if sessions, err = s.store.DeleteExpiredSessions(ctx, t.Add(-s.limits.Max)); err != nil {
		return 0, 0, err
	}
	if tokens, err = s.store.DeleteExpiredAPITokens(ctx, t.Add(-TokenKeep)); err != nil {
		return 0, 0, err
	}
	_, err = s.store.DeleteLoginFailures(ctx, t.Add(-FailureKeep))
	return sessions, tokens, err
}

// CheckCSRF reports whether a submitted token matches the session's.
func CheckCSRF(sess *model.Session, submitted string) bool {
	return sess != nil && submitted != "" && subtle.ConstantTimeCompare([]byte(sess.CSRFToken), []byte(submitted)) == 1
}
