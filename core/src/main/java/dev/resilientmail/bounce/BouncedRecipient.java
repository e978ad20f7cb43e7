package dev.resilientmail.bounce;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import dev.resilientmail.classify.Classification;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

/**
 * What a bounce says about one recipient: the action the reporting server took, the
 * status, the remote server's reply when the report quotes one, and the same
 * {@link Classification} a reply at send time gets.
 *
 * @param recipient the final recipient address as the report writes it
 * @param originalRecipient the address the sender gave, when the report names it
 * ({@code Original-Recipient}) and it differs
 * @param action what happened: failed, delayed, delivered, relayed or expanded
 * @param status the enhanced status code the report gives for this recipient: the one in
 * the diagnostic when there is one, else the {@code Status} field; empty when it gives
 * none
 * @param diagnostic the remote server's SMTP reply, when the report quotes one with a
 * reply code
 * @param diagnosticText the report's text about this recipient, whitespace collapsed
 * (empty when it has none)
 * @param remoteMta the server that gave the diagnostic, when the report names it
 * @param lastAttempt when delivery was last tried, when the report says
 * @param phase the SMTP command the diagnostic answered when the text names it,
 * {@link SmtpCommand#ANY} otherwise
 * @param classification what the failure means, from the reply (or from the status and
 * the text when the report quotes no reply) by the parser's {@code ReplyClassifier}
 * @since 0.2.0
 */
public record BouncedRecipient(String recipient, Optional<String> originalRecipient, Action action,
		Optional<EnhancedStatusCode> status, Optional<SmtpReply> diagnostic, String diagnosticText,
		Optional<String> remoteMta, Optional<Instant> lastAttempt, SmtpCommand phase, Classification classification) {

	/**
	 * Validates the components.
	 * @throws NullPointerException if a component is null
	 */
	public BouncedRecipient {
		Objects.requireNonNull(recipient, "recipient");
		Objects.requireNonNull(originalRecipient, "originalRecipient");
		Objects.requireNonNull(action, "action");
		Objects.requireNonNull(status, "status");
		Objects.requireNonNull(diagnostic, "diagnostic");
		Objects.requireNonNull(diagnosticText, "diagnosticText");
		Objects.requireNonNull(remoteMta, "remoteMta");
		Objects.requireNonNull(lastAttempt, "lastAttempt");
		Objects.requireNonNull(phase, "phase");
		Objects.requireNonNull(classification, "classification");
	}

	/**
	 * The action a reporting server took for a recipient (RFC 3464 section 2.3.3).
	 *
	 * @since 0.2.0
	 */
	public enum Action {

		/** Delivery failed and will not be tried again. */
		FAILED,

		/** Delivery has not succeeded yet and is still being tried. */
		DELAYED,

		/** The message was delivered. */
		DELIVERED,

		/** The message was passed on to a system that sends no reports. */
		RELAYED,

		/** The recipient was an alias or list, expanded to other recipients. */
		EXPANDED;

		/**
		 * Returns the name as RFC 3464 writes it: {@code failed}, {@code delayed}, ...
		 * @return the lower-case name
		 */
		public String fieldValue() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
