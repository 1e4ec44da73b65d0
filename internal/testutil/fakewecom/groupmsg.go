package fakewecom

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"
)

// GroupMsg is a customer mass message task (客户群发) as the fake keeps
// it: created by add_msg_template, sent to its receivers once the sender
// confirms it.
type GroupMsg struct {
	MsgID       string
	Sender      string
	Receivers   []string
	Text        string
	Attachments []json.RawMessage
	Created     time.Time
	Confirmed   *time.Time
	Cancelled   bool
	Reminds     []time.Time
	// Results are the receivers' send states once confirmed: 1 sent, 2 not
	// a friend of the sender, 3 over the monthly limit.
	Results map[string]int
}

// Mass-message limits WeCom documents.
const (
	maxReceivers   = 10000
	maxAttachments = 9
	maxTextBytes   = 4000
	remindsPerDay  = 3
)

func (s *Server) registerGroupMsg(mux *http.ServeMux) {
	mux.HandleFunc("POST /cgi-bin/externalcontact/add_msg_template", s.api("add_msg_template", contactOnly, s.addMsgTemplate))
	mux.HandleFunc("POST /cgi-bin/externalcontact/get_groupmsg_task", s.api("get_groupmsg_task", contactOnly, s.groupMsgTask))
	mux.HandleFunc("POST /cgi-bin/externalcontact/get_groupmsg_send_result", s.api("get_groupmsg_send_result", contactOnly, s.groupMsgResult))
	mux.HandleFunc("POST /cgi-bin/externalcontact/remind_groupmsg_send", s.api("remind_groupmsg_send", contactOnly, s.remindGroupMsg))
	mux.HandleFunc("POST /cgi-bin/externalcontact/cancel_groupmsg_send", s.api("cancel_groupmsg_send", contactOnly, s.cancelGroupMsg))
}

