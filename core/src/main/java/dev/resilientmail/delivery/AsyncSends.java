package dev.resilientmail.delivery;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import dev.resilientmail.DeliveryReport;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.UncertainDelivery;

/**
 * The background side of a delivery: attempts run on its threads, each after a permit
 * from the {@link PermitQueue}; waits between attempts are kept by the
 * {@link DeferredRetryStore} (a timer in memory by default), which hands each due retry
 * back here, so that no thread blocks while a message waits.
 * <p>
 * A retry the store hands back is continued with the message's own attempts when it
 * waited from this delivery, or resumed from what the store kept (after a restart, or
 * from another instance); its outcome goes to the listener either way, and to the store
 * as the {@link DeferredRetryStore.Result}.
 */
final class AsyncSends implements DeferredRetryStore.Runner {

	private final ScheduledExecutorService scheduler;

	private final PermitQueue permits;

	private final MessageAttempts.Parts parts;

	/**
	 * Sends that are not in an attempt right now (waiting for a permit or for their next
	 * retry): close() ends them with a failure instead of leaving them pending.
	 */
	private final Map<CompletableFuture<DeliveryReport>, MessageAttempts> idle = new ConcurrentHashMap<>();

	/** Sends of this delivery waiting in the retry store, by message key. */
	private final Map<String, Deferred> deferred = new ConcurrentHashMap<>();

	private record Deferred(MessageAttempts attempts, CompletableFuture<DeliveryReport> future) {
	}

