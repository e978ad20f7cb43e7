package dev.resilientmail.delivery;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asynchronous attempts waiting for a rate-limit permit, in one FIFO queue. They take
 * permits as they come free, so that a lowered limit applies at once to everything still
 * waiting (a permit reserved ahead of time would keep the old rate); one that waited
 * longer than the policy's permit timeout is told so instead.
 */
final class PermitQueue {

	private static final Logger log = LoggerFactory.getLogger(MailDelivery.class);

	/** An attempt waiting for its permit. */
	interface Waiter {

		/** Called with the permit taken. */
		void granted();

		/** Called when no permit came within the timeout. */
		void timedOut();

	}

	private record Waiting(Waiter waiter, long since) {
	}

	private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean dispatching = new AtomicBoolean();

	private final AtomicBoolean dispatchScheduled = new AtomicBoolean();

	private final Permits limiter;

	private final ScheduledExecutorService scheduler;

	private final Ticker ticker;

	PermitQueue(Permits limiter, ScheduledExecutorService scheduler, Ticker ticker) {
		this.limiter = limiter;
		this.scheduler = scheduler;
		this.ticker = ticker;
	}

	void add(Waiter waiter) {
		this.waiting.add(new Waiting(waiter, this.ticker.nanoTime()));
		dispatch();
	}

	private void dispatch() {
		if (!this.dispatching.compareAndSet(false, true)) {
			return;
		}
		try {
			Waiting next;
			while ((next = this.waiting.peek()) != null) {
				if (this.ticker.nanoTime() - next.since() > this.limiter.timeout().toNanos()) {
					this.waiting.poll();
					next.waiter().timedOut();
					continue;
				}
				if (!this.limiter.tryAcquire()) {
					scheduleDispatch(this.limiter.nanosToNextPermit());
					return;
				}
				this.waiting.poll();
				next.waiter().granted();
			}
		}
		catch (RuntimeException ex) {
			// the scheduler was shut down: close() ends what is waiting
			log.debug("dispatch stopped: {}", ex.toString());
		}
		finally {
			this.dispatching.set(false);
		}
		if (!this.waiting.isEmpty() && !this.dispatchScheduled.get()) {
			// added while this dispatch was finishing
			dispatch();
		}
	}

	private void scheduleDispatch(long nanos) {
		if (this.dispatchScheduled.compareAndSet(false, true)) {
			this.scheduler.schedule(() -> {
				this.dispatchScheduled.set(false);
				dispatch();
			}, Math.max(nanos, 100_000), TimeUnit.NANOSECONDS);
		}
	}

}
