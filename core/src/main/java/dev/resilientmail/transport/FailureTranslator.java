package dev.resilientmail.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import jakarta.mail.internet.InternetAddress;

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
		Optional<SmtpReply> reply = Capture.parseQuietly(raw.reply());
		if (reply.isEmpty()) {
			boolean garbage = protocolError
					|| (raw.reply() != null && !raw.reply().isEmpty() && !raw.reply().equals("[EOF]"));
			return new Failing(raw.command(), reply,
					garbage ? PROTOCOL_ERROR : Classification.connectionFailed(raw.command() == SmtpCommand.CONNECT));
		}
		return new Failing(raw.command(), reply, this.capture.classifier.classify(reply.get(), raw.command()));
	}

	/** A failure while connecting, greeting, saying EHLO, STARTTLS or AUTH. */
	SmtpFailure connectFailure(Exception cause, long from, boolean protocolError) {
		List<Raw> raws = this.capture.rawSince(from);
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
		return SmtpFailure.of(describe(failing, null) + detail(cause), details, cause);
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
		return SmtpFailure.of(describe(failing, null) + ": STARTTLS is required (mail.smtp.starttls.required)"
				+ " but the server did not offer it; nothing was sent, no credentials either", details, cause);
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
		return SmtpFailure.of(describe(failing, null) + ": the message is " + size
				+ " bytes and the server's EHLO reply advertised SIZE " + limit
				+ "; nothing was sent (no MAIL FROM, no upload)", details, null);
	}

	/** A failure while sending a message, with one outcome per recipient. */
	SmtpFailure messageFailure(Exception cause, long from, List<InternetAddress> recipients, boolean protocolError) {
		List<Raw> raws = this.capture.rawSince(from);
		List<Raw> rcpts = new ArrayList<>();
		Raw mail = null;
		Raw data = null;
		Raw dot = null;
		Raw rcptWithoutReply = null;
		boolean rejectedSome = false;
		for (Raw raw : raws) {
			switch (raw.command()) {
				case MAIL -> mail = raw;
				case DATA -> data = raw;
				case END_OF_DATA -> dot = raw;
				case RCPT -> {
					rcpts.add(raw);
					Optional<SmtpReply> reply = Capture.parseQuietly(raw.reply());
					if (reply.isEmpty()) {
						rcptWithoutReply = raw;
					}
					else if (reply.get().isFailure()) {
						rejectedSome = true;
					}
				}
				default -> {
				}
			}
		}
		if (mail != null && !Capture.parseQuietly(mail.reply()).map((r) -> !r.isFailure()).orElse(false)) {
			// pipelined RCPTs and DATA after a refused or unanswered MAIL were answered
			// only "no transaction" (503), or not at all: the MAIL reply (or its
			// absence) is every recipient's outcome, as in lock-step
			rcpts.clear();
			data = null;
			rcptWithoutReply = null;
			rejectedSome = false;
		}
		Failing transaction = null;
		boolean uncertain = false;
		boolean deliveredToAccepted = false;
		if (dot != null) {
			Optional<SmtpReply> reply = Capture.parseQuietly(dot.reply());
			if (reply.isEmpty()) {
				// the whole message and its final dot went out: the server may have taken
				// it
				uncertain = true;
				transaction = new Failing(SmtpCommand.END_OF_DATA, Optional.empty(),
						Classification.connectionFailed(false));
			}
			else if (reply.get().isFailure()) {
				transaction = failingOf(dot, false);
			}
			else {
				// mail.smtp.sendpartial: the accepted recipients got the message
				deliveredToAccepted = true;
			}
		}
		else if (data != null) {
			Failing failing = failingOf(data, protocolError);
			boolean dataRefused = failing.reply().isEmpty() || failing.reply().get().codeClass() != 3;
			transaction = dataRefused ? failing : new Failing(SmtpCommand.DATA, Optional.empty(),
					protocolError ? PROTOCOL_ERROR : Classification.connectionFailed(false));
		}
		else if (mail != null && !Capture.parseQuietly(mail.reply()).map((r) -> !r.isFailure()).orElse(false)) {
			transaction = failingOf(mail, protocolError);
		}
		else if (rcptWithoutReply != null) {
			transaction = failingOf(rcptWithoutReply, protocolError);
		}
		else if (rejectedSome) {
			transaction = new Failing(SmtpCommand.RCPT, Optional.empty(), ABANDONED);
		}
		else {
			SmtpCommand last = raws.isEmpty() ? SmtpCommand.ANY : raws.get(raws.size() - 1).command();
			transaction = new Failing(last, Optional.empty(),
					protocolError ? PROTOCOL_ERROR : Classification.connectionFailed(false));
		}
		if (transaction == null && !deliveredToAccepted) {
			transaction = new Failing(SmtpCommand.RCPT, Optional.empty(), ABANDONED);
		}
		Failing fallback = (transaction != null) ? transaction
				: new Failing(SmtpCommand.RCPT, Optional.empty(), ABANDONED);
		SmtpReply finalReply = deliveredToAccepted ? Capture.parseQuietly(dot.reply()).orElse(null) : null;
		List<RecipientOutcome> outcomes = new ArrayList<>(recipients.size());
		for (int i = 0; i < recipients.size(); i++) {
			InternetAddress recipient = recipients.get(i);
			Raw rcpt = (i < rcpts.size()) ? rcpts.get(i) : null;
			Optional<SmtpReply> rcptReply = (rcpt != null) ? Capture.parseQuietly(rcpt.reply()) : Optional.empty();
			if (rcptReply.isPresent() && rcptReply.get().isFailure()) {
				Failing own = failingOf(rcpt, false);
				// 421 closes the session: it says nothing about this recipient
				Status status = (rcptReply.get().code() == 421) ? Status.NOT_DELIVERED : Status.REJECTED;
				outcomes.add(new RecipientOutcome(recipient, status, own.reply(), own.classification()));
			}
			else if (rcptReply.isPresent() && deliveredToAccepted) {
				outcomes.add(new RecipientOutcome(recipient, Status.DELIVERED, Optional.of(finalReply),
						this.capture.classifier.classify(finalReply, SmtpCommand.END_OF_DATA)));
			}
			else {
				Status status = (uncertain && rcptReply.isPresent()) ? Status.UNCERTAIN : Status.NOT_DELIVERED;
				outcomes.add(new RecipientOutcome(recipient, status, fallback.reply(), fallback.classification()));
			}
		}
		// the details take the failing reply of the most severe recipient
		SmtpFailure.Details details = new SmtpFailure.Details(fallback.reply(), fallback.command(),
				fallback.classification(), this.capture.transcript(), outcomes, 1);
		Failing primary = new Failing(details.command(), details.reply(), details.classification());
		String message = describe(primary, outcomes) + detail(cause);
		if (uncertain) {
			message = "connection lost after the message was sent and before the final reply;"
					+ " it may have been delivered: " + message;
		}
		return SmtpFailure.of(message, details, cause);
	}

	static String describe(Failing failing, List<RecipientOutcome> outcomes) {
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
		else if (c == STARTTLS_MISSING || c == TOO_LARGE) {
			out.append(": refused locally");
		}
		else {
			out.append(": no reply");
		}
		if (outcomes != null && !outcomes.isEmpty()) {
			long delivered = outcomes.stream().filter(RecipientOutcome::isDelivered).count();
			long rejected = outcomes.stream().filter((o) -> o.status() == Status.REJECTED).count();
			out.append(String.format(Locale.ROOT, " [recipients: %d delivered, %d rejected, %d not delivered]",
					delivered, rejected, outcomes.size() - delivered - rejected));
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
