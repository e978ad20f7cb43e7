package dev.resilientmail.delivery;

import java.util.concurrent.TimeUnit;

/**
 * The delivery's clock: permit waits, idle connections and the elapsed-time bound read
 * it, so that tests can move time instead of waiting for it.
 */
@FunctionalInterface
interface Ticker {

	Ticker SYSTEM = System::nanoTime;

	long nanoTime();

	/** Waits in the calling thread; a ticker that moves time itself overrides it. */
	default void sleepNanos(long nanos) throws InterruptedException {
		TimeUnit.NANOSECONDS.sleep(nanos);
	}

}