func (s *Server) addMsgTemplate(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ChatType       string   `json:"chat_type"`
		ExternalUserID []string `json:"external_userid"`
		Sender         string   `json:"sender"`
		Text           *struct {
			Content string `json:"content"`
		} `json:"text"`
		Attachments []json.RawMessage `json:"attachments"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		answer(w, 200, wecomError(47001, "data format error"))
		return
	}
	text := ""
	if req.Text != nil {
		text = req.Text.Content
	}
	switch {
	case req.ChatType != "single":
		answer(w, 200, wecomError(40058, "chat_type must be single for customers"))
		return
	case req.Sender == "" || s.members[req.Sender] == nil || !s.members[req.Sender].Follow:
		answer(w, 200, wecomError(40003, "invalid sender"))
		return
	case len(req.ExternalUserID) == 0 || len(req.ExternalUserID) > maxReceivers:
		answer(w, 200, wecomError(40058, "external_userid: 1 to 10000"))
		return
	case text == "" && len(req.Attachments) == 0:
		answer(w, 200, wecomError(41048, "no text and no attachments"))
		return
	case len(text) > maxTextBytes || !utf8.ValidString(text):
		answer(w, 200, wecomError(40058, "text too long"))
		return
	case len(req.Attachments) > maxAttachments:
		answer(w, 200, wecomError(40058, "at most 9 attachments"))
		return
	}
	for _, a := range req.Attachments {
		if !validAttachment(a) {
			answer(w, 200, wecomError(40058, "invalid attachment"))
			return
		}
	}
	var ok, fail []string
	for _, id := range req.ExternalUserID {
		if s.follows(id, req.Sender) {
			ok = append(ok, id)
		} else {
			fail = append(fail, id)
		}
	}
	s.msgSeq++
	m := &GroupMsg{MsgID: "msg" + strconv.Itoa(s.msgSeq) + randomHex(4), Sender: req.Sender, Receivers: ok, Text: text,
		Attachments: req.Attachments, Created: s.now(), Results: map[string]int{}}
	s.groupMsgs[m.MsgID] = m
	s.msgOrder = append(s.msgOrder, m.MsgID)
	if s.autoConfirm > 0 {
		id := m.MsgID
		time.AfterFunc(s.autoConfirm, func() { s.Confirm(id) })
	}
	if fail == nil {
		fail = []string{}
	}
	answer(w, 200, map[string]any{"errcode": 0, "errmsg": "ok", "fail_list": fail, "msgid": m.MsgID})
}

func validAttachment(raw json.RawMessage) bool {
	var a struct {
		MsgType string `json:"msgtype"`
		Link    *struct {
			Title string `json:"title"`
			URL   string `json:"url"`
		} `json:"link"`
		Image *struct {
			MediaID string `json:"media_id"`
			PicURL  string `json:"pic_url"`
		} `json:"image"`
	}
	if json.Unmarshal(raw, &a) != nil {
		return false
	}
	switch a.MsgType {
	case "link":
		return a.Link != nil && a.Link.Title != "" && a.Link.URL != ""
	case "image":
		return a.Image != nil && (a.Image.MediaID != "" || a.Image.PicURL != "")
	}
	return false
}

// follows reports whether member follows the external contact.
func (s *Server) follows(externalID, member string) bool {
	e := s.externals[externalID]
	if e == nil {
		return false
	}
	for _, f := range e.Follows {
		if f.UserID == member {
			return true
		}
	}
	return false
}

// msgOf decodes a request naming a task and returns the task, or answers
// the error and returns nil.
func (s *Server) msgOf(w http.ResponseWriter, r *http.Request, req *groupMsgReq) *GroupMsg {
	if err := json.NewDecoder(r.Body).Decode(req); err != nil {
		answer(w, 200, wecomError(47001, "data format error"))
		return nil
	}
	m := s.groupMsgs[req.MsgID]
	if m == nil {
		answer(w, 200, wecomError(41063, "msgid not found"))
	}
	return m
}

type groupMsgReq struct {
	MsgID  string `json:"msgid"`
	UserID string `json:"userid"`
	Limit  int    `json:"limit"`
	Cursor string `json:"cursor"`
}

// pageOf is msgOf for the calls that page (limit at most 1000).
func (s *Server) pageOf(w http.ResponseWriter, r *http.Request, req *groupMsgReq) *GroupMsg {
	m := s.msgOf(w, r, req)
	if m != nil && (req.Limit < 0 || req.Limit > 1000) {
		answer(w, 200, wecomError(40058, "limit exceeds 1000"))
		return nil
	}
	return m
}

func (s *Server) groupMsgTask(w http.ResponseWriter, r *http.Request) {
	var req groupMsgReq
	m := s.pageOf(w, r, &req)
	if m == nil {
		return
	}
	task := map[string]any{"userid": m.Sender, "status": 0}
	if m.Confirmed != nil {
		task["status"], task["send_time"] = 2, m.Confirmed.Unix()
	}
	answer(w, 200, map[string]any{"errcode": 0, "errmsg": "ok", "task_list": []any{task}, "next_cursor": ""})
}

func (s *Server) groupMsgResult(w http.ResponseWriter, r *http.Request) {
	var req groupMsgReq
	m := s.pageOf(w, r, &req)
	if m == nil {
		return
	}
	if req.UserID != m.Sender {
		answer(w, 200, map[string]any{"errcode": 0, "errmsg": "ok", "send_list": []any{}, "next_cursor": ""})
		return
	}
	limit := req.Limit
	if limit == 0 {
		limit = 500
	}
	from := 0
	if req.Cursor != "" {
		n, err := strconv.Atoi(req.Cursor)
		if err != nil || n < 0 || n > len(m.Receivers) {
			answer(w, 200, wecomError(40058, "invalid cursor"))
			return
		}
		from = n
	}
	to := min(from+limit, len(m.Receivers))
	list := []map[string]any{}
	for _, id := range m.Receivers[from:to] {
		st := m.Results[id]
		item := map[string]any{"external_userid": id, "userid": m.Sender, "status": st}
		if st == 1 && m.Confirmed != nil {
			item["send_time"] = m.Confirmed.Unix()
		}
		list = append(list, item)
	}
	next := ""
	if to < len(m.Receivers) {
		next = strconv.Itoa(to)
	}
	answer(w, 200, map[string]any{"errcode": 0, "errmsg": "ok", "send_list": list, "next_cursor": next})
}

func (s *Server) remindGroupMsg(w http.ResponseWriter, r *http.Request) {
	var req groupMsgReq
	m := s.msgOf(w, r, &req)
	if m == nil {
		return
	}
	if m.Confirmed != nil || m.Cancelled {
		answer(w, 200, wecomError(41062, "the task is no longer waiting"))
		return
	}
	recent := 0
	for _, at := range m.Reminds {
		if s.now().Sub(at) < 24*time.Hour {
			recent++
		}
	}
	if recent >= remindsPerDay {
		// WeCom allows three reminders a day; Touchbase keeps count itself
		// and never relies on the code answered beyond that.
		answer(w, 200, wecomError(40058, "remind at most 3 times a day"))
		return
	}
	m.Reminds = append(m.Reminds, s.now())
	answer(w, 200, wecomError(0, "ok"))
}

func (s *Server) cancelGroupMsg(w http.ResponseWriter, r *http.Request) {
	var req groupMsgReq
	m := s.msgOf(w, r, &req)
	if m == nil {
		return
	}
	m.Cancelled = true
	answer(w, 200, wecomError(0, "ok"))
}

// GroupMsgs returns copies of the tasks created, in order.
func (s *Server) GroupMsgs() []GroupMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]GroupMsg, 0, len(s.msgOrder))
	for _, id := range s.msgOrder {
		m := *s.groupMsgs[id]
		m.Receivers = append([]string(nil), m.Receivers...)
		out = append(out, m)
	}
	return out
}

// SetAutoConfirm makes members confirm each task in the WeCom client d
// after it is created, as the demo's simulated members do; 0 leaves
// confirming to the test (Confirm).
func (s *Server) SetAutoConfirm(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.autoConfirm = d
}

// AutoConfirm is how long after a task is created its member confirms it
// by themselves (0: never).
func (s *Server) AutoConfirm() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.autoConfirm
}

// SetMonthlyLimit sets how many mass messages one customer receives a
// month (WeCom: as many as the month has days, or fewer by the
// company's setting); 0 restores the default.
func (s *Server) SetMonthlyLimit(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.monthlyLimit = n
}

// Confirm is the sender confirming msgID in the WeCom client: each
// receiver is sent to, unless it is no longer the sender's friend or
// has had its monthly share of mass messages. It reports false for a
// task that is not waiting (confirmed, cancelled or unknown).
func (s *Server) Confirm(msgID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.groupMsgs[msgID]
	if m == nil || m.Confirmed != nil || m.Cancelled {
		return false
	}
	at := s.now()
	m.Confirmed = &at
	month := at.Format("2006-01")
	limit := s.monthlyLimit
	if limit == 0 {
		limit = time.Date(at.Year(), at.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	}
	for _, id := range m.Receivers {
		switch {
		case !s.follows(id, m.Sender):
			m.Results[id] = 2
		case s.received[id+"|"+month] >= limit:
			m.Results[id] = 3
		default:
			s.received[id+"|"+month]++
			m.Results[id] = 1
		}
	}
	return true
}

// Received is how many mass messages external contact id received this
// month (by the fake's clock).
func (s *Server) Received(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received[id+"|"+s.now().Format("2006-01")]
}
