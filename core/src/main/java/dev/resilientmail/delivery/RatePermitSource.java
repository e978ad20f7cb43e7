package dev.resilientmail.delivery;

/**
 * Where a {@link MailDelivery} takes its send permits: one {@link Destination} per SMTP
 * destination ({@code host:port}). The default keeps them in memory, one rate limiter per
 * destination and delivery; {@code resilient-mail-jdbc} shares them between every
 * instance of an application through a database, so that several instances together keep
 * one provider quota.
 * <p>
 * Implementations must be thread-safe and must not block for long in any method: a
 * delivery waits between permits by itself, using
 * {@link Destination#nanosToNextPermit()}.
 *
 * @since 0.2.0
 */
public interface RatePermitSource {

	/**
	 * Returns the permits of one destination. A delivery calls this once per destination
	 * and keeps the result.
	 * @param destination the destination, {@code host:port}
	 * @param limit the delivery's configured limit: permits per period, and whether it
	 * adapts to the server's replies
	 * @return the destination's permits
	 */
	Destination destination(String destination, DeliveryPolicy.RateLimit limit);

	/**
	 * Returns the default source: for each destination a rate limiter in this process.
	 * @return the in-memory source
	 */
	static RatePermitSource inMemory() {
		return (destination, limit) -> new AdaptiveRateLimiter(destination, limit, Ticker.SYSTEM, null);
	}

	/**
	 * The permits of one destination and the limit's adaptation to the server's replies:
	 * lowered when the server says we send too fast, raised back as sends succeed.
	 *
	 * @since 0.2.0
	 */
	interface Destination {

		/**
		 * Takes a permit if one is free now.
		 * @return whether a permit was taken
		 */
		boolean tryAcquire();

		/**
		 * Returns how long until the next permit is free.
		 * @return nanoseconds, 0 if one is free now
		 */
		long nanosToNextPermit();

		/** The server answered that we send too fast (or open too many connections). */
		void slowDown();

		/** A message was accepted. */
		void succeeded();

		/**
		 * Returns the limit per period in force now.
		 * @return the permits per refresh period
		 */
		int currentLimit();

	}

}
