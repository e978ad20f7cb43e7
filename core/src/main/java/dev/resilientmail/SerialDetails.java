package dev.resilientmail;

import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.mail.internet.InternetAddress;

import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpExchange;
import dev.resilientmail.reply.SmtpReply;
import dev.resilientmail.reply.SmtpTranscript;

/**
 * What {@link SmtpFailure.Details} becomes when a failure is serialized (sent to another
 * JVM, kept in a session store): the value types hold {@code Optional}s, which Java
 * serialization cannot write, so each is written as plain fields and rebuilt on reading.
 */
record SerialDetails(Reply reply, SmtpCommand command, Meaning classification, List<Exchange> exchanges, int dropped,
		List<Outcome> outcomes, int attempts) implements Serializable {

	@Serial
	private static final long serialVersionUID = 1L;

	static SerialDetails of(SmtpFailure.Details details) {
		List<Exchange> exchanges = new ArrayList<>();
		for (SmtpExchange exchange : details.transcript().exchanges()) {
			exchanges.add(new Exchange(exchange.command(), exchange.commandLine(), Reply.of(exchange.reply()),
					exchange.at()));
		}
		List<Outcome> outcomes = new ArrayList<>();
		for (RecipientOutcome outcome : details.recipientOutcomes()) {
			outcomes.add(new Outcome(outcome.recipient(), outcome.status(), Reply.of(outcome.reply()),
					Meaning.of(outcome.classification())));
		}
		return new SerialDetails(Reply.of(details.reply()), details.command(), Meaning.of(details.classification()),
				exchanges, details.transcript().dropped(), outcomes, details.attempts());
	}

	SmtpFailure.Details details() {
		List<SmtpExchange> transcript = new ArrayList<>();
		for (Exchange exchange : this.exchanges) {
			transcript.add(
					new SmtpExchange(exchange.command(), exchange.line(), Reply.from(exchange.reply()), exchange.at()));
		}
		List<RecipientOutcome> recipients = new ArrayList<>();
		for (Outcome outcome : this.outcomes) {
			recipients.add(new RecipientOutcome(outcome.recipient(), outcome.status(), Reply.from(outcome.reply()),
					outcome.classification().classification()));
		}
		return new SmtpFailure.Details(Reply.from(this.reply), this.command, this.classification.classification(),
				new SmtpTranscript(transcript, this.dropped), recipients, this.attempts);
	}

	record Reply(int code, int[] enhancedCode, List<String> lines) implements Serializable {

		@Serial
		private static final long serialVersionUID = 1L;

		static Reply of(Optional<SmtpReply> reply) {
			return reply
				.map((r) -> new Reply(r.code(), r.enhancedCode().map(Meaning::code).orElse(null),
						new ArrayList<>(r.lines())))
				.orElse(null);
		}

		static Optional<SmtpReply> from(Reply reply) {
			return (reply != null) ? Optional
				.of(new SmtpReply(reply.code, Optional.ofNullable(reply.enhancedCode).map(Meaning::code), reply.lines))
					: Optional.empty();
		}

	}

	record Meaning(FailureKind kind, FailureReason reason, int[] enhancedCode, boolean inferred, boolean retry,
			Duration retryAfter, List<String> evidence) implements Serializable {

		@Serial
		private static final long serialVersionUID = 1L;

		static Meaning of(Classification c) {
			return new Meaning(c.kind(), c.reason(), code(c.enhancedCode()), c.enhancedCodeInferred(), c.retry(),
					c.retryAfter().orElse(null), new ArrayList<>(c.evidence()));
		}

		Classification classification() {
			return new Classification(this.kind, this.reason, code(this.enhancedCode), this.inferred, this.retry,
					Optional.ofNullable(this.retryAfter), this.evidence);
		}

		static int[] code(EnhancedStatusCode code) {
			return new int[] { code.codeClass(), code.subject(), code.detail() };
		}

		static EnhancedStatusCode code(int[] code) {
			return new EnhancedStatusCode(code[0], code[1], code[2]);
		}

	}

	record Exchange(SmtpCommand command, String line, Reply reply, Instant at) implements Serializable {

		@Serial
		private static final long serialVersionUID = 1L;

	}

	record Outcome(InternetAddress recipient, RecipientOutcome.Status status, Reply reply,
			Meaning classification) implements Serializable {

		@Serial
		private static final long serialVersionUID = 1L;

	}

}
