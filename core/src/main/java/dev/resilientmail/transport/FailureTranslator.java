package dev.resilientmail.transport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import dev.resilientmail.SmtpFailure;
import dev.resilientmail.classify.Classification;
import dev.resilientmail.internal.Printable;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.RecipientOutcome.Status;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;
import dev.resilientmail.reply.SmtpTranscript;
import dev.resilientmail.transport.Capture.Raw;

/**
 * Turns what the capture saw of a failed connection or message into the typed failure:
 * which reply failed, what it means, and what happened to each recipient.
 */
final class FailureTranslator {

	/** A reply that could not be read as SMTP: the server is broken, later may work. */
	static final Classification PROTOCOL_ERROR = new Classification(FailureKind.TRANSIENT, FailureReason.PROTOCOL_ERROR,
			new EnhancedStatusCode(4, 5, 0), true, true, Optional.empty());

	/**
	 * Recipients accepted in a transaction the client abandoned because others were
	 * rejected.
	 */
	static final Classification ABANDONED = new Classification(FailureKind.TRANSIENT, FailureReason.UNKNOWN,
			new EnhancedStatusCode(4, 0, 0), true, true, Optional.empty());

	/**
	 * STARTTLS was required and the server did not offer it: waiting does not change the
	 * server's configuration, and sending in clear text is what the caller forbade.
	 */
	static final Classification STARTTLS_MISSING = new Classification(FailureKind.POLICY_PERMANENT,
			FailureReason.AUTHENTICATION_REQUIRED, new EnhancedStatusCode(5, 7, 10), true, false, Optional.empty());

	/**
	 * Larger than the SIZE the server advertised: it would refuse it after the upload.
	 */
	static final Classification TOO_LARGE = new Classification(FailureKind.PERMANENT, FailureReason.MESSAGE_TOO_LARGE,
			new EnhancedStatusCode(5, 3, 4), true, false, Optional.empty());

	private final Capture capture;

	FailureTranslator(Capture capture) {
		this.capture = capture;
	}

	/** What failed: the reply, its command and meaning. */
	record Failing(SmtpCommand command, Optional<SmtpReply> reply, Classification classification) {

		FailureKind kind() {
			return this.classification.kind();
		}

	}

	Failing failingOf(Raw raw, boolean protocolError) {
		return failingOf(raw.command(), raw.reply(), protocolError);
	}

	Failing failingOf(SmtpCommand command, String rawReply, boolean protocolError) {
		Optional<SmtpReply> reply = Capture.parseQuietly(rawReply);
		if (reply.isEmpty()) {
			boolean garbage = protocolError || (rawReply != null && !rawReply.isEmpty() && !rawReply.equals("[EOF]"));
			return new Failing(command, reply,
					garbage ? PROTOCOL_ERROR : Classification.connectionFailed(command == SmtpCommand.CONNECT));
		}
		return new Failing(command, reply, this.capture.classifier.classify(reply.get(), command));
	}

	/** A failure while connecting, greeting, saying EHLO, STARTTLS or AUTH. */
	/**
	 * A failure while connecting, greeting, saying EHLO, STARTTLS or AUTH; when STARTTLS
	 * is required and was not offered, the failure that says so.
	 */
	SmtpFailure connectFailure(Exception cause, long from, boolean protocolError, String host,
			boolean startTlsRequiredNotOffered) {
		if (startTlsRequiredNotOffered && endedAfterGreetingWithoutStartTls(from)) {
			return startTlsMissing(cause, from);
		}
		return connectFailure(cause, from, protocolError, host);
	}

