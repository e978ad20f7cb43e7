package dev.resilientmail.bounce;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import dev.resilientmail.bounce.BouncedRecipient.Action;
import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.ReplyClassifier;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

import static dev.resilientmail.bounce.FieldValues.optional;

/**
 * How one bounced recipient reads: its diagnostic, classified by the same classifier as a
 * live reply, with the reporting server's status where the reply carries none; where only
 * codes decide, the report's own words about the recipient are read too.
 */
final class RecipientReading {

	private final ReplyClassifier classifier;

	private final Formats formats;

	RecipientReading(ReplyClassifier classifier, Formats formats) {
		this.classifier = classifier;
		this.formats = formats;
	}

	/**
	 * One recipient, classified on its diagnostic; where only codes decide that (a bare
	 * code, a status that names no detail), the report's own words about the recipient
	 * are read too: the text before the quoted reply and what the report writes around
	 * the recipient's address.
	 * @param context the report's text around the recipient, read only when needed
	 * @param localMailer whether a local delivery program gave the diagnostic
	 */
	BouncedRecipient recipient(String address, String original, Action action, Optional<EnhancedStatusCode> status,
			String text, Supplier<String> context, boolean localMailer, String remoteMta,
			Optional<Instant> lastAttempt) {
		Diagnostic diagnostic = Diagnostic.read(text);
		Optional<EnhancedStatusCode> given = diagnostic.enhancedCode().isPresent() ? diagnostic.enhancedCode() : status;
		SmtpReply reply = diagnostic.reply().orElse(null);
		if (reply != null && status.isPresent() && status.get().codeClass() == reply.codeClass()
				&& (reply.enhancedCode().isEmpty() ? !isOther(status.get())
						: isOther(reply.enhancedCode().get()) && status.get().detail() != 0)) {
			// the reporting server's status for a reply that carries none, or one that
			// says more than the reply's X.0.0; a status X.0.0 says nothing the text
			// could not
			reply = new SmtpReply(reply.code(), status, reply.lines());
		}
		SmtpReply classified = (reply != null) ? reply : synthesise(action, given, diagnostic.text());
		// the phase the diagnostic names, else the one the report names around it ("in
		// reply to RCPT TO command" in Postfix's text, a transcript's ">>> MAIL From:")
		SmtpCommand phase = (diagnostic.phase() != SmtpCommand.ANY || reply == null) ? diagnostic.phase()
				: Diagnostic.read(context.get()).phase();
		Classification classification = this.classifier.classify(classified, phase);
		SmtpReply cause = cause(classified);
		if (cause != null) {
			Classification first = this.classifier.classify(cause, phase);
			if (!codesOnly(first)) {
				classification = first;
			}
		}
		if (codesOnly(classification)) {
			String around = context.get();
			if (phase == SmtpCommand.ANY) {
				phase = Diagnostic.read(around).phase();
			}
			Classification wider = this.classifier.classify(widened(classified, diagnostic.text(), around), phase);
			if (!codesOnly(wider)) {
				classification = wider;
			}
			else if (localMailer) {
				// a local delivery program failed (its exit status is the
				// diagnostic): the receiving mail system's trouble, RFC 3463 X.3.0
				EnhancedStatusCode system = new EnhancedStatusCode(classified.codeClass(), 3, 0);
				classification = this.classifier
					.classify(new SmtpReply(classified.code(), Optional.of(system), classified.lines()), phase);
			}
		}
		return new BouncedRecipient(address,
				(original.isEmpty() || original.equalsIgnoreCase(address)) ? Optional.empty() : Optional.of(original),
				action, given, diagnostic.reply(), diagnostic.text(), optional(remoteMta), lastAttempt, phase,
				classification);
	}

	/**
	 * The reply without the wording an MTA appended when it gave up on it ("mailbox is
	 * full: retry timeout exceeded"), or {@code null} when it has none.
	 */
	private SmtpReply cause(SmtpReply reply) {
		String line = reply.lines().get(0);
		String lower = line.toLowerCase(Locale.ROOT);
		for (String suffix : this.formats.suffixes) {
			int at = lower.indexOf(suffix);
			if (at > 0) {
				return new SmtpReply(reply.code(), reply.enhancedCode(), List.of(line.substring(0, at)));
			}
		}
		return null;
	}

	private static boolean isOther(EnhancedStatusCode code) {
		return code.subject() == 0 && code.detail() == 0;
	}

	/**
	 * Whether only codes decided: a basic code, the first digit, or the registry meaning
	 * of an enhanced code that names a subject but no detail (X.5.0, X.0.0).
	 */
	private static boolean codesOnly(Classification classification) {
		String ids = classification.ruleIds();
		int plus = ids.indexOf('+');
		String id = (plus < 0) ? ids : ids.substring(0, plus);
		if (id.isEmpty() || id.startsWith("basic-") || id.equals("first-digit") || id.equals("none")) {
			return true;
		}
		return id.startsWith("registry-") && classification.enhancedCode().detail() == 0;
	}

	/** The reply with the whole diagnostic text and the report's words around it. */
	private static SmtpReply widened(SmtpReply reply, String text, String context) {
		String words = Diagnostic.collapse(text + "\n" + context);
		String line = reply.code() + reply.enhancedCode().map((given) -> " " + given).orElse("")
				+ (words.isEmpty() ? "" : " " + words);
		return new SmtpReply(reply.code(), reply.enhancedCode(), List.of(line));
	}

	/**
	 * The reply a report implies when it quotes none: the class from the status, else
	 * from the action; a generic code of that class, so that the text and status decide.
	 */
	private static SmtpReply synthesise(Action action, Optional<EnhancedStatusCode> status, String text) {
		int codeClass;
		if (action == Action.DELIVERED || action == Action.RELAYED || action == Action.EXPANDED) {
			codeClass = 2;
		}
		else if (status.isPresent() && status.get().codeClass() != 2) {
			codeClass = status.get().codeClass();
		}
		else {
			codeClass = (action == Action.DELAYED) ? 4 : 5;
		}
		int code = switch (codeClass) {
			case 2 -> 250;
			case 4 -> 451;
			default -> 554;
		};
		Optional<EnhancedStatusCode> enhanced = status.filter((given) -> given.codeClass() == codeClass);
		String line = code + (enhanced.map((given) -> " " + given).orElse("")) + (text.isEmpty() ? "" : " " + text);
		return new SmtpReply(code, enhanced, List.of(line));
	}

}
