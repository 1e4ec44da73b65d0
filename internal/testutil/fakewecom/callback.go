package fakewecom

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Event is a change_external_contact event WeCom pushes.
type Event struct {
	ChangeType     string // add_external_contact, del_external_contact, del_follow_user, edit_external_contact
	UserID         string
	ExternalUserID string
	CreateTime     int64 // Unix seconds; 0: now
}

// PushOption changes how a callback is sent.
type PushOption int

// Ways to misbehave when pushing.
const (
	BadSignature PushOption = iota + 1 // the msg_signature does not match
	OtherCorp                          // encrypted for another corp id
)

// Answer is what the callback URL answered.
type Answer struct {
	Status int
	Body   string
}

// XML is the plain XML of ev for this corp.
func (s *Server) XML(ev Event) string {
	if ev.CreateTime == 0 {
		ev.CreateTime = time.Now().Unix()
	}
	return fmt.Sprintf(`<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>`+
		`<CreateTime>%d</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event>`+
		`<ChangeType><![CDATA[%s]]></ChangeType><UserID><![CDATA[%s]]></UserID><ExternalUserID><![CDATA[%s]]></ExternalUserID>`+
		`<State><![CDATA[]]></State><WelcomeCode><![CDATA[]]></WelcomeCode></xml>`,
		s.CorpID, ev.CreateTime, ev.ChangeType, ev.UserID, ev.ExternalUserID)
}

// PushEvent posts ev to the callback URL as WeCom does: the XML encrypted
// into an <Encrypt> envelope, signed in the query.
func (s *Server) PushEvent(callbackURL string, ev Event, opts ...PushOption) (Answer, error) {
	return s.PushXML(callbackURL, s.XML(ev), opts...)
}

// PushXML posts any plain message, encrypted and signed.
func (s *Server) PushXML(callbackURL, plain string, opts ...PushOption) (Answer, error) {
	corp := s.CorpID
	if has(opts, OtherCorp) {
		corp = "ww" + randomHex(8)
	}
	enc := s.encrypt([]byte(plain), corp)
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), randomHex(5)
	sig := s.signature(ts, nonce, enc)
	if has(opts, BadSignature) {
		sig = s.signature(ts, nonce+"x", enc)
	}
	body := fmt.Sprintf(`<xml><ToUserName><![CDATA[%s]]></ToUserName><AgentID><![CDATA[%d]]></AgentID><Encrypt><![CDATA[%s]]></Encrypt></xml>`,
		s.CorpID, s.AgentID, enc)
	q := url.Values{"msg_signature": {sig}, "timestamp": {ts}, "nonce": {nonce}}
	resp, err := http.Post(callbackURL+"?"+q.Encode(), "text/xml", strings.NewReader(body))
	if err != nil {
		return Answer{}, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return Answer{Status: resp.StatusCode, Body: string(b)}, nil
}

// Verify makes the GET WeCom sends when an admin saves the callback URL:
// it reports the answer and whether it was the echostr's plain text.
func (s *Server) Verify(callbackURL string, opts ...PushOption) (Answer, bool, error) {
	plain := strconv.FormatInt(time.Now().UnixNano(), 10)
	enc := s.encrypt([]byte(plain), s.CorpID)
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), randomHex(5)
	sig := s.signature(ts, nonce, enc)
	if has(opts, BadSignature) {
		sig = s.signature(ts, nonce+"x", enc)
	}
	q := url.Values{"msg_signature": {sig}, "timestamp": {ts}, "nonce": {nonce}, "echostr": {enc}}
	resp, err := http.Get(callbackURL + "?" + q.Encode())
	if err != nil {
		return Answer{}, false, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return Answer{Status: resp.StatusCode, Body: string(b)}, resp.StatusCode == 200 && string(b) == plain, nil
}

func (s *Server) signature(ts, nonce, enc string) string {
	parts := []string{s.CallbackToken, ts, nonce, enc}
	sort.Strings(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	return hex.EncodeToString(sum[:])
}

// encrypt is WeCom's message encryption: 16 random bytes, the length
// (big-endian uint32), the message and the receiver id, PKCS#7-padded to
// 32 bytes, AES-256-CBC with IV the key's first 16 bytes, base64.
func (s *Server) encrypt(msg []byte, receiver string) string {
	key, err := base64.StdEncoding.DecodeString(s.EncodingAESKey + "=")
	if err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	buf.Write(randomBytes(16))
	binary.Write(&buf, binary.BigEndian, uint32(len(msg))) //nolint:errcheck
	buf.Write(msg)
	buf.WriteString(receiver)
	pad := 32 - buf.Len()%32
	buf.Write(bytes.Repeat([]byte{byte(pad)}, pad))
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err)
	}
	out := make([]byte, buf.Len())
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(out, buf.Bytes())
	return base64.StdEncoding.EncodeToString(out)
}

func has(opts []PushOption, o PushOption) bool {
	for _, x := range opts {
		if x == o {
			return true
		}
	}
	return false
}
