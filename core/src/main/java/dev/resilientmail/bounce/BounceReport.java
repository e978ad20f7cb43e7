package dev.resilientmail.bounce;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a message in the bounce mailbox says: which kind of message it is and, for a
 * bounce or a delay notice, one {@link BouncedRecipient} per recipient it reports.
 * <p>
 * An auto-reply ({@link Type#AUTO_REPLY}) or a feedback report
 * ({@link Type#FEEDBACK_REPORT}) is never a failure and has no recipients.
 *
 * @param type what kind of message this is
 * @param format the format the report was read from, such as {@code RFC3464},
 * {@code Exim} or {@code qmail}; {@code none} when no format applies
 * @param reportingMta the mail server that wrote the report, when it says
 * @param arrivalDate when the original message arrived at the reporting server, when it
 * says
 * @param originalMessageId the {@code Message-ID} of the returned message (angle brackets
 * removed), when the report quotes it
 * @param envelopeId the envelope id ({@code ENVID}, RFC 3461) of the original send, when
 * the report carries it
 * @param sentTo the address the report was sent to (the original message's return path, a
 * VERP address such as {@code bounces+TOKEN@example.com}), from {@code Delivered-To},
 * {@code X-Original-To} or {@code To}
 * @param recipients the recipients the report is about, in the order it names them
 * @param problem why the message is {@link Type#NOT_A_BOUNCE} or {@link Type#INVALID}, or
 * what was skipped while reading it; empty otherwise
 * @since 0.2.0
 */
public record BounceReport(Type type, String format, Optional<String> reportingMta, Optional<Instant> arrivalDate,
		Optional<String> originalMessageId, Optional<String> envelopeId, Optional<String> sentTo,
		List<BouncedRecipient> recipients, Optional<String> problem) {

	/**
	 * Validates and copies the components.
	 * @throws NullPointerException if a component is null
	 */
	public BounceReport {
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(format, "format");
		Objects.requireNonNull(reportingMta, "reportingMta");
		Objects.requireNonNull(arrivalDate, "arrivalDate");
		Objects.requireNonNull(originalMessageId, "originalMessageId");
		Objects.requireNonNull(envelopeId, "envelopeId");
		Objects.requireNonNull(sentTo, "sentTo");
		recipients = List.copyOf(recipients);
		Objects.requireNonNull(problem, "problem");
	}

	/**
	 * Returns a report for a message that could not be read.
	 * @param problem what was wrong
	 * @return an {@link Type#INVALID} report
	 */
	public static BounceReport invalid(String problem) {
		return new BounceReport(Type.INVALID, "none", Optional.empty(), Optional.empty(), Optional.empty(),
				Optional.empty(), Optional.empty(), List.of(), Optional.of(problem));
	}

	/**
	 * Returns whether the report says that delivery failed for at least one recipient.
	 * @return {@code true} for a bounce or delay notice with a recipient whose action is
	 * {@link BouncedRecipient.Action#FAILED}
	 */
	public boolean hasFailures() {
		return this.recipients.stream().anyMatch((recipient) -> recipient.action() == BouncedRecipient.Action.FAILED);
	}

	/**
	 * What kind of message a report was read from.
	 *
	 * @since 0.2.0
	 */
	public enum Type {

		/** A non-delivery report: delivery failed for at least one recipient. */
		BOUNCE,

		/** A delay notice: delivery is still being tried, no recipient failed yet. */
		DELAY_NOTICE,

		/** An automatic reply such as a vacation notice (RFC 3834); not a failure. */
		AUTO_REPLY,

		/** An abuse or complaint feedback report (RFC 5965 ARF); not a failure. */
		FEEDBACK_REPORT,

		/** A readable message that reports no delivery outcome. */
		NOT_A_BOUNCE,

		/** A message that could not be read at all; {@code problem} says why. */
		INVALID;

		/**
		 * Returns whether messages of this type report delivery outcomes.
		 * @return {@code true} for {@link #BOUNCE} and {@link #DELAY_NOTICE}
		 */
		public boolean reportsDelivery() {
			return this == BOUNCE || this == DELAY_NOTICE;
		}

	}

}
