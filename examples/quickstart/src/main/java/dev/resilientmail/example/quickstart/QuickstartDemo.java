package dev.resilientmail.example.quickstart;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import dev.resilientmail.SmtpFailure;
import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.delivery.DeliveryReport;
import dev.resilientmail.delivery.MailDelivery;
import dev.resilientmail.delivery.RecipientOutcome;
import dev.resilientmail.reply.ReplyCatalog;

/**
 * The one-command demo: an embedded SMTP server answers with replies real servers send,
 * and resilient-mail names each failure and does the right thing. Waits are configured in
 * milliseconds so that the demo runs in seconds; real defaults are seconds to minutes.
 */
public final class QuickstartDemo {

	private QuickstartDemo() {
	}

	/**
	 * Runs the demo and prints one row per scenario.
	 * @param args ignored
	 * @throws Exception if the demo itself breaks
	 */
	public static void main(String[] args) throws Exception {
		System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
		try (DemoSmtpServer server = new DemoSmtpServer()) {
			server.onRcpt("nobody@example.net",
					"550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown in virtual mailbox table");
			server.onRcpt("full@example.net", "552 5.2.2 <full@example.net>: user is over quota");
			server.onRcpt("grey@example.net",
					"450 4.2.0 <grey@example.net>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.net.html",
					"250 2.1.5 Ok");
			server.onRcpt("blocked@example.net",
					"554 5.7.1 <blocked@example.net>: Recipient address rejected: Access denied");
			server.onRcpt("gone@example.org", "550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown");
			server.dropAfterBody("uncertain@example.net");

			DeliveryPolicy policy = DeliveryPolicy.builder()
				.maxAttempts(3)
				.waitDuration(Duration.ofMillis(20))
				.jitter(0)
				.reasonWait(dev.resilientmail.classify.FailureReason.GREYLISTED, Duration.ofMillis(50))
				.maxWaitDuration(Duration.ofMillis(200))
				.timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5))
				.build();
			Properties props = new Properties();
			props.setProperty("mail.smtp.host", "127.0.0.1");
			props.setProperty("mail.smtp.port", String.valueOf(server.port()));
			Session session = Session.getInstance(props);
			System.out.println("resilient-mail quickstart: embedded SMTP server on 127.0.0.1:" + server.port()
					+ " (waits shortened to milliseconds for the demo)");
			System.out.println();
			System.out.printf("%-14s %-46s %-20s %-34s %-22s %-9s %s%n", "scenario", "recipients", "exception",
					"enhanced code", "reason", "attempts", "outcome");
			try (MailDelivery delivery = MailDelivery.builder(session).policy(policy).build()) {
				run(delivery, session, "accepted", "alice@example.net");
				run(delivery, session, "unknown user", "nobody@example.net");
				run(delivery, session, "mailbox full", "full@example.net");
				run(delivery, session, "greylisted", "grey@example.net");
				run(delivery, session, "policy block", "blocked@example.net");
				run(delivery, session, "partial", "ann@example.org", "gone@example.org", "bea@example.org");
				run(delivery, session, "drop after body", "uncertain@example.net");
			}
			System.out.println();
			System.out.println("copies delivered: alice=" + server.copiesDelivered("alice@example.net") + ", grey="
					+ server.copiesDelivered("grey@example.net") + ", ann=" + server.copiesDelivered("ann@example.org")
					+ ", bea=" + server.copiesDelivered("bea@example.org") + " (each exactly once)");
		}
	}

	private static void run(MailDelivery delivery, Session session, String scenario, String... to)
			throws MessagingException {
		MimeMessage message = new MimeMessage(session);
		message.setFrom(new InternetAddress("app@example.com"));
		for (String address : to) {
			message.addRecipient(Message.RecipientType.TO, new InternetAddress(address));
		}
		message.setSubject("quickstart: " + scenario);
		message.setText("Hello from the resilient-mail quickstart.");
		String recipients = String.join(",", to);
		try {
			DeliveryReport report = delivery.send(message);
			System.out.printf("%-14s %-46s %-20s %-34s %-22s %-9d %s%n", scenario, recipients, "-", "-", "-",
					report.attempts(), "delivered: " + report.finalReply().lines().get(0));
		}
		catch (SmtpFailure failure) {
			String code = failure.enhancedCode() + (failure.classification().enhancedCodeInferred() ? "*" : "") + " "
					+ ReplyCatalog.standard().enhanced(failure.enhancedCode()).map((e) -> e.meaning()).orElse("");
			String outcome = failure.recipientOutcomes()
				.stream()
				.map((o) -> o.recipient().getAddress().replaceAll("@.*", "") + "=" + o.status()
						+ o.reply().map((r) -> " (" + r.lines().get(0) + ")").orElse(""))
				.collect(Collectors.joining("; "));
			System.out.printf("%-14s %-46s %-20s %-34.34s %-22s %-9d %s%n", scenario, recipients,
					failure.getClass().getSimpleName(), code, failure.reason(), failure.attempts(), outcome);
		}
	}

	static List<String> scenarios() {
		return List.of("accepted", "unknown user", "mailbox full", "greylisted", "policy block", "partial",
				"drop after body");
	}

}