	AsyncSends(int threads, MessageAttempts.Parts parts) {
		AtomicInteger count = new AtomicInteger();
		this.scheduler = Executors.newScheduledThreadPool(threads, (runnable) -> {
			Thread thread = new Thread(runnable, "resilient-mail-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.parts = parts;
		this.permits = new PermitQueue(parts.limiter(), this.scheduler, parts.ticker());
		if (parts.retries() instanceof InMemoryRetryStore memory) {
			memory.timer(this.scheduler);
		}
		parts.retries().start(this);
	}

	/**
	 * Starts sending a message; one that cannot be sent at all (null, no recipients,
	 * headers that cannot be updated) fails the future at once.
	 */
	CompletableFuture<DeliveryReport> submit(MimeMessage message) {
		try {
			MessageAttempts attempts = new MessageAttempts(message, this.parts);
			CompletableFuture<DeliveryReport> future = new CompletableFuture<>();
			this.idle.put(future, attempts);
			run(future, attempts, null, () -> waitForPermit(attempts, future, null));
			return future;
		}
		catch (MessagingException | RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	@Override
	public CompletionStage<DeferredRetryStore.Result> run(DeferredRetry retry) {
		CompletableFuture<DeferredRetryStore.Result> result = new CompletableFuture<>();
		Deferred waiting = this.deferred.remove(retry.key());
		MessageAttempts attempts;
		CompletableFuture<DeliveryReport> future;
		if (waiting != null) {
			attempts = waiting.attempts();
			future = waiting.future();
		}
		else {
			try {
				attempts = MessageAttempts.resumed(retry, this.parts);
			}
			catch (MessagingException ex) {
				return CompletableFuture.completedFuture(
						DeferredRetryStore.Result.dead("its recipients cannot be read: " + ex.getMessage()));
			}
			// nobody waits for this one here: the listener hears its outcome
			future = new CompletableFuture<>();
		}
		this.idle.put(future, attempts);
		run(future, attempts, result, () -> waitForPermit(attempts, future, result));
		return result;
	}

	@Override
	public void dead(String key, List<String> recipients, int attempts, String reason) {
		this.parts.listener().onFailed(StoredRetries.dead(recipients, attempts, reason));
	}

	private void waitForPermit(MessageAttempts attempts, CompletableFuture<DeliveryReport> future,
			CompletableFuture<DeferredRetryStore.Result> stored) {
		this.idle.put(future, attempts);
		this.permits.add(new PermitQueue.Waiter() {
			@Override
			public void granted() {
				AsyncSends.this.idle.remove(future);
				run(future, attempts, stored, () -> attempt(attempts, future, stored));
			}

			@Override
			public void timedOut() {
				AsyncSends.this.idle.remove(future);
				if (stored != null) {
					// nothing was sent: the store keeps it for later
					defer(attempts, future, stored, AsyncSends.this.parts.limiter().timeout().toMillis());
					return;
				}
				future.completeExceptionally(attempts.localRateLimit());
			}
		});
	}

	private void attempt(MessageAttempts attempts, CompletableFuture<DeliveryReport> future,
			CompletableFuture<DeferredRetryStore.Result> stored) {
		try {
			MessageAttempts.Step step = attempts.attempt(true);
			if (step.report() != null) {
				future.complete(step.report());
				complete(stored, DeferredRetryStore.Result.delivered());
			}
			else if (step.finished()) {
				Exception error = (step.failure() != null) ? step.failure() : step.error();
				future.completeExceptionally(error);
				complete(stored, ended(step.failure(), error));
			}
			else if (step.waitMillis() == 0) {
				// a split: the rest of the recipients go out now
				this.idle.put(future, attempts);
				run(future, attempts, stored, () -> waitForPermit(attempts, future, stored));
			}
			else {
				defer(attempts, future, stored, step.waitMillis());
			}
		}
		catch (RuntimeException ex) {
			future.completeExceptionally(ex);
			complete(stored, DeferredRetryStore.Result.uncertain("the attempt failed unexpectedly: " + ex));
		}
	}

	/**
	 * Hands the wait to the store: as the result of the retry the store is running, or as
	 * a new retry; one that cannot be stored fails the send rather than vanish.
	 */
	private void defer(MessageAttempts attempts, CompletableFuture<DeliveryReport> future,
			CompletableFuture<DeferredRetryStore.Result> stored, long waitMillis) {
		DeferredRetry retry = attempts.deferred(waitMillis);
		this.idle.put(future, attempts);
		this.deferred.put(retry.key(), new Deferred(attempts, future));
		if (stored != null) {
			stored.complete(DeferredRetryStore.Result.again(retry));
			return;
		}
		try {
			this.parts.retries().defer(retry);
		}
		catch (DeferredRetryStore.NotStoredException ex) {
			this.deferred.remove(retry.key());
			this.idle.remove(future);
			if (this.parts.closed().get()) {
				// closing: the send ends as every waiting send does
				future.completeExceptionally(attempts.closed());
				return;
			}
			ex.addSuppressed(attempts.closed());
			future.completeExceptionally(ex);
		}
	}

	private static DeferredRetryStore.Result ended(SmtpFailure failure, Exception error) {
		if (failure instanceof UncertainDelivery || (failure != null && !failure.uncertainRecipients().isEmpty())) {
			return DeferredRetryStore.Result.uncertain(failure.getMessage());
		}
		return DeferredRetryStore.Result.dead("no further attempt"
				+ ((failure != null) ? " after " + failure.attempts() + " attempts" : "") + ": " + error.getMessage());
	}

	private static void complete(CompletableFuture<DeferredRetryStore.Result> stored,
			DeferredRetryStore.Result result) {
		if (stored != null) {
			stored.complete(result);
		}
	}

	private void run(CompletableFuture<DeliveryReport> future, MessageAttempts attempts,
			CompletableFuture<DeferredRetryStore.Result> stored, Runnable task) {
		try {
			this.scheduler.execute(task);
		}
		catch (RejectedExecutionException closed) {
			this.idle.remove(future);
			future.completeExceptionally(attempts.closed());
			// closing while a stored retry waited for its turn: nothing was sent
			complete(stored, DeferredRetryStore.Result.again(attempts.deferred(0)));
		}
	}

	/**
	 * Stops running stored retries and the threads; what waited for a permit or a retry
	 * here ends with its last failure, or a failure saying that nothing was sent: nothing
	 * stays pending forever. A retry kept by a durable store stays there, for this or
	 * another instance to resume.
	 */
	void close() {
		this.parts.retries().stop();
		this.scheduler.shutdownNow();
		for (Map.Entry<CompletableFuture<DeliveryReport>, MessageAttempts> waiting : this.idle.entrySet()) {
			waiting.getKey().completeExceptionally(waiting.getValue().closed());
		}
		this.idle.clear();
		this.deferred.clear();
	}

}
