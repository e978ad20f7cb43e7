package dev.resilientmail.spring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.mail.AuthenticationFailedException;

import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailSendException;

import dev.resilientmail.PermanentFailure;
import dev.resilientmail.PolicyRejection;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.TransientFailure;
import dev.resilientmail.UncertainDelivery;
import dev.resilientmail.reply.SmtpCommand;

/**
 * Translates the outcome of a {@code send(...)} call into one Spring exception, the way
 * Spring translates data-access exceptions: each core failure type has its one Spring
 * type, and the starter keeps no order of its own. With several failed messages, the one
 * that decides is the one the core's severity order puts first
 * ({@link SmtpFailure#mostSevere}), exactly as core decides between the recipients of one
 * message.
 * <p>
 * A rejected login ({@code 535 5.7.8}, any failure answering {@code AUTH}) is Spring's
 * {@link MailAuthenticationException}, as with Spring's own sender, with the typed
 * failure as its cause. A failure that is not an {@link SmtpFailure} (a message that
 * cannot be sent at all) gives Spring's plain {@link MailSendException}. Each message's
 * own exception is always in {@link MailSendException#getFailedMessages()}.
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
	static MailException translate(Map<Object, Exception> failedMessages, int total) {
		Map<Object, Exception> failed = new LinkedHashMap<>(failedMessages);
		List<SmtpFailure> failures = new ArrayList<>(failed.size());
		for (Exception exception : failed.values()) {
			if (!(exception instanceof SmtpFailure failure)) {
				return new MailSendException(summary(failed, total, null), exception, failed);
			}
			if (isAuthentication(failure)) {
				return new MailAuthenticationException(failure.getMessage(), failure);
			}
			failures.add(failure);
		}
		if (failures.isEmpty()) {
			throw new IllegalArgumentException("no failed message to translate");
		}
		SmtpFailure decisive = SmtpFailure.mostSevere(failures);
		String message = summary(failed, total, decisive);
		if (decisive instanceof TransientFailure transientFailure) {
			return new MailTransientFailureException(message, transientFailure, failed);
		}
		if (decisive instanceof PolicyRejection policyRejection) {
			return new MailPolicyRejectionException(message, policyRejection, failed);
		}
		if (decisive instanceof UncertainDelivery uncertainDelivery) {
			return new MailUncertainDeliveryException(message, uncertainDelivery, failed);
		}
		return new MailPermanentFailureException(message, (PermanentFailure) decisive, failed);
	}

	/**
	 * Whether the server refused the login: Angus's own signal, or a failed reply to AUTH
	 * (its code varies: 535, 534, 454).
	 */
	private static boolean isAuthentication(SmtpFailure failure) {
		return failure.command() == SmtpCommand.AUTH || failure.getCause() instanceof AuthenticationFailedException;
	}

	private static String summary(Map<Object, Exception> failed, int total, SmtpFailure decisive) {
		if (failed.size() == 1 && total == 1) {
			return (decisive != null) ? decisive.getMessage() : "Failed to send the message";
		}
		return failed.size() + " of " + total + " messages failed"
				+ ((decisive != null) ? "; the most severe: " + decisive.getMessage() : "");
	}

}
