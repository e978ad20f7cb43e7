package dev.resilientmail.delivery;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import dev.resilientmail.classify.FailureKind;

/**
 * The checks of {@link DeliveryPolicy}'s records: each message names the setting, the
 * value and what is allowed.
 */
final class PolicyChecks {

	private PolicyChecks() {
	}

	static void atLeast(String name, int value, int minimum, String note) {
		if (value < minimum) {
			throw new IllegalArgumentException(name + " must be at least " + minimum + note + ", got " + value);
		}
	}

	static void atLeast(String name, double value, double minimum) {
		if (!(value >= minimum) || Double.isInfinite(value)) {
			throw new IllegalArgumentException(
					name + " must be a finite number of at least " + minimum + ", got " + value);
		}
	}

	static void fraction(String name, double value) {
		if (!(value >= 0.0 && value <= 1.0)) {
			throw new IllegalArgumentException(name + " must be between 0.0 and 1.0, got " + value);
		}
	}

	static void notNegative(String name, Duration value) {
		Objects.requireNonNull(value, name);
		if (value.isNegative()) {
			throw new IllegalArgumentException(name + " must not be negative, got " + value);
		}
	}

	static void positive(String name, Duration value) {
		notNegative(name, value);
		if (value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive (zero would mean wait forever), got " + value);
		}
	}

	/** retryOn narrows what the classification says is retryable, never widens it. */
	static void retryable(Set<FailureKind> kinds) {
		for (FailureKind kind : kinds) {
			if (!kind.isRetryable()) {
				throw new IllegalArgumentException("retryOn cannot contain " + kind
						+ "; allowed: TRANSIENT, POLICY_TRANSIENT (retryOn only narrows what the classification says"
						+ " is retryable; to retry a reply classified as permanent, add a classification rule that"
						+ " makes it TRANSIENT)");
			}
		}
	}

}
