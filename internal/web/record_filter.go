package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// recordChannels are the channels a record may have, for the filter.
var recordChannels = []string{model.ChannelPhone, model.ChannelVisit, model.ChannelWeChat, model.ChannelSMS,
	model.ChannelEmail, model.ChannelWeCom, model.ChannelOther}

// recordStatuses are the statuses a record may have, for the filter.
var recordStatuses = []string{model.RecordDone, model.RecordSent, model.RecordDelivered, model.RecordUndelivered, model.RecordNoReceipt}

// recordFilter is the records list's filter as asked for in the query
// string: the raw values for the form and the storage filter they make.
type recordFilter struct {
	Values url.Values // the valid filters, for links
	Q      string
	From   string // yyyy-mm-dd, inclusive
	To     string // yyyy-mm-dd, inclusive
	Store  storage.RecordFilter
}

// parseRecordFilter reads the filters of the records list. Unknown values
// are dropped rather than refused: a stale bookmark still opens.
func parseRecordFilter(in url.Values, loc *time.Location) recordFilter {
	f := recordFilter{Values: url.Values{}}
	id := func(key string) int64 {
		n, err := strconv.ParseInt(strings.TrimSpace(in.Get(key)), 10, 64)
		if err != nil || n <= 0 {
			return 0
		}
		f.Values.Set(key, strconv.FormatInt(n, 10))
		return n
	}
	oneOf := func(key string, allowed []string) string {
		v := in.Get(key)
		if !slices.Contains(allowed, v) {
			return ""
		}
		f.Values.Set(key, v)
		return v
	}
	day := func(key string) (string, time.Time) {
		v := strings.TrimSpace(in.Get(key))
		t, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil {
			return "", time.Time{}
		}
		f.Values.Set(key, v)
		return v, t
	}
	s := &f.Store
	s.CustomerID, s.ContactID, s.UserID, s.TeamID, s.TopicID = id("customer"), id("contact"), id("rep"), id("team"), id("topic")
	s.Channel = oneOf("channel", recordChannels)
	s.Source = oneOf("source", model.Sources)
	s.Status = oneOf("status", recordStatuses)
	s.Direction = oneOf("direction", model.Directions)
	var to time.Time
	f.From, s.From = day("from")
	if f.To, to = day("to"); !to.IsZero() {
		s.To = to.AddDate(0, 0, 1)
	}
	if f.Q = searchText(in.Get("q")); f.Q != "" {
		f.Values.Set("q", f.Q)
		s.Query = f.Q
	}
	return f
}

// Active reports whether any filter is set.
func (f recordFilter) Active() bool { return len(f.Values) > 0 }

// With returns the records list URL with the filters and key set to value
// (removed when empty); the page cursors are dropped.
func (f recordFilter) With(key, value string) string { return f.link("/records", key, value) }

// Without returns the records list URL without the named filters.
func (f recordFilter) Without(keys ...string) string {
	v := cloneValues(f.Values)
	for _, k := range keys {
		v.Del(k)
	}
	return withQuery("/records", v)
}

// Count returns the URL of the filtered records' total.
func (f recordFilter) Count() string { return withQuery("/records/count", f.Values) }

// Export returns the URL of the filtered export in format (csv or xlsx).
func (f recordFilter) Export(format string) string {
	return withQuery("/records/export."+format, f.Values)
}

func (f recordFilter) link(path, key, value string) string {
	v := cloneValues(f.Values)
	if value == "" {
		v.Del(key)
	} else {
		v.Set(key, value)
	}
	return withQuery(path, v)
}

func cloneValues(in url.Values) url.Values {
	v := url.Values{}
	for k, vs := range in {
		v[k] = append([]string(nil), vs...)
	}
	return v
}

func withQuery(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
