package dev.resilientmail.spring;

import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;

/**
 * Chooses the Resilience4j registries the delivery creates its {@code Retry} and
 * {@code RateLimiter}s in: the application's own {@link RetryRegistry} and
 * {@link RateLimiterRegistry} beans when it has them (so its tooling, event consumers and
 * meter bindings see this library's instances next to its own), otherwise registries of
 * the starter's, created only to be bound to Micrometer.
 */
final class Resilience4jRegistries {

	private Resilience4jRegistries() {
	}

	/**
	 * The customizer that hands the chosen registries to the delivery.
	 * @param retries the application's retry registry, or null
	 * @param rateLimiters the application's rate limiter registry, or null
	 * @param binder binds registries to Micrometer, or null without Micrometer
	 * @return the customizer; one that changes nothing when there is nothing to bind to
	 */
	static MailDeliveryCustomizer customizer(RetryRegistry retries, RateLimiterRegistry rateLimiters,
			MeterBinder binder) {
		if (retries == null && rateLimiters == null) {
			if (binder == null) {
				return (builder) -> {
				};
			}
			RetryRegistry ownRetries = RetryRegistry.ofDefaults();
			RateLimiterRegistry ownRateLimiters = RateLimiterRegistry.ofDefaults();
			binder.bind(ownRetries, ownRateLimiters);
			return (builder) -> builder.resilience4jRegistries(ownRetries, ownRateLimiters);
		}
		RetryRegistry chosenRetries = (retries != null) ? retries : RetryRegistry.ofDefaults();
		RateLimiterRegistry chosenRateLimiters = (rateLimiters != null) ? rateLimiters
				: RateLimiterRegistry.ofDefaults();
		return (builder) -> builder.resilience4jRegistries(chosenRetries, chosenRateLimiters);
	}

	/**
	 * Binds the starter's own registries to the application's meter registry.
	 */
	@FunctionalInterface
	interface MeterBinder {

		void bind(RetryRegistry retries, RateLimiterRegistry rateLimiters);

	}

}
