package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"touchbase/internal/model"
)

// The vendors' webhook hosts and paths.
var botEndpoints = map[string]struct {
	hosts []string
	path  func(u *url.URL) bool
}{
	// https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY
	model.BotWeCom: {[]string{"qyapi.weixin.qq.com"},
		func(u *url.URL) bool { return u.Path == "/cgi-bin/webhook/send" && u.Query().Get("key") != "" }},
	// https://oapi.dingtalk.com/robot/send?access_token=TOKEN
	model.BotDingTalk: {[]string{"oapi.dingtalk.com"},
		func(u *url.URL) bool { return u.Path == "/robot/send" && u.Query().Get("access_token") != "" }},
	// https://open.feishu.cn/open-apis/bot/v2/hook/ID (Lark: open.larksuite.com)
	model.BotFeishu: {[]string{"open.feishu.cn", "open.larksuite.com"},
		func(u *url.URL) bool {
			id, ok := strings.CutPrefix(u.Path, "/open-apis/bot/v2/hook/")
			return ok && id != "" && !strings.Contains(id, "/")
		}},
}

// checkBotURL validates a webhook URL for provider: the vendor's path and
// access key always, its https host unless anyHost.
func checkBotURL(provider, raw string, anyHost bool) error {
	ep, ok := botEndpoints[provider]
	if !ok {
		return errors.New("unknown provider")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil {
		return errors.New("not an http(s) URL")
	}
	if !anyHost && (u.Scheme != "https" || !containsFold(ep.hosts, u.Hostname()) || u.Port() != "") {
		return errors.New("must be https://" + ep.hosts[0] + "/…")
	}
	if !ep.path(u) {
		return errors.New("not a " + provider + " group-bot webhook URL")
	}
	return nil
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// Content limits: WeCom markdown takes 4,096 bytes, Feishu a 20 KB body;
// every message is kept well below.
const maxBotBytes = 3500

// botRequest returns the URL and JSON body that post m to b at time t.
func botRequest(b *model.BotWebhook, m BotMessage, t time.Time) (string, []byte, error) {
	var payload any
	target := b.URL
	switch b.Provider {
	case model.BotWeCom:
		// https://developer.work.weixin.qq.com/document/path/91770
		payload = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": markdown(m, "**", "**")}}
	case model.BotDingTalk:
		// https://open.dingtalk.com/document/group/custom-robot-access
		payload = map[string]any{"msgtype": "markdown", "markdown": map[string]string{
			"title": cutBytes(m.Title, 200), "text": markdown(m, "#### ", "")}}
		if b.Secret != "" {
			u, err := url.Parse(b.URL)
			if err != nil {
				return "", nil, err
			}
			ts := strconv.FormatInt(t.UnixMilli(), 10)
			q := u.Query()
			q.Set("timestamp", ts)
			q.Set("sign", dingTalkSign(b.Secret, ts))
			u.RawQuery = q.Encode()
			target = u.String()
		}
	case model.BotFeishu:
		// https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot
		body := map[string]any{"msg_type": "text", "content": map[string]string{"text": plainText(m)}}
		if b.Secret != "" {
			ts := strconv.FormatInt(t.Unix(), 10)
			body["timestamp"] = ts
			body["sign"] = feishuSign(b.Secret, ts)
		}
		payload = body
	default:
		return "", nil, errors.New("unknown provider " + b.Provider)
	}
	body, err := json.Marshal(payload)
	return target, body, err
}

// dingTalkSign is DingTalk's signature: base64(HMAC-SHA256 keyed by the
// secret over timestamp+"\n"+secret); url.Values encodes it for the query.
func dingTalkSign(secret, ts string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// feishuSign is Feishu's signature: base64(HMAC-SHA256 keyed by
// timestamp+"\n"+secret over an empty message).
func feishuSign(secret, ts string) string {
	mac := hmac.New(sha256.New, []byte(ts+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// markdown renders m as a title line (between open and close), the body and
// a link, within maxBotBytes.
func markdown(m BotMessage, open, close string) string {
	var sb strings.Builder
	sb.WriteString(open + mdLine(m.Title) + close + "\n\n")
	link := ""
	if m.URL != "" {
		link = "\n\n[" + mdLine(m.LinkLabel) + "](" + m.URL + ")"
	}
	body := cutBytes(mdText(m.Body), maxBotBytes-sb.Len()-len(link))
	sb.WriteString(body + link)
	return sb.String()
}

// plainText renders m as text lines within maxBotBytes.
func plainText(m BotMessage) string {
	tail := ""
	if m.URL != "" {
		tail = "\n" + m.LinkLabel + ": " + m.URL
	}
	head := m.Title + "\n"
	return head + cutBytes(m.Body, maxBotBytes-len(head)-len(tail)) + tail
}

// mdLine keeps user text on one line and out of markdown links and tags.
func mdLine(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ", "[", "【", "]", "】", "<", "‹", ">", "›").Replace(s)
}

// mdText keeps user text from opening tags; markdown needs two spaces or
// a blank line for a line break, so lines become paragraphs.
func mdText(s string) string {
	s = strings.NewReplacer("<", "‹", ">", "›", "\r", "").Replace(s)
	return strings.ReplaceAll(s, "\n", "\n\n")
}

// cutBytes shortens s to at most n bytes at a rune boundary, marking the
// cut with "…".
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	n = max(n-len("…"), 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
