package dev.resilientmail.jdbc;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A retry as the database holds it, for {@link JdbcDeliveryStore#retriesIn(State)}: what
 * is waiting, what may have been delivered, and what is dead and why.
 *
 * @param key the message's key (its {@code Message-ID})
 * @param state the state
 * @param recipients the recipients still to deliver
 * @param attempts the attempts made so far
 * @param lastReply the server's last failure reply, when there was one
 * @param due when the next attempt is (or was) due
 * @param reason why it is uncertain or dead
 * @param updatedAt when the row last changed
 * @param updatedBy the instance that last changed it
 * @since 0.2.0
 */
public record StoredRetry(String key, State state, List<String> recipients, int attempts, Optional<String> lastReply,
		Instant due, Optional<String> reason, Instant updatedAt, Optional<String> updatedBy) {

	/**
	 * Copies the recipients.
	 */
	public StoredRetry {
		recipients = List.copyOf(recipients);
	}

	/**
	 * The state of a stored retry.
	 *
	 * @since 0.2.0
	 */
	public enum State {

		/** Waiting until it is due. */
		WAITING,

		/** An instance is attempting it now. */
		SENDING,

		/**
		 * An attempt may have delivered it (the connection broke after the message body,
		 * or the instance stopped during the attempt): not resent.
		 */
		UNCERTAIN,

		/** No further attempt: its reason says why. */
		DEAD

	}

}
