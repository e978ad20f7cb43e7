package dev.resilientmail.classify;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import dev.resilientmail.reply.EnhancedStatusCode;

/**
 * What a reply means: its kind, the reason, the enhanced status code (given by the server
 * or inferred), and whether and when sending again can help.
 *
 * @param kind success, or which kind of failure
 * @param reason why it failed; {@code null} only for {@link FailureKind#SUCCESS}
 * @param enhancedCode the enhanced status code the server gave, or one inferred from the
 * basic code and the text (see {@code enhancedCodeInferred})
 * @param enhancedCodeInferred {@code true} when the server gave no enhanced code and
 * {@code enhancedCode} was inferred
 * @param retry whether sending the same message to the same recipient later can
 * reasonably succeed with no change but waiting. Usually {@code kind.isRetryable()}, but
 * a 5xx quota that resets (a daily sending limit) is permanent for this attempt and still
 * worth retrying later
 * @param retryAfter how long the server asked to wait, when its text says so ("try again
 * in 5 minutes")
 * @since 0.1.0
 */
public record Classification(FailureKind kind, FailureReason reason, EnhancedStatusCode enhancedCode,
		boolean enhancedCodeInferred, boolean retry, Optional<Duration> retryAfter) {

	/**
	 * Validates the components.
	 * @throws IllegalArgumentException if a failure has no reason, a success has one, or
	 * {@code retryAfter} is negative
	 */
	public Classification {
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(enhancedCode, "enhancedCode");
		Objects.requireNonNull(retryAfter, "retryAfter");
		if (kind.isFailure() && reason == null) {
			throw new IllegalArgumentException("a failure needs a reason");
		}
		if (!kind.isFailure() && reason != null) {
			throw new IllegalArgumentException("a success has no failure reason");
		}
		if (retryAfter.isPresent() && retryAfter.get().isNegative()) {
			throw new IllegalArgumentException("retryAfter must not be negative, got " + retryAfter.get());
		}
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
				new EnhancedStatusCode(4, 4, noAnswer ? 1 : 2), true, true, Optional.empty());
	}

	/**
	 * Returns whether this classification is a failure.
	 * @return {@code false} for {@link FailureKind#SUCCESS}
	 */
	public boolean isFailure() {
		return this.kind.isFailure();
	}

}
