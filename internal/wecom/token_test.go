package wecom_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewecom"
	"touchbase/internal/testutil/pgtest"
)

// hammer makes n concurrent calls through each service and fails the
// test on any error.
func hammer(t *testing.T, n int, envs ...*env) {
	t.Helper()
	var wg sync.WaitGroup
	for _, e := range envs {
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.svc.Test(context.Background()); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
}

// TestOneTokenPerExpiry: many concurrent calls share one access token,
// fetched once; when WeCom says it expired (42001) or no longer knows it
// (40014), one new token is fetched for everybody and the calls succeed.
func TestOneTokenPerExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		fake := fakewecom.New(t)
		fake.AddMember(fakewecom.Member{UserID: "zhangsan", Name: "张三", Follow: true})
		e := newEnv(t, s, fake, false)
		hammer(t, 20, e)
		if n := fake.TokenFetches("contact"); n != 1 {
			t.Fatalf("%d gettoken calls for the contact secret, want 1", n)
		}
		fake.ExpireTokens()
		hammer(t, 20, e)
		fake.ForgetTokens()
		hammer(t, 20, e)
		if n := fake.TokenFetches("contact"); n != 3 {
			t.Fatalf("%d gettoken calls after an expiry and a reset, want 3", n)
		}
		// A token close to its end is replaced before WeCom refuses it.
		fake.SetTokenTTL(4 * time.Minute)
		fake.ForgetTokens()
		hammer(t, 1, e)
		hammer(t, 1, e)
		if n := fake.TokenFetches("contact"); n != 5 {
			t.Fatalf("%d gettoken calls, want a token of 4 minutes replaced at once (5)", n)
		}
	})
}

// TestTwoProcessesShareOneToken: two services with their own store
// connections on one PostgreSQL database, calling at once, fetch one
// token per expiry between them.
func TestTwoProcessesShareOneToken(t *testing.T) {
	url := pgtest.FreshDatabase(t)
	ctx := context.Background()
	fake := fakewecom.New(t)
	fake.AddMember(fakewecom.Member{UserID: "zhangsan", Name: "张三", Follow: true})
	var envs []*env
	for range 2 {
		s, err := storage.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		envs = append(envs, newEnv(t, s, fake, false))
	}
	hammer(t, 25, envs...)
	fake.ExpireTokens()
	hammer(t, 25, envs...)
	if n := fake.TokenFetches("contact"); n != 2 {
		t.Fatalf("%d gettoken calls by two processes over two expiries, want 2", n)
	}
	if n := fake.TokenFetches("agent"); n != 2 {
		t.Fatalf("%d gettoken calls for the application, want 2", n)
	}
}

// TestTransportErrorsKeepTheTokenSecret: a call that reaches no server
// fails with an error that does not quote the access token.
func TestTransportErrorsKeepTheTokenSecret(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		fake := fakewecom.New(t)
		e := newEnv(t, s, fake, false)
		cl, err := e.svc.Client(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cl.FollowUsers(context.Background()); err != nil {
			t.Fatal(err) // fetches and keeps a token
		}
		fake.Close()
		_, err = cl.FollowUsers(context.Background())
		if err == nil || strings.Contains(err.Error(), "access_token") {
			t.Fatalf("a call to a closed server: %v", err)
		}
	})
}
