package fakewecom

import (
	"encoding/json"
	"net/http"
	"time"
)

// AppMessage is an application message (应用消息) sent to a member, as
// the fake kept it. Dropped is set when WeCom would not have shown it:
// over the member's limit per minute, or a duplicate within the
// duplicate check's interval.
type AppMessage struct {
	ToUser      string
	Title       string
	Description string
	URL         string
	At          time.Time
	Dropped     string // "", "over_limit" or "duplicate"
}

// appPerMinute is how many messages of one application a member receives
// a minute; WeCom drops the others without an error.
const appPerMinute = 30

func (s *Server) messageSend(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ToUser   string `json:"touser"`
		MsgType  string `json:"msgtype"`
		AgentID  int64  `json:"agentid"`
		TextCard *struct {
			Title       string `json:"title"`
			Description string `json:"description"`
			URL         string `json:"url"`
		} `json:"textcard"`
		DuplicateCheck    int `json:"enable_duplicate_check"`
		DuplicateInterval int `json:"duplicate_check_interval"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		answer(w, 200, wecomError(47001, "data format error"))
		return
	}
	switch {
	case req.AgentID != s.AgentID:
		answer(w, 200, wecomError(40056, "invalid agentid"))
		return
	case req.MsgType != "textcard" || req.TextCard == nil:
		answer(w, 200, wecomError(40008, "invalid message type"))
		return
	case req.TextCard.Title == "" || len(req.TextCard.Title) > 128 || req.TextCard.Description == "" ||
		len(req.TextCard.Description) > 512 || req.TextCard.URL == "" || len(req.TextCard.URL) > 2048:
		answer(w, 200, wecomError(44004, "textcard: title, description or url empty or too long"))
		return
	case req.DuplicateCheck == 1 && (req.DuplicateInterval < 0 || req.DuplicateInterval > 4*3600):
		answer(w, 200, wecomError(40058, "duplicate_check_interval out of range"))
		return
	}
	if m := s.members[req.ToUser]; m == nil {
		answer(w, 200, map[string]any{"errcode": 0, "errmsg": "ok", "invaliduser": req.ToUser})
		return
	}
	at := s.now()
	msg := AppMessage{ToUser: req.ToUser, Title: req.TextCard.Title, Description: req.TextCard.Description, URL: req.TextCard.URL, At: at}
	recent := 0
	for _, m := range s.appMessages {
		if m.ToUser != req.ToUser || m.Dropped != "" {
			continue
		}
		if at.Sub(m.At) < time.Minute {
			recent++
		}
		interval := time.Duration(req.DuplicateInterval) * time.Second
		if interval == 0 {
			interval = 1800 * time.Second
		}
		if req.DuplicateCheck == 1 && m.Title == msg.Title && m.Description == msg.Description && m.URL == msg.URL && at.Sub(m.At) < interval {
			msg.Dropped = "duplicate"
		}
	}
	if msg.Dropped == "" && recent >= appPerMinute {
		msg.Dropped = "over_limit"
	}
	s.appMessages = append(s.appMessages, msg)
	answer(w, 200, map[string]any{"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": "app" + randomHex(6)})
}

// AppMessages returns the application messages sent, in order.
func (s *Server) AppMessages() []AppMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]AppMessage(nil), s.appMessages...)
}
