package dev.resilientmail;

import java.io.Serial;

/**
 * The connection broke after the whole message was sent and before the server's final
 * reply: the server may have accepted the message. Sending it again can deliver a second
 * copy, so it is not retried unless the policy explicitly allows it. Its classification
 * is transient ({@code CONNECTION_FAILED}); the recipients in question are
 * {@link #uncertainRecipients()}. It is the most severe failure type: a message whose
 * other recipients were rejected is still an {@code UncertainDelivery}, and those are on
 * {@link #rejectedRecipients()}.
 *
 * @since 0.1.0
 */
public final class UncertainDelivery extends SmtpFailure {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * Creates the failure; {@link SmtpFailure#of} picks the type for given details.
	 * @param message the message
	 * @param details what failed
	 * @param cause the original exception, may be null
	 * @throws IllegalArgumentException if the severity order gives the details another
	 * type
	 */
	public UncertainDelivery(String message, Details details, Exception cause) {
		super(message, details, cause);
	}

}