	private SmtpFailure connectFailure(Exception cause, long from, boolean protocolError, String host) {
		List<Raw> raws = this.capture.rawSince(from);
		Optional<String> certificate = TlsVerification.problem(cause, host);
		if (certificate.isPresent()) {
			SmtpCommand command = raws.isEmpty() ? SmtpCommand.CONNECT : raws.get(raws.size() - 1).command();
			Failing failing = new Failing(command, Optional.empty(), TlsVerification.CERTIFICATE_REFUSED);
			SmtpFailure.Details details = new SmtpFailure.Details(Optional.empty(), command,
					TlsVerification.CERTIFICATE_REFUSED, this.capture.transcript(), List.of(), 1);
			return SmtpFailure.of(describe(failing) + ": " + certificate.get()
					+ "; nothing was sent, no credentials either (not retried: waiting does not change a certificate)",
					details, cause);
		}
		Failing failing;
		if (raws.isEmpty()) {
			failing = new Failing(SmtpCommand.CONNECT, Optional.empty(),
					protocolError ? PROTOCOL_ERROR : Classification.connectionFailed(true));
		}
		else {
			failing = failingOf(raws.get(raws.size() - 1), protocolError);
			if (failing.reply().isPresent() && !failing.reply().get().isFailure()) {
				// the last reply was fine and the trouble came after it (a TLS handshake,
				// say)
				failing = new Failing(failing.command(), Optional.empty(), Classification.connectionFailed(false));
			}
		}
		SmtpFailure.Details details = new SmtpFailure.Details(failing.reply(), failing.command(),
				failing.classification(), this.capture.transcript(), List.of(), 1);
		return SmtpFailure.of(describe(failing) + detail(cause), details, cause);
	}

	/**
	 * Whether a connect failure is Angus refusing to go on because STARTTLS was required
	 * and the greeting's EHLO (or HELO) reply did not offer it: the last exchange is a
	 * successful EHLO/HELO and no STARTTLS was tried.
	 */
	boolean endedAfterGreetingWithoutStartTls(long from) {
		List<Raw> raws = this.capture.rawSince(from);
		if (raws.isEmpty()) {
			return false;
		}
		for (Raw raw : raws) {
			if (raw.command() == SmtpCommand.STARTTLS || raw.command() == SmtpCommand.AUTH) {
				return false;
			}
		}
		Raw last = raws.get(raws.size() - 1);
		return (last.command() == SmtpCommand.EHLO || last.command() == SmtpCommand.HELO)
				&& Capture.parseQuietly(last.reply()).map((reply) -> reply.codeClass() == 2).orElse(false);
	}

	/** The server did not offer STARTTLS and the session requires it. */
	SmtpFailure startTlsMissing(Exception cause, long from) {
		List<Raw> raws = this.capture.rawSince(from);
		SmtpCommand command = raws.isEmpty() ? SmtpCommand.EHLO : raws.get(raws.size() - 1).command();
		Failing failing = new Failing(command, Optional.empty(), STARTTLS_MISSING);
		SmtpFailure.Details details = new SmtpFailure.Details(Optional.empty(), command, STARTTLS_MISSING,
				this.capture.transcript(), List.of(), 1);
		return SmtpFailure.of(describe(failing) + ": STARTTLS is required (mail.smtp.starttls.required)"
				+ " but the server did not offer it; nothing was sent, no credentials either (to send them in clear"
				+ " anyway: mail.smtp.starttls.required=false, or MailDelivery's requireStartTls(false))", details,
				cause);
	}

	/**
	 * Refuses a message larger than the SIZE the server advertised, before MAIL FROM: the
	 * server would only refuse it after the whole upload (RFC 1870).
	 * @param sizeParameter the EHLO {@code SIZE} parameter, may be null
	 */
	void refuseOverSize(MimeMessage message, String sizeParameter, List<InternetAddress> recipients)
			throws MessagingException {
		long limit = WireSize.advertised(sizeParameter);
		if (limit <= 0) {
			return;
		}
		long size = WireSize.over(message, limit);
		if (size > limit) {
			SmtpFailure failure = tooLarge(size, limit, recipients);
			Capture.log.warn("send refused: {}", failure.getMessage());
			this.capture.notifyFailed(failure);
			throw failure;
		}
	}

	/** A message over the server's advertised SIZE, refused before MAIL FROM. */
	SmtpFailure tooLarge(long size, long limit, List<InternetAddress> recipients) {
		Failing failing = new Failing(SmtpCommand.MAIL, Optional.empty(), TOO_LARGE);
		List<RecipientOutcome> outcomes = new ArrayList<>(recipients.size());
		for (InternetAddress recipient : recipients) {
			outcomes.add(new RecipientOutcome(recipient, Status.NOT_DELIVERED, Optional.empty(), TOO_LARGE));
		}
		SmtpFailure.Details details = new SmtpFailure.Details(Optional.empty(), SmtpCommand.MAIL, TOO_LARGE,
				this.capture.transcript(), outcomes, 1);
		return SmtpFailure
			.of(describe(failing) + ": the message is " + size + " bytes and the server's EHLO reply advertised SIZE "
					+ limit + "; nothing was sent (no MAIL FROM, no upload)", details, null);
	}

