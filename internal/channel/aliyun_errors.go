package channel

import "strings"

// aliyunError maps an Aliyun SMS API error code to an *Error. Codes are
// from the dysmsapi "API错误码" page and the OpenAPI gateway's common codes.
func aliyunError(code, message string) *Error {
	e := &Error{Provider: ProviderAliyun, Code: code, Detail: message, Reason: ReasonProviderError}
	switch code {
	case "isv.MOBILE_NUMBER_ILLEGAL":
		e.Reason = ReasonInvalidMobile
	case "isv.BUSINESS_LIMIT_CONTROL":
		e.Reason, e.Transient = ReasonThrottled, true
	case "isv.DAY_LIMIT_CONTROL", "isv.MONTH_LIMIT_CONTROL", "isv.AMOUNT_NOT_ENOUGH", "isv.OUT_OF_SERVICE":
		e.Reason = ReasonQuotaExceeded
	case "isv.SMS_TEMPLATE_ILLEGAL", "isv.TEMPLATE_MISSING_PARAMETERS", "isv.TEMPLATE_PARAMS_ILLEGAL",
		"isv.SMS_SIGNATURE_SCENE_ILLEGAL", "isv.INVALID_JSON_PARAM", "isv.DOMESTIC_NUMBER_NOT_SUPPORTED":
		e.Reason = ReasonTemplateRejected
	case "isv.SMS_SIGNATURE_ILLEGAL", "isv.SMS_SIGN_ILLEGAL", "isv.SIGN_STATE_ILLEGAL":
		e.Reason = ReasonSignRejected
	case "isv.SMS_CONTENT_ILLEGAL", "isv.BLACK_KEY_CONTROL_LIMIT", "isv.PARAM_LENGTH_LIMIT":
		e.Reason = ReasonContentRejected
	case "isp.RAM_PERMISSION_DENY", "isv.ACCOUNT_NOT_EXISTS", "isv.ACCOUNT_ABNORMAL",
		"isv.PRODUCT_UN_SUBSCRIPT", "isv.PRODUCT_UNSUBSCRIBE", "isv.DENY_IP_RANGE",
		"SignatureDoesNotMatch", "IncompleteSignature", "InvalidAccessKeyId.NotFound",
		"InvalidAccessKeyId.Inactive", "Forbidden.RAM", "NoPermission":
		e.Reason = ReasonAuthFailed
	case "isv.MOBILE_COUNT_OVER_LIMIT", "isv.INVALID_PARAMETERS", "isv.EXTEND_CODE_ERROR",
		"MissingParameter", "InvalidParameter", "InvalidTimeStamp.Expired", "InvalidTimeStamp.Format":
		e.Reason = ReasonInvalidRequest
	case "SignatureNonceUsed", "isp.SYSTEM_ERROR", "isv.SYSTEM_ERROR", "InternalError", "ServiceUnavailable":
		e.Transient = true
	default:
		switch {
		case strings.HasPrefix(code, "Throttling"):
			e.Reason, e.Transient = ReasonThrottled, true
		case strings.HasPrefix(code, "isp."):
			e.Transient = true
		}
	}
	return e
}
