package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/permission"
	"touchbase/internal/storage"
	"touchbase/internal/storage/storetest"
	"touchbase/internal/testutil/fakewecom"
	"touchbase/internal/wecom"
)

// TestSingleContactByWeCom: the contact dialog offers WeCom once it is
// connected, says why it cannot reach a contact without WeChat, sends a
// rep's message as a task of the rep's member with merge fields filled,
// says it waits for the rep's confirmation (and that the plan completes
// when it goes), lists it as awaiting with a withdraw button; withdrawn,
// it is cancelled at WeCom; a second one the rep confirmed before
// withdrawing is settled as sent, with its record.
func TestSingleContactByWeCom(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		wang := e.contactNamed(e.acme.ID, "王小明")
		dialog := "/customers/" + strconv.FormatInt(e.acme.ID, 10) + "/contact"
		agent := e.signedIn(t, e.agent1)
		if res := agent.get(dialog + "?contact_id=" + strconv.FormatInt(wang.ID, 10)); res.status != 200 || strings.Contains(res.body, `id="ch-wecom"`) {
			t.Fatalf("dialog before WeCom is connected: %d, offers WeCom %v", res.status, strings.Contains(res.body, `id="ch-wecom"`))
		}
		fake := e.connectWeCom(t, "agent1", e.agent1, "wmWANG", wang)

		cts, err := e.app.Contacts.Contacts(ctx, permission.Policy{Admin: true}, e.acme.ID)
		must(t, err)
		for _, c := range cts {
			if c.ID == wang.ID {
				continue
			}
			res := agent.get(dialog + "?contact_id=" + strconv.FormatInt(c.ID, 10))
			if !strings.Contains(res.body, `id="wecom-blocked"`) || !strings.Contains(res.body, "未添加企业微信") {
				t.Fatalf("contact %s without WeChat: WeCom not shown blocked", c.Name)
			}
			break
		}
		res := agent.get(dialog + "?contact_id=" + strconv.FormatInt(wang.ID, 10))
		if !strings.Contains(res.body, `id="ch-wecom"`) || strings.Contains(res.body, `id="wecom-blocked"`) || !strings.Contains(res.body, `id="f-wecom_text"`) {
			t.Fatal("WeCom not offered for a contact the rep follows")
		}

		form := url.Values{"contact_id": {strconv.FormatInt(wang.ID, 10)}, "title": {"续费提醒"}, "channels": {"wecom"},
			"wecom_text": {"{{contact.name}}您好，服务下月到期。"}, "wecom_link_title": {"续费说明"}, "wecom_link_url": {"https://example.cn/renew"}}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("wecom_link_url", "ftp://example.cn")
		if res := agent.postDialog(dialog, bad); res.status != http.StatusBadRequest || !strings.Contains(res.body, "请填写以 http:// 或 https:// 开头的链接地址") {
			t.Fatalf("a bad link: %d", res.status)
		}
		if n := len(fake.GroupMsgs()); n != 0 {
			t.Fatalf("%d tasks after a refused form", n)
		}
		res = agent.postDialog(dialog, form)
		if res.status != 200 || !strings.Contains(res.body, `id="single-contact-done"`) || !strings.Contains(res.body, "请在企业微信中确认发送") ||
			!strings.Contains(res.body, `id="wecom-awaiting"`) {
			t.Fatalf("sent: %d\n%s", res.status, res.body)
		}
		msgs := fake.GroupMsgs()
		if len(msgs) != 1 || msgs[0].Sender != "agent1" || msgs[0].Text != "王小明您好，服务下月到期。" || len(msgs[0].Attachments) != 1 {
			t.Fatalf("tasks %+v", msgs)
		}
		if n := len(e.records()); n != 0 {
			t.Fatalf("%d records before the rep confirmed", n)
		}
		ds, err := s.DeliveriesOfContact(ctx, wang.ID, 1)
		must(t, err)
		withdraw := dialog + "/withdraw?delivery_id=" + strconv.FormatInt(ds[0].ID, 10)
		res = agent.get(dialog + "?contact_id=" + strconv.FormatInt(wang.ID, 10))
		if !strings.Contains(res.body, "待确认") || !strings.Contains(res.body, `id="withdraw-`+strconv.FormatInt(ds[0].ID, 10)+`"`) {
			t.Fatal("the waiting message is not listed with a withdraw button")
		}
		if r := e.signedIn(t, e.agent2).postDialog(dialog+"/withdraw?delivery_id="+strconv.FormatInt(ds[0].ID, 10), url.Values{"contact_id": form["contact_id"]}); r.status == 200 {
			t.Fatal("another rep withdrew the message")
		}
		res = agent.postDialog(withdraw, url.Values{"contact_id": form["contact_id"]})
		if res.status != 200 || !strings.Contains(res.header.Get("HX-Trigger"), "toast") || !fake.GroupMsgs()[0].Cancelled {
			t.Fatalf("withdraw: %d, cancelled at WeCom %v", res.status, fake.GroupMsgs()[0].Cancelled)
		}
		if d, _ := s.DeliveryByID(ctx, ds[0].ID); d.Status != model.DeliveryFailed {
			t.Fatalf("withdrawn message is %s", d.Status)
		}

		agent.postDialog(dialog, form)
		msgs = fake.GroupMsgs()
		ds, err = s.DeliveriesOfContact(ctx, wang.ID, 1)
		must(t, err)
		refresh := dialog + "/refresh?delivery_id=" + strconv.FormatInt(ds[0].ID, 10)
		res = agent.postDialog(refresh, url.Values{"contact_id": form["contact_id"]})
		if d, _ := s.DeliveryByID(ctx, ds[0].ID); res.status != 200 || d.Status != model.DeliveryConfirming ||
			!strings.Contains(res.body, `id="refresh-`+strconv.FormatInt(ds[0].ID, 10)+`"`) {
			t.Fatalf("refresh before the rep confirmed: %d, delivery %s", res.status, d.Status)
		}
		if !fake.Confirm(msgs[1].MsgID) {
			t.Fatal("the fake did not take the confirmation")
		}
		ds, err = s.DeliveriesOfContact(ctx, wang.ID, 1)
		must(t, err)
		agent.postDialog(dialog+"/withdraw?delivery_id="+strconv.FormatInt(ds[0].ID, 10), url.Values{"contact_id": form["contact_id"]})
		d, _ := s.DeliveryByID(ctx, ds[0].ID)
		recs := e.records()
		if d.Status != model.DeliverySent || len(recs) != 1 || recs[0].Channel != model.ChannelWeCom || recs[0].Title != "续费提醒" {
			t.Fatalf("confirmed before the withdraw: delivery %s, %d records", d.Status, len(recs))
		}

		// Confirmed, then refreshed: sent at once, with its record.
		agent.postDialog(dialog, form)
		if !fake.Confirm(fake.GroupMsgs()[2].MsgID) {
			t.Fatal("the fake did not take the third confirmation")
		}
		ds, err = s.DeliveriesOfContact(ctx, wang.ID, 1)
		must(t, err)
		agent.postDialog(dialog+"/refresh?delivery_id="+strconv.FormatInt(ds[0].ID, 10), url.Values{"contact_id": form["contact_id"]})
		if d, _ := s.DeliveryByID(ctx, ds[0].ID); d.Status != model.DeliverySent || d.RecordID == nil || len(e.records()) != 2 {
			t.Fatalf("refreshed after the rep confirmed: delivery %s, record %v, %d records", d.Status, d.RecordID, len(e.records()))
		}
	})
}

