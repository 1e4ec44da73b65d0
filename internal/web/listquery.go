package web

import (
	"net/url"
	"strconv"
)

// listQuery is the query string of a list page; templates build the links
// of tabs, sortable headers and the pager from it.
type listQuery struct {
	path        string
	values      url.Values
	defaultSort string // the column sorted ascending when none is asked for
}

// With returns the list's URL with key set to value (removed when empty)
// and the page reset, unless key is the page itself.
func (q listQuery) With(key, value string) string {
	v := url.Values{}
	for k, vs := range q.values {
		v[k] = append([]string(nil), vs...)
	}
	if key != "page" {
		v.Del("page")
	}
	if value == "" {
		v.Del(key)
	} else {
		v.Set(key, value)
	}
	if len(v) == 0 {
		return q.path
	}
	return q.path + "?" + v.Encode()
}

// Get returns the value of key.
func (q listQuery) Get(key string) string { return q.values.Get(key) }

// SortLink returns the link of a sortable column header: ascending first,
// descending when it is already sorted ascending.
func (q listQuery) SortLink(col string) string {
	sort := q.values.Get("sort")
	if sort == "" {
		sort = q.defaultSort
	}
	if sort == col && q.values.Get("dir") != "desc" {
		return q.withSort(col, "desc")
	}
	return q.withSort(col, "")
}

func (q listQuery) withSort(col, dir string) string {
	v := listQuery{path: q.path, values: url.Values{}, defaultSort: q.defaultSort}
	for k, vs := range q.values {
		if k != "page" && k != "sort" && k != "dir" {
			v.values[k] = vs
		}
	}
	v.values.Set("sort", col)
	if dir != "" {
		v.values.Set("dir", dir)
	}
	return v.With("sort", col)
}

// AriaSort returns the aria-sort value of a column header, or "".
func (q listQuery) AriaSort(col string) string {
	if sort := q.values.Get("sort"); sort != col && (sort != "" || col != q.defaultSort) {
		return ""
	}
	if q.values.Get("dir") == "desc" {
		return "descending"
	}
	return "ascending"
}

// pager is the paging state of a list.
type pager struct {
	Page, Pages, Total, From, To int
	Prev, Next                   string // links, "" at the ends
}

func newPager(q listQuery, page, size, total int) pager {
	p := pager{Page: page, Total: total, Pages: max(1, (total+size-1)/size)}
	if total > 0 {
		p.From = (page-1)*size + 1
		p.To = min(page*size, total)
	}
	if page > 1 {
		p.Prev = q.With("page", strconv.Itoa(page-1))
	}
	if page < p.Pages {
		p.Next = q.With("page", strconv.Itoa(page+1))
	}
	return p
}
