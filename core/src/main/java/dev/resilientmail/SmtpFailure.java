package dev.resilientmail;

import java.io.Serial;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import jakarta.mail.Address;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;

import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;
import dev.resilientmail.reply.SmtpTranscript;

/**
 * A failed send, typed by what the server's reply means. Catch the subtypes:
 * {@link TransientFailure} (try again later, only for {@link #undeliveredRecipients()}),
 * {@link PermanentFailure} (the address or the message is bad), {@link PolicyRejection}
 * (the server refuses the sending party) and {@link UncertainDelivery} (the connection
 * broke after the message was sent: it may have arrived).
 * <p>
 * When recipients fail differently the type answers "will sending the undelivered part
 * again later help?": it follows the most severe undelivered recipient, in the order
 * policy-permanent, permanent, policy-transient, transient. Per-recipient detail is on
 * {@link #recipientOutcomes()}. {@link SendFailedException}'s own address arrays are
 * filled truthfully, and the exception that Angus Mail raised is the cause.
 *
 * @since 0.1.0
 */
public abstract sealed class SmtpFailure extends SendFailedException
		permits TransientFailure, PermanentFailure, PolicyRejection, UncertainDelivery {

	@Serial
	private static final long serialVersionUID = 1L;

	private final transient Details details;

	SmtpFailure(String message, Details details, Exception cause) {
		super(withRecipientCounts(message, details), cause, addresses(details, Bucket.SENT),
				addresses(details, Bucket.UNSENT), addresses(details, Bucket.INVALID));
		this.details = Objects.requireNonNull(details, "details");
	}

	/**
	 * Creates the failure type that fits the classification: {@link PolicyRejection} for
	 * policy kinds, {@link TransientFailure} or {@link PermanentFailure} otherwise.
	 * @param message the message
	 * @param details what failed
	 * @param cause the original exception, may be null
	 * @return the failure
	 */
	public static SmtpFailure of(String message, Details details, Exception cause) {
		FailureKind kind = details.classification().kind();
		if (kind.isPolicy()) {
			return new PolicyRejection(message, details, cause);
		}
		if (kind.isRetryable()) {
			return new TransientFailure(message, details, cause);
		}
		return new PermanentFailure(message, details, cause);
	}

	/**
	 * Returns a failure of the same type with another attempt count.
	 * @param attempts the number of attempts made
	 * @return a copy carrying {@code attempts}
	 */
	public abstract SmtpFailure withAttempts(int attempts);

	/**
	 * Returns the details.
	 * @return the details
	 */
	public Details details() {
		return this.details;
	}

	/**
	 * Returns the reply that caused the failure, empty when there was none (connection
	 * refused, dropped, timed out).
	 * @return the failing reply
	 */
	public Optional<SmtpReply> reply() {
		return this.details.reply();
	}

	/**
	 * Returns the command the failing reply answered.
	 * @return the command
	 */
	public SmtpCommand command() {
		return this.details.command();
	}

	/**
	 * Returns the enhanced status code, given by the server or inferred (see
	 * {@link Classification#enhancedCodeInferred()}).
	 * @return the enhanced code
	 */
	public EnhancedStatusCode enhancedCode() {
		return this.details.classification().enhancedCode();
	}

	/**
	 * Returns what the failing reply means.
	 * @return the classification
	 */
	public Classification classification() {
		return this.details.classification();
	}

	/**
	 * Returns the reason of the failure.
	 * @return the reason
	 */
	public FailureReason reason() {
		return this.details.classification().reason();
	}

	/**
	 * Returns the exchanges of the connection up to the failure.
	 * @return the transcript
	 */
	public SmtpTranscript transcript() {
		return this.details.transcript();
	}

	/**
	 * Returns one outcome per recipient.
	 * @return the outcomes
	 */
	public List<RecipientOutcome> recipientOutcomes() {
		return this.details.recipientOutcomes();
	}

	/**
	 * Returns the recipients the server accepted the message for.
	 * @return the delivered recipients
	 */
	public List<InternetAddress> deliveredRecipients() {
		return this.details.recipientOutcomes()
			.stream()
			.filter(RecipientOutcome::isDelivered)
			.map(RecipientOutcome::recipient)
			.toList();
	}

	/**
	 * Returns the recipients the message was not delivered to (rejected, not delivered,
	 * or uncertain).
	 * @return the undelivered recipients
	 */
	public List<InternetAddress> undeliveredRecipients() {
		return this.details.recipientOutcomes()
			.stream()
			.filter((outcome) -> !outcome.isDelivered())
			.map(RecipientOutcome::recipient)
			.toList();
	}

	/**
	 * Returns how many attempts were made before giving up (1 without retries).
	 * @return the attempts
	 */
	public int attempts() {
		return this.details.attempts();
	}

	/**
	 * Returns how long the server asked to wait before trying again, when it said so.
	 * @return the wait the server asked for
	 */
	public Optional<Duration> retryAfter() {
		return this.details.classification().retryAfter();
	}

	private static final java.util.regex.Pattern COUNTS = java.util.regex.Pattern
		.compile(" \\[recipients: \\d+ delivered, \\d+ rejected, \\d+ not delivered\\]");

	/**
	 * The message with the recipient counts of these details, in place of any counts it
	 * had: a failure rebuilt after retries says the final counts, never an attempt's.
	 */
	private static String withRecipientCounts(String message, Details details) {
		String text = (message != null) ? COUNTS.matcher(message).replaceAll("") : "";
		List<RecipientOutcome> outcomes = details.recipientOutcomes();
		if (outcomes.isEmpty()) {
			return text;
		}
		long delivered = 0;
		long rejected = 0;
		for (RecipientOutcome outcome : outcomes) {
			delivered += outcome.isDelivered() ? 1 : 0;
			rejected += (outcome.status() == RecipientOutcome.Status.REJECTED) ? 1 : 0;
		}
		return text + String.format(java.util.Locale.ROOT, " [recipients: %d delivered, %d rejected, %d not delivered]",
				delivered, rejected, outcomes.size() - delivered - rejected);
	}

	private enum Bucket {

		SENT, UNSENT, INVALID

	}

	private static Address[] addresses(Details details, Bucket bucket) {
		return details.recipientOutcomes()
			.stream()
			.filter((outcome) -> bucketOf(outcome) == bucket)
			.map(RecipientOutcome::recipient)
			.toArray(Address[]::new);
	}

	private static Bucket bucketOf(RecipientOutcome outcome) {
		if (outcome.isDelivered()) {
			return Bucket.SENT;
		}
		if (outcome.status() == RecipientOutcome.Status.REJECTED && !outcome.classification().kind().isRetryable()) {
			return Bucket.INVALID;
		}
		return Bucket.UNSENT;
	}

	/**
	 * What a failure carries.
	 *
	 * @param reply the failing reply, empty when none came
	 * @param command the command it answered
	 * @param classification what it means
	 * @param transcript the connection's exchanges up to the failure
	 * @param recipientOutcomes one outcome per recipient (empty when the failure came
	 * before a message was sent, such as a failed connection)
	 * @param attempts how many attempts were made
	 * @since 0.1.0
	 */
	public record Details(Optional<SmtpReply> reply, SmtpCommand command, Classification classification,
			SmtpTranscript transcript, List<RecipientOutcome> recipientOutcomes, int attempts) {

		/**
		 * Validates and copies the components.
		 */
		public Details {
			Objects.requireNonNull(reply, "reply");
			Objects.requireNonNull(command, "command");
			Objects.requireNonNull(classification, "classification");
			Objects.requireNonNull(transcript, "transcript");
			recipientOutcomes = List.copyOf(recipientOutcomes);
			if (!classification.isFailure()) {
				throw new IllegalArgumentException("a failure needs a failure classification, got SUCCESS");
			}
			if (attempts < 1) {
				throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
			}
		}

		/**
		 * Returns a copy with another attempt count.
		 * @param attempts the attempts
		 * @return the copy
		 */
		public Details withAttempts(int attempts) {
			return new Details(this.reply, this.command, this.classification, this.transcript, this.recipientOutcomes,
					attempts);
		}

	}

}