// connectWeCom connects WeCom to a new fake whose member follows one
// contact: member is user's, external the contact's WeChat identity,
// known to both the fake and the store. It returns the fake.
func (e *env) connectWeCom(t *testing.T, member string, user *model.User, external string, contact *model.Contact) *fakewecom.Server {
	t.Helper()
	ctx := context.Background()
	fake := fakewecom.New(t)
	fake.AddMember(fakewecom.Member{UserID: member, Name: user.Name(), Follow: true})
	fake.AddExternal(fakewecom.External{ID: external, Name: contact.Name, Follows: []fakewecom.Follow{{UserID: member}}})
	var cfg wecom.Config
	must(t, json.Unmarshal(fake.ConfigJSON(), &cfg))
	must(t, e.app.WeCom.Save(ctx, e.admin.ID, cfg))
	must(t, e.store.SaveWeComMembers(ctx, []model.WeComMember{{ID: member, Name: user.Name()}}))
	must(t, e.store.MapWeComMember(ctx, member, &user.ID, model.WeComMatchedByHand))
	must(t, e.store.SyncWeComFollows(ctx, member, []*model.WeComExternal{{ID: external, Name: contact.Name,
		Follows: []model.WeComFollow{{MemberID: member}}}}, time.Now()))
	must(t, e.store.MatchWeComExternal(ctx, external, &contact.ID, model.WeComMatchedByHand))
	return fake
}
