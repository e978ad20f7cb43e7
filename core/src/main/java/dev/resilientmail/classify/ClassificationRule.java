package dev.resilientmail.classify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

/**
 * A user's override of the default classification: when a failure reply matches every
 * condition given (basic code, enhanced code pattern, command, text), the rule sets the
 * effects given (kind, reason, retry, retry-after); everything not set keeps the default
 * answer.
 * <p>
 * A rule never applies to 2xx or 3xx replies and cannot declare
 * {@link FailureKind#SUCCESS}: it can turn a 4xx into a permanent failure or a 5xx into a
 * transient one, but not a failure into a success. Example: <pre>{@code
 * ClassificationRule dailyLimit = ClassificationRule.builder()
 *     .enhancedCode("5.4.5")
 *     .text("(?i)daily.*limit")
 *     .kind(FailureKind.TRANSIENT)
 *     .reason(FailureReason.RATE_LIMITED)
 *     .retryAfter(Duration.ofHours(1))
 *     .build();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ClassificationRule {

	private final int code;

	private final String enhancedCode;

	private final int[] enhancedParts;

	private final SmtpCommand command;

	private final Pattern text;

	private final FailureKind kind;

	private final FailureReason reason;

	private final Boolean retry;

	private final Duration retryAfter;

	private ClassificationRule(Builder builder) {
		this.code = builder.code;
		this.enhancedCode = builder.enhancedCode;
		this.enhancedParts = builder.enhancedParts;
		this.command = builder.command;
		this.text = builder.text;
		this.kind = builder.kind;
		this.reason = builder.reason;
		this.retry = builder.retry;
		this.retryAfter = builder.retryAfter;
	}

	/**
	 * Starts a rule.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	boolean matches(SmtpReply reply, SmtpCommand replyCommand, EnhancedStatusCode effectiveCode) {
		if (!reply.isFailure()) {
			return false;
		}
		if (this.code != 0 && this.code != reply.code()) {
			return false;
		}
		if (this.command != null && this.command != SmtpCommand.ANY && this.command != replyCommand) {
			return false;
		}
		if (this.enhancedParts != null) {
			EnhancedStatusCode actual = reply.enhancedCode().orElse(effectiveCode);
			if (!matchesPart(this.enhancedParts[0], actual.codeClass())
					|| !matchesPart(this.enhancedParts[1], actual.subject())
					|| !matchesPart(this.enhancedParts[2], actual.detail())) {
				return false;
			}
		}
		return this.text == null || this.text.matcher(reply.text()).find();
	}

	private static boolean matchesPart(int expected, int actual) {
		return expected < 0 || expected == actual;
	}

	Classification applyTo(Classification base, int number) {
		FailureKind newKind = base.kind();
		if (this.kind != null) {
			newKind = this.kind;
		}
		else if (this.retry != null) {
			// one retry notion: retry is the kind's; keep whether it is about the sender
			newKind = FailureKind.of(this.retry, base.kind().isPolicy());
		}
		List<String> evidence = new ArrayList<>(base.evidence().size() + 1);
		evidence.add("user-rule-" + number + ": " + this);
		evidence.addAll(base.evidence());
		return new Classification(newKind, (this.reason != null) ? this.reason : base.reason(), base.enhancedCode(),
				base.enhancedCodeInferred(), newKind.isRetryable(),
				(this.retryAfter != null) ? Optional.of(this.retryAfter) : base.retryAfter(), evidence);
	}

	/**
	 * Describes the rule's conditions and effects.
	 * @return a description like
	 * {@code when code=550 text=/(?i)quota/ then kind=TRANSIENT}
	 */
	@Override
	public String toString() {
		StringBuilder out = new StringBuilder("when");
		if (this.code != 0) {
			out.append(" code=").append(this.code);
		}
		if (this.enhancedCode != null) {
			out.append(" enhanced-code=").append(this.enhancedCode);
		}
		if (this.command != null) {
			out.append(" command=").append(this.command);
		}
		if (this.text != null) {
			out.append(" text=/").append(this.text.pattern()).append('/');
		}
		out.append(" then");
		if (this.kind != null) {
			out.append(" kind=").append(this.kind);
		}
		if (this.reason != null) {
			out.append(" reason=").append(this.reason);
		}
		if (this.retry != null) {
			out.append(" retry=").append(this.retry);
		}
		if (this.retryAfter != null) {
			out.append(" retry-after=").append(this.retryAfter);
		}
		return out.toString();
	}

	/**
	 * Builds a {@link ClassificationRule}. At least one condition and one effect are
	 * required.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private int code;

		private String enhancedCode;

		private int[] enhancedParts;

		private SmtpCommand command;

		private Pattern text;

		private FailureKind kind;

		private FailureReason reason;

		private Boolean retry;

		private Duration retryAfter;

		private Builder() {
		}

		/**
		 * Matches replies with this basic code.
		 * @param code a failure code, 400 to 599
		 * @return this builder
		 * @throws IllegalArgumentException if the code is not 400 to 599
		 */
		public Builder code(int code) {
			if (code < 400 || code > 599) {
				throw new IllegalArgumentException(
						"classification rule code must be a failure code from 400 to 599, got " + code
								+ " (rules never apply to 2xx and 3xx replies)");
			}
			this.code = code;
			return this;
		}

		/**
		 * Matches replies whose enhanced code (given, or else inferred) fits the pattern:
		 * three dot-separated parts, each a number or {@code *}, like {@code 5.7.*} or
		 * {@code *.4.5}.
		 * @param pattern the pattern
		 * @return this builder
		 * @throws IllegalArgumentException if the pattern is malformed
		 */
		public Builder enhancedCode(String pattern) {
			this.enhancedParts = parseEnhancedPattern(pattern);
			this.enhancedCode = pattern.trim();
			return this;
		}

		/**
		 * Matches replies to this command only ({@link SmtpCommand#ANY} matches all).
		 * @param command the command
		 * @return this builder
		 */
		public Builder command(SmtpCommand command) {
			this.command = Objects.requireNonNull(command, "command");
			return this;
		}

		/**
		 * Matches replies whose text (lines without their code prefix, joined with
		 * {@code \n}) contains a match of the regular expression.
		 * @param regex a {@link Pattern} expression, like {@code (?i)daily.*limit}
		 * @return this builder
		 * @throws IllegalArgumentException if the expression does not compile, with the
		 * reason
		 */
		public Builder text(String regex) {
			if (regex == null || regex.isEmpty()) {
				throw new IllegalArgumentException("classification rule text pattern must not be empty");
			}
			try {
				this.text = Pattern.compile(regex);
			}
			catch (PatternSyntaxException ex) {
				throw new IllegalArgumentException(
						"classification rule text pattern '" + regex + "' is not a valid regular expression: "
								+ ex.getDescription() + " near index " + ex.getIndex(),
						ex);
			}
			return this;
		}

		/**
		 * Sets the kind of matching replies; the retry advice is the kind's
		 * ({@link FailureKind#isRetryable()}).
		 * @param kind any kind but {@link FailureKind#SUCCESS}
		 * @return this builder
		 * @throws IllegalArgumentException for {@link FailureKind#SUCCESS}
		 */
		public Builder kind(FailureKind kind) {
			Objects.requireNonNull(kind, "kind");
			if (kind == FailureKind.SUCCESS) {
				throw new IllegalArgumentException(
						"a classification rule cannot turn a failure into SUCCESS; use TRANSIENT, PERMANENT, POLICY_TRANSIENT or POLICY_PERMANENT");
			}
			this.kind = kind;
			return this;
		}

		/**
		 * Sets the reason of matching replies.
		 * @param reason the reason
		 * @return this builder
		 */
		public Builder reason(FailureReason reason) {
			this.reason = Objects.requireNonNull(reason, "reason");
			return this;
		}

		/**
		 * Sets the retry advice of matching replies. There is one retry notion: without
		 * {@link #kind(FailureKind)}, the kind becomes the transient ({@code true}) or
		 * permanent ({@code false}) one of the same policy-ness as the default answer;
		 * with a kind, the two must agree.
		 * @param retry whether sending again later can help
		 * @return this builder
		 */
		public Builder retry(boolean retry) {
			this.retry = retry;
			return this;
		}

		/**
		 * Sets how long to wait before trying again.
		 * @param retryAfter a positive or zero duration
		 * @return this builder
		 * @throws IllegalArgumentException if negative
		 */
		public Builder retryAfter(Duration retryAfter) {
			Objects.requireNonNull(retryAfter, "retryAfter");
			if (retryAfter.isNegative()) {
				throw new IllegalArgumentException(
						"classification rule retry-after must not be negative, got " + retryAfter);
			}
			this.retryAfter = retryAfter;
			return this;
		}

		/**
		 * Builds the rule.
		 * @return the rule
		 * @throws IllegalStateException if no condition (command {@code ANY} alone is
		 * none) or no effect was given, or retry contradicts kind
		 */
		public ClassificationRule build() {
			if (this.code == 0 && this.enhancedParts == null && this.text == null
					&& (this.command == null || this.command == SmtpCommand.ANY)) {
				throw new IllegalStateException((this.command == SmtpCommand.ANY)
						? "a classification rule with only command ANY would reclassify every failure; add a code,"
								+ " enhanced-code, text or a specific command"
						: "a classification rule needs at least one condition: code, enhanced-code, command or text");
			}
			if (this.kind == null && this.reason == null && this.retry == null && this.retryAfter == null) {
				throw new IllegalStateException(
						"a classification rule needs at least one effect: kind, reason, retry or retry-after");
			}
			if (this.kind != null && this.retry != null && this.kind.isRetryable() != this.retry) {
				throw new IllegalStateException("classification rule retry=" + this.retry + " contradicts kind="
						+ this.kind + "; retry is the kind's: TRANSIENT and POLICY_TRANSIENT are retried,"
						+ " PERMANENT and POLICY_PERMANENT are not (set one of them, or both consistently)");
			}
			return new ClassificationRule(this);
		}

		private static int[] parseEnhancedPattern(String pattern) {
			String problem = "enhanced code pattern '" + pattern
					+ "' is malformed; expected three dot-separated parts, each a number or *, like 5.7.* or 4.2.2";
			if (pattern == null) {
				throw new IllegalArgumentException(problem);
			}
			String[] parts = pattern.trim().split("\\.", -1);
			if (parts.length != 3) {
				throw new IllegalArgumentException(problem);
			}
			int[] values = new int[3];
			for (int i = 0; i < 3; i++) {
				String part = parts[i];
				if (part.equals("*") || (i == 0 && part.equalsIgnoreCase("x"))) {
					values[i] = -1;
					continue;
				}
				if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
					throw new IllegalArgumentException(problem);
				}
				values[i] = Integer.parseInt(part);
			}
			if (values[0] != -1 && values[0] != 4 && values[0] != 5) {
				throw new IllegalArgumentException(problem + " (the class of a failure is 4 or 5)");
			}
			return values;
		}

	}

}
