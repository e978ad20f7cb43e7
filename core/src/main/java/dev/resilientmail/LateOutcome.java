package dev.resilientmail;

import java.util.Objects;
import java.util.Optional;

import dev.resilientmail.classify.Classification;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpReply;

/**
 * What a bounce that arrived after the relay accepted a message says about one of its
 * recipients, matched to that send.
 *
 * @param messageId the {@code Message-ID} of the message the bounce was matched to
 * (without angle brackets)
 * @param recipient the recipient the bounce is about
 * @param failed {@code true} when delivery failed, {@code false} when it is only delayed
 * @param status the enhanced status code the bounce gives, if any
 * @param reply the remote server's reply the bounce quotes, if any
 * @param classification what the outcome means, as for a reply at send time
 * @param matchedBy how the bounce was matched: {@code ENVID}, {@code VERP} or
 * {@code MESSAGE_ID}
 * @since 0.2.0
 */
public record LateOutcome(String messageId, String recipient, boolean failed, Optional<EnhancedStatusCode> status,
		Optional<SmtpReply> reply, Classification classification, String matchedBy) {

	/**
	 * Validates the components.
	 * @throws NullPointerException if a component is null
	 */
	public LateOutcome {
		Objects.requireNonNull(messageId, "messageId");
		Objects.requireNonNull(recipient, "recipient");
		Objects.requireNonNull(status, "status");
		Objects.requireNonNull(reply, "reply");
		Objects.requireNonNull(classification, "classification");
		Objects.requireNonNull(matchedBy, "matchedBy");
	}

}
