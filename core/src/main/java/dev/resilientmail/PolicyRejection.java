package dev.resilientmail;

import java.io.Serial;

/**
 * The server refuses the sending party rather than the recipient: reputation or block
 * lists, reverse DNS, SPF/DKIM/DMARC, authentication or TLS required, relaying denied,
 * content policy. The fix is usually on the sender's side (configuration, authentication,
 * reputation); {@link #isTransient()} tells a temporary refusal (4.7-type) from a
 * permanent one (5.7-type).
 *
 * @since 0.1.0
 */
public final class PolicyRejection extends SmtpFailure {

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
	public PolicyRejection(String message, Details details, Exception cause) {
		super(message, details, cause);
	}

	/**
	 * Returns whether the refusal is temporary (a 4xx reply).
	 * @return {@code true} for {@code POLICY_TRANSIENT}
	 */
	public boolean isTransient() {
		return classification().kind().isRetryable();
	}

}
