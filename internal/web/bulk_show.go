package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// recipientsShown is the page size of a bulk send's drill-down.
const recipientsShown = 50

// drillStatuses are the drill-down's tabs ("" is every recipient).
var drillStatuses = []string{"", model.RecipientPending, model.RecipientSent, model.RecipientFailed, model.RecipientSkipped,
	model.DeliveryDelivered, model.DeliveryUndelivered, model.DeliveryAwaiting, model.DeliveryNoReceipt, model.RecipientHeld,
	model.RecipientAwaiting}

// deliveryStatuses are the tabs of what receipts said of sent recipients.
var deliveryStatuses = []string{model.DeliveryDelivered, model.DeliveryUndelivered, model.DeliveryAwaiting, model.DeliveryNoReceipt}

// bulkShowData is the data of a bulk send's page.
type bulkShowData struct {
	base
	Send       *model.BulkSend
	Topics     []*model.Topic
	Selection  []selectionPart
	CanManage  bool // its operator or an admin: may cancel and retry
	CanDecide  bool // an approver of a send that waits for approval
	Errors     model.ValidationErrors
	Comment    string // the approver's comment, shown again with an error
	Status     string
	Channel    string
	Recipients []*model.BulkRecipient
	After      int64  // the drill-down page starts after this recipient
	Next       string // link to the next drill-down page, "" at the end
	// WeComTasks are the send's WeCom tasks, one per sending member, and
	// RemindersLeft the reminders it may still give today.
	WeComTasks    []*model.WeComTask
	RemindersLeft int
}

// Unconfirmed counts the WeCom tasks waiting for their member.
func (d bulkShowData) Unconfirmed() int {
	n := 0
	for _, t := range d.WeComTasks {
		if t.State == model.WeComTaskWaiting && t.ConfirmedAt == nil {
			n++
		}
	}
	return n
}

// selectionPart is one line of "who it went to".
type selectionPart struct {
	Key   string // catalog key
	Value string
}

// ReasonText words a failure reason in the page's language.
func (d bulkShowData) ReasonText(code string) string { return bulkReasonText(d.Lang, "", code) }

// Live reports whether the send is still to deliver.
func (d bulkShowData) Live() bool { return isLive(d.Send) }

// Due reports whether a scheduled send's time has come (it starts in a
// moment).
func (d bulkShowData) Due() bool { return !d.Send.ScheduledAt.After(time.Now()) }

// Done counts the recipients in a final state.
func (d bulkShowData) Done() int {
	c := d.Send.Counts
	return c.Sent + c.Failed + c.Skipped
}

// Percent is how much of the send is done.
func (d bulkShowData) Percent() int {
	if d.Send.Counts.Total == 0 {
		return 100
	}
	return d.Done() * 100 / d.Send.Counts.Total
}

// Drill returns the link to the recipients of one status ("" for all).
func (d bulkShowData) Drill(status string) string {
	return d.link(status, d.Channel, 0)
}

// DrillChannel returns the link to the recipients of one channel.
func (d bulkShowData) DrillChannel(ch string) string { return d.link(d.Status, ch, 0) }

// Export returns the CSV link of the drill-down as shown.
func (d bulkShowData) Export() string {
	return withQuery("/bulk/"+strconv.FormatInt(d.Send.ID, 10)+"/recipients.csv", d.query(d.Status, d.Channel, 0))
}

// Statuses are the drill-down's tabs of sending.
// Held recipients have a tab of their own while there are any.
func (d bulkShowData) Statuses() []string {
	out := drillStatuses[:5:5]
	if d.Send.Counts.Held > 0 || d.Status == model.RecipientHeld {
		out = append(out, model.RecipientHeld)
	}
	if d.Send.Counts.Awaiting > 0 || d.Status == model.RecipientAwaiting {
		out = append(out, model.RecipientAwaiting)
	}
	return out
}

// DeliveryStatuses are the tabs of delivery, shown once receipts are
// expected (a provider with receipts took part of the send).
func (d bulkShowData) DeliveryStatuses() []string {
	c := d.Send.Counts
	if c.Delivered+c.Undelivered+c.AwaitingReceipt+c.NoReceipt == 0 {
		return nil
	}
	return deliveryStatuses
}

// Count is the number of recipients of a drill-down tab.
func (d bulkShowData) Count(status string) int {
	c := d.Send.Counts
	switch status {
	case model.RecipientPending:
		return c.Pending
	case model.RecipientSent:
		return c.Sent
	case model.RecipientFailed:
		return c.Failed
	case model.RecipientSkipped:
		return c.Skipped
	case model.RecipientHeld:
		return c.Held
	case model.RecipientAwaiting:
		return c.Awaiting
	case model.DeliveryDelivered:
		return c.Delivered
	case model.DeliveryUndelivered:
		return c.Undelivered
	case model.DeliveryAwaiting:
		return c.AwaitingReceipt
	case model.DeliveryNoReceipt:
		return c.NoReceipt
	}
	return c.Total
}

