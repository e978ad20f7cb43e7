package dev.resilientmail.spring;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.resilientmail.SmtpFailure;
import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.LateOutcome;
import dev.resilientmail.reply.SmtpExchange;

/**
 * Forwards each event to every {@link DeliveryListener} bean of the application, in
 * order. A listener that throws does not keep the others from being called.
 */
final class CompositeDeliveryListener implements DeliveryListener {

	private static final Logger log = LoggerFactory.getLogger(CompositeDeliveryListener.class);

	private final List<DeliveryListener> listeners;

	private CompositeDeliveryListener(List<DeliveryListener> listeners) {
		this.listeners = listeners;
	}

	static DeliveryListener of(List<DeliveryListener> listeners) {
		if (listeners.isEmpty()) {
			return DeliveryListener.NONE;
		}
		if (listeners.size() == 1) {
			return listeners.get(0);
		}
		return new CompositeDeliveryListener(List.copyOf(listeners));
	}

	@Override
	public void onExchange(SmtpExchange exchange) {
		for (DeliveryListener listener : this.listeners) {
			try {
				listener.onExchange(exchange);
			}
			catch (RuntimeException ex) {
				ignored(listener, ex);
			}
		}
	}

	@Override
	public void onAttempt(int attempt, int recipients) {
		for (DeliveryListener listener : this.listeners) {
			try {
				listener.onAttempt(attempt, recipients);
			}
			catch (RuntimeException ex) {
				ignored(listener, ex);
			}
		}
	}

	@Override
	public void onRetry(SmtpFailure failure, long waitMillis) {
		for (DeliveryListener listener : this.listeners) {
			try {
				listener.onRetry(failure, waitMillis);
			}
			catch (RuntimeException ex) {
				ignored(listener, ex);
			}
		}
	}

	@Override
	public void onDelivered(DeliveryReport report) {
		for (DeliveryListener listener : this.listeners) {
			try {
				listener.onDelivered(report);
			}
			catch (RuntimeException ex) {
				ignored(listener, ex);
			}
		}
	}

	@Override
	public void onFailed(SmtpFailure failure) {
		for (DeliveryListener listener : this.listeners) {
			try {
				listener.onFailed(failure);
			}
			catch (RuntimeException ex) {
				ignored(listener, ex);
			}
		}
	}

	@Override
	public void onLateOutcome(LateOutcome outcome) {
		for (DeliveryListener listener : this.listeners) {
			try {
				listener.onLateOutcome(outcome);
			}
			catch (RuntimeException ex) {
				ignored(listener, ex);
			}
		}
	}

	private static void ignored(DeliveryListener listener, RuntimeException ex) {
		log.warn("DeliveryListener {} threw; ignored", listener.getClass().getName(), ex);
	}

}
