package fakewecom

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
)

// Member is a member of the corp. Follow says whether the member may
// serve customers (客户联系); members who follow external contacts must.
type Member struct {
	UserID string
	Name   string
	Mobile string
	Email  string
	Follow bool
}

// External is an external contact and the members who follow it.
type External struct {
	ID       string
	Name     string
	UnionID  string
	CorpName string
	Follows  []Follow
}

// Follow is one member's friendship with an external contact.
type Follow struct {
	UserID        string
	Remark        string
	RemarkMobiles []string
	CreateTime    int64
}

// AddMember adds or replaces a member.
func (s *Server) AddMember(m Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := m
	s.members[m.UserID] = &c
}

// AddExternal adds or replaces an external contact with its follows.
func (s *Server) AddExternal(e External) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.externals[e.ID]; !ok {
		s.order = append(s.order, e.ID)
	}
	c := e
	c.Follows = append([]Follow(nil), e.Follows...)
	s.externals[e.ID] = &c
}

// RemoveFollow ends a member's follow of an external contact.
func (s *Server) RemoveFollow(externalID, userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.externals[externalID]
	if e == nil {
		return
	}
	kept := e.Follows[:0]
	for _, f := range e.Follows {
		if f.UserID != userID {
			kept = append(kept, f)
		}
	}
	e.Follows = kept
}

func (s *Server) userGet(w http.ResponseWriter, r *http.Request) {
	m := s.members[r.URL.Query().Get("userid")]
	if m == nil {
		answer(w, 200, wecomError(60111, "userid not found"))
		return
	}
	answer(w, 200, map[string]any{"errcode": 0, "errmsg": "ok", "userid": m.UserID, "name": m.Name,
		"mobile": m.Mobile, "email": m.Email, "status": 1})
}

func (s *Server) followUserList(w http.ResponseWriter, r *http.Request) {
	ids := []string{}
	for id, m := range s.members {
		if m.Follow {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	answer(w, 200, map[string]any{"errcode": 0, "errmsg": "ok", "follow_user": ids})
}

func externalJSON(e *External) map[string]any {
	out := map[string]any{"external_userid": e.ID, "name": e.Name, "type": 1}
	if e.UnionID != "" {
		out["unionid"] = e.UnionID
	}
	if e.CorpName != "" {
		out["corp_name"] = e.CorpName
		out["type"] = 2
	}
	return out
}

func followJSON(f Follow) map[string]any {
	mobiles := f.RemarkMobiles
	if mobiles == nil {
		mobiles = []string{}
	}
	return map[string]any{"userid": f.UserID, "remark": f.Remark, "createtime": f.CreateTime,
		"remark_mobiles": mobiles, "add_way": 1}
}

func (s *Server) externalGet(w http.ResponseWriter, r *http.Request) {
	e := s.externals[r.URL.Query().Get("external_userid")]
	if e == nil {
		answer(w, 200, wecomError(84061, "not external contact"))
		return
	}
	follows := []map[string]any{}
	for _, f := range e.Follows {
		follows = append(follows, followJSON(f))
	}
	answer(w, 200, map[string]any{"errcode": 0, "errmsg": "ok", "external_contact": externalJSON(e), "follow_user": follows})
}

// batchGetByUser pages through the follows of the members asked, in the
// order the external contacts were added; the cursor is an offset.
func (s *Server) batchGetByUser(w http.ResponseWriter, r *http.Request) {
	var req struct {
		UserIDList []string `json:"userid_list"`
		Cursor     string   `json:"cursor"`
		Limit      int      `json:"limit"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		answer(w, 200, wecomError(47001, "data format error"))
		return
	}
	switch {
	case len(req.UserIDList) == 0:
		answer(w, 200, wecomError(40031, "invalid userid list"))
		return
	case len(req.UserIDList) > 100:
		answer(w, 200, wecomError(40058, "userid_list exceeds 100"))
		return
	case req.Limit < 0 || req.Limit > 100:
		answer(w, 200, wecomError(40058, "limit exceeds 100"))
		return
	}
	if req.Limit == 0 {
		req.Limit = 50
	}
	want := map[string]bool{}
	for _, id := range req.UserIDList {
		m := s.members[id]
		if m == nil || !m.Follow {
			answer(w, 200, wecomError(84014, "member "+id+" has no customer contact permission"))
			return
		}
		want[id] = true
	}
	var list []map[string]any
	for _, id := range s.order {
		e := s.externals[id]
		for _, f := range e.Follows {
			if want[f.UserID] {
				list = append(list, map[string]any{"external_contact": externalJSON(e), "follow_info": followJSON(f)})
			}
		}
	}
	from := 0
	if req.Cursor != "" {
		n, err := strconv.Atoi(req.Cursor)
		if err != nil || n < 0 || n > len(list) {
			answer(w, 200, wecomError(40058, "invalid cursor"))
			return
		}
		from = n
	}
	to := min(from+req.Limit, len(list))
	next := ""
	if to < len(list) {
		next = strconv.Itoa(to)
	}
	page := list[from:to]
	if page == nil {
		page = []map[string]any{}
	}
	answer(w, 200, map[string]any{"errcode": 0, "errmsg": "ok", "external_contact_list": page, "next_cursor": next})
}
