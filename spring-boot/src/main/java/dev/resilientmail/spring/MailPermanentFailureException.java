package dev.resilientmail.spring;

import java.io.Serial;
import java.util.Map;

import org.springframework.mail.MailSendException;

import dev.resilientmail.PermanentFailure;

/**
 * A send failed permanently (a 5xx reply that is not about the sending party): the
 * address or the message is bad, and sending it again unchanged will fail again.
 * <p>
 * {@link #failure()}, also the cause, is the typed core failure (reply, enhanced code,
 * classification, per-recipient outcomes, transcript); {@link #getFailedMessages()} maps
 * each failed message to its own core exception.
 *
 * @since 0.1.0
 */
public class MailPermanentFailureException extends MailSendException {

	@Serial
	private static final long serialVersionUID = 1L;

	private final transient PermanentFailure failure;

	/**
	 * Creates the exception.
	 * @param message the detail message
	 * @param failure the core failure that decided this exception's type
	 * @param failedMessages each failed message (the {@code MimeMessage} or
	 * {@code SimpleMailMessage} given to the sender) with its exception
	 */
	public MailPermanentFailureException(String message, PermanentFailure failure,
			Map<Object, Exception> failedMessages) {
		super(message, failure, failedMessages);
		this.failure = failure;
	}

	/**
	 * Returns the core failure: the reply, enhanced code, classification, recipient
	 * outcomes and transcript of the message that decided this exception's type.
	 * @return the core failure
	 */
	public PermanentFailure failure() {
		return this.failure;
	}

}
