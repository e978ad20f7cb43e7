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
	 * Creates the failure.
	 * @param message the message
	 * @param details what failed
	 * @param cause the original exception, may be null
	 */
	public PermanentFailure(String message, Details details, Exception cause) {
		super(message, details, cause);
	}

	@Override
	public PermanentFailure withAttempts(int attempts) {
		PermanentFailure copy = new PermanentFailure(getMessage(), details().withAttempts(attempts), cause());
		copy.setStackTrace(getStackTrace());
		return copy;
	}

	private Exception cause() {
		return (getCause() instanceof Exception ex) ? ex : null;
	}

}
