package web_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"touchbase/internal/jobs"
	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
)

// startWorkers runs the bulk workers (River) for the test, as serve does.
func (e *env) startWorkers(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	must(t, jobs.Migrate(ctx, e.store))
	must(t, e.app.Queue.Start(ctx))
	t.Cleanup(func() {
		sctx, stop := context.WithTimeout(context.Background(), 20*time.Second)
		defer stop()
		e.app.Queue.Stop(sctx) //nolint:errcheck
	})
}

// bulkFixture adds to Acme (served by agent1) the awkward contacts a bulk
// send must skip, a do-not-contact customer of agent1's, and a contact of
// Initech, which agent1 may not see.
type bulkFixture struct {
	wang, li, noAddr, dup, dnc, hidden *model.Contact
}

func (e *env) bulkFixture() bulkFixture {
	e.t.Helper()
	ctx := context.Background()
	f := bulkFixture{wang: e.contactNamed(e.acme.ID, "王小明"), li: e.contactNamed(e.acme.ID, "Li Lei")}
	dncCustomer := &model.Customer{Code: "C009", Name: "勿扰公司", RepID: &e.agent1.ID, DoNotContact: true}
	must(e.t, e.store.CreateCustomer(ctx, dncCustomer))
	f.noAddr = &model.Contact{CustomerID: e.acme.ID, Name: "无地址"}
	f.dup = &model.Contact{CustomerID: e.acme.ID, Name: "重复号码", Mobile: "+8613812345678"}
	f.dnc = &model.Contact{CustomerID: dncCustomer.ID, Name: "勿扰联系人", Mobile: "+8613700000001"}
	f.hidden = &model.Contact{CustomerID: e.initec.ID, Name: "看不见", Mobile: "+8613700000002"}
	for _, c := range []*model.Contact{f.noAddr, f.dup, f.dnc, f.hidden} {
		must(e.t, e.store.CreateContact(ctx, c))
	}
	return f
}

// ids writes contacts' ids as the wizard's "ticked" field does.
func ids(cs ...*model.Contact) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprint(c.ID)
	}
	return strings.Join(parts, ",")
}

// wizard returns the wizard's form: an SMS sent now, with over on top.
func wizard(over url.Values) url.Values {
	v := url.Values{"title": {"续费提醒"}, "channels": {"sms"}, "sms_text": {"{{contact.name}}您好，续费提醒。"}, "when": {"now"},
		"mode": {"ticked"}}
	for k, vs := range over {
		v[k] = vs
	}
	return v
}

// bulkSends returns every stored bulk send.
func (e *env) bulkSends() []*model.BulkSend {
	e.t.Helper()
	bs, err := e.store.ListBulkSends(context.Background(), permission.Policy{Admin: true}, 0, 200)
	must(e.t, err)
	return bs
}

// recipients returns a send's recipient rows.
func (e *env) recipients(id int64) []*model.BulkRecipient {
	e.t.Helper()
	rs, err := e.store.ListRecipients(context.Background(), id, storage.RecipientFilter{Limit: 1000})
	must(e.t, err)
	return rs
}

// waitBulk waits until a send reaches status.
func (e *env) waitBulk(id int64, status string) *model.BulkSend {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		b, err := e.store.BulkSendByID(context.Background(), permission.Policy{Admin: true}, id)
		must(e.t, err)
		if b.Status == status {
			return b
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("bulk send %d is %s, want %s: %+v", id, b.Status, status, b.Counts)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// created returns the id of the send a successful POST /bulk redirected to.
func created(t *testing.T, res response) int64 {
	t.Helper()
	var id int64
	if res.status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", res.status, res.body)
	}
	if _, err := fmt.Sscanf(res.header.Get("Location"), "/bulk/%d", &id); err != nil {
		t.Fatalf("create went to %q", res.header.Get("Location"))
	}
	return id
}

// sse reads Server-Sent Events from a live response.
type sse struct {
	t   *testing.T
	res *http.Response
	r   *bufio.Reader
}

// stream opens an event stream as the signed-in client.
func (c *client) stream(path string) *sse {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	req.Header.Set("Accept", "text/event-stream")
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	c.t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		c.t.Fatalf("GET %s: %d %q", path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	return &sse{t: c.t, res: res, r: bufio.NewReader(res.Body)}
}

// next returns the next event's name and data, skipping comments and the
// retry field; it fails the test after timeout.
func (s *sse) next(timeout time.Duration) (string, string) {
	s.t.Helper()
	type ev struct {
		name, data string
		err        error
	}
	got := make(chan ev, 1)
	go func() {
		var e ev
		for {
			line, err := s.r.ReadString('\n')
			if err != nil {
				e.err = err
				got <- e
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "" && e.name != "":
				got <- e
				return
			case strings.HasPrefix(line, "event: "):
				e.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				e.data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	select {
	case e := <-got:
		if e.err != nil {
			s.t.Fatalf("event stream ended: %v", e.err)
		}
		return e.name, e.data
	case <-time.After(timeout):
		s.res.Body.Close()
		s.t.Fatalf("no event within %s", timeout)
	}
	return "", ""
}
