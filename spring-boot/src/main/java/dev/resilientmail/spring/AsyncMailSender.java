package dev.resilientmail.spring;

import java.util.concurrent.CompletableFuture;

import jakarta.mail.internet.MimeMessage;

import org.springframework.mail.SimpleMailMessage;

import dev.resilientmail.DeliveryReport;

/**
 * Sends mail without blocking the calling thread: attempts run on the library's own
 * threads and the waits between retries are scheduled, not slept. Backed by the same
 * delivery (connection pool, rate limits, retry policy) as the application's
 * {@code JavaMailSender}. <pre>{@code
 * asyncMailSender.sendAsync(message)
 *     .thenAccept((report) -> log.info("queued as {}", report.queueId().orElse("?")))
 *     .exceptionally((error) -> {
 *         if (error.getCause() instanceof MailTransientFailureException e) {
 *             outbox.retryLater(message, e.failure().undeliveredRecipients());
 *         }
 *         return null;
 *     });
 * }</pre> A failed send completes the future exceptionally with the same typed exceptions
 * {@code JavaMailSender.send} throws ({@link MailTransientFailureException},
 * {@link MailPermanentFailureException}, {@link MailPolicyRejectionException},
 * {@link MailUncertainDeliveryException}); a message that cannot be prepared gives a
 * {@code MailPreparationException} or {@code MailParseException}.
 *
 * @since 0.1.0
 */
public interface AsyncMailSender {

	/**
	 * Creates a message for this sender's session, to fill (for example with
	 * {@code MimeMessageHelper}) and pass to {@link #sendAsync(MimeMessage)}.
	 * @return a new message
	 */
	MimeMessage createMimeMessage();

	/**
	 * Sends a message in the background.
	 * @param message the message
	 * @return a future completed with the delivery report once every recipient accepted
	 * the message, or exceptionally with a typed {@code MailSendException}
	 */
	CompletableFuture<DeliveryReport> sendAsync(MimeMessage message);

	/**
	 * Sends a simple message in the background.
	 * @param message the message
	 * @return a future completed with the delivery report once every recipient accepted
	 * the message, or exceptionally with a typed {@code MailSendException}
	 */
	CompletableFuture<DeliveryReport> sendAsync(SimpleMailMessage message);

}
