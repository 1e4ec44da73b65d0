package web

import (
	"touchbase/internal/callback"
	"touchbase/internal/channel"
)

// callbackURL is one address an admin pastes into the provider's console.
type callbackURL struct {
	Label string // catalog key
	URL   string
}

// smsCallbacks lists the receipt and reply addresses of an SMS provider
// under base, with the install's callback token where the provider calls
// an address with no credential of its own.
func smsCallbacks(provider, base, token string) []callbackURL {
	switch provider {
	case channel.ProviderAliyun:
		return []callbackURL{{"channels.callback_receipts", base + callback.AliyunPath + token},
			{"channels.callback_replies", base + callback.AliyunPath + token + callback.AliyunUpPath}}
	case channel.ProviderTencent:
		return []callbackURL{{"channels.callback_receipts", base + callback.TencentPath + token},
			{"channels.callback_replies", base + callback.TencentPath + token + callback.TencentReplyPath}}
	case channel.ProviderTwilio:
		return []callbackURL{{"channels.callback_twilio_status", base + callback.TwilioPath},
			{"channels.callback_twilio_inbound", base + callback.TwilioInboundPath}}
	case channel.ProviderWebhook:
		return []callbackURL{{"channels.callback_receipts", base + callback.WebhookPath},
			{"channels.callback_replies", base + callback.WebhookInboundPath}}
	}
	return nil
}
