package dev.resilientmail.spring;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;

/**
 * Told the final outcome of each message sent through the starter's senders, once per
 * message, after any retries. (A {@code DeliveryListener} sees attempts and replies; its
 * {@code onFailed} also fires for failed attempts, so it cannot count messages.)
 */
interface SendObserver {

	/**
	 * Called once a message was accepted.
	 * @param report the report
	 * @param nanos time from the send call to the outcome
	 */
	void delivered(DeliveryReport report, long nanos);

	/**
	 * Called once a message finally failed.
	 * @param failure the core failure ({@code SmtpFailure}) or another exception when the
	 * message could not be sent at all
	 * @param nanos time from the send call to the outcome
	 */
	void failed(Throwable failure, long nanos);

}
