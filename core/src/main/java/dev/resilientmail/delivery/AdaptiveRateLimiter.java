package dev.resilientmail.delivery;

import java.time.Duration;
import java.util.function.LongSupplier;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;

/**
 * A Resilience4j rate limiter per destination whose limit drops to 70% when the server
 * says we send too fast and climbs back by a tenth of the configured limit after each
 * full period's worth of successes, never above the configured limit (additive increase,
 * multiplicative decrease, as TCP does per round trip). Growing per single success would
 * undo a decrease within one period and hit the server's limit again at once; halving, as
 * TCP Reno does, leaves a server's fixed limit underused for long when it is near.
 */
final class AdaptiveRateLimiter {

	private final RateLimiter limiter;

	private final int configuredLimit;

	private final boolean adaptive;

	private int currentLimit;

	private int successesAtLimit;

	private final int step;

	private final long periodNanos;

	private final LongSupplier nanoTime;

	private long lastDecrease;

	private boolean decreased;

	AdaptiveRateLimiter(String destination, DeliveryPolicy policy) {
		this(destination, policy, System::nanoTime, null);
	}

	AdaptiveRateLimiter(String destination, DeliveryPolicy policy, LongSupplier nanoTime) {
		this(destination, policy, nanoTime, null);
	}

	AdaptiveRateLimiter(String destination, DeliveryPolicy policy, LongSupplier nanoTime,
			RateLimiterRegistry registry) {
		this.nanoTime = nanoTime;
		this.periodNanos = policy.limitRefreshPeriod().toNanos();
		this.configuredLimit = policy.limitForPeriod();
		this.step = Math.max(1, this.configuredLimit / 10);
		this.currentLimit = this.configuredLimit;
		this.adaptive = policy.adaptiveRateLimit();
		RateLimiterConfig config = RateLimiterConfig.custom()
			.limitForPeriod(policy.limitForPeriod())
			.limitRefreshPeriod(policy.limitRefreshPeriod())
			.timeoutDuration(policy.rateLimitTimeout())
			.build();
		String name = "resilient-mail:" + destination;
		if (registry != null) {
			registry.remove(name);
			this.limiter = registry.rateLimiter(name, config);
		}
		else {
			this.limiter = RateLimiter.of(name, config);
		}
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

	/**
	 * Lowers the limit to 80%, at most once per period: the replies of messages already
	 * in flight when the server first pushed back report the same overload and must not
	 * lower it again.
	 */
	synchronized void slowDown() {
		long now = this.nanoTime.getAsLong();
		if (this.decreased && now - this.lastDecrease < this.periodNanos) {
			return;
		}
		if (this.adaptive && this.currentLimit > 1) {
			this.decreased = true;
			this.lastDecrease = now;
			this.currentLimit = Math.max(1, this.currentLimit * 4 / 5);
			this.successesAtLimit = 0;
			this.limiter.changeLimitForPeriod(this.currentLimit);
		}
	}

	synchronized void succeeded() {
		if (this.adaptive && this.currentLimit < this.configuredLimit && ++this.successesAtLimit >= this.currentLimit) {
			this.currentLimit = Math.min(this.configuredLimit, this.currentLimit + this.step);
			this.successesAtLimit = 0;
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
