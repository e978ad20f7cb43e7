package dev.resilientmail.delivery;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.resilientmail.DeliveryReport;

/**
 * The background side of a delivery: attempts run on its threads, each after a permit
 * from the {@link PermitQueue}, and waits between attempts are scheduled, so that no
 * thread blocks while a message waits.
 */
final class AsyncSends {

	private final ScheduledExecutorService scheduler;

	private final PermitQueue permits;

	/**
	 * Sends that are not in an attempt right now (waiting for a permit or for their next
	 * retry): close() ends them with a failure instead of leaving them pending.
	 */
	private final Map<CompletableFuture<DeliveryReport>, MessageAttempts> idle = new ConcurrentHashMap<>();

	AsyncSends(int threads, AdaptiveRateLimiter limiter, Ticker ticker) {
		AtomicInteger count = new AtomicInteger();
		this.scheduler = Executors.newScheduledThreadPool(threads, (runnable) -> {
			Thread thread = new Thread(runnable, "resilient-mail-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.permits = new PermitQueue(limiter, this.scheduler, ticker);
	}

	CompletableFuture<DeliveryReport> submit(MessageAttempts attempts) {
		CompletableFuture<DeliveryReport> future = new CompletableFuture<>();
		this.idle.put(future, attempts);
		run(future, attempts, () -> waitForPermit(attempts, future));
		return future;
	}

	private void waitForPermit(MessageAttempts attempts, CompletableFuture<DeliveryReport> future) {
		this.idle.put(future, attempts);
		this.permits.add(new PermitQueue.Waiter() {
			@Override
			public void granted() {
				AsyncSends.this.idle.remove(future);
				run(future, attempts, () -> attempt(attempts, future));
			}

			@Override
			public void timedOut() {
				AsyncSends.this.idle.remove(future);
				future.completeExceptionally(attempts.localRateLimit());
			}
		});
	}

	private void attempt(MessageAttempts attempts, CompletableFuture<DeliveryReport> future) {
		try {
			MessageAttempts.Step step = attempts.attempt(true);
			if (step.report() != null) {
				future.complete(step.report());
			}
			else if (step.finished()) {
				future.completeExceptionally((step.failure() != null) ? step.failure() : step.error());
			}
			else {
				this.idle.put(future, attempts);
				try {
					this.scheduler.schedule(() -> waitForPermit(attempts, future), step.waitMillis(),
							TimeUnit.MILLISECONDS);
				}
				catch (RejectedExecutionException closed) {
					this.idle.remove(future);
					future.completeExceptionally(attempts.closed());
				}
			}
		}
		catch (RuntimeException ex) {
			future.completeExceptionally(ex);
		}
	}

	private void run(CompletableFuture<DeliveryReport> future, MessageAttempts attempts, Runnable task) {
		try {
			this.scheduler.execute(task);
		}
		catch (RejectedExecutionException closed) {
			this.idle.remove(future);
			future.completeExceptionally(attempts.closed());
		}
	}

	/**
	 * Stops the threads; what waited for a permit or a retry ends with its last failure,
	 * or a failure saying that nothing was sent: nothing stays pending forever.
	 */
	void close() {
		this.scheduler.shutdownNow();
		for (Map.Entry<CompletableFuture<DeliveryReport>, MessageAttempts> waiting : this.idle.entrySet()) {
			waiting.getKey().completeExceptionally(waiting.getValue().closed());
		}
		this.idle.clear();
	}

}
