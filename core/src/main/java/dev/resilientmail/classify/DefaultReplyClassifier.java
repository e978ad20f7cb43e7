package dev.resilientmail.classify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.resilientmail.classify.Rules.BasicCodeRule;
import dev.resilientmail.classify.Rules.EnhancedCodeRule;
import dev.resilientmail.classify.Rules.Outcome;
import dev.resilientmail.classify.Rules.Policy;
import dev.resilientmail.classify.Rules.TextRule;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

/** The classifier of the classification guide, driven by {@link DefaultRules}. */
final class DefaultReplyClassifier implements ReplyClassifier {

	private static final EnhancedStatusCode SUCCESS_CODE = new EnhancedStatusCode(2, 0, 0);

	/** Texts that say waiting helps, even on a 5xx. */
	private static final String[] LATER_HINTS = { "try again later", "try later", "retry later", "please retry",
			"try again in", "retry in", "retry after", "try again after", "again later", "essayer plus tard" };

	/**
	 * Texts that may say how long to wait: one of the words {@link RetryHints} reads,
	 * then a number. Plain " in " or " for " are in most replies ("User unknown in
	 * virtual mailbox table"), and reading the hint costs more than the rest of the
	 * classification.
	 */
	private static final String[] DELAY_HINTS = delayHints("in", "after", "for", "wait", "within");

	static final DefaultReplyClassifier INSTANCE = new DefaultReplyClassifier();

	private final TextRule[] textRules;

	private final KeywordMatcher matcher;

	private final int laterHint;

	private final int delayHint;

	private DefaultReplyClassifier() {
		this.textRules = DefaultRules.TEXT.toArray(new TextRule[0]);
		List<String[]> keywords = new ArrayList<>();
		for (TextRule rule : this.textRules) {
			keywords.add(rule.keywords);
		}
		this.laterHint = keywords.size();
		keywords.add(LATER_HINTS);
		this.delayHint = keywords.size();
		keywords.add(DELAY_HINTS);
		this.matcher = new KeywordMatcher(keywords);
	}

	@Override
	public Classification classify(SmtpReply reply, SmtpCommand command) {
		if (reply == null) {
			throw new IllegalArgumentException("reply to classify must not be null");
		}
		SmtpCommand phase = (command != null) ? command : SmtpCommand.ANY;
		EnhancedStatusCode given = reply.enhancedCode().orElse(null);
		if (!reply.isFailure()) {
			return new Classification(FailureKind.SUCCESS, null, (given != null) ? given : SUCCESS_CODE, given == null,
					false, Optional.empty());
		}
		int codeClass = reply.codeClass();
		long[] found = this.matcher.scan(reply.lines());
		Outcome<?> outcome = null;
		int inferSubject = -1;
		int inferDetail = 0;
		if (given != null) {
			outcome = firstEnhanced(DefaultRules.DECISIVE_CODES, given, codeClass, phase);
		}
		if (outcome == null) {
			for (int i = 0; i < this.textRules.length; i++) {
				TextRule rule = this.textRules[i];
				if (KeywordMatcher.has(found, i) && rule.applies(codeClass, phase) && !rule.yieldsTo(given)) {
					outcome = rule;
					inferSubject = rule.inferSubject;
					inferDetail = rule.inferDetail;
					break;
				}
			}
		}
		if (outcome == null && given != null) {
			EnhancedCodeRule rule = firstEnhanced(DefaultRules.ENHANCED_CODES, given, codeClass, phase);
			if (rule != null && rule.reason != null) {
				outcome = rule;
			}
		}
		BasicCodeRule basic = firstBasic(reply.code(), phase);
		if (outcome == null) {
			outcome = basic;
		}
		if (inferSubject < 0) {
			inferSubject = basic.inferSubject;
			inferDetail = basic.inferDetail;
		}
		FailureReason reason = outcome.reason;
		boolean transientFailure = codeClass == 4;
		if (reason == FailureReason.TOO_MANY_RECIPIENTS && reply.code() == 552 && phase == SmtpCommand.RCPT) {
			// RFC 5321 4.5.3.1.10: a 552 to RCPT for too many recipients is a temporary
			// condition
			transientFailure = true;
		}
		boolean policy = outcome.policy.decide(reason, given);
		boolean retry = (outcome.retry != null) ? outcome.retry : transientFailure;
		if (!retry && KeywordMatcher.has(found, this.laterHint) && waitingCanHelp(reason)) {
			retry = true;
		}
		Optional<Duration> retryAfter = KeywordMatcher.has(found, this.delayHint) ? RetryHints.parse(reply.text())
				: Optional.empty();
		EnhancedStatusCode enhanced = (given != null) ? given
				: new EnhancedStatusCode(codeClass, inferSubject, inferDetail);
		return new Classification(FailureKind.of(transientFailure, policy), reason, enhanced, given == null, retry,
				retryAfter);
	}

	private static String[] delayHints(String... words) {
		String[] hints = new String[words.length * 10];
		for (int w = 0; w < words.length; w++) {
			for (int digit = 0; digit < 10; digit++) {
				hints[w * 10 + digit] = " " + words[w] + " " + digit;
			}
		}
		return hints;
	}

	private static boolean waitingCanHelp(FailureReason reason) {
		switch (reason) {
			case RATE_LIMITED:
			case CONNECTION_LIMIT:
			case GREYLISTED:
			case SYSTEM_ERROR:
			case UNKNOWN:
				return true;
			default:
				return false;
		}
	}

	private static EnhancedCodeRule firstEnhanced(List<EnhancedCodeRule> rules, EnhancedStatusCode given, int codeClass,
			SmtpCommand phase) {
		for (EnhancedCodeRule rule : rules) {
			if (rule.matches(given, codeClass, phase)) {
				return rule;
			}
		}
		return null;
	}

	private static BasicCodeRule firstBasic(int code, SmtpCommand phase) {
		for (BasicCodeRule rule : DefaultRules.BASIC_CODES) {
			if (rule.matches(code, phase)) {
				return rule;
			}
		}
		throw new IllegalStateException("no basic rule for " + code);
	}

	/** Exposed for the rule table's own checks. */
	static Policy policyOf(TextRule rule) {
		return rule.policy;
	}

}
