package dev.resilientmail;

import java.io.Serial;

/**
 * The connection broke after the whole message was sent and before the server's final
 * reply: the server may have accepted the message. Sending it again can deliver a second
 * copy, so it is not retried unless the policy explicitly allows it. Its classification
 * is transient ({@code CONNECTION_FAILED}); the recipients in question are
 * {@link dev.resilientmail.RecipientOutcome.Status#UNCERTAIN}.
 *
 * @since 0.1.0
 */
public final class UncertainDelivery extends SmtpFailure {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * Creates the failure.
	 * @param message the message
	 * @param details what failed
	 * @param cause the original exception, may be null
	 */
	public UncertainDelivery(String message, Details details, Exception cause) {
		super(message, details, cause);
	}

	@Override
	public UncertainDelivery withAttempts(int attempts) {
		UncertainDelivery copy = new UncertainDelivery(getMessage(), details().withAttempts(attempts), cause());
		copy.setStackTrace(getStackTrace());
		return copy;
	}

	private Exception cause() {
		return (getCause() instanceof Exception ex) ? ex : null;
	}

}
