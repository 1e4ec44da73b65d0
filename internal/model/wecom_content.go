package model

import (
	"fmt"
	"net/url"
	"strings"
)

// WeCom's limits of a customer mass message (客户群发).
const (
	MaxWeComTextBytes   = 4000
	MaxWeComAttachments = 9
)

// HasWeComContent reports whether a WeCom message has text or an
// attachment.
func HasWeComContent(text string, atts []WeComAttachment) bool {
	return strings.TrimSpace(text) != "" || len(atts) > 0
}

// CheckWeComContent trims and checks the text and attachments of a WeCom
// message, adding what is wrong to errs: the text under textField, the
// attachments under attsField ("wecom_attachments[0].url"). Merge fields
// are checked by the caller, who knows whether the message may hold them.
func CheckWeComContent(errs *ValidationErrors, textField, attsField string, text *string, atts []WeComAttachment) {
	*text = strings.TrimSpace(*text)
	if len(*text) > MaxWeComTextBytes {
		errs.Add(textField, "too_long", "a WeCom message is at most 4000 bytes (about 1300 Chinese characters)")
	}
	if len(atts) > MaxWeComAttachments {
		errs.Add(attsField, "too_many", "at most 9 attachments")
		return
	}
	for i := range atts {
		a := &atts[i]
		field := fmt.Sprintf("%s[%d]", attsField, i)
		a.Title, a.URL, a.Desc, a.PicURL = strings.TrimSpace(a.Title), strings.TrimSpace(a.URL), strings.TrimSpace(a.Desc), strings.TrimSpace(a.PicURL)
		switch {
		case a.Kind != WeComLink && a.Kind != WeComImage:
			errs.Add(field+".kind", "invalid", "an attachment is a link or an image")
		case !webURL(a.URL):
			errs.Add(field+".url", "invalid", "the address must be an http or https URL")
		case a.Kind == WeComLink && a.Title == "":
			errs.Add(field+".title", "required", "a link needs a title")
		case a.PicURL != "" && !webURL(a.PicURL):
			errs.Add(field+".pic_url", "invalid", "the picture's address must be an http or https URL")
		default:
			errs.Text(field+".title", a.Title, false, 128)
			errs.Text(field+".desc", a.Desc, false, 512)
		}
	}
}

// WeComContentText is what a record of a WeCom message keeps: the text,
// and a line for each attachment (its title and address).
func WeComContentText(text string, atts []WeComAttachment) string {
	out := text
	for _, a := range atts {
		line := a.URL
		if a.Title != "" {
			line = a.Title + " " + a.URL
		}
		if out != "" {
			out += "\n"
		}
		out += line
	}
	return out
}

// webURL reports whether raw is an absolute http or https URL.
func webURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(raw) <= 2048
}
