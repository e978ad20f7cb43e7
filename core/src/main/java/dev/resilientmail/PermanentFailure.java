package dev.resilientmail;

import java.io.Serial;

/**
 * A permanent failure that is not about the sending party: a 5xx reply saying the address
 * or the message is bad (unknown user, domain not found, message too large). Sending the
 * same message to the same recipients again will fail again.
 *
 * @since 0.1.0
 */
public final class PermanentFailure extends SmtpFailure {

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
	public PermanentFailure(String message, Details details, Exception cause) {
		super(message, details, cause);
	}

}
