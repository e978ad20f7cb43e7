package dev.resilientmail.bounce;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.LateOutcome;
import dev.resilientmail.internal.EnvelopeIds;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpExchange;

/**
 * Matches bounces to the messages they are about and reports each match on a
 * {@link DeliveryListener} as a {@link LateOutcome}: by envelope id ({@code ENVID}), then
 * by VERP token (a return path like {@code bounces+TOKEN@example.com}), then by the
 * returned message's {@code Message-ID}. Each message, recipient and outcome (failed or
 * delayed) is reported once, however often its bounce is read.
 * <p>
 * Sends are remembered in memory, the most recent {@code capacity} of them; a bounce for
 * an older send is not matched. Thread-safe.
 *
 * @since 0.2.0
 */
public final class BounceCorrelator {

	private static final Logger logger = LoggerFactory.getLogger(BounceCorrelator.class);

	/** Sends remembered by {@link #create(DeliveryListener)}. */
	public static final int DEFAULT_CAPACITY = 100_000;

	private static final Pattern ENVID = Pattern.compile(" ENVID=(\\S+)", Pattern.CASE_INSENSITIVE);

	private final DeliveryListener listener;

	private final char separator;

	private final Map<String, Send> byMessageId;

	private final Map<String, Send> byEnvelopeId = new LinkedHashMap<>();

	private final Map<String, Send> byToken = new LinkedHashMap<>();

