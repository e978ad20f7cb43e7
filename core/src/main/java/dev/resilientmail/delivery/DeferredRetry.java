package dev.resilientmail.delivery;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import jakarta.mail.internet.MimeMessage;

import dev.resilientmail.classify.Classification;
import dev.resilientmail.reply.SmtpReply;

/**
 * A message waiting for its next attempt, as a {@link DeferredRetryStore} keeps it.
 *
 * @param key the message's key, unique per message (its {@code Message-ID}): a store
 * holds at most one retry per key
 * @param message the message, its {@code Message-ID} fixed
 * @param envelopeSender the envelope sender ({@code MAIL FROM}), empty for the null
 * reverse path
 * @param recipients the recipients still to deliver, never empty
 * @param attempts the attempts made so far, at least 1
 * @param lastClassification what the last failure meant
 * @param lastReply the server's last failure reply, when there was one
 * @param due when the next attempt is due
 * @since 0.2.0
 */
public record DeferredRetry(String key, MimeMessage message, String envelopeSender, List<String> recipients,
		int attempts, Classification lastClassification, Optional<SmtpReply> lastReply, Instant due) {

	/**
	 * Validates the components.
	 * @throws IllegalArgumentException if the key is blank, there are no recipients or no
	 * attempt was made yet
	 */
	public DeferredRetry {
		Objects.requireNonNull(message, "message");
		Objects.requireNonNull(envelopeSender, "envelopeSender");
		Objects.requireNonNull(lastClassification, "lastClassification");
		Objects.requireNonNull(lastReply, "lastReply");
		Objects.requireNonNull(due, "due");
		if (key == null || key.isBlank()) {
			throw new IllegalArgumentException("a deferred retry needs a key (the Message-ID)");
		}
		recipients = List.copyOf(recipients);
		if (recipients.isEmpty()) {
			throw new IllegalArgumentException("a deferred retry needs at least one recipient still to deliver");
		}
		if (attempts < 1) {
			throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
		}
	}

}
