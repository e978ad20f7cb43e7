package dev.resilientmail.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.resilientmail.PermanentFailure;
import dev.resilientmail.PolicyRejection;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.TransientFailure;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.DeliveryListener;
import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.delivery.MailDelivery;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.it.PostfixInstance.Listener;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpExchange;

/**
 * Sends through the library to a real Postfix and checks what the library reports for
 * Postfix's own replies. The expected reply lines were copied from a real session with
 * this configuration (Postfix 3.7.11, postgrey 1.37, Debian 12); a test fails when
 * Postfix words a reply differently, so that the table in
 * {@code docs/postfix-scenarios.md} stays true.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostfixScenariosTests {

	private static final Logger log = LoggerFactory.getLogger(PostfixScenariosTests.class);

	@RegisterExtension
	static final PostfixExtension postfix = new PostfixExtension();

	private static final ScenarioTable table = new ScenarioTable();

	private static final String SENDER = "sender@sender.test";

	/** One attempt, short timeouts: the reply is the result. */
	private static final DeliveryPolicy ONE_ATTEMPT = DeliveryPolicy.builder()
		.maxAttempts(1)
		.timeouts(Duration.ofSeconds(2), Duration.ofSeconds(10))
		.build();

	@AfterAll
	static void printTable() {
		if (table.isEmpty()) {
			return;
		}
		String markdown = table.markdown();
		Path file = Path.of("target", "postfix-scenarios.md");
		table.write(file);
		log.info("Postfix scenarios (also in {}):\n{}", file.toAbsolutePath(), markdown);
	}

	@Test
	@Order(1)
	void acceptedMessageIsReportedWithPostfixQueueId() throws MessagingException {
		try (MailDelivery delivery = delivery(Listener.MAIN, ONE_ATTEMPT)) {
			DeliveryReport report = delivery.send(message(SENDER, "someone@postfix.test"));
			// recorded: 250 2.0.0 Ok: queued as 0671B20C363
			assertThat(report.finalReply().toString()).matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]{6,}");
			String queueId = report.finalReply().text().substring("2.0.0 Ok: queued as ".length());
			assertThat(report.queueId()).hasValue(queueId);
			assertThat(report.attempts()).isEqualTo(1);
			assertThat(report.acceptedRecipients()).extracting(InternetAddress::getAddress)
				.containsExactly("someone@postfix.test");
			table.success("accepted", report.finalReply().toString(), "DeliveryReport, queueId() = " + queueId);
		}
	}

	/**
	 * RCPT rejections: scenario, sender, recipient, then the expected type, reply,
	 * enhanced code and reason.
	 */
	static Stream<Arguments> rejections() {
		return Stream.of(Arguments.of("unknown user in a virtual mailbox domain", SENDER, "nobody@mailboxes.test",
				PermanentFailure.class,
				"550 5.1.1 <nobody@mailboxes.test>: Recipient address rejected: User unknown in virtual mailbox table",
				"5.1.1", FailureReason.MAILBOX_UNKNOWN),
				// CLASSIFICATION.md: an unknown user is not policy, though the text says
				// "relay"
				Arguments.of("unknown user in a relay domain", SENDER, "nobody@users.postfix.test",
						PermanentFailure.class,
						"550 5.1.1 <nobody@users.postfix.test>: Recipient address rejected: User unknown in relay recipient table",
						"5.1.1", FailureReason.MAILBOX_UNKNOWN),
				Arguments.of("check_recipient_access REJECT", SENDER, "reject@postfix.test", PolicyRejection.class,
						"554 5.7.1 <reject@postfix.test>: Recipient address rejected: Access denied", "5.7.1",
						FailureReason.SENDER_BLOCKED),
				Arguments.of("check_recipient_access DEFER", SENDER, "defer@postfix.test", PolicyRejection.class,
						"450 4.7.1 <defer@postfix.test>: Recipient address rejected: Access denied", "4.7.1",
						FailureReason.SENDER_BLOCKED),
				Arguments.of("check_recipient_access DEFER_IF_PERMIT", SENDER, "defer-if-permit@postfix.test",
						PolicyRejection.class,
						"450 4.7.1 <defer-if-permit@postfix.test>: Recipient address rejected: Service unavailable",
						"4.7.1", FailureReason.SENDER_BLOCKED),
				// a closed mailbox is about the recipient, not the sender:
				// CLASSIFICATION.md counts
				// disabled mailboxes as not policy even with X.7.x
				Arguments.of("check_recipient_access with an explicit 550 5.7.1 text", SENDER, "closed@postfix.test",
						PermanentFailure.class,
						"550 5.7.1 <closed@postfix.test>: Recipient address rejected: Mailbox closed by local policy",
						"5.7.1", FailureReason.MAILBOX_UNKNOWN),
				Arguments.of("check_sender_access REJECT with a text", "blocked-sender@sender.test",
						"someone@postfix.test", PolicyRejection.class,
						"554 5.7.1 <blocked-sender@sender.test>: Sender address rejected: Sender blocked by local policy",
						"5.7.1", FailureReason.SENDER_BLOCKED),
				Arguments.of("relay to a foreign domain (reject_unauth_destination)", SENDER, "someone@example.org",
						PolicyRejection.class, "554 5.7.1 <someone@example.org>: Relay access denied", "5.7.1",
						FailureReason.RELAY_DENIED));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("rejections")
	@Order(2)
	void rcptRejectionIsTypedFromPostfixText(String scenario, String sender, String recipient,
			Class<? extends SmtpFailure> type, String reply, String enhancedCode, FailureReason reason) {
		try (MailDelivery delivery = delivery(Listener.MAIN, ONE_ATTEMPT)) {
			SmtpFailure failure = assertThrows(SmtpFailure.class, () -> delivery.send(message(sender, recipient)));
			assertThat(failure.recipientOutcomes()).singleElement()
				.satisfies((outcome) -> assertThat(outcome.status()).isEqualTo(RecipientOutcome.Status.REJECTED));
			assertFailure(failure, type, reply, enhancedCode, reason, SmtpCommand.RCPT);
			table.failure(scenario, failure);
		}
	}

	/**
	 * An access map that answers {@code 421 4.3.2}: Postfix wraps the text in its
	 * restriction words and closes the session. The code says what the reply is (a system
	 * not accepting mail for now), the wrapper words say nothing, so it is a transient
	 * failure with the server's code, never a policy rejection.
	 */
	static Stream<Arguments> closingReplies() {
		return Stream.of(Arguments.of("check_recipient_access 421 4.3.2", SENDER, "closing@postfix.test",
				"421 4.3.2 <closing@postfix.test>: Recipient address rejected: Service not available, closing transmission channel"),
				Arguments.of("check_sender_access 421 4.3.2", "closing-sender@sender.test", "someone@postfix.test",
						"421 4.3.2 <closing-sender@sender.test>: Sender address rejected: Service not available, closing transmission channel"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("closingReplies")
	@Order(2)
	void closingReplyFromAnAccessMapIsTransientWithTheServersCode(String scenario, String sender, String recipient,
			String reply) {
		try (MailDelivery delivery = delivery(Listener.MAIN, ONE_ATTEMPT)) {
			SmtpFailure failure = assertThrows(SmtpFailure.class, () -> delivery.send(message(sender, recipient)));
			assertFailure(failure, TransientFailure.class, reply, "4.3.2", FailureReason.SYSTEM_ERROR,
					SmtpCommand.RCPT);
			assertThat(failure.classification().enhancedCodeInferred()).isFalse();
			assertThat(failure.isRetryable()).isTrue();
			table.failure(scenario, failure);
		}
	}

	@Test
	@Order(3)
	void tooManyRecipientsIsTypedAndMailDeliverySplitsTheRest() throws MessagingException {
		List<String> recipients = List.of("r1@postfix.test", "r2@postfix.test", "r3@postfix.test", "r4@postfix.test",
				"r5@postfix.test");
		// a plain Jakarta Mail Transport with the capturing transport: the typed failure
		Properties properties = sessionProperties(Listener.MAIN);
		properties.setProperty("mail.smtp.sendpartial", "true");
		Session session = Session.getInstance(properties);
		SmtpFailure failure = assertThrows(SmtpFailure.class,
				() -> Transport.send(message(session, SENDER, recipients.toArray(String[]::new))));
		assertFailure(failure, TransientFailure.class, "452 4.5.3 Error: too many recipients", "4.5.3",
				FailureReason.TOO_MANY_RECIPIENTS, SmtpCommand.RCPT);
		assertThat(failure.deliveredRecipients()).extracting(InternetAddress::getAddress)
			.containsExactlyElementsOf(recipients.subList(0, 3));
		assertThat(failure.undeliveredRecipients()).extracting(InternetAddress::getAddress)
			.containsExactlyElementsOf(recipients.subList(3, 5));
		table.failure("more recipients than smtpd_recipient_limit (3), plain Transport", failure);

		// MailDelivery sends the refused rest in a second transaction right away
		List<String> refusals = Collections.synchronizedList(new ArrayList<>());
		List<String> finalReplies = Collections.synchronizedList(new ArrayList<>());
		DeliveryListener listener = new DeliveryListener() {
			@Override
			public void onExchange(SmtpExchange exchange) {
				exchange.reply().ifPresent((reply) -> {
					if (exchange.command() == SmtpCommand.RCPT && reply.isFailure()) {
						refusals.add(reply.toString());
					}
					if (exchange.command() == SmtpCommand.END_OF_DATA) {
						finalReplies.add(reply.toString());
					}
				});
			}
		};
		try (MailDelivery delivery = MailDelivery.builder("127.0.0.1", postfix.instance().port(Listener.MAIN))
			.policy(ONE_ATTEMPT)
			.listener(listener)
			.build()) {
			DeliveryReport report = delivery.send(message(SENDER, recipients.toArray(String[]::new)));
			assertThat(report.acceptedRecipients()).extracting(InternetAddress::getAddress)
				.containsExactlyInAnyOrderElementsOf(recipients);
			assertThat(report.attempts()).isEqualTo(1);
			assertThat(refusals).containsExactly("452 4.5.3 Error: too many recipients",
					"452 4.5.3 Error: too many recipients");
			assertThat(finalReplies).hasSize(2).allMatch((reply) -> reply.startsWith("250 2.0.0 Ok: queued as "));
			table.success("more recipients than smtpd_recipient_limit, MailDelivery", refusals.get(0),
					"DeliveryReport: split into 3 + 2 recipients, both queued, attempts() = 1");
		}
	}

	@Test
	@Order(4)
	void messageOverMessageSizeLimitIsPermanent() throws MessagingException {
		MimeMessage message = message(SENDER, "someone@postfix.test");
		message.setText("x".repeat(150 * 1024));
		try (MailDelivery delivery = delivery(Listener.MAIN, ONE_ATTEMPT)) {
			SmtpFailure failure = assertThrows(SmtpFailure.class, () -> delivery.send(message));
			// Postfix advertises SIZE 102400 in its EHLO reply: the library refuses the
			// message before MAIL FROM instead of uploading 150 KiB to be told 552 5.3.4
			assertThat(failure).isInstanceOf(PermanentFailure.class);
			assertThat(failure.reason()).isEqualTo(FailureReason.MESSAGE_TOO_LARGE);
			assertThat(failure.enhancedCode()).hasToString("5.3.4");
			assertThat(failure.reply()).isEmpty();
			assertThat(failure.transcript().last(SmtpCommand.EHLO).orElseThrow().reply().orElseThrow().text())
				.contains("SIZE 102400");
			assertThat(failure.transcript().last(SmtpCommand.MAIL)).isEmpty();
			assertThat(failure.transcript().last(SmtpCommand.DATA)).isEmpty();
			table.failure("message over message_size_limit (102400): refused locally before MAIL FROM", failure);
		}
	}

	@Test
	@Order(5)
	void messageRateLimitIsReportedAsRateLimited() throws MessagingException {
		try (MailDelivery delivery = delivery(Listener.RATE, ONE_ATTEMPT)) {
			delivery.send(message(SENDER, "someone@postfix.test"));
			SmtpFailure failure = assertThrows(SmtpFailure.class,
					() -> delivery.send(message(SENDER, "someone@postfix.test")));
			assertFailure(failure, TransientFailure.class, "450 4.7.1 Error: too much mail from 127.0.0.1", "4.7.1",
					FailureReason.RATE_LIMITED, SmtpCommand.MAIL);
			table.failure("second message within a minute, smtpd_client_message_rate_limit = 1", failure);
		}
	}

	@Test
	@Order(6)
	void connectionRateLimitRefusesTheGreeting() throws MessagingException {
		try (MailDelivery first = delivery(Listener.CONN, ONE_ATTEMPT)) {
			first.send(message(SENDER, "someone@postfix.test"));
		}
		try (MailDelivery second = delivery(Listener.CONN, ONE_ATTEMPT)) {
			SmtpFailure failure = assertThrows(SmtpFailure.class,
					() -> second.send(message(SENDER, "someone@postfix.test")));
			assertFailure(failure, TransientFailure.class,
					"421 4.7.0 mx.postfix.test Error: too many connections from 127.0.0.1", "4.7.0",
					FailureReason.CONNECTION_LIMIT, SmtpCommand.CONNECT);
			table.failure("second connection within a minute, smtpd_client_connection_rate_limit = 1", failure);
		}
	}

	@Test
	@Order(7)
	void mailWithoutStartTlsIsRefusedWhereTlsIsRequired() {
		try (MailDelivery delivery = delivery(Listener.TLS, ONE_ATTEMPT)) {
			SmtpFailure failure = assertThrows(SmtpFailure.class,
					() -> delivery.send(message(SENDER, "someone@postfix.test")));
			assertFailure(failure, PolicyRejection.class, "530 5.7.0 Must issue a STARTTLS command first", "5.7.0",
					FailureReason.AUTHENTICATION_REQUIRED, SmtpCommand.MAIL);
			table.failure("no STARTTLS, smtpd_tls_security_level = encrypt", failure);
		}
	}

	@Test
	@Order(8)
	void startTlsWithTrustedCertificateDelivers() throws MessagingException {
		Properties properties = sessionProperties(Listener.TLS);
		properties.setProperty("mail.smtp.starttls.enable", "true");
		properties.setProperty("mail.smtp.starttls.required", "true");
		properties.setProperty("mail.smtp.ssl.checkserveridentity", "true");
		properties.put("mail.smtp.ssl.socketFactory", postfix.instance().trustingSocketFactory());
		try (MailDelivery delivery = MailDelivery.builder(Session.getInstance(properties))
			.policy(ONE_ATTEMPT)
			.build()) {
			DeliveryReport report = delivery.send(message(SENDER, "someone@postfix.test"));
			SmtpExchange startTls = report.transcript().last(SmtpCommand.STARTTLS).orElseThrow();
			assertThat(startTls.reply()).map(Object::toString).hasValue("220 2.0.0 Ready to start TLS");
			assertThat(report.queueId()).isPresent();
			table.success("STARTTLS, certificate trusted, smtpd_tls_security_level = encrypt",
					startTls.reply().orElseThrow().toString(), "DeliveryReport, queueId() = " + report.queueId().get());
		}
	}

	@Test
	@Order(9)
	void startTlsWithUntrustedCertificateFailsBeforeMail() {
		Properties properties = sessionProperties(Listener.TLS);
		properties.setProperty("mail.smtp.starttls.enable", "true");
		properties.setProperty("mail.smtp.starttls.required", "true");
		try (MailDelivery delivery = MailDelivery.builder(Session.getInstance(properties))
			.policy(ONE_ATTEMPT)
			.build()) {
			SmtpFailure failure = assertThrows(SmtpFailure.class,
					() -> delivery.send(message(SENDER, "someone@postfix.test")));
			assertThat(failure).isInstanceOf(PolicyRejection.class);
			assertThat(failure.reply()).isEmpty();
			assertThat(failure.reason()).isEqualTo(FailureReason.TLS_CERTIFICATE);
			assertThat(failure.classification().retry()).isFalse();
			assertThat(failure.transcript().last(SmtpCommand.MAIL)).isEmpty();
			table.failure("STARTTLS, self-signed certificate not trusted", failure);
		}
	}

	@Test
	@Order(10)
	void authenticatedClientMayRelay() throws MessagingException {
		try (MailDelivery delivery = MailDelivery.builder("127.0.0.1", postfix.instance().port(Listener.AUTH))
			.credentials(PostfixInstance.SASL_USER, PostfixInstance.SASL_PASSWORD)
			.sslSocketFactory(postfix.instance().trustingSocketFactory())
			.policy(ONE_ATTEMPT)
			.build()) {
			DeliveryReport report = delivery.send(message(SENDER, "someone@example.org"));
			SmtpExchange auth = report.transcript().last(SmtpCommand.AUTH).orElseThrow();
			assertThat(auth.reply()).map(Object::toString).hasValue("235 2.7.0 Authentication successful");
			assertThat(report.queueId()).isPresent();
			table.success("AUTH (Cyrus sasldb), relay to a foreign domain", auth.reply().orElseThrow().toString(),
					"DeliveryReport, queueId() = " + report.queueId().get());
		}
	}

	@Test
	@Order(11)
	void wrongPasswordIsAnAuthenticationPolicyRejection() {
		try (MailDelivery delivery = MailDelivery.builder("127.0.0.1", postfix.instance().port(Listener.AUTH))
			.credentials(PostfixInstance.SASL_USER, "not-the-password")
			.sslSocketFactory(postfix.instance().trustingSocketFactory())
			.policy(ONE_ATTEMPT)
			.build()) {
			SmtpFailure failure = assertThrows(SmtpFailure.class,
					() -> delivery.send(message(SENDER, "someone@example.org")));
			assertFailure(failure, PolicyRejection.class,
					"535 5.7.8 Error: authentication failed: authentication failure", "5.7.8",
					FailureReason.AUTHENTICATION_REQUIRED, SmtpCommand.AUTH);
			table.failure("AUTH with a wrong password", failure);
		}
	}

	@Test
	@Order(12)
	void greylistedRecipientIsDeliveredByTheRetryAfterPostgreysDelay() throws MessagingException {
		List<SmtpFailure> retried = Collections.synchronizedList(new ArrayList<>());
		List<Long> waits = Collections.synchronizedList(new ArrayList<>());
		DeliveryListener listener = new DeliveryListener() {
			@Override
			public void onRetry(SmtpFailure failure, long waitMillis) {
				retried.add(failure);
				waits.add(waitMillis);
			}
		};
		// postgrey counts whole seconds: 1.2 s is past its 1 s delay however the first
		// attempt falls within a second
		DeliveryPolicy policy = DeliveryPolicy.builder()
			.maxAttempts(3)
			.jitter(0)
			.waitDuration(Duration.ofMillis(200))
			.reasonWait(FailureReason.GREYLISTED, Duration.ofMillis(1200))
			.maxWaitDuration(Duration.ofSeconds(2))
			.timeouts(Duration.ofSeconds(2), Duration.ofSeconds(10))
			.build();
		try (MailDelivery delivery = MailDelivery.builder("127.0.0.1", postfix.instance().port(Listener.GREY))
			.policy(policy)
			.listener(listener)
			.build()) {
			long start = System.nanoTime();
			DeliveryReport report = delivery.send(message(SENDER, "greylisted@postfix.test"));
			long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(report.attempts()).isEqualTo(2);
			assertThat(report.queueId()).isPresent();
			assertThat(waits).containsExactly(1200L);
			assertThat(elapsedMillis).isGreaterThanOrEqualTo(1200L);
			assertThat(retried).singleElement()
				.satisfies((failure) -> assertFailure(failure, TransientFailure.class,
						"450 4.2.0 <greylisted@postfix.test>: Recipient address rejected: Greylisted,"
								+ " see http://postgrey.schweikert.ch/help/postfix.test.html",
						"4.2.0", FailureReason.GREYLISTED, SmtpCommand.RCPT));
			table.failure("greylisted by postgrey (first attempt)", retried.get(0));
			table.success("greylisted, retried after 1.2 s by MailDelivery", report.finalReply().toString(),
					"DeliveryReport, attempts() = 2, " + elapsedMillis + " ms");
		}
	}

	private static void assertFailure(SmtpFailure failure, Class<? extends SmtpFailure> type, String reply,
			String enhancedCode, FailureReason reason, SmtpCommand command) {
		assertThat(failure).isInstanceOf(type);
		assertThat(failure.reply()).map(Object::toString).hasValue(reply);
		assertThat(failure.enhancedCode()).isEqualTo(EnhancedStatusCode.parse(enhancedCode));
		assertThat(failure.reason()).isEqualTo(reason);
		assertThat(failure.command()).isEqualTo(command);
	}

	private static MailDelivery delivery(Listener listener, DeliveryPolicy policy) {
		return MailDelivery.builder("127.0.0.1", postfix.instance().port(listener)).policy(policy).build();
	}

	private static Properties sessionProperties(Listener listener) {
		Properties properties = new Properties();
		properties.setProperty("mail.smtp.host", "127.0.0.1");
		properties.setProperty("mail.smtp.port", String.valueOf(postfix.instance().port(listener)));
		properties.setProperty("mail.smtp.class", "dev.resilientmail.transport.CapturingSmtpTransport");
		properties.setProperty("mail.smtp.connectiontimeout", "2000");
		properties.setProperty("mail.smtp.timeout", "10000");
		properties.setProperty("mail.smtp.writetimeout", "10000");
		return properties;
	}

	private static MimeMessage message(String from, String... to) throws MessagingException {
		return message(Session.getInstance(new Properties()), from, to);
	}

	private static MimeMessage message(Session session, String from, String... to) throws MessagingException {
		MimeMessage message = new MimeMessage(session);
		message.setFrom(new InternetAddress(from));
		for (String recipient : to) {
			message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
		}
		message.setSubject("resilient-mail integration test");
		message.setText("Sent by PostfixScenariosTests.\n");
		return message;
	}

}
