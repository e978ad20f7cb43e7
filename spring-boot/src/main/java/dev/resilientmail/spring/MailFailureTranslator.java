package dev.resilientmail.spring;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.mail.MailSendException;

import dev.resilientmail.PermanentFailure;
import dev.resilientmail.PolicyRejection;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.TransientFailure;
import dev.resilientmail.UncertainDelivery;

/**
 * Translates the outcome of a {@code send(...)} call into one Spring exception, the way
 * Spring translates data-access exceptions.
 * <p>
 * With several failed messages the type answers the caller's first question, "will
 * sending the undelivered part again later help?": the most severe failure decides, in
 * the order permanent policy rejection, permanent failure, uncertain delivery, temporary
 * policy rejection, transient failure. So {@link MailTransientFailureException} means
 * every failed message failed transiently. A failure that is not an {@link SmtpFailure}
 * (a message that cannot be sent at all) gives Spring's plain {@link MailSendException}.
 * Each message's own exception is always in
 * {@link MailSendException#getFailedMessages()}.
 */
final class MailFailureTranslator {

	private MailFailureTranslator() {
	}

	/**
	 * Translates the failures of one send call.
	 * @param failedMessages each failed message with its exception, in sending order
	 * @param total how many messages the call tried to send
	 * @return the exception to throw
	 */
	static MailSendException translate(Map<Object, Exception> failedMessages, int total) {
		Map<Object, Exception> failed = new LinkedHashMap<>(failedMessages);
		SmtpFailure worst = null;
		for (Exception exception : failed.values()) {
			if (!(exception instanceof SmtpFailure failure)) {
				return new MailSendException(summary(failed, total, null), exception, failed);
			}
			if (worst == null || severity(failure) > severity(worst)) {
				worst = failure;
			}
		}
		if (worst == null) {
			throw new IllegalArgumentException("no failed message to translate");
		}
		String message = summary(failed, total, worst);
		if (worst instanceof TransientFailure transientFailure) {
			return new MailTransientFailureException(message, transientFailure, failed);
		}
		if (worst instanceof PolicyRejection policyRejection) {
			return new MailPolicyRejectionException(message, policyRejection, failed);
		}
		if (worst instanceof UncertainDelivery uncertainDelivery) {
			return new MailUncertainDeliveryException(message, uncertainDelivery, failed);
		}
		return new MailPermanentFailureException(message, (PermanentFailure) worst, failed);
	}

	private static String summary(Map<Object, Exception> failed, int total, SmtpFailure worst) {
		if (failed.size() == 1 && total == 1) {
			return (worst != null) ? worst.getMessage() : "Failed to send the message";
		}
		return failed.size() + " of " + total + " messages failed"
				+ ((worst != null) ? "; the most severe: " + worst.getMessage() : "");
	}

	static int severity(SmtpFailure failure) {
		if (failure instanceof PolicyRejection policy) {
			return policy.isTransient() ? 2 : 5;
		}
		if (failure instanceof PermanentFailure) {
			return 4;
		}
		if (failure instanceof UncertainDelivery) {
			return 3;
		}
		return 1;
	}

}
