package dev.resilientmail.spring;

import java.io.Serial;
import java.util.Map;

import org.springframework.mail.MailSendException;

import dev.resilientmail.UncertainDelivery;

/**
 * The connection broke after the message was sent and before the server confirmed it: the
 * message may have been delivered, so sending it again may duplicate it.
 * <p>
 * {@link #failure()}, also the cause, is the typed core failure (reply, enhanced code,
 * classification, per-recipient outcomes, transcript); {@link #getFailedMessages()} maps
 * each failed message to its own core exception.
 *
 * @since 0.1.0
 */
public class MailUncertainDeliveryException extends MailSendException {

	@Serial
	private static final long serialVersionUID = 1L;

	private final transient UncertainDelivery failure;

	/**
	 * Creates the exception.
	 * @param message the detail message
	 * @param failure the core failure that decided this exception's type
	 * @param failedMessages each failed message (the {@code MimeMessage} or
	 * {@code SimpleMailMessage} given to the sender) with its exception
	 */
	public MailUncertainDeliveryException(String message, UncertainDelivery failure,
			Map<Object, Exception> failedMessages) {
		super(message, failure, failedMessages);
		this.failure = failure;
	}

	/**
	 * Returns the core failure: the reply, enhanced code, classification, recipient
	 * outcomes and transcript of the message that decided this exception's type.
	 * @return the core failure
	 */
	public UncertainDelivery failure() {
		return this.failure;
	}

}
