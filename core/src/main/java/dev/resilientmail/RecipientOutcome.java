package dev.resilientmail;

import java.util.Objects;
import java.util.Optional;

import jakarta.mail.internet.InternetAddress;

import dev.resilientmail.classify.Classification;
import dev.resilientmail.reply.SmtpReply;

/**
 * What happened to one recipient of a message.
 *
 * @param recipient the recipient
 * @param status delivered, rejected, not delivered, or uncertain
 * @param reply the reply that decided the recipient's fate: its own RCPT reply when
 * rejected, the final reply when delivered, the failing reply of the transaction
 * otherwise; empty when the connection gave no reply
 * @param classification what that reply (or its absence) means
 * @since 0.1.0
 */
public record RecipientOutcome(InternetAddress recipient, Status status, Optional<SmtpReply> reply,
		Classification classification) {

	/**
	 * Validates the components.
	 */
	public RecipientOutcome {
		Objects.requireNonNull(recipient, "recipient");
		Objects.requireNonNull(status, "status");
		Objects.requireNonNull(reply, "reply");
		Objects.requireNonNull(classification, "classification");
	}

	/**
	 * Returns whether the server accepted the message for this recipient.
	 * @return {@code true} for {@link Status#DELIVERED}
	 */
	public boolean isDelivered() {
		return this.status == Status.DELIVERED;
	}

	/**
	 * The fate of one recipient.
	 *
	 * @since 0.1.0
	 */
	public enum Status {

		/** The server accepted the recipient and took responsibility for the message. */
		DELIVERED,

		/** The server refused the recipient (its RCPT TO got a 4xx or 5xx). */
		REJECTED,

		/**
		 * The recipient was not refused, but the message was not delivered to it: the
		 * transaction failed (MAIL, DATA or the final reply), or was aborted because of
		 * another recipient.
		 */
		NOT_DELIVERED,

		/**
		 * The message was sent in full but the connection broke before the final reply:
		 * the server may or may not have accepted it. Sending again may duplicate it.
		 */
		UNCERTAIN

	}

}
