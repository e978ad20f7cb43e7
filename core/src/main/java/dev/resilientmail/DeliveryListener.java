package dev.resilientmail;

import dev.resilientmail.reply.SmtpExchange;

/**
 * Receives what happens on the wire and to each message, for metrics, tracing or audit.
 * Every method has a no-op default.
 * <p>
 * Contract: methods are called on the sending thread and must be fast and must not throw
 * (an exception is logged and otherwise ignored, never allowed to fail a send).
 *
 * @since 0.1.0
 */
public interface DeliveryListener {

	/** A listener that does nothing. */
	DeliveryListener NONE = new DeliveryListener() {
	};

	/**
	 * Called for every command/reply pair, including the greeting.
	 * @param exchange the exchange (credentials already redacted)
	 */
	default void onExchange(SmtpExchange exchange) {
	}

	/**
	 * Called when an attempt to send a message starts.
	 * @param attempt the attempt number, starting at 1
	 * @param recipients how many recipients this attempt sends to
	 */
	default void onAttempt(int attempt, int recipients) {
	}

	/**
	 * Called when a failed attempt will be retried.
	 * @param failure the failure of the attempt
	 * @param waitMillis how long until the next attempt
	 */
	default void onRetry(SmtpFailure failure, long waitMillis) {
	}

	/**
	 * Called when a message was accepted by the server.
	 * @param report the report
	 */
	default void onDelivered(DeliveryReport report) {
	}

	/**
	 * Called when a message finally failed (after any retries).
	 * @param failure the failure
	 */
	default void onFailed(SmtpFailure failure) {
	}

	/**
	 * Called when a bounce that arrived later was matched to a message sent earlier: once
	 * per message, recipient and outcome (failed or delayed). Called on the thread that
	 * reads the bounces.
	 * @param outcome the outcome
	 * @since 0.2.0
	 */
	default void onLateOutcome(LateOutcome outcome) {
	}

}
