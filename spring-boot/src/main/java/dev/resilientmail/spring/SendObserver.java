package dev.resilientmail.spring;

import jakarta.mail.internet.MimeMessage;

import dev.resilientmail.DeliveryReport;

/**
 * Follows each message sent through the starter's senders from the send call to its final
 * outcome, once per message, after any retries. (A {@code DeliveryListener} sees attempts
 * and replies; its {@code onFailed} also fires for failed attempts, so it cannot count
 * messages.) Observers are metrics and observations: what they throw is ignored.
 */
interface SendObserver {

	/**
	 * Called when a message is handed to the delivery, on the caller's thread.
	 * @param message the message
	 * @return what is told the message's outcome
	 */
	Send started(MimeMessage message);

	/**
	 * One message on its way; told its outcome exactly once.
	 */
	interface Send {

		/**
		 * Called once the message was accepted.
		 * @param report the report
		 */
		void delivered(DeliveryReport report);

		/**
		 * Called once the message finally failed.
		 * @param failure the core failure ({@code SmtpFailure}) or another exception when
		 * the message could not be sent at all
		 */
		void failed(Throwable failure);

	}

}
