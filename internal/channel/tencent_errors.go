package channel

import "strings"

// tencentError maps a Tencent Cloud SMS error code (a whole-request
// Response.Error.Code, or a per-number SendStatus.Code) to an *Error. Codes
// are from the SMS API 3.0 "错误码" page.
func tencentError(code, message string) *Error {
	e := &Error{Provider: ProviderTencent, Code: code, Detail: message, Reason: ReasonProviderError}
	switch code {
	case "InvalidParameterValue.IncorrectPhoneNumber", "FailedOperation.PhoneNumberParseFail",
		"InvalidParameterValue.InvalidInternationalPhoneNumber", "UnsupportedOperation.UnsupportedRegion":
		e.Reason = ReasonInvalidMobile
	case "FailedOperation.PhoneNumberInBlacklist":
		e.Reason = ReasonBlocked
	case "FailedOperation.TemplateIncorrectOrUnapproved", "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
		"FailedOperation.TemplateUnapprovedOrNotExist", "InvalidParameterValue.TemplateParameterFormatError",
		"InvalidParameterValue.TemplateParameterLengthLimit", "FailedOperation.MissingTemplateToModify":
		e.Reason = ReasonTemplateRejected
	case "FailedOperation.SignatureIncorrectOrUnapproved", "FailedOperation.MissingSignature",
		"FailedOperation.MissingSignatureToModify":
		e.Reason = ReasonSignRejected
	case "FailedOperation.ContainSensitiveWord", "InvalidParameterValue.ContentLengthLimit",
		"InvalidParameterValue.ProhibitedUseUrlInTemplateParameter", "FailedOperation.MarketingSendTimeConstraint":
		e.Reason = ReasonContentRejected
	case "FailedOperation.InsufficientBalanceInSmsPackage", "LimitExceeded.AppDailyLimit",
		"LimitExceeded.DailyLimit", "LimitExceeded.AppCountryOrRegionDailyLimit",
		"LimitExceeded.PhoneNumberDailyLimit", "LimitExceeded.PhoneNumberSameContentDailyLimit",
		"LimitExceeded.AppCountryOrRegionInBlacklist", "LimitExceeded.AppGlobalDailyLimit",
		"LimitExceeded.AppMainlandChinaDailyLimit":
		e.Reason = ReasonQuotaExceeded
	case "LimitExceeded.DeliveryFrequencyLimit", "LimitExceeded.PhoneNumberOneHourLimit",
		"LimitExceeded.PhoneNumberThirtySecondLimit", "RequestLimitExceeded",
		"RequestLimitExceeded.UinLimitExceeded", "RequestLimitExceeded.GlobalRegionUinLimitExceeded":
		e.Reason, e.Transient = ReasonThrottled, true
	case "LimitExceeded.PhoneNumberCountLimit", "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
		"InvalidParameterValue.SdkAppIdNotExist", "FailedOperation.FailResolvePacket",
		"InvalidParameter", "InvalidParameterValue", "MissingParameter", "UnknownParameter",
		"AuthFailure.SignatureExpire", "InternalError.RequestTimeException":
		e.Reason = ReasonInvalidRequest
	case "InternalError.Timeout":
		e.Reason, e.Transient = ReasonTimeout, true
	default:
		switch {
		case strings.HasPrefix(code, "AuthFailure."), strings.HasPrefix(code, "UnauthorizedOperation."):
			e.Reason = ReasonAuthFailed
		case strings.HasPrefix(code, "InternalError"), code == "ResourceUnavailable", code == "ServiceUnavailable":
			e.Transient = true
		case strings.HasPrefix(code, "LimitExceeded."):
			e.Reason = ReasonQuotaExceeded
		case strings.HasPrefix(code, "InvalidParameterValue."), strings.HasPrefix(code, "InvalidParameter."):
			e.Reason = ReasonInvalidRequest
		}
	}
	return e
}
