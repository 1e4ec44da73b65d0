package bulk

import (
	"touchbase/internal/channel"
	"touchbase/internal/i18n"
	"touchbase/internal/model"
)

// skipTexts words the reasons a recipient is skipped or failed that are
// the bulk send's own, not a provider's: English, then Chinese.
var skipTexts = map[string][2]string{
	model.SkipDoNotContact: {"The customer is marked do-not-contact", "客户已设为勿扰"},
	model.SkipOptedOut:     {"The contact opted out of this channel", "联系人已退订该渠道"},
	model.SkipNoAddress:    {"No mobile number or e-mail address for this channel", "该渠道无手机号或邮箱地址"},
	model.SkipDuplicate:    {"Same address as another recipient of this send", "与本次其他收件人地址重复"},
	model.SkipCancelled:    {"The bulk send was cancelled", "批量联系已取消"},
	model.SkipTemplateUnavailable: {"The SMS template is no longer approved on the SMS channel; nothing was sent",
		"短信模板已失效（未通过审核或已撤回），未发送"},
	model.SkipFrequencyCap: {"The contact already had as many messages of this kind on this channel as a frequency cap allows",
		"该联系人在此渠道的同类消息已达频次上限，未发送"},
	model.SkipRejected: {"The send was rejected at approval; nothing was sent", "批量联系未通过审批，未发送"},
	model.SkipNoPermission: {"When the send went, its operator could no longer see this customer; nothing was sent",
		"发送时发起人已无权查看该客户，未发送"},
	model.SkipApprovalExpired: {"Nobody approved the send in time; nothing was sent", "批量联系审批超时，未发送"},
	model.FailOutcomeUnknown: {"Interrupted while the provider had it; it may have arrived, so a retry sends it again only when asked to",
		"发送中断，可能已送达；重试时需勾选才会再发"},
	model.SkipNoWeCom:          {"The contact has no WeChat known to WeCom", "该联系人没有已关联的微信（企业微信外部联系人）"},
	model.SkipWeComNotFollowed: {"No colleague has the contact as a WeCom customer", "没有同事添加该联系人为企业微信客户"},
	model.SkipWeComNotFriend:   {"The contact is no longer the sender's WeCom customer", "该联系人已不是发送人的企业微信客户"},
	model.SkipWeComMonthlyLimit: {"The contact has had as many WeCom mass messages this month as WeCom allows",
		"该联系人本月接收的企业微信群发已达上限"},
	model.SkipWeComNotConfirmed: {"The sender did not confirm the message in WeCom in time", "发送人未在期限内于企业微信确认发送"},
	model.SkipWeComNotConnected: {"WeCom was not connected when the send went out", "发送时企业微信未连接"},
	model.FailWeComRefused:      {"WeCom refused to create the sender's task", "企业微信拒绝创建发送人的群发任务"},
	model.FailWeComTaskGone:     {"WeCom no longer knows the sender's task; nothing was sent", "企业微信中已找不到该群发任务，未发送"},
}

// ReasonText returns the user-facing text of a recipient's reason code in
// lang (zh-CN, else English): the bulk send's own reasons and every
// provider reason of channel.ReasonText. An unknown code is returned
// unchanged, the empty code as "".
func ReasonText(code, lang string) string {
	if t, ok := skipTexts[code]; ok {
		if lang == i18n.ZhCN || lang == "zh" {
			return t[1]
		}
		return t[0]
	}
	if code == "" {
		return ""
	}
	return channel.ReasonText(code, lang)
}
