package dev.resilientmail.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link DeferredRetryStore}: each waiting retry is a timer in this process,
 * so a restart loses it. The timer thread only hands the due retry back to the delivery,
 * whose own threads make the attempt; it starts with the first retry.
 */
final class InMemoryRetryStore implements DeferredRetryStore {

	private static final Logger log = LoggerFactory.getLogger(MailDelivery.class);

	private Runner runner;

	private ScheduledExecutorService timer;

	private boolean stopped;

	@Override
	public synchronized void start(Runner runner) {
		this.runner = runner;
	}

	@Override
	public void defer(DeferredRetry retry) {
		long delay = Math.max(0, Duration.between(Instant.now(), retry.due()).toMillis());
		try {
			timer().schedule(() -> run(retry), delay, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException | IllegalStateException stopped) {
			throw new NotStoredException("the delivery is closed: the retry of " + retry.key() + " was not kept",
					stopped);
		}
	}

	private void run(DeferredRetry retry) {
		this.runner.run(retry).whenComplete((result, error) -> {
			if (result != null && result.status() == Status.AGAIN) {
				try {
					defer(result.next());
				}
				catch (NotStoredException closed) {
					log.debug("retry of {} dropped at close: {}", retry.key(), closed.getMessage());
				}
			}
		});
	}

	/** In memory nothing outlives the process: the caller's failure says it all. */
	@Override
	public void markUncertain(DeferredRetry retry, String reason) {
	}

	@Override
	public synchronized void stop() {
		this.stopped = true;
		if (this.timer != null) {
			this.timer.shutdownNow();
		}
	}

	private synchronized ScheduledExecutorService timer() {
		if (this.stopped) {
			throw new IllegalStateException("stopped");
		}
		if (this.timer == null) {
			this.timer = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, "resilient-mail-retry-timer");
				thread.setDaemon(true);
				return thread;
			});
		}
		return this.timer;
	}

}