	/**
	 * A failure while sending a message, with one outcome per recipient, from what the
	 * transaction recorded (never from the transcript, which may have dropped the first
	 * replies of a large message).
	 */
	SmtpFailure messageFailure(Exception cause, Transaction transaction, boolean protocolError) {
		Replies replies = new Replies();
		Failing transaction0 = null;
		boolean uncertain = false;
		SmtpReply finalReply = null;
		if (transaction.endOfDataSent()) {
			Optional<SmtpReply> reply = Capture.parseQuietly(transaction.endOfDataReply());
			if (reply.isEmpty()) {
				// the whole message and its final dot went out: the server may have taken
				// it
				uncertain = true;
				transaction0 = new Failing(SmtpCommand.END_OF_DATA, Optional.empty(),
						Classification.connectionFailed(false));
			}
			else if (reply.get().isFailure()) {
				transaction0 = failingOf(SmtpCommand.END_OF_DATA, transaction.endOfDataReply(), false);
			}
			else {
				// mail.smtp.sendpartial: the accepted recipients got the message
				finalReply = reply.get();
			}
		}
		else if (transaction.dataSent()) {
			Failing failing = failingOf(SmtpCommand.DATA, transaction.dataReply(), protocolError);
			Failing closing = closingRcpt(transaction, replies);
			// 354 to DATA, 250 to a BDAT chunk: anything else refused the transaction
			boolean dataRefused = failing.reply().isEmpty() || failing.reply().get().isFailure();
			if (closing != null && failing.reply().isEmpty()) {
				// a pipelined RCPT got 421: the session ended there, DATA went unanswered
				transaction0 = closing;
			}
			else {
				transaction0 = dataRefused ? failing : new Failing(SmtpCommand.DATA, Optional.empty(),
						protocolError ? PROTOCOL_ERROR : Classification.connectionFailed(false));
			}
		}
		else if (transaction.mailSent()
				&& !Capture.parseQuietly(transaction.mailReply()).map((r) -> !r.isFailure()).orElse(false)) {
			transaction0 = failingOf(SmtpCommand.MAIL, transaction.mailReply(), protocolError);
		}
		else {
			transaction0 = rcptStageFailure(transaction, replies, protocolError);
		}
		Failing fallback = (transaction0 != null) ? transaction0
				: new Failing(SmtpCommand.RCPT, Optional.empty(), ABANDONED);
		Classification delivered = (finalReply != null)
				? this.capture.classifier.classify(finalReply, SmtpCommand.END_OF_DATA) : null;
		List<InternetAddress> recipients = transaction.recipients();
		List<RecipientOutcome> outcomes = new ArrayList<>(recipients.size());
		for (int i = 0; i < recipients.size(); i++) {
			InternetAddress recipient = recipients.get(i);
			Failing own = transaction.rcptSent(i) ? replies.of(SmtpCommand.RCPT, transaction.rcptReply(i)) : null;
			if (own != null && own.reply().isPresent() && own.reply().get().isFailure()) {
				// 421 closes the session: it says nothing about this recipient
				Status status = (own.reply().get().code() == 421) ? Status.NOT_DELIVERED : Status.REJECTED;
				outcomes.add(new RecipientOutcome(recipient, status, own.reply(), own.classification()));
			}
			else if (own != null && own.reply().isPresent() && finalReply != null) {
				outcomes.add(new RecipientOutcome(recipient, Status.DELIVERED, Optional.of(finalReply), delivered));
			}
			else {
				Status status = (uncertain && own != null && own.reply().isPresent()) ? Status.UNCERTAIN
						: Status.NOT_DELIVERED;
				outcomes.add(new RecipientOutcome(recipient, status, fallback.reply(), fallback.classification()));
			}
		}
		// the details take the failing reply of the most severe recipient
		SmtpFailure.Details details = new SmtpFailure.Details(fallback.reply(), fallback.command(),
				fallback.classification(), this.capture.transcript(), outcomes, 1);
		Failing primary = new Failing(details.command(), details.reply(), details.classification());
		String message = describe(primary) + detail(cause);
		if (uncertain) {
			message = "connection lost after the message was sent and before the final reply;"
					+ " it may have been delivered: " + message;
		}
		return SmtpFailure.of(message, details, cause);
	}

