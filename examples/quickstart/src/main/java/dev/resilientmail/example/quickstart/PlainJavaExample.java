package dev.resilientmail.example.quickstart;

import java.time.Duration;
import java.util.List;

import dev.resilientmail.PolicyRejection;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.UncertainDelivery;
import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.delivery.MailDelivery;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * The plain Java example of the README, compiled by the build so that the README cannot
 * drift from the API (a test checks that the README's snippet is this file's).
 */
final class PlainJavaExample {

	private PlainJavaExample() {
	}

	static void send(String host, int port, MimeMessage message, List<InternetAddress> suppressions)
			throws MessagingException {
		// @formatter:off
		// tag::plain-java[]
		DeliveryPolicy policy = DeliveryPolicy.builder()
				.maxAttempts(4)                        // 1 attempt + 3 retries, for 4xx kinds only
				.waitDuration(Duration.ofSeconds(2))   // then 4 s, 8 s ... capped by maxWaitDuration
				.rateLimit(14, Duration.ofSeconds(1))  // per destination; lowered when the server pushes back
				.build();
		try (MailDelivery delivery = MailDelivery.builder(host, port).policy(policy).build()) {
			DeliveryReport report = delivery.send(message);
			System.out.println("queued as " + report.queueId().orElse("?") + " after " + report.attempts() + " attempt(s)");
		} catch (SmtpFailure e) {             // the type answers the first question; every recipient's outcome is on it
			suppressions.addAll(e.rejectedRecipients());     // 5xx for the address itself, whatever the type
			if (e instanceof UncertainDelivery) {            // connection lost after the body: may have arrived
				System.err.println("check before resending to " + e.uncertainRecipients());
			} else if (e instanceof PolicyRejection) {       // x.7.x: our reputation, authentication or configuration
				System.err.println("policy " + e.enhancedCode() + " " + e.reason() + ": " + e.reply().orElseThrow());
			} else if (e.isRetryable()) {                    // still 4xx after every retry: queue the rest for later
				System.err.println("retry later: " + e.undeliveredRecipients() + " after " + e.retryAfter());
			}
		}
		// end::plain-java[]
		// @formatter:on
	}

}
