package dev.resilientmail.delivery;

/** Waits between attempts; tests replace it so that no test really sleeps. */
@FunctionalInterface
interface Sleeper {

	Sleeper REAL = (millis) -> {
		if (millis > 0) {
			Thread.sleep(millis);
		}
	};

	void sleep(long millis) throws InterruptedException;

}
