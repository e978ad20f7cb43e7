package dev.resilientmail.delivery;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * Where a {@link MailDelivery} keeps the retries of {@link MailDelivery#sendAsync} while
 * they wait. The default keeps them in memory, so a restart loses them;
 * {@code resilient-mail-jdbc} stores them in a database, runs each due retry on exactly
 * one instance and resumes them after a restart.
 * <p>
 * Contract: {@link #defer} is idempotent per {@linkplain DeferredRetry#key() key} (a
 * second retry of the same key replaces the first); {@link #markUncertain} is called
 * before anything else is done about an attempt that may have delivered the message, so
 * that a crash right after it cannot lead to a blind resend. A retry that can no longer
 * be run ends in a dead state with its reason, never silently dropped.
 *
 * @since 0.2.0
 */
public interface DeferredRetryStore {

	/**
	 * Keeps a retry until it is due.
	 * @param retry the retry
	 * @throws NotStoredException if the retry cannot be kept (the database is
	 * unreachable): the send then fails with that error rather than lose the message
	 */
	void defer(DeferredRetry retry);

	/**
	 * Records that an attempt may have delivered the message (the connection broke after
	 * the message body was sent): it is not resent unless the policy says
	 * {@link DeliveryPolicy#retryUncertain()}.
	 * @param retry the message, its recipients whose outcome is unknown and what happened
	 * @param reason why the outcome is unknown
	 * @throws NotStoredException if the state cannot be stored
	 */
	void markUncertain(DeferredRetry retry, String reason);

	/**
	 * Starts handing due retries to a runner; a delivery calls this once, when it is
	 * built.
	 * @param runner runs one due retry
	 */
	void start(Runner runner);

	/** Stops handing out retries; stored retries stay stored. */
	void stop();

	/**
	 * Runs one due retry: one attempt, then says what became of it.
	 *
	 * @since 0.2.0
	 */
	interface Runner {

		/**
		 * Runs one due retry: the attempt waits for a rate permit and runs on the
		 * delivery's threads.
		 * @param retry the retry
		 * @return completed with what became of it once the attempt ends
		 */
		CompletionStage<Result> run(DeferredRetry retry);

		/**
		 * A stored retry cannot be run any more (its stored message does not parse): it
		 * is dead, for this reason. Must be fast and must not throw.
		 * @param key the message's key
		 * @param recipients the recipients it still had
		 * @param attempts the attempts made
		 * @param reason why it is dead
		 */
		void dead(String key, List<String> recipients, int attempts, String reason);

	}

	/**
	 * What became of a due retry.
	 *
	 * @param status the status
	 * @param next the retry to keep for later, only with {@link Status#AGAIN}
	 * @param reason why, for {@link Status#UNCERTAIN} and {@link Status#DEAD}
	 * @since 0.2.0
	 */
	record Result(Status status, DeferredRetry next, String reason) {

		/**
		 * Validates the components.
		 * @throws IllegalArgumentException if {@link Status#AGAIN} has no next retry or
		 * another status has one
		 */
		public Result {
			Objects.requireNonNull(status, "status");
			if ((status == Status.AGAIN) != (next != null)) {
				throw new IllegalArgumentException("a next retry goes with status AGAIN and only with it");
			}
		}

		/**
		 * Every recipient accepted the message.
		 * @return the result
		 */
		public static Result delivered() {
			return new Result(Status.DELIVERED, null, null);
		}

		/**
		 * Another attempt is due later.
		 * @param next the retry to keep
		 * @return the result
		 */
		public static Result again(DeferredRetry next) {
			return new Result(Status.AGAIN, Objects.requireNonNull(next, "next"), null);
		}

		/**
		 * The attempt may have delivered the message; not resent.
		 * @param reason what happened
		 * @return the result
		 */
		public static Result uncertain(String reason) {
			return new Result(Status.UNCERTAIN, null, reason);
		}

		/**
		 * No further attempt: a permanent failure, or the attempts are used up.
		 * @param reason why
		 * @return the result
		 */
		public static Result dead(String reason) {
			return new Result(Status.DEAD, null, reason);
		}

	}

	/**
	 * The status of a retry after an attempt.
	 *
	 * @since 0.2.0
	 */
	enum Status {

		/** Every recipient accepted the message; nothing is kept. */
		DELIVERED,

		/** Kept for another attempt. */
		AGAIN,

		/** Kept as uncertain: it may have been delivered, so it is not resent. */
		UNCERTAIN,

		/** Kept as dead, with the reason: no further attempt. */
		DEAD

	}

	/**
	 * A retry or a state that could not be stored; the send fails with this error (its
	 * cause says why) rather than lose the message.
	 *
	 * @since 0.2.0
	 */
	final class NotStoredException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		/**
		 * Creates the exception.
		 * @param message what could not be stored, and where
		 * @param cause why
		 */
		public NotStoredException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
