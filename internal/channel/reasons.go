package channel

// reasonTexts holds the user-facing wording of each reason code, by language.
func reasonTexts(code string) (en, zh string) {
	switch code {
	case ReasonInvalidMobile:
		return "Invalid mobile number", "手机号码无效"
	case ReasonInvalidEmail:
		return "Invalid email address or mailbox does not exist", "邮箱地址无效或邮箱不存在"
	case ReasonBlocked:
		return "Recipient unsubscribed or is blocked", "对方已退订或被拦截"
	case ReasonTemplateRejected:
		return "Template not approved or parameters do not match", "模板未审核通过或参数不匹配"
	case ReasonSignRejected:
		return "SMS signature not approved or unusable", "短信签名未审核通过或不可用"
	case ReasonContentRejected:
		return "Content rejected (forbidden words, too long or empty)", "内容被拒绝（含敏感词、超长或为空）"
	case ReasonAuthFailed:
		return "Provider authentication failed; check the channel credentials", "服务商认证失败，请检查渠道密钥配置"
	case ReasonQuotaExceeded:
		return "Balance exhausted or sending limit reached", "余额不足或已达发送上限"
	case ReasonThrottled:
		return "Sending too fast; the provider asked to slow down", "发送频率超限，服务商要求降速"
	case ReasonTimeout:
		return "The provider did not answer in time", "服务商响应超时"
	case ReasonNetwork:
		return "The provider could not be reached", "无法连接服务商"
	case ReasonInvalidRequest:
		return "The provider rejected the request; check the channel settings", "服务商拒绝了请求，请检查渠道配置"
	case ReasonProviderError:
		return "The provider reported an error", "服务商返回错误"
	case ReasonCanceled:
		return "Sending was canceled", "发送已取消"
	}
	return "", ""
}

// Reasons lists every reason code, for settings pages and tests.
func Reasons() []string {
	return []string{
		ReasonInvalidMobile, ReasonInvalidEmail, ReasonBlocked, ReasonTemplateRejected,
		ReasonSignRejected, ReasonContentRejected, ReasonAuthFailed, ReasonQuotaExceeded,
		ReasonThrottled, ReasonTimeout, ReasonNetwork, ReasonInvalidRequest,
		ReasonProviderError, ReasonCanceled,
	}
}

// ReasonText returns the human-readable text of a reason code in lang ("en"
// or "zh-CN"; other languages get English). An unknown code is returned
// unchanged.
func ReasonText(code, lang string) string {
	en, zh := reasonTexts(code)
	switch {
	case en == "":
		return code
	case lang == "zh-CN" || lang == "zh":
		return zh
	}
	return en
}
