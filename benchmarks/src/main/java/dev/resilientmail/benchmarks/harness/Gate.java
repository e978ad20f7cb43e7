package dev.resilientmail.benchmarks.harness;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Holds the sink's connection threads at a command until opened: the sending side's
 * messages then stay queued, which is what the memory measurement needs. Every wait is
 * bounded.
 */
final class Gate {

	private final long maxHoldNanos;

	private boolean open = true;

	private int waiting;

	Gate(long maxHold, TimeUnit unit) {
		this.maxHoldNanos = unit.toNanos(maxHold);
	}

	synchronized void close() {
		this.open = false;
	}

	synchronized void open() {
		this.open = true;
		notifyAll();
	}

	/** Called by a sink thread: waits while the gate is closed, at most the max hold. */
	synchronized void pass() {
		long deadline = System.nanoTime() + this.maxHoldNanos;
		this.waiting++;
		notifyAll();
		try {
			while (!this.open) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new IllegalStateException("gate held longer than " + this.maxHoldNanos / 1_000_000 + " ms");
				}
				TimeUnit.NANOSECONDS.timedWait(this, left);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.waiting--;
		}
	}

	/** Waits until {@code count} threads are held at the gate. */
	synchronized void awaitWaiting(int count, long timeout, TimeUnit unit)
			throws InterruptedException, TimeoutException {
		long deadline = System.nanoTime() + unit.toNanos(timeout);
		while (this.waiting < count) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				throw new TimeoutException(this.waiting + " thread(s) at the gate, expected " + count);
			}
			TimeUnit.NANOSECONDS.timedWait(this, left);
		}
	}

}
