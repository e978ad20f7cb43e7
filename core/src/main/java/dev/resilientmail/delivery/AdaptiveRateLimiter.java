package dev.resilientmail.delivery;

import java.time.Duration;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;

/**
 * A Resilience4j rate limiter per destination that follows the server's limit (additive
 * increase, multiplicative decrease, as TCP does per round trip).
 * <p>
 * When the server says we send too fast, the limit drops, at most once per period, to
 * what the server accepted in the last full period, but never below half nor above 80% of
 * the current limit: the accepted rate is the best estimate of the server's limit, and
 * the bounds keep one slow period (a slow client, not the server) from collapsing it.
 * After each full period's worth of successes it climbs back by a tenth of the configured
 * limit, never above it: growing per single success would undo a decrease within one
 * period and hit the server's limit again at once.
 */
final class AdaptiveRateLimiter implements RatePermitSource.Destination {

	private final RateLimiter limiter;

	private final int configuredLimit;

	private final boolean adaptive;

	private int currentLimit;

	private int successesAtLimit;

	private final int step;

	private final long periodNanos;

	private final Ticker ticker;

	private long lastDecrease;

	private boolean decreased;

	private long periodStart;

	private int successesThisPeriod;

	private int successesLastPeriod = -1;

	AdaptiveRateLimiter(String destination, DeliveryPolicy.RateLimit policy, Ticker ticker,
			RateLimiterRegistry registry) {
		this.ticker = ticker;
		this.periodNanos = policy.limitRefreshPeriod().toNanos();
		this.periodStart = ticker.nanoTime();
		this.configuredLimit = policy.limitForPeriod();
		this.step = Math.max(1, this.configuredLimit / 10);
		this.currentLimit = this.configuredLimit;
		this.adaptive = policy.adaptive();
		// no waiting inside Resilience4j: a permit reserved there is kept at the old rate
		// even when the limit drops; callers wait for the next permit themselves
		RateLimiterConfig config = RateLimiterConfig.custom()
			.limitForPeriod(policy.limitForPeriod())
			.limitRefreshPeriod(policy.limitRefreshPeriod())
			.timeoutDuration(Duration.ZERO)
			.build();
		// the newest delivery's instance replaces an older one of the same destination
		RateLimiterRegistry limiters = (registry != null) ? registry : RateLimiterRegistry.ofDefaults();
		limiters.remove("resilient-mail:" + destination);
		this.limiter = limiters.rateLimiter("resilient-mail:" + destination, config);
	}

	/** Takes a permit if one is free now. */
	@Override
	public boolean tryAcquire() {
		return this.limiter.acquirePermission();
	}

	/** Nanoseconds until the next permit is free (0 if one is free now). */
	@Override
	public long nanosToNextPermit() {
		if (this.limiter instanceof AtomicRateLimiter atomic) {
			return Math.max(0, atomic.getDetailedMetrics().getNanosToWait());
		}
		// another implementation from a registry: look again within a tenth of a period
		return this.periodNanos / 10;
	}

	/**
	 * Lowers the limit, at most once per period: the replies of messages already in
	 * flight when the server first pushed back report the same overload and must not
	 * lower it again.
	 */
	@Override
	public synchronized void slowDown() {
		long now = this.ticker.nanoTime();
		countPeriods(now);
		if (this.decreased && now - this.lastDecrease < this.periodNanos) {
			return;
		}
		if (this.adaptive && this.currentLimit > 1) {
			this.decreased = true;
			this.lastDecrease = now;
			int accepted = (this.successesLastPeriod >= 0) ? this.successesLastPeriod : this.currentLimit;
			int lowered = Math.max(this.currentLimit / 2, Math.min(this.currentLimit * 4 / 5, accepted));
			this.currentLimit = Math.max(1, lowered);
			this.successesAtLimit = 0;
			this.limiter.changeLimitForPeriod(this.currentLimit);
		}
	}

	@Override
	public synchronized void succeeded() {
		countPeriods(this.ticker.nanoTime());
		this.successesThisPeriod++;
		if (this.adaptive && this.currentLimit < this.configuredLimit && ++this.successesAtLimit >= this.currentLimit) {
			this.currentLimit = Math.min(this.configuredLimit, this.currentLimit + this.step);
			this.successesAtLimit = 0;
			this.limiter.changeLimitForPeriod(this.currentLimit);
		}
	}

	/** Rolls the success count over at period boundaries. */
	private void countPeriods(long now) {
		long elapsed = now - this.periodStart;
		if (elapsed >= this.periodNanos) {
			// a gap of more than one period means nothing was accepted in the last one
			this.successesLastPeriod = (elapsed < 2 * this.periodNanos) ? this.successesThisPeriod : 0;
			this.successesThisPeriod = 0;
			this.periodStart = now - (elapsed % this.periodNanos);
		}
	}

	@Override
	public synchronized int currentLimit() {
		return this.currentLimit;
	}

}
