package dev.resilientmail.faults;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.resilientmail.DebugLogCapture;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.delivery.MailDelivery;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.transport.CapturingSmtpTransport;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * CR, LF and NUL smuggled into the envelope through every API that sets it: the envelope
 * sender of an {@link SMTPMessage}, the session's {@code mail.smtp.from}, an envelope
 * recipient, each through the transport and through {@link MailDelivery} ({@code send}
 * and {@code sendAsync}). Each ends in a plain {@link MessagingException} that names the
 * problem before anything of the message is sent, is not retried, and leaves no raw line
 * break in a log line.
 */
class EnvelopeInjectionTests {

	private static final String FORGED = "RCPT TO:<eve@example.net>";

	private final FaultSmtpServer server = FaultSmtpServer.start();

	@RegisterExtension
	final DebugLogCapture logs = new DebugLogCapture();

	static Stream<String> breaks() {
		return Stream.of("\r\n", "\n", "\r", "\0");
	}

	@AfterEach
	void close() {
		this.server.close();
	}

	@ParameterizedTest
	@MethodSource("breaks")
	void envelopeSenderOfAnSmtpMessageThroughTheTransport(String lineBreak) throws Exception {
		Session session = session();
		SMTPMessage message = message(session);
		message.setEnvelopeFrom("bounce@example.com>" + lineBreak + FORGED);

		assertRefused(catchThrowable(() -> Transport.send(message)), lineBreak, "SMTPMessage.setEnvelopeFrom");
	}

	@ParameterizedTest
	@MethodSource("breaks")
	void envelopeSenderOfTheSessionThroughTheTransport(String lineBreak) throws Exception {
		Session session = session();
		session.getProperties().setProperty("mail.smtp.from", "bounce@example.com>" + lineBreak + FORGED);

		assertRefused(catchThrowable(() -> Transport.send(message(session))), lineBreak, "mail.smtp.from");
	}

	@ParameterizedTest
	@MethodSource("breaks")
	void envelopeRecipientThroughTheTransport(String lineBreak) throws Exception {
		Session session = session();
		InternetAddress smuggled = new InternetAddress();
		smuggled.setAddress("bob@example.com>" + lineBreak + FORGED);

		assertRefused(catchThrowable(() -> Transport.send(message(session), new InternetAddress[] { smuggled })),
				lineBreak, "recipient address");
	}

	@ParameterizedTest
	@MethodSource("breaks")
	void envelopeSenderThroughMailDeliverySendAndSendAsync(String lineBreak) throws Exception {
		try (MailDelivery delivery = delivery(new Properties())) {
			SMTPMessage message = message(session());
			message.setEnvelopeFrom("bounce@example.com>" + lineBreak + FORGED);

			assertRefused(catchThrowable(() -> delivery.send(message)), lineBreak, "SMTPMessage.setEnvelopeFrom");
			assertRefused(asyncFailure(delivery, message), lineBreak, "SMTPMessage.setEnvelopeFrom");
		}
	}

	@ParameterizedTest
	@MethodSource("breaks")
	void sessionEnvelopeSenderThroughMailDeliverySendAndSendAsync(String lineBreak) throws Exception {
		Properties properties = new Properties();
		properties.setProperty("mail.smtp.from", "bounce@example.com>" + lineBreak + FORGED);
		try (MailDelivery delivery = delivery(properties)) {
			assertRefused(catchThrowable(() -> delivery.send(message(session()))), lineBreak, "mail.smtp.from");
			assertRefused(asyncFailure(delivery, message(session())), lineBreak, "mail.smtp.from");
		}
	}

	@ParameterizedTest
	@MethodSource("breaks")
	void recipientThroughMailDelivery(String lineBreak) throws Exception {
		InternetAddress smuggled = new InternetAddress();
		smuggled.setAddress("bob@example.com>" + lineBreak + FORGED);
		try (MailDelivery delivery = delivery(new Properties())) {
			MimeMessage message = message(session());
			message.setRecipient(Message.RecipientType.TO, smuggled);

			Throwable refused = catchThrowable(() -> delivery.send(message));

			// a line break makes the To header unreadable before the transport sees it;
			// a NUL reaches the transport, which refuses it
			assertThat(refused).isInstanceOf(MessagingException.class).isNotInstanceOf(SmtpFailure.class);
			assertNothingOfTheMessageWasSent();
			assertNoForgedLogLine();
		}
	}

	private static Throwable asyncFailure(MailDelivery delivery, MimeMessage message) throws Exception {
		try {
			delivery.sendAsync(message).get(10, TimeUnit.SECONDS);
			return null;
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
	}

	private void assertRefused(Throwable refused, String lineBreak, String where) {
		assertThat(refused).as("a plain MessagingException, not a server failure that could be retried")
			.isInstanceOf(MessagingException.class)
			.isNotInstanceOf(SmtpFailure.class);
		String expected = lineBreak.equals("\0") ? "contains a NUL character" : "contains CR or LF";
		assertThat(refused.getMessage()).contains(where).contains(expected).contains("nothing was sent");
		assertThat(refused.getMessage()).as("escaped in the message").doesNotContain("\r").doesNotContain("\n");
		assertNothingOfTheMessageWasSent();
		assertNoForgedLogLine();
	}

	private void assertNothingOfTheMessageWasSent() {
		assertThat(this.server.commands()).as("no envelope, no data")
			.noneMatch((line) -> line.startsWith("MAIL") || line.startsWith("RCPT") || line.startsWith("DATA"));
		assertThat(this.server.messages()).isEmpty();
	}

	private void assertNoForgedLogLine() {
		List<String> lines = this.logs.events().stream().map(ILoggingEvent::getFormattedMessage).toList();
		assertThat(lines).noneMatch((line) -> line.contains("\r") || line.contains("\0"))
			.noneMatch((line) -> line.contains("\n" + FORGED) || line.contains("MAIL FROM:<bounce"));
	}

	private MailDelivery delivery(Properties properties) {
		properties.setProperty("mail.smtp.host", this.server.host());
		properties.setProperty("mail.smtp.port", String.valueOf(this.server.port()));
		return MailDelivery.builder(Session.getInstance(properties))
			.policy(DeliveryPolicy.builder()
				.maxAttempts(4)
				.waitDuration(Duration.ZERO)
				.timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
				.build())
			.build();
	}

	private Session session() {
		Properties properties = new Properties();
		properties.setProperty("mail.smtp.host", this.server.host());
		properties.setProperty("mail.smtp.port", String.valueOf(this.server.port()));
		properties.setProperty("mail.smtp.class", CapturingSmtpTransport.class.getName());
		return Session.getInstance(properties);
	}

	private static SMTPMessage message(Session session) throws MessagingException {
		SMTPMessage message = new SMTPMessage(session);
		message.setFrom("sender@example.com");
		message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.com"));
		message.setSubject("envelope injection");
		message.setText("Hello.");
		return message;
	}

}
