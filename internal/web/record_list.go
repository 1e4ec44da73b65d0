package web

import (
	"errors"
	"net/http"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// recordsPerPage is the page size of the records list.
const recordsPerPage = 50

// recordListData is the data of the "All contact records" page and of its
// results fragment.
type recordListData struct {
	base
	Filter     recordFilter
	Records    []*model.Record
	Topics     topicIndex
	Newer      string // link to the newer page, "" on the first
	Older      string // link to the older page, "" on the last
	Customer   *model.Customer
	Contacts   []*model.Contact // of the chosen customer, for the contact filter
	TopicList  []*model.Topic
	Reps       []*model.User
	Teams      []*model.Team
	Channels   []string
	Sources    []string
	Statuses   []string
	Directions []string
	OOB        bool // the results also update the export links (htmx)
}

// recordList shows every contact record the user may see, newest first,
// filtered by the query string and paged by cursor (?after= for older
// records, ?before= for newer ones; never by offset). htmx requests from
// the filter bar get only the results.
func (h *handler) recordList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := recordListData{base: h.base(w, r, "records", "records.title"), Channels: recordChannels,
		Sources: model.Sources, Statuses: recordStatuses, Directions: model.Directions}
	d.Filter = parseRecordFilter(r.URL.Query(), d.Loc)
	if err := h.recordCustomer(r, &d); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.recordPage(r, &d); err != nil {
		h.fail(w, r, err)
		return
	}
	var err error
	if d.Topics, err = h.topicIndex(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	if isHTMX(r) && r.Header.Get("HX-Target") == "record-results" {
		d.OOB = true
		h.fragment(w, r, http.StatusOK, "record_results", d)
		return
	}
	if d.TopicList, err = h.app.Admin.Topics(ctx, false); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Reps, err = h.app.Admin.Users(ctx, storage.UserFilter{}); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Teams, err = h.app.Admin.Teams(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "records.html", d)
}

// recordCustomer loads the customer of the customer filter, if the user
// sees it, and its contacts. A contact filter naming a contact of another
// customer is dropped.
func (h *handler) recordCustomer(r *http.Request, d *recordListData) error {
	f := &d.Filter
	if f.Store.CustomerID == 0 {
		return nil
	}
	p := identity(r).Policy
	cv, err := h.app.Contacts.Customer(r.Context(), p, f.Store.CustomerID)
	if errors.Is(err, model.ErrNotFound) {
		return nil // the filter stays and matches nothing
	} else if err != nil {
		return err
	}
	d.Customer = cv.Customer
	if d.Contacts, err = h.app.Contacts.Contacts(r.Context(), p, cv.ID); err != nil {
		return err
	}
	if f.Store.ContactID != 0 {
		if ct, _ := pickContact(d.Contacts, f.Store.ContactID); ct == nil {
			f.Store.ContactID = 0
			f.Values.Del("contact")
		}
	}
	return nil
}

// recordPage loads the page the cursors ask for and the links to the
// pages around it.
func (h *handler) recordPage(r *http.Request, d *recordListData) error {
	ctx, p, in := r.Context(), identity(r).Policy, r.URL.Query()
	f := d.Filter.Store
	f.Limit = recordsPerPage
	if before, err := storage.ParseRecordCursor(in.Get("before")); err == nil {
		recs, more, err := h.app.Records.ListNewer(ctx, p, f, *before)
		if err != nil {
			return err
		}
		if more { // otherwise this is the first page: show it whole
			d.Records = recs
			d.Newer = d.Filter.With("before", cursorOf(recs[0]).String())
			d.Older = d.Filter.With("after", cursorOf(recs[len(recs)-1]).String())
			return nil
		}
	} else if after, err := storage.ParseRecordCursor(in.Get("after")); err == nil {
		f.After = after
		d.Newer = d.Filter.Without() // replaced below by the page just newer
	}
	recs, next, err := h.app.Records.List(ctx, p, f)
	if err != nil {
		return err
	}
	d.Records = recs
	if f.After != nil && len(recs) > 0 {
		d.Newer = d.Filter.With("before", cursorOf(recs[0]).String())
	}
	if next != nil {
		d.Older = d.Filter.With("after", next.String())
	}
	return nil
}

// cursorOf is the keyset position of a record.
func cursorOf(r *model.Record) storage.RecordCursor {
	return storage.RecordCursor{ContactedAt: r.ContactedAt, ID: r.ID}
}
