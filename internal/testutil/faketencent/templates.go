package faketencent

import (
	"regexp"
	"strconv"
	"time"
)

// Status is a signature's or template's review state (StatusCode).
type Status int

// Review states. Only Approved may be used to send.
const (
	Approved  Status = 0
	Reviewing Status = 1
	Rejected  Status = -1
)

// Kind is what a template is for. Tencent's SmsType encodes it as 0
// (普通短信: verification codes and notices) or 1 (营销短信: marketing).
type Kind int

// Template kinds.
const (
	Verification Kind = iota
	Notice
	Marketing
)

// SmsType returns the kind's SmsType: 1 for marketing, 0 otherwise.
func (k Kind) SmsType() int {
	if k == Marketing {
		return 1
	}
	return 0
}

// Sign is an SMS signature (短信签名).
type Sign struct {
	ID     uint64
	Name   string
	Status Status
	// International is 1 for a global SMS signature, 0 for mainland China.
	International int
	ReviewReply   string
	Created       time.Time
}

// Template is an SMS body template (正文模板).
type Template struct {
	// ID is the TemplateId, digits such as "1110".
	ID   string
	Name string
	// Content is the text with positional {1}, {2}… parameters.
	Content       string
	Kind          Kind
	Status        Status
	International int
	ReviewReply   string
	Created       time.Time
}

var paramRE = regexp.MustCompile(`\{([1-9][0-9]*)\}`)

// Params returns how many parameters the template takes: the highest
// {n} it uses.
func (t Template) Params() int {
	n := 0
	for _, m := range paramRE.FindAllStringSubmatch(t.Content, -1) {
		i, _ := strconv.Atoi(m[1])
		n = max(n, i)
	}
	return n
}

// fill returns the template's content with {n} replaced by set[n-1].
func (t Template) fill(set []string) string {
	return paramRE.ReplaceAllStringFunc(t.Content, func(v string) string {
		i, _ := strconv.Atoi(v[1 : len(v)-1])
		if i > len(set) {
			return v
		}
		return set[i-1]
	})
}

// AddSign adds or replaces (by name) a signature; a zero ID is assigned
// and a zero Created is the server's clock.
func (s *Server) AddSign(sign Sign) Sign {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sign.Created.IsZero() {
		sign.Created = s.now()
	}
	for i, old := range s.signs {
		if old.Name == sign.Name {
			if sign.ID == 0 {
				sign.ID = old.ID
			}
			s.signs[i] = &sign
			return sign
		}
	}
	if sign.ID == 0 {
		sign.ID = uint64(3000 + len(s.signs))
	}
	s.signs = append(s.signs, &sign)
	return sign
}

// AddTemplate adds or replaces (by ID) a template; a zero Created is the
// server's clock.
func (s *Server) AddTemplate(t Template) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.Created.IsZero() {
		t.Created = s.now()
	}
	for i, old := range s.templates {
		if old.ID == t.ID {
			s.templates[i] = &t
			return
		}
	}
	s.templates = append(s.templates, &t)
}

// SetSignStatus changes a signature's review state; it reports whether
// the signature exists.
func (s *Server) SetSignStatus(name string, status Status, reply string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sg := range s.signs {
		if sg.Name == name {
			sg.Status, sg.ReviewReply = status, reply
			return true
		}
	}
	return false
}

// SetTemplateStatus changes a template's review state (e.g. Rejected to
// revoke it); it reports whether the template exists.
func (s *Server) SetTemplateStatus(id string, status Status, reply string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.templates {
		if t.ID == id {
			t.Status, t.ReviewReply = status, reply
			return true
		}
	}
	return false
}

// template and sign look up by ID and name; s.mu is held.
func (s *Server) template(id string) (Template, bool) {
	for _, t := range s.templates {
		if t.ID == id {
			return *t, true
		}
	}
	return Template{}, false
}

func (s *Server) sign(name string) (Sign, bool) {
	for _, sg := range s.signs {
		if sg.Name == name {
			return *sg, true
		}
	}
	return Sign{}, false
}
