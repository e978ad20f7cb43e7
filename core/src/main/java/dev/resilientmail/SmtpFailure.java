package dev.resilientmail;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

import jakarta.mail.Address;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;

import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
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
 * When recipients fail differently, the type answers the caller's first question about
 * the undelivered part by one severity order, most severe first:
 * <ol>
 * <li>{@link UncertainDelivery}: some recipient may have the message, do not resend
 * blindly;</li>
 * <li>{@link PolicyRejection} permanent (5xx about the sending party);</li>
 * <li>{@link PermanentFailure};</li>
 * <li>{@link PolicyRejection} transient (4xx about the sending party);</li>
 * <li>{@link TransientFailure}.</li>
 * </ol>
 * {@link #reply()}, {@link #command()} and {@link #classification()} are those of the
 * first most severe undelivered recipient (of the failed transaction when there is no
 * recipient outcome, such as a refused connection). Whatever the type, every recipient's
 * outcome is on {@link #recipientOutcomes()}, so a suppression list reads
 * {@link #rejectedRecipients()}, not the type. {@link SendFailedException}'s own address
 * arrays are filled truthfully, and the exception that Angus Mail raised is the cause.
 *
 * @since 0.1.0
 */
public abstract sealed class SmtpFailure extends SendFailedException
		permits TransientFailure, PermanentFailure, PolicyRejection, UncertainDelivery {

	@Serial
	private static final long serialVersionUID = 2L;

	/** Written by {@link #writeObject}: the values hold {@code Optional}s. */
	private transient Details details;

	SmtpFailure(String message, Details details, Exception cause) {
		super(withRecipientCounts(message, details), cause, addresses(details, Bucket.SENT),
				addresses(details, Bucket.UNSENT), addresses(details, Bucket.INVALID));
		this.details = Objects.requireNonNull(details, "details");
		Class<? extends SmtpFailure> type = Severity.typeOf(details);
		if (type != getClass()) {
			throw new IllegalArgumentException(
					"these details make a " + type.getSimpleName() + ", not a " + getClass().getSimpleName()
							+ " (the severity order of SmtpFailure decides; SmtpFailure.of" + " picks the type)");
		}
	}

	/**
	 * Creates the failure of the type the severity order gives to the details (see the
	 * class description).
	 * @param message the message
	 * @param details what failed
	 * @param cause the original exception, may be null
	 * @return the failure
	 */
	public static SmtpFailure of(String message, Details details, Exception cause) {
		Class<? extends SmtpFailure> type = Severity.typeOf(details);
		if (type == UncertainDelivery.class) {
			return new UncertainDelivery(message, details, cause);
		}
		if (type == PolicyRejection.class) {
			return new PolicyRejection(message, details, cause);
		}
		if (type == TransientFailure.class) {
			return new TransientFailure(message, details, cause);
		}
		return new PermanentFailure(message, details, cause);
	}

	/**
	 * Returns the most severe of several failures by the order of the class description
	 * (the first of equally severe ones): what one exception for several failed messages
	 * should be.
	 * @param failures the failures, at least one
	 * @return the most severe
	 * @throws IllegalArgumentException if there is none
	 * @since 0.2.0
	 */
	public static SmtpFailure mostSevere(Collection<? extends SmtpFailure> failures) {
		SmtpFailure worst = null;
		for (SmtpFailure failure : failures) {
			if (worst == null || Severity.of(failure) > Severity.of(worst)) {
				worst = Objects.requireNonNull(failure, "failure");
			}
		}
		if (worst == null) {
			throw new IllegalArgumentException("no failure to choose from");
		}
		return worst;
	}

	/**
	 * Returns a failure of the same type with another attempt count.
	 * @param attempts the number of attempts made, 1 or more
	 * @return a copy carrying {@code attempts}
	 */
	public SmtpFailure withAttempts(int attempts) {
		SmtpFailure copy = of(getMessage(), this.details.withAttempts(attempts),
				(getCause() instanceof Exception ex) ? ex : null);
		copy.setStackTrace(getStackTrace());
		return copy;
	}

	/**
	 * Returns everything the failure carries, as one value.
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
	 * Returns the kind of the failing reply.
	 * @return the kind, never {@link FailureKind#SUCCESS}
	 * @since 0.2.0
	 */
	public FailureKind kind() {
		return this.details.classification().kind();
	}

	/**
	 * Returns whether sending the undelivered part again later can succeed: the
	 * classification's retry advice. For an {@link UncertainDelivery} this is about the
	 * server, not about duplicates: resending may deliver a second copy.
	 * @return the classification's {@link Classification#retry()}
	 * @since 0.2.0
	 */
	public boolean isRetryable() {
		return this.details.classification().retry();
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
		return recipients((outcome) -> outcome.isDelivered());
	}

	/**
	 * Returns the recipients the message was not delivered to (rejected, not delivered,
	 * or uncertain).
	 * @return the undelivered recipients
	 */
	public List<InternetAddress> undeliveredRecipients() {
		return recipients((outcome) -> !outcome.isDelivered());
	}

	/**
	 * Returns the recipients the server refused for good by their own RCPT reply, for a
	 * reason of the address rather than the sender ({@link FailureKind#PERMANENT}:
	 * unknown user, mailbox disabled): what a suppression list takes, whatever the thrown
	 * type.
	 * @return the permanently rejected recipients
	 * @since 0.2.0
	 */
	public List<InternetAddress> rejectedRecipients() {
		return recipients((outcome) -> outcome.status() == RecipientOutcome.Status.REJECTED
				&& outcome.classification().kind() == FailureKind.PERMANENT);
	}

	/**
	 * Returns the recipients that may have the message: it was sent in full and the
	 * connection broke before the server's final reply.
	 * @return the uncertain recipients
	 * @since 0.2.0
	 */
	public List<InternetAddress> uncertainRecipients() {
		return recipients((outcome) -> outcome.status() == RecipientOutcome.Status.UNCERTAIN);
	}

	private List<InternetAddress> recipients(Predicate<RecipientOutcome> which) {
		return this.details.recipientOutcomes().stream().filter(which).map(RecipientOutcome::recipient).toList();
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

	@Serial
	private void writeObject(ObjectOutputStream out) throws IOException {
		out.defaultWriteObject();
		out.writeObject(SerialDetails.of(this.details));
	}

	@Serial
	private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
		in.defaultReadObject();
		if (!(in.readObject() instanceof SerialDetails serial)) {
			throw new InvalidObjectException("an SmtpFailure without its details");
		}
		this.details = serial.details();
		// SendFailedException's own arrays are transient too
		this.validSent = addresses(this.details, Bucket.SENT);
		this.validUnsent = addresses(this.details, Bucket.UNSENT);
		this.invalid = addresses(this.details, Bucket.INVALID);
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
	 * What a failure carries. When some recipient was not delivered to, the failing
	 * reply, command and classification are those of the first most severe such recipient
	 * by the severity order (its own RCPT reply when it was rejected); the ones given are
	 * kept when no recipient outcome ranks (a failure before any recipient was tried).
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
		 * Validates and copies the components, and takes the failing reply of the most
		 * severe undelivered recipient.
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
			RecipientOutcome worst = Severity.worstUndelivered(recipientOutcomes);
			if (worst != null) {
				reply = worst.reply();
				classification = worst.classification();
				command = (worst.status() == RecipientOutcome.Status.REJECTED) ? SmtpCommand.RCPT : command;
			}
		}

		Details withAttempts(int attempts) {
			return new Details(this.reply, this.command, this.classification, this.transcript, this.recipientOutcomes,
					attempts);
		}

	}

}