func (d bulkShowData) query(status, ch string, after int64) url.Values {
	v := url.Values{}
	if status != "" {
		v.Set("status", status)
	}
	if ch != "" {
		v.Set("channel", ch)
	}
	if after > 0 {
		v.Set("after", strconv.FormatInt(after, 10))
	}
	return v
}

func (d bulkShowData) link(status, ch string, after int64) string {
	return withQuery("/bulk/"+strconv.FormatInt(d.Send.ID, 10), d.query(status, ch, after))
}

// bulkShow shows a bulk send: its progress (live while it runs), its
// content and, below, the recipients of the status asked for with the
// reason of each failure or skip. htmx gets the drill-down alone when it
// is the target, or the whole main part when the send changed state.
func (h *handler) bulkShow(w http.ResponseWriter, r *http.Request) {
	d, err := h.bulkSend(w, r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	switch target := r.Header.Get("HX-Target"); {
	case isHTMX(r) && target == "bulk-recipients":
		h.fragment(w, r, http.StatusOK, "bulk_recipients", d)
	case isHTMX(r) && target == "bulk-main":
		h.fragment(w, r, http.StatusOK, "bulk_main", d)
	default:
		h.render(w, r, http.StatusOK, "bulk_show.html", d)
	}
}

// bulkSend loads a bulk send the user may see and the drill-down page the
// query asks for.
func (h *handler) bulkSend(w http.ResponseWriter, r *http.Request) (bulkShowData, error) {
	ctx, id := r.Context(), identity(r)
	bid, ok := pathID(r, "id")
	if !ok {
		return bulkShowData{}, model.ErrNotFound
	}
	b, err := h.app.Bulk.Get(ctx, id.Policy, bid)
	if err != nil {
		return bulkShowData{}, err
	}
	d := bulkShowData{base: h.base(w, r, "bulk", "bulk.records"), Send: b,
		CanManage: id.User.IsAdmin() || b.UserID != nil && *b.UserID == id.User.ID}
	d.Title = b.Title
	if d.CanDecide, err = h.app.Bulk.CanDecide(ctx, id.Policy, id.User, b); err != nil {
		return d, err
	}
	in := r.URL.Query()
	if s := in.Get("status"); slices.Contains(drillStatuses, s) {
		d.Status = s
	}
	if ch := in.Get("channel"); slices.Contains(b.Channels(), ch) {
		d.Channel = ch
	}
	d.After, _ = strconv.ParseInt(in.Get("after"), 10, 64)
	rows, err := h.app.Bulk.Recipients(ctx, id.Policy, b.ID, storage.RecipientFilter{Status: d.Status, Channel: d.Channel,
		AfterID: max(d.After, 0), Limit: recipientsShown + 1})
	if err != nil {
		return d, err
	}
	if len(rows) > recipientsShown {
		rows = rows[:recipientsShown]
		d.Next = d.link(d.Status, d.Channel, rows[len(rows)-1].ID)
	}
	d.Recipients = rows
	if slices.Contains(b.Channels(), model.ChannelWeCom) {
		if d.WeComTasks, d.RemindersLeft, err = h.app.Bulk.WeComTasks(ctx, id.Policy, b.ID); err != nil {
			return d, err
		}
	}
	topics, err := h.topicIndex(ctx)
	if err != nil {
		return d, err
	}
	d.Topics = topics.Of(b.TopicIDs)
	var sel storage.RecipientSelection
	if json.Unmarshal([]byte(b.Selection), &sel) == nil {
		d.Selection, err = h.describeSelection(r, sel, topics)
	}
	return d, err
}

// describeSelection says who a send was for: the number of contacts
// ticked, or the filter every recipient matched.
func (h *handler) describeSelection(r *http.Request, sel storage.RecipientSelection, topics topicIndex) ([]selectionPart, error) {
	if len(sel.ContactIDs) > 0 {
		return []selectionPart{{Key: "bulk.sel_ticked", Value: formatInt(len(sel.ContactIDs))}}, nil
	}
	parts := []selectionPart{}
	add := func(key, value string) {
		if value != "" {
			parts = append(parts, selectionPart{Key: key, Value: value})
		}
	}
	add("bulk.f_q", sel.Query)
	add("bulk.f_level", sel.Level)
	add("bulk.f_industry", sel.Industry)
	if sel.TeamID != 0 || sel.RepID != 0 {
		teams, err := h.app.Admin.Teams(r.Context())
		if err != nil {
			return nil, err
		}
		for _, t := range teams {
			if t.ID == sel.TeamID {
				add("bulk.f_team", t.Name)
			}
		}
		if sel.RepID != 0 {
			if u, err := h.app.Store.UserByID(r.Context(), sel.RepID); err == nil {
				add("bulk.f_rep", u.Name())
			}
		}
	}
	if t := topics[sel.TopicID]; t != nil {
		add("bulk.f_topic", t.Label(h.lang(r)))
	}
	if sel.HasMobile {
		add("bulk.f_has", h.t(r, "bulk.has_mobile"))
	}
	if sel.HasEmail {
		add("bulk.f_has", h.t(r, "bulk.has_email"))
	}
	if len(parts) == 0 {
		add("bulk.sel_all", h.t(r, "bulk.sel_everyone"))
	}
	return parts, nil
}
