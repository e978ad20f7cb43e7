package dev.resilientmail.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.angus.mail.smtp.SMTPMessage;

import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;
import dev.resilientmail.reply.SmtpTranscript;

/** A message as a {@link DeferredRetryStore} keeps it, and the failure of a dead one. */
final class StoredRetries {

	private StoredRetries() {
	}

	/**
	 * The key a store keeps a message under: its Message-ID, fixed before the first
	 * attempt.
	 */
	static String key(MimeMessage message) {
		try {
			return message.getMessageID();
		}
		catch (MessagingException ex) {
			throw new IllegalStateException("the message's Message-ID cannot be read: " + ex.getMessage(), ex);
		}
	}

	static DeferredRetry of(MimeMessage message, List<InternetAddress> recipients, int attempts,
			Classification lastClassification, Optional<SmtpReply> lastReply, long waitMillis) {
		List<String> addresses = new ArrayList<>(recipients.size());
		for (InternetAddress recipient : recipients) {
			addresses.add(recipient.getAddress());
		}
		Classification last = (lastClassification != null) ? lastClassification : Classification.connectionFailed(true);
		return new DeferredRetry(key(message), message, envelopeSender(message), addresses, Math.max(1, attempts), last,
				lastReply, Instant.now().plusMillis(waitMillis));
	}

	/**
	 * The reverse path Angus uses for a message: the envelope sender of an
	 * {@code SMTPMessage}, else the first From address.
	 */
	private static String envelopeSender(MimeMessage message) {
		try {
			if (message instanceof SMTPMessage smtp && smtp.getEnvelopeFrom() != null) {
				return smtp.getEnvelopeFrom();
			}
			Address[] from = message.getFrom();
			return (from != null && from.length > 0 && from[0] instanceof InternetAddress address)
					? address.getAddress() : "";
		}
		catch (MessagingException ex) {
			return "";
		}
	}

	/** The failure to report for a stored retry that is dead without being attempted. */
	static SmtpFailure dead(List<String> recipients, int attempts, String reason) {
		Classification classification = new Classification(FailureKind.PERMANENT, FailureReason.UNKNOWN,
				new EnhancedStatusCode(5, 0, 0), true, false, Optional.empty());
		List<RecipientOutcome> outcomes = new ArrayList<>();
		for (String recipient : recipients) {
			try {
				outcomes.add(new RecipientOutcome(new InternetAddress(recipient), RecipientOutcome.Status.NOT_DELIVERED,
						Optional.empty(), classification));
			}
			catch (AddressException ex) {
				// an address the store kept that no longer parses: the reason still names
				// the retry
			}
		}
		return SmtpFailure.of("stored retry is dead: " + reason, new SmtpFailure.Details(Optional.empty(),
				SmtpCommand.ANY, classification, SmtpTranscript.EMPTY, outcomes, Math.max(1, attempts)), null);
	}

}
