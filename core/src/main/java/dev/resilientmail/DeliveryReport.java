package dev.resilientmail;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import jakarta.mail.internet.InternetAddress;

import dev.resilientmail.reply.SmtpReply;
import dev.resilientmail.reply.SmtpTranscript;

/**
 * The report of a message the server accepted.
 *
 * @param recipientOutcomes one outcome per recipient, all
 * {@link RecipientOutcome.Status#DELIVERED}
 * @param finalReply the server's reply to the end of the message, usually with its queue
 * id ({@code 250 2.0.0 Ok: queued as 4BQ2c35Tvbz9sYD})
 * @param transcript the exchanges of the connection up to the final reply
 * @param attempts how many attempts the delivery took (1 when the first one succeeded)
 * @since 0.1.0
 */
public record DeliveryReport(List<RecipientOutcome> recipientOutcomes, SmtpReply finalReply, SmtpTranscript transcript,
		int attempts) {

	/**
	 * Validates and copies the components.
	 */
	public DeliveryReport {
		recipientOutcomes = List.copyOf(recipientOutcomes);
		Objects.requireNonNull(finalReply, "finalReply");
		Objects.requireNonNull(transcript, "transcript");
		if (attempts < 1) {
			throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
		}
	}

	/**
	 * Returns the recipients the server accepted.
	 * @return the accepted recipients, in the order they were sent
	 */
	public List<InternetAddress> acceptedRecipients() {
		return this.recipientOutcomes.stream()
			.filter(RecipientOutcome::isDelivered)
			.map(RecipientOutcome::recipient)
			.toList();
	}

	/**
	 * Returns the queue id the server announced in its final reply, when it follows one
	 * of the usual wordings ({@code queued as X}, {@code id=X}, {@code OK X}, the last
	 * token of a Gmail reply).
	 * @return the queue id, if recognisable
	 */
	public Optional<String> queueId() {
		return QueueIds.find(this.finalReply.text());
	}

}
