package dev.resilientmail.delivery;

import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;

/**
 * The retry settings while one {@link DeliveryPolicy.Builder} setter changes them, with
 * their defaults; {@link #build()} checks them by making the record, which the builder
 * keeps only then.
 */
final class RetryDraft {

	int maxAttempts = 4;

	Duration waitDuration = Duration.ofSeconds(2);

	double backoffMultiplier = 2.0;

	Duration maxWaitDuration = Duration.ofMinutes(1);

	double jitter = 0.2;

	Duration maxElapsed = Duration.ofMinutes(10);

	Set<FailureKind> retryOn = EnumSet.of(FailureKind.TRANSIENT, FailureKind.POLICY_TRANSIENT);

	boolean retryUncertain;

	final Map<FailureReason, Duration> reasonWait = new EnumMap<>(FailureReason.class);

	boolean honourRetryAfter = true;

	RetryDraft() {
		this.reasonWait.put(FailureReason.GREYLISTED, Duration.ofMinutes(1));
	}

	RetryDraft(DeliveryPolicy.Retry retry) {
		this.maxAttempts = retry.maxAttempts();
		this.waitDuration = retry.waitDuration();
		this.backoffMultiplier = retry.backoffMultiplier();
		this.maxWaitDuration = retry.maxWaitDuration();
		this.jitter = retry.jitter();
		this.maxElapsed = retry.maxElapsed();
		this.retryOn = retry.retryOn();
		this.retryUncertain = retry.retryUncertain();
		this.reasonWait.putAll(retry.reasonWait());
		this.honourRetryAfter = retry.honourRetryAfter();
	}

	DeliveryPolicy.Retry build() {
		return new DeliveryPolicy.Retry(this.maxAttempts, this.waitDuration, this.backoffMultiplier,
				this.maxWaitDuration, this.jitter, this.maxElapsed, this.retryOn, this.retryUncertain, this.reasonWait,
				this.honourRetryAfter);
	}

}
