package dev.resilientmail.classify;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.resilientmail.reply.EnhancedStatusCode;

/**
 * What a reply means: its kind, the reason, the enhanced status code (given by the server
 * or inferred), whether and when sending again can help, and why the classifier decided
 * so.
 *
 * @param kind success, or which kind of failure
 * @param reason why it failed; {@code null} only for {@link FailureKind#SUCCESS}
 * @param enhancedCode the enhanced status code the server gave, or one inferred from the
 * basic code and the text (see {@code enhancedCodeInferred})
 * @param enhancedCodeInferred {@code true} when the server gave no enhanced code and
 * {@code enhancedCode} was inferred
 * @param retry whether sending the same message to the same recipient later can
 * reasonably succeed with no change but waiting; always {@code kind.isRetryable()} (a 5xx
 * limit that resets, such as a daily sending quota, is classified
 * {@link FailureKind#TRANSIENT} or {@link FailureKind#POLICY_TRANSIENT})
 * @param retryAfter how long the server asked to wait, when its text says so ("try again
 * in 5 minutes")
 * @param evidence why: one entry per rule that decided, each {@code <rule id>: <what it
 * matched>}, like {@code greylisting: phrase 'greylisted'} or
 * {@code dmarc-code: enhanced code *.7.26}; empty for successes
 * @since 0.1.0
 */
public record Classification(FailureKind kind, FailureReason reason, EnhancedStatusCode enhancedCode,
		boolean enhancedCodeInferred, boolean retry, Optional<Duration> retryAfter, List<String> evidence) {

	/**
	 * Validates the components.
	 * @throws IllegalArgumentException if a failure has no reason, a success has one,
	 * {@code retry} differs from {@code kind.isRetryable()}, or {@code retryAfter} is
	 * negative
	 */
	public Classification {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(enhancedCode, "enhancedCode");
		Objects.requireNonNull(retryAfter, "retryAfter");
		evidence = List.copyOf(Objects.requireNonNull(evidence, "evidence"));
		if (kind.isFailure() && reason == null) {
			throw new IllegalArgumentException("a failure needs a reason");
		}
		if (!kind.isFailure() && reason != null) {
			throw new IllegalArgumentException("a success has no failure reason");
		}
		if (retry != kind.isRetryable()) {
			throw new IllegalArgumentException("retry advice " + retry + " contradicts kind " + kind
					+ "; retry is kind.isRetryable(): TRANSIENT and POLICY_TRANSIENT are retried, the others not");
		}
		if (retryAfter.isPresent() && retryAfter.get().isNegative()) {
			throw new IllegalArgumentException("retryAfter must not be negative, got " + retryAfter.get());
		}
	}

	/**
	 * A classification without evidence.
	 * @param kind success, or which kind of failure
	 * @param reason why it failed; {@code null} only for {@link FailureKind#SUCCESS}
	 * @param enhancedCode the enhanced status code, given or inferred
	 * @param enhancedCodeInferred whether {@code enhancedCode} was inferred
	 * @param retry must equal {@code kind.isRetryable()}
	 * @param retryAfter how long the server asked to wait
	 * @throws IllegalArgumentException as the canonical constructor
	 */
	public Classification(FailureKind kind, FailureReason reason, EnhancedStatusCode enhancedCode,
			boolean enhancedCodeInferred, boolean retry, Optional<Duration> retryAfter) {
		this(kind, reason, enhancedCode, enhancedCodeInferred, retry, retryAfter, List.of());
	}

	/**
	 * The classification of a connection attempt or exchange that got no reply at all:
	 * refused, reset, timed out, or a failed TLS handshake. Transient, reason
	 * {@link FailureReason#CONNECTION_FAILED}, inferred code {@code 4.4.1} (no answer) or
	 * {@code 4.4.2} (bad connection).
	 * @param noAnswer {@code true} when the server never answered (refused, timed out),
	 * {@code false} when an established connection broke
	 * @return the classification
	 */
	public static Classification connectionFailed(boolean noAnswer) {
		return new Classification(FailureKind.TRANSIENT, FailureReason.CONNECTION_FAILED,
				new EnhancedStatusCode(4, 4, noAnswer ? 1 : 2), true, true, Optional.empty(),
				List.of(noAnswer ? "connection-failed: no answer (refused or timed out)"
						: "connection-failed: the connection broke"));
	}

	/**
	 * Returns whether this classification is a failure.
	 * @return {@code false} for {@link FailureKind#SUCCESS}
	 */
	public boolean isFailure() {
		return this.kind.isFailure();
	}

	/**
	 * Returns the ids of the rules that decided, in order, joined by {@code +}, like
	 * {@code greylisting} or {@code rate-limit+retry-later}; empty when none did.
	 * @return the rule ids
	 * @since 0.2.0
	 */
	public String ruleIds() {
		if (this.evidence.isEmpty()) {
			return "";
		}
		StringBuilder ids = new StringBuilder();
		for (String entry : this.evidence) {
			int colon = entry.indexOf(": ");
			ids.append((ids.length() > 0) ? "+" : "").append((colon < 0) ? entry : entry.substring(0, colon));
		}
		return ids.toString();
	}

}
