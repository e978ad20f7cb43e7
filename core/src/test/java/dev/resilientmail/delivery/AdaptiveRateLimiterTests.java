package dev.resilientmail.delivery;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Additive increase, multiplicative decrease of the per-destination limit, on an injected
 * clock.
 */
class AdaptiveRateLimiterTests {

	private final AtomicLong now = new AtomicLong(1_000_000_000L);

	@Test
	void dropsOncePerPeriodHoweverManyRepliesSayTooFast() {
		AdaptiveRateLimiter limiter = limiter(true);

		for (int i = 0; i < 50; i++) {
			limiter.slowDown();
		}
		assertThat(limiter.currentLimit()).isEqualTo(80);

		this.now.addAndGet(Duration.ofSeconds(1).toNanos());
		limiter.slowDown();
		assertThat(limiter.currentLimit()).as("nothing accepted in the last period: half").isEqualTo(40);
	}

	@Test
	void climbsByATenthAfterEachPeriodsWorthOfSuccessesButNeverAboveTheConfiguredLimit() {
		AdaptiveRateLimiter limiter = limiter(true);
		limiter.slowDown();

		for (int i = 0; i < 79; i++) {
			limiter.succeeded();
		}
		assertThat(limiter.currentLimit()).isEqualTo(80);
		limiter.succeeded();
		assertThat(limiter.currentLimit()).isEqualTo(90);

		for (int i = 0; i < 10_000; i++) {
			limiter.succeeded();
		}
		assertThat(limiter.currentLimit()).isEqualTo(100);
	}

	@Test
	void dropsToWhatTheServerAcceptedInTheLastPeriodWithinHalfAndEightyPercent() {
		AdaptiveRateLimiter limiter = limiter(true);
		for (int i = 0; i < 65; i++) {
			limiter.succeeded();
		}
		this.now.addAndGet(Duration.ofSeconds(1).toNanos());

		limiter.slowDown();
		assertThat(limiter.currentLimit()).as("65 accepted in the last second").isEqualTo(65);

		for (int i = 0; i < 10; i++) {
			limiter.succeeded();
		}
		this.now.addAndGet(Duration.ofSeconds(1).toNanos());
		limiter.slowDown();
		assertThat(limiter.currentLimit()).as("no lower than half of 65").isEqualTo(32);
	}

	@Test
	void neverDropsBelowOne() {
		AdaptiveRateLimiter limiter = limiter(true);
		for (int i = 0; i < 20; i++) {
			limiter.slowDown();
			this.now.addAndGet(Duration.ofSeconds(1).toNanos());
		}
		assertThat(limiter.currentLimit()).isEqualTo(1);
	}

	@Test
	void fixedLimiterIgnoresTheServer() {
		AdaptiveRateLimiter limiter = limiter(false);
		limiter.slowDown();
		assertThat(limiter.currentLimit()).isEqualTo(100);
	}

	private AdaptiveRateLimiter limiter(boolean adaptive) {
		DeliveryPolicy policy = DeliveryPolicy.builder()
			.rateLimit(100, Duration.ofSeconds(1))
			.adaptiveRateLimit(adaptive)
			.build();
		return new AdaptiveRateLimiter("mx.test:25", policy.rateLimit(), this.now::get, null);
	}

}
