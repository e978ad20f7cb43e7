package dev.resilientmail.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link DeferredRetryStore}: each waiting retry is a timer task on the
 * delivery's own threads, so a restart loses it.
 */
final class InMemoryRetryStore implements DeferredRetryStore {

	private static final Logger log = LoggerFactory.getLogger(MailDelivery.class);

	private Runner runner;

	private ScheduledExecutorService timer;

	@Override
	public synchronized void start(Runner runner) {
		this.runner = runner;
	}

	/** The delivery's scheduler: no thread of its own. */
	synchronized void timer(ScheduledExecutorService timer) {
		this.timer = timer;
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

	/** The delivery shuts its scheduler down itself. */
	@Override
	public void stop() {
	}

	private synchronized ScheduledExecutorService timer() {
		if (this.timer == null) {
			throw new IllegalStateException("not started");
		}
		return this.timer;
	}

}
