package web

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"touchbase/internal/contact"
	"touchbase/internal/httpauth"
	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// timelinePerPage is how many records the customer timeline shows at once.
const timelinePerPage = 20

// timelineCard is a customer's contact history on its page, newest first,
// with a "more" button that loads the next records by cursor.
type timelineCard struct {
	Customer    *contact.CustomerView
	Records     []*model.Record
	Topics      topicIndex
	More        string // URL of the next records, "" at the end
	Loc         *time.Location
	HasContacts bool
	Append      bool // only the records and the next "more" (htmx)
}

// timeline loads the records of a customer the user sees, after the cursor.
func (h *handler) timeline(ctx context.Context, id *httpauth.Identity, cv *contact.CustomerView, after *storage.RecordCursor,
	loc *time.Location) (timelineCard, error) {
	tc := timelineCard{Customer: cv, Loc: loc}
	recs, next, err := h.app.Records.List(ctx, id.Policy, storage.RecordFilter{CustomerID: cv.ID, After: after,
		Limit: timelinePerPage})
	if err != nil {
		return tc, err
	}
	tc.Records = recs
	if next != nil {
		tc.More = "/customers/" + strconv.FormatInt(cv.ID, 10) + "/records?after=" + url.QueryEscape(next.String())
	}
	tc.Topics, err = h.topicIndex(ctx)
	return tc, err
}

// topicIndex maps every topic, retired ones included, by id.
type topicIndex map[int64]*model.Topic

// topicIndex loads every topic.
func (h *handler) topicIndex(ctx context.Context) (topicIndex, error) {
	ts, err := h.app.Admin.Topics(ctx, false)
	idx := make(topicIndex, len(ts))
	for _, t := range ts {
		idx[t.ID] = t
	}
	return idx, err
}

// Of returns the topics with the given ids, in order, skipping unknown ones.
func (ti topicIndex) Of(ids []int64) []*model.Topic {
	out := make([]*model.Topic, 0, len(ids))
	for _, id := range ids {
		if t, ok := ti[id]; ok {
			out = append(out, t)
		}
	}
	return out
}
