package dev.resilientmail.cli;

import java.io.PrintStream;
import java.util.List;

import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.ReplyCatalog;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

/** The explanation of one reply for a person, one labelled line per fact. */
final class HumanExplanation {

	private static final String INDENT = "             ";

	private HumanExplanation() {
	}

	static void print(SmtpReply reply, SmtpCommand phase, boolean phaseGiven, Classification classification,
			ReplyCatalog catalog, PrintStream out) {
		List<String> lines = reply.lines();
		for (int i = 0; i < lines.size(); i++) {
			out.println(((i == 0) ? label("Reply") : INDENT) + Text.sanitise(lines.get(i)));
		}
		out.println(label("Phase") + (phaseGiven ? phase.name()
				: phase.name() + " (not given; --phase names the command this reply answered)"));
		out.println(label("Code") + reply.code() + ": " + catalog.describeBasic(reply.code())
				+ catalog.basic(reply.code()).map((entry) -> " [" + entry.reference() + "]").orElse(""));
		EnhancedStatusCode enhanced = classification.enhancedCode();
		out.println(label("Enhanced") + enhanced + ", "
				+ (classification.enhancedCodeInferred() ? "inferred (the server gave none)" : "given by the server")
				+ ": " + catalog.describe(enhanced));
		if (enhanced.codeClass() != reply.codeClass() && reply.isFailure()) {
			out.println(INDENT + "Its class " + enhanced.codeClass() + " disagrees with the basic code " + reply.code()
					+ "; the basic code decides that the failure is "
					+ ((reply.codeClass() == 4) ? "transient" : "permanent") + ".");
		}
		FailureKind kind = classification.kind();
		out.println(label("Kind") + kind + ": " + describe(kind));
		FailureReason reason = classification.reason();
		out.println(label("Reason") + ((reason != null) ? reason + ": " + describe(reason) : "none (not a failure)"));
		out.println(label("Retry") + retryAdvice(classification));
		classification.retryAfter()
			.ifPresent((wait) -> out
				.println(label("Retry after") + Text.describe(wait) + " (" + wait + "), as the reply asks"));
		if (reply.isFailure()) {
			out.println(label("Because") + because(classification));
		}
	}

	/**
	 * Each deciding rule as "what it matched (rule id)", then where the enhanced code
	 * came from.
	 */
	static String because(Classification classification) {
		StringBuilder because = new StringBuilder();
		for (String entry : classification.evidence()) {
			int colon = entry.indexOf(": ");
			because.append((because.length() > 0) ? "; " : "");
			if (colon < 0) {
				because.append(Text.sanitise(entry));
			}
			else {
				because.append(Text.sanitise(entry.substring(colon + 2)))
					.append(" (rule ")
					.append(Text.sanitise(entry.substring(0, colon)))
					.append(')');
			}
		}
		because.append((because.length() > 0) ? "; " : "")
			.append("enhanced code ")
			.append(classification.enhancedCode())
			.append(classification.enhancedCodeInferred() ? " inferred" : " given by the server");
		return because.toString();
	}

	private static String label(String name) {
		return (name + ":" + INDENT).substring(0, INDENT.length());
	}

	private static String retryAdvice(Classification classification) {
		FailureKind kind = classification.kind();
		if (!kind.isFailure()) {
			return "no: not a failure";
		}
		if (classification.retry()) {
			return "yes: sending the same message again later can succeed";
		}
		return kind.isPolicy() ? "no: the same message will be refused again until the sending side changes"
				: "no: the same message to the same recipient will fail the same way";
	}

	static String describe(FailureKind kind) {
		return switch (kind) {
			case SUCCESS -> "not a failure";
			case TRANSIENT -> "a temporary failure, not about the sender: waiting can help";
			case PERMANENT -> "a permanent failure, not about the sender: the address or the message is bad";
			case POLICY_TRANSIENT ->
				"a temporary refusal of the sending party: waiting may help, but the cause is on the sender's side";
			case POLICY_PERMANENT ->
				"a permanent refusal of the sending party (reputation, block list, SPF/DKIM/DMARC, authentication,"
						+ " relay or content policy)";
		};
	}

	static String describe(FailureReason reason) {
		return switch (reason) {
			case MAILBOX_UNKNOWN -> "no such user, address rejected, mailbox disabled or moved";
			case MAILBOX_FULL -> "the mailbox is full or over quota";
			case GREYLISTED -> "greylisting: the server wants to see the message again in a few minutes";
			case RATE_LIMITED -> "too many messages or recipients per unit of time, or a sending quota exceeded";
			case CONNECTION_LIMIT -> "too many connections or concurrent sessions";
			case TOO_MANY_RECIPIENTS -> "too many recipients for one message";
			case MESSAGE_TOO_LARGE -> "the message is larger than the server accepts";
			case CONTENT_REJECTED -> "spam, virus, content or header policy, or a non-compliant message";
			case SENDER_AUTHENTICATION -> "SPF, DKIM, DMARC or ARC failed";
			case SENDER_BLOCKED -> "reputation, block list, reverse DNS, or the sender or its domain is blocked";
			case AUTHENTICATION_REQUIRED -> "the client must log in or use TLS, or its credentials were rejected";
			case TLS_CERTIFICATE ->
				"the server's TLS certificate was refused: not trusted, or not issued for the host name";
			case RELAY_DENIED -> "the server does not relay for this sender or recipient";
			case DOMAIN_NOT_FOUND -> "the sender or recipient domain does not exist or takes no mail";
			case SYSTEM_ERROR -> "trouble on the receiving system: local error, storage, congestion or network";
			case PROTOCOL_ERROR -> "a syntax error, a command out of sequence or an unsupported parameter";
			case CONNECTION_FAILED -> "no reply at all: refused, reset, timed out or a failed TLS handshake";
			case UNKNOWN -> "nothing more specific can be said";
		};
	}

}
