package dev.resilientmail.classify;

import java.util.List;

import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

/**
 * Tells what an SMTP reply means. Implementations must be thread-safe, fast, and must not
 * throw for any valid reply.
 * <p>
 * {@link #defaults()} follows the project's classification guide; add your own rules in
 * front of it with {@link #withRules(List)}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ReplyClassifier {

	/**
	 * Classifies a reply.
	 * @param reply the reply
	 * @param command the command the reply answers, {@link SmtpCommand#ANY} when unknown
	 * @return the classification, never {@code null}
	 */
	Classification classify(SmtpReply reply, SmtpCommand command);

	/**
	 * Returns a classifier that tries the given rules first, in order, and otherwise
	 * answers as this one. A matching rule refines this classifier's answer (its enhanced
	 * code stays); rules never apply to 2xx and 3xx replies.
	 * @param rules the rules, first match wins
	 * @return the combined classifier
	 */
	default ReplyClassifier withRules(List<ClassificationRule> rules) {
		return new RuleFirstClassifier(rules, this);
	}

	/**
	 * Returns the default classifier.
	 * @return the shared default classifier
	 */
	static ReplyClassifier defaults() {
		return DefaultReplyClassifier.INSTANCE;
	}

}