	private BounceCorrelator(DeliveryListener listener, int capacity, char separator) {
		this.listener = Objects.requireNonNull(listener, "listener");
		this.separator = separator;
		this.byMessageId = new LinkedHashMap<>(16, 0.75f, false) {
			private static final long serialVersionUID = 1L;

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, Send> eldest) {
				if (size() <= capacity) {
					return false;
				}
				Send send = eldest.getValue();
				if (send.envelopeId != null) {
					BounceCorrelator.this.byEnvelopeId.remove(send.envelopeId);
				}
				if (send.token != null) {
					BounceCorrelator.this.byToken.remove(send.token);
				}
				return true;
			}
		};
	}

	/**
	 * Returns a correlator that remembers the last {@value #DEFAULT_CAPACITY} sends and
	 * reads VERP tokens after a {@code +}.
	 * @param listener receives the late outcomes
	 * @return the correlator
	 */
	public static BounceCorrelator create(DeliveryListener listener) {
		return new BounceCorrelator(listener, DEFAULT_CAPACITY, '+');
	}

	/**
	 * Returns a correlator with its own bounds.
	 * @param listener receives the late outcomes
	 * @param capacity how many sends to remember, at least 1
	 * @param separator the character between the local part and the VERP token ({@code +}
	 * in {@code bounces+TOKEN@example.com})
	 * @return the correlator
	 * @throws IllegalArgumentException if the capacity is below 1 or the separator is
	 * {@code @}
	 */
	public static BounceCorrelator create(DeliveryListener listener, int capacity, char separator) {
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
		}
		if (separator == '@' || Character.isWhitespace(separator)) {
			throw new IllegalArgumentException("the VERP separator must not be '@' or white space");
		}
		return new BounceCorrelator(listener, capacity, separator);
	}

	/**
	 * Returns the VERP return path for a token: {@code bounces@example.com} and
	 * {@code 42} give {@code bounces+42@example.com}.
	 * @param returnPath the plain return path
	 * @param token the token; letters, digits, {@code -}, {@code _} and {@code .} only
	 * @return the return path with the token
	 * @throws IllegalArgumentException if the return path has no {@code @} or the token
	 * other characters
	 */
	public String verpReturnPath(String returnPath, String token) {
		int at = (returnPath != null) ? returnPath.lastIndexOf('@') : -1;
		if (at <= 0) {
			throw new IllegalArgumentException(
					"return path '" + returnPath + "' is not an address like bounces@example.com");
		}
		if (token == null || token.isEmpty() || !token.matches("[A-Za-z0-9._-]{1,64}")) {
			throw new IllegalArgumentException(
					"VERP token '" + token + "' must be 1 to 64 letters, digits, '-', '_' or '.'");
		}
		return returnPath.substring(0, at) + this.separator + token + returnPath.substring(at);
	}

	/**
	 * Remembers a send, so that its bounces can be matched.
	 * @param messageId the message's {@code Message-ID}, with or without angle brackets
	 * @param envelopeId the {@code ENVID} it was sent with, or {@code null}
	 * @param verpToken the VERP token of its return path, or {@code null}
	 * @param recipients the recipients it was sent to
	 */
	public synchronized void sent(String messageId, String envelopeId, String verpToken,
			Collection<String> recipients) {
		String id = bare(Objects.requireNonNull(messageId, "messageId"));
		Send send = new Send(id, envelopeId, verpToken, new HashSet<>());
		for (String recipient : recipients) {
			send.recipients.add(recipient.toLowerCase(Locale.ROOT));
		}
		this.byMessageId.put(id, send);
		if (envelopeId != null) {
			this.byEnvelopeId.put(envelopeId, send);
		}
		if (verpToken != null) {
			this.byToken.put(verpToken, send);
		}
	}

	/**
	 * Remembers a send as it went on the wire: the message's {@code Message-ID}, the
	 * {@code ENVID} and the VERP token of the return path its MAIL command carried, and
	 * the recipients the server accepted. Recipients accepted by earlier attempts of the
	 * same message are kept. Fits
	 * {@code MailDelivery.Builder.acceptedSends(correlator::sent)}.
	 * @param message the message sent
	 * @param report the report of the attempt that some recipients accepted
	 */
	public void sent(MimeMessage message, DeliveryReport report) {
		String messageId;
		try {
			messageId = message.getMessageID();
		}
		catch (MessagingException ex) {
			messageId = null;
		}
		if (messageId == null) {
			logger.debug("a message without Message-ID cannot be correlated; not remembered");
			return;
		}
		String mail = report.transcript().last(SmtpCommand.MAIL).map(SmtpExchange::commandLine).orElse("");
		Matcher envid = ENVID.matcher(mail);
		String envelopeId = envid.find() ? EnvelopeIds.decodeXtext(envid.group(1)) : null;
		int open = mail.indexOf('<');
		int close = mail.indexOf('>');
		String verpToken = (open >= 0 && close > open)
				? token(Optional.of(mail.substring(open + 1, close))).orElse(null) : null;
		List<String> recipients = new ArrayList<>();
		for (InternetAddress address : report.acceptedRecipients()) {
			recipients.add(address.getAddress());
		}
		synchronized (this) {
			Send earlier = this.byMessageId.get(bare(messageId));
			if (earlier != null) {
				recipients.addAll(earlier.recipients);
			}
			sent(messageId, envelopeId, verpToken, recipients);
		}
	}

	/**
	 * Matches a report to its send and reports each new outcome on the listener.
	 * @param report the report
	 * @return the outcomes reported now (none for a report that matches no send, is not a
	 * bounce or delay notice, or was seen before)
	 */
	public List<LateOutcome> correlate(BounceReport report) {
		List<LateOutcome> outcomes = new ArrayList<>();
		synchronized (this) {
			if (!report.type().reportsDelivery()) {
				return outcomes;
			}
			Send send = null;
			String matchedBy = null;
			if (report.envelopeId().isPresent()) {
				// the field is xtext (RFC 3464); some reporters decode it, some do not
				String raw = report.envelopeId().get();
				send = this.byEnvelopeId.get(EnvelopeIds.decodeXtext(raw));
				if (send == null) {
					send = this.byEnvelopeId.get(raw);
				}
				matchedBy = "ENVID";
			}
			if (send == null) {
				Optional<String> token = token(report.sentTo());
				send = token.map(this.byToken::get).orElse(null);
				matchedBy = "VERP";
			}
			if (send == null && report.originalMessageId().isPresent()) {
				send = this.byMessageId.get(bare(report.originalMessageId().get()));
				matchedBy = "MESSAGE_ID";
			}
			if (send == null) {
				return outcomes;
			}
			Set<String> sentTo = send.recipients;
			for (BouncedRecipient recipient : report.recipients()) {
				boolean failed = recipient.action() == BouncedRecipient.Action.FAILED;
				if (!failed && recipient.action() != BouncedRecipient.Action.DELAYED) {
					continue;
				}
				String address = recipient.originalRecipient()
					.filter((original) -> sentTo.contains(original.toLowerCase(Locale.ROOT)))
					.orElse(recipient.recipient());
				if (send.reported.add(address.toLowerCase(Locale.ROOT) + (failed ? " failed" : " delayed"))) {
					outcomes.add(new LateOutcome(send.messageId, address, failed, recipient.status(),
							recipient.diagnostic(), recipient.classification(), matchedBy));
				}
			}
		}
		for (LateOutcome outcome : outcomes) {
			try {
				this.listener.onLateOutcome(outcome);
			}
			catch (RuntimeException ex) {
				logger.warn("DeliveryListener.onLateOutcome threw; ignored", ex);
			}
		}
		return outcomes;
	}

	private Optional<String> token(Optional<String> sentTo) {
		if (sentTo.isEmpty()) {
			return Optional.empty();
		}
		String address = sentTo.get();
		int at = address.lastIndexOf('@');
		int separatorAt = address.indexOf(this.separator);
		if (separatorAt < 0 || at < 0 || separatorAt > at) {
			return Optional.empty();
		}
		return Optional.of(address.substring(separatorAt + 1, at));
	}

	private static String bare(String id) {
		String value = id.trim();
		if (value.startsWith("<") && value.endsWith(">")) {
			value = value.substring(1, value.length() - 1);
		}
		return value;
	}

	/** One remembered send and the outcomes already reported for it. */
	private record Send(String messageId, String envelopeId, String token, Set<String> recipients,
			Set<String> reported) {

		Send(String messageId, String envelopeId, String token, Set<String> recipients) {
			this(messageId, envelopeId, token, recipients, new HashSet<>());
		}

	}

}
