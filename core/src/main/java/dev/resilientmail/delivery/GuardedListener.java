package dev.resilientmail.delivery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.SmtpFailure;

/**
 * The user's listener, held to its contract: an exception it throws is logged and never
 * fails a send.
 */
final class GuardedListener implements DeliveryListener {

	private static final Logger log = LoggerFactory.getLogger(MailDelivery.class);

	private final DeliveryListener listener;

	GuardedListener(DeliveryListener listener) {
		this.listener = listener;
	}

	@Override
	public void onAttempt(int attempt, int recipients) {
		guard(() -> this.listener.onAttempt(attempt, recipients));
	}

	@Override
	public void onRetry(SmtpFailure failure, long waitMillis) {
		guard(() -> this.listener.onRetry(failure, waitMillis));
	}

	@Override
	public void onDelivered(DeliveryReport report) {
		guard(() -> this.listener.onDelivered(report));
	}

	@Override
	public void onFailed(SmtpFailure failure) {
		guard(() -> this.listener.onFailed(failure));
	}

	private static void guard(Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			log.warn("DeliveryListener threw; ignored", ex);
		}
	}

}