	/**
	 * Why a transaction ended during its RCPT commands: a RCPT without a reply (the
	 * connection broke), recipients rejected (the client gave up on the rest), or a
	 * failure after the last RCPT.
	 */
	private Failing rcptStageFailure(Transaction transaction, Replies replies, boolean protocolError) {
		boolean rejectedSome = false;
		int sent = 0;
		for (int i = 0; i < transaction.recipients().size() && transaction.rcptSent(i); i++) {
			sent++;
			String reply = transaction.rcptReply(i);
			Failing failing = replies.of(SmtpCommand.RCPT, reply);
			if (failing.reply().isEmpty()) {
				return failingOf(SmtpCommand.RCPT, reply, protocolError);
			}
			rejectedSome |= failing.reply().get().isFailure();
		}
		if (rejectedSome) {
			return new Failing(SmtpCommand.RCPT, Optional.empty(), ABANDONED);
		}
		SmtpCommand last = (sent > 0) ? SmtpCommand.RCPT : transaction.mailSent() ? SmtpCommand.MAIL : SmtpCommand.ANY;
		return new Failing(last, Optional.empty(),
				protocolError ? PROTOCOL_ERROR : Classification.connectionFailed(false));
	}

	/** The first RCPT reply that closed the session (421), or null. */
	private static Failing closingRcpt(Transaction transaction, Replies replies) {
		for (int i = 0; i < transaction.recipients().size() && transaction.rcptSent(i); i++) {
			Failing failing = replies.of(SmtpCommand.RCPT, transaction.rcptReply(i));
			if (failing.reply().isPresent() && failing.reply().get().code() == 421) {
				return failing;
			}
		}
		return null;
	}

	/**
	 * Parsed and classified replies of one failure, each text once: the RCPT replies of a
	 * large message are mostly the same few texts.
	 */
	private final class Replies {

		private final Map<String, Failing> seen = new HashMap<>();

		Failing of(SmtpCommand command, String reply) {
			if (reply == null) {
				return new Failing(command, Optional.empty(), Classification.connectionFailed(false));
			}
			return this.seen.computeIfAbsent(reply, (text) -> failingOf(command, text, false));
		}

	}

	/**
	 * The headline of a failure; {@link SmtpFailure} adds the recipient counts from its
	 * outcomes.
	 */
	static String describe(Failing failing) {
		Classification c = failing.classification();
		StringBuilder out = new StringBuilder();
		out.append(c.kind())
			.append(' ')
			.append(c.reason())
			.append(" (")
			.append(c.enhancedCode())
			.append(c.enhancedCodeInferred() ? ", inferred" : "")
			.append(") at ")
			.append(failing.command());
		if (failing.reply().isPresent()) {
			out.append(": ").append(failing.reply().get().lines().get(0));
			if (failing.reply().get().lines().size() > 1) {
				out.append(" ...");
			}
		}
		else if (c.reason() == FailureReason.PROTOCOL_ERROR) {
			out.append(": unreadable reply");
		}
		else if (c == STARTTLS_MISSING || c == TOO_LARGE || c == TlsVerification.CERTIFICATE_REFUSED) {
			out.append(": refused locally");
		}
		else {
			out.append(": no reply");
		}
		return out.toString();
	}

	private static String detail(Exception cause) {
		if (cause == null) {
			return "";
		}
		Throwable root = cause;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		if (root.getMessage() == null) {
			return "";
		}
		boolean tls = false;
		for (Throwable t = cause; t != null && t.getCause() != t; t = t.getCause()) {
			tls |= t instanceof javax.net.ssl.SSLException;
			if (t == root) {
				break;
			}
		}
		if (root instanceof java.io.IOException || root instanceof java.security.GeneralSecurityException) {
			// a certificate problem is a GeneralSecurityException under the SSLException
			return " (" + (tls ? "TLS handshake failed: " : "") + root.getClass().getSimpleName() + ": "
					+ Printable.sanitise(root.getMessage()) + ")";
		}
		return "";
	}

}
