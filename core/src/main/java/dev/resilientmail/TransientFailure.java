package dev.resilientmail;

import java.io.Serial;

/**
 * A temporary failure that is not about the sending party: a 4xx reply, or no reply at
 * all before the message was accepted (connection refused, reset, timed out). Sending the
 * {@linkplain #undeliveredRecipients() undelivered part} again later can succeed.
 *
 * @since 0.1.0
 */
public final class TransientFailure extends SmtpFailure {

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
	public TransientFailure(String message, Details details, Exception cause) {
		super(message, details, cause);
	}

}
