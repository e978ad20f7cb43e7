package dev.resilientmail.example.springboot;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.resilientmail.PolicyRejection;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.UncertainDelivery;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Service;

/**
 * Sends notifications and acts on how each send ended: dead addresses are suppressed
 * whatever else happened to the message, what is worth trying later goes to the outbox,
 * policy problems and possibly delivered messages raise an alert.
 */
@Service
public class NotificationService {

	private final JavaMailSender mailSender;

	private final Outbox outbox;

	private final Alerts alerts;

	private final Set<InternetAddress> suppressions = ConcurrentHashMap.newKeySet();

	/**
	 * Creates the service.
	 * @param mailSender the starter's sender
	 * @param outbox where sends to try again later go
	 * @param alerts where policy problems go
	 */
	public NotificationService(JavaMailSender mailSender, Outbox outbox, Alerts alerts) {
		this.mailSender = mailSender;
		this.outbox = outbox;
		this.alerts = alerts;
	}

	/**
	 * Sends a notification to the given addresses, skipping suppressed ones.
	 * @param subject the subject
	 * @param text the text
	 * @param to the recipients
	 * @throws MessagingException if the message cannot be built
	 */
	public void notify(String subject, String text, String... to) throws MessagingException {
		MimeMessage message = this.mailSender.createMimeMessage();
		MimeMessageHelper helper = new MimeMessageHelper(message);
		helper.setFrom("notifications@example.com");
		helper.setTo(to);
		helper.setSubject(subject);
		helper.setText(text);
		// @formatter:off
		// tag::catch[]
		try {
			mailSender.send(message);
		} catch (MailSendException e) {                          // the four typed exceptions extend it; the cause is the core failure
			if (!(e.getCause() instanceof SmtpFailure failure)) {
				throw e;
			}
			suppressions.addAll(failure.rejectedRecipients());   // 5xx for the address itself, whatever the type
			if (failure instanceof UncertainDelivery             // connection lost after the body: may have arrived, not resent
					|| failure instanceof PolicyRejection) {     // x.7.x: our reputation, authentication or configuration
				alerts.raise(failure.enhancedCode(), failure.reply());
			} else if (failure.isRetryable()) {                  // still 4xx after every retry: try later, only the undelivered recipients
				outbox.retryLater(message, failure.undeliveredRecipients(), failure.retryAfter());
			}
		}
		// end::catch[]
		// @formatter:on
	}

	/**
	 * Returns the addresses that must not be mailed again.
	 * @return the suppressed addresses
	 */
	public Set<InternetAddress> suppressions() {
		return Set.copyOf(this.suppressions);
	}

}
