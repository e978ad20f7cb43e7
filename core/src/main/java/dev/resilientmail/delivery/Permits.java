package dev.resilientmail.delivery;

import java.time.Duration;

/**
 * The permits of a delivery's destination, from its {@link RatePermitSource}, and the
 * wait for one in the calling thread.
 */
final class Permits {

	private final RatePermitSource.Destination source;

	private final Duration timeout;

	private final Ticker ticker;

	Permits(RatePermitSource.Destination source, Duration timeout, Ticker ticker) {
		this.source = source;
		this.timeout = timeout;
		this.ticker = ticker;
	}

	boolean tryAcquire() {
		return this.source.tryAcquire();
	}

	/** Nanoseconds until the next permit is free (0 if one is free now). */
	long nanosToNextPermit() {
		return this.source.nanosToNextPermit();
	}

	/**
	 * Waits for a permit up to the configured timeout, in the calling thread; false if
	 * none came.
	 */
	boolean acquire() throws InterruptedException {
		long deadline = this.ticker.nanoTime() + this.timeout.toNanos();
		while (!tryAcquire()) {
			long wait = Math.max(nanosToNextPermit(), 100_000);
			if (this.ticker.nanoTime() + wait > deadline) {
				return false;
			}
			this.ticker.sleepNanos(wait);
		}
		return true;
	}

	void slowDown() {
		this.source.slowDown();
	}

	void succeeded() {
		this.source.succeeded();
	}

	int currentLimit() {
		return this.source.currentLimit();
	}

	Duration timeout() {
		return this.timeout;
	}

}
