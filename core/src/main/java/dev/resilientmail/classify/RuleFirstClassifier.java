package dev.resilientmail.classify;

import java.util.List;
import java.util.Objects;

import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

/** User rules in front of another classifier. */
final class RuleFirstClassifier implements ReplyClassifier {

	private final ClassificationRule[] rules;

	private final ReplyClassifier fallback;

	RuleFirstClassifier(List<ClassificationRule> rules, ReplyClassifier fallback) {
		Objects.requireNonNull(rules, "rules");
		this.rules = rules.toArray(new ClassificationRule[0]);
		for (ClassificationRule rule : this.rules) {
			Objects.requireNonNull(rule, "rules must not contain null");
		}
		this.fallback = Objects.requireNonNull(fallback, "fallback");
	}

	@Override
	public Classification classify(SmtpReply reply, SmtpCommand command) {
		Classification base = this.fallback.classify(reply, command);
		if (!reply.isFailure()) {
			return base;
		}
		for (int i = 0; i < this.rules.length; i++) {
			if (this.rules[i].matches(reply, command, base.enhancedCode())) {
				return this.rules[i].applyTo(base, i + 1);
			}
		}
		return base;
	}

}
