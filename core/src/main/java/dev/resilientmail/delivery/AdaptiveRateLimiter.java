package dev.resilientmail.delivery;

import java.time.Duration;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

/**
 * A Resilience4j rate limiter per destination whose limit halves when the server says we
 * send too fast and climbs back one step per success, never above the configured limit
 * (additive increase, multiplicative decrease).
 */
final class AdaptiveRateLimiter {

	private final RateLimiter limiter;

	private final int configuredLimit;

	private final boolean adaptive;

	private int currentLimit;

	AdaptiveRateLimiter(String destination, DeliveryPolicy policy) {
		this.configuredLimit = policy.limitForPeriod();
		this.currentLimit = this.configuredLimit;
		this.adaptive = policy.adaptiveRateLimit();
		this.limiter = RateLimiter.of("resilient-mail:" + destination,
				RateLimiterConfig.custom()
					.limitForPeriod(policy.limitForPeriod())
					.limitRefreshPeriod(policy.limitRefreshPeriod())
					.timeoutDuration(policy.rateLimitTimeout())
					.build());
	}

	/** Waits for a permit up to the configured timeout; false if none came. */
	boolean acquire() {
		return this.limiter.acquirePermission();
	}

	/**
	 * Reserves a permit without blocking: the nanoseconds to wait before using it, or -1
	 * if none can be had within the timeout.
	 */
	long reserve() {
		return this.limiter.reservePermission();
	}

	synchronized void slowDown() {
		if (this.adaptive && this.currentLimit > 1) {
			this.currentLimit = Math.max(1, this.currentLimit / 2);
			this.limiter.changeLimitForPeriod(this.currentLimit);
		}
	}

	synchronized void succeeded() {
		if (this.adaptive && this.currentLimit < this.configuredLimit) {
			this.currentLimit++;
			this.limiter.changeLimitForPeriod(this.currentLimit);
		}
	}

	synchronized int currentLimit() {
		return this.currentLimit;
	}

	Duration timeout() {
		return this.limiter.getRateLimiterConfig().getTimeoutDuration();
	}

}
