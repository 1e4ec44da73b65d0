package web

import (
	"net/http"
	"slices"
	"time"

	"touchbase/internal/message"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// recipientsPerPage is the page size of the recipient picker.
const recipientsPerPage = 50

// bulkWizardData is the data of the bulk contact wizard (批量联系).
type bulkWizardData struct {
	base
	Form       bulkForm
	Errors     model.ValidationErrors
	Topics     []*model.Topic // active ones, to tick in the content
	TopicIdx   topicIndex     // every topic, for the picker's last-topic column
	AllTopics  []*model.Topic // for the picker's topic filter
	Fields     []string       // merge fields offered as chips
	Outbox     map[string]bool
	MinTime    string // the earliest schedule, in the user's time zone
	Pick       bulkPick
	Levels     []string
	Industries []string
	Teams      []*model.Team
	Reps       []*model.User
	Preview    *bulkPreview
	Review     *bulkReview
	SMS        *smsPick // the templates of a template SMS channel; nil: free text
	// WeCom is set when WeCom is connected: mass messages are offered.
	WeCom *weComOffer
}

// weComOffer says WeCom mass messages may be sent, and whether through
// the demo's simulated WeCom.
type weComOffer struct {
	Simulated bool
}

// weComOffer returns what the wizard says of WeCom: nil while it is not
// connected.
func (h *handler) weComOffer(r *http.Request) (*weComOffer, error) {
	ws, err := h.app.WeCom.Settings(r.Context())
	if err != nil || !ws.Configured {
		return nil, err
	}
	return &weComOffer{Simulated: ws.Config.Simulated}, nil
}

// bulkPick is one page of the recipient picker.
type bulkPick struct {
	Rows        []*storage.Candidate
	Total       int
	Page, Pages int
	From, To    int
}

// step is one entry of the wizard's step bar.
type step struct {
	Key   string
	Num   int
	State string // "done", "current" or ""
}

// Steps are the wizard's steps with their state.
func (d bulkWizardData) Steps() []step {
	cur := slices.Index(bulkSteps, d.Form.Step)
	out := make([]step, len(bulkSteps))
	for i, k := range bulkSteps {
		out[i] = step{Key: k, Num: i + 1}
		switch {
		case i < cur:
			out[i].State = "done"
		case i == cur:
			out[i].State = "current"
		}
	}
	return out
}

// TickedCSV is the ticked contacts as the form carries them.
func (d bulkWizardData) TickedCSV() string { return joinIDs(d.Form.Ticked) }

// ShownCSV is the contacts of the page shown.
func (d bulkWizardData) ShownCSV() string {
	ids := make([]int64, len(d.Pick.Rows))
	for i, c := range d.Pick.Rows {
		ids[i] = c.ContactID
	}
	return joinIDs(ids)
}

// IsTicked reports whether a contact is selected.
func (d bulkWizardData) IsTicked(id int64) bool {
	return d.Form.Mode == pickAll || slices.Contains(d.Form.Ticked, id)
}

// Selected is how many contacts the selection holds (the filter's total
// when every match is selected).
func (d bulkWizardData) Selected() int {
	if d.Form.Mode == pickAll {
		return d.Pick.Total
	}
	return len(d.Form.Ticked)
}

// newBulkWizard loads what every step needs: topics, channels kept in the
// outbox, the picker's filter choices and its page of contacts.
func (h *handler) newBulkWizard(w http.ResponseWriter, r *http.Request, f bulkForm) (bulkWizardData, error) {
	ctx := r.Context()
	// {{user.email}} is left out: bulk delivery does not fill it in.
	fields := slices.DeleteFunc(message.Fields(), func(f string) bool { return f == "user.email" })
	d := bulkWizardData{base: h.base(w, r, "bulk_new", "bulk.title"), Form: f, Fields: fields}
	d.MinTime = time.Now().In(d.Loc).Format(scheduleLayout)
	var err error
	if d.AllTopics, err = h.app.Admin.Topics(ctx, false); err != nil {
		return d, err
	}
	d.TopicIdx = make(topicIndex, len(d.AllTopics))
	for _, t := range d.AllTopics {
		d.TopicIdx[t.ID] = t
		if t.Active {
			d.Topics = append(d.Topics, t)
		}
	}
	settings, err := h.app.Channels.Settings(ctx)
	if err != nil {
		return d, err
	}
	d.Outbox = map[string]bool{}
	for _, s := range settings {
		d.Outbox[string(s.Kind)] = s.IsOutbox
	}
	if d.SMS, err = h.smsPick(ctx, f.SMSChoice); err != nil {
		return d, err
	}
	if d.WeCom, err = h.weComOffer(r); err != nil {
		return d, err
	}
	if d.Levels, err = h.app.Contacts.CustomerLevels(ctx); err != nil {
		return d, err
	}
	if d.Industries, err = h.app.Bulk.Industries(ctx); err != nil {
		return d, err
	}
	if d.Teams, err = h.app.Admin.Teams(ctx); err != nil {
		return d, err
	}
	if d.Reps, err = h.app.Admin.Users(ctx, storage.UserFilter{ActiveOnly: true}); err != nil {
		return d, err
	}
	if err := h.loadPick(r, &d); err != nil {
		return d, err
	}
	return d, h.bulkPreview(r, &d)
}

// loadPick loads the picker's page of contacts matching the filter.
func (h *handler) loadPick(r *http.Request, d *bulkWizardData) error {
	p := &d.Pick
	p.Page = d.Form.Page
	for {
		rows, total, err := h.app.Bulk.Candidates(r.Context(), identity(r).Policy, d.Form.Filter.selection(),
			recipientsPerPage, (p.Page-1)*recipientsPerPage)
		if err != nil {
			return err
		}
		p.Rows, p.Total = rows, total
		p.Pages = max(1, (total+recipientsPerPage-1)/recipientsPerPage)
		if p.Page <= p.Pages {
			break
		}
		p.Page = p.Pages // a page past the end (the filter narrowed): show the last
	}
	if p.Total > 0 {
		p.From = (p.Page-1)*recipientsPerPage + 1
		p.To = p.From + len(p.Rows) - 1
	}
	d.Form.Page = p.Page
	return nil
}

// bulkNew opens the wizard on its first step.
//
// Opened from the customer list's selection bar (?customer_ids=), the
// contacts of the ticked customers start ticked as its recipients.
func (h *handler) bulkNew(w http.ResponseWriter, r *http.Request) {
	if isHTMX(r) { // the customer list's selection bar: the wizard is a page, not a dialog
		h.redirect(w, r, r.URL.RequestURI())
		return
	}
	f := bulkForm{Step: stepContent, Mode: pickTicked, When: "now", Page: 1, Channels: []string{model.ChannelSMS}}
	ticked, err := h.contactsOfCustomers(r, formIDs(r, "customer_ids"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f.Ticked = ticked
	d, err := h.newBulkWizard(w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "bulk_new.html", d)
}

// contactsOfCustomers is the contacts of the customers ticked on the
// customer list (?customer_ids=), which the wizard opens with ticked as
// its recipients; a customer the user may not see is not found.
func (h *handler) contactsOfCustomers(r *http.Request, ids []int64) ([]int64, error) {
	var ticked []int64
	for i, cid := range ids {
		if i == maxPickedCustomers {
			break
		}
		cs, err := h.app.Contacts.Contacts(r.Context(), identity(r).Policy, cid)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			ticked = append(ticked, c.ID)
		}
	}
	return ticked, nil
}

// bulkStep answers the wizard's own buttons: moving to a step (forward
// only when the steps before it are valid), and in the recipient picker
// filtering, paging and selecting every match. htmx gets the whole wizard,
// or only the picker's results when they are the target.
func (h *handler) bulkStep(w http.ResponseWriter, r *http.Request) {
	f := readBulkForm(r)
	switch r.FormValue("select") {
	case pickAll:
		f.Mode = pickAll
	case pickTicked:
		f.Mode = pickTicked
	case "clear":
		f.Mode, f.Ticked = pickTicked, nil
	}
	if isHTMX(r) && r.Header.Get("HX-Target") == "recipient-results" {
		d := bulkWizardData{base: h.base(w, r, "bulk_new", "bulk.title"), Form: f}
		var err error
		if d.TopicIdx, err = h.topicIndex(r.Context()); err != nil {
			h.fail(w, r, err)
			return
		}
		if err := h.loadPick(r, &d); err != nil {
			h.fail(w, r, err)
			return
		}
		h.fragment(w, r, http.StatusOK, "bulk_recipient_results", d)
		return
	}
	to := r.FormValue("goto")
	if !slices.Contains(bulkSteps, to) {
		to = f.Step
	}
	d, err := h.newBulkWizard(w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.advance(r, &d, to); err != nil {
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if len(d.Errors) > 0 {
		status = http.StatusBadRequest
	}
	h.view(w, r, status, "bulk_new.html", "bulk_wizard", d)
}

// advance moves the wizard to step to. Going back is always allowed; going
// forward checks the steps before: the content, then the selection. The
// wizard stops at the first step with an error.
func (h *handler) advance(r *http.Request, d *bulkWizardData, to string) error {
	d.Form.Step = to
	if to == stepContent {
		return nil
	}
	in, errs, chosen, err := h.checkBulk(r, d.Form, d.Loc)
	if err != nil {
		return err
	}
	if to == stepReview && !chosen {
		errs.Add("recipients", "required", "choose at least one contact")
	}
	first := "" // the first step with an error that blocks the way to step to
	for _, e := range errs {
		s := stepOf(e.Field)
		if s == stepRecipients && to != stepReview {
			continue
		}
		if first == "" || s == stepContent {
			first = s
		}
	}
	if first != "" {
		d.Errors, d.Form.Step = errs, first
		return nil
	}
	if to != stepReview {
		return nil
	}
	return h.bulkReview(r, d, in)
}
