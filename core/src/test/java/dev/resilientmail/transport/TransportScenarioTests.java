package dev.resilientmail.transport;

import java.net.ServerSocket;
import java.util.Properties;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import dev.resilientmail.PermanentFailure;
import dev.resilientmail.PolicyRejection;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.TransientFailure;
import dev.resilientmail.UncertainDelivery;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.RecipientOutcome.Status;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpExchange;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.FaultSmtpServerExtension;
import dev.resilientmail.testkit.Phase;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The failure scenarios of real servers, over real sockets: each asserts the exception
 * type, the enhanced code, the reason, every recipient's outcome and the transcript.
 */
@ExtendWith(FaultSmtpServerExtension.class)
class TransportScenarioTests {

	@RegisterExtension
	static GreenMailExtension greenMail = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", "smtp"));

	@Test
	void acceptedMessageArrivesWithItsContentAndAReport() throws Exception {
		Session session = session("127.0.0.1", greenMail.getSmtp().getPort());
		MimeMessage message = message(session, "alice@example.com");
		CapturingSmtpTransport transport = CapturingSmtpTransport.of(session, "smtp");
		transport.connect();
		try {
			transport.sendMessage(message, message.getAllRecipients());
			DeliveryReport report = transport.lastDeliveryReport();
			assertThat(report.acceptedRecipients()).extracting(InternetAddress::getAddress)
				.containsExactly("alice@example.com");
			assertThat(report.recipientOutcomes()).extracting(RecipientOutcome::status)
				.containsExactly(Status.DELIVERED);
		}
		finally {
			transport.close();
		}
		MimeMessage received = greenMail.getReceivedMessages()[0];
		assertThat(received.getSubject()).isEqualTo("scenario");
		assertThat(received.getContent().toString()).contains("Hello");
	}

	@Test
	void queueIdOfTheFinalReplyIsReported(FaultSmtpServer server) throws Exception {
		server.when(Phase.END_OF_DATA).reply("250 2.0.0 Ok: queued as 4FhX2d1Zk3z9");
		Session session = session(server);
		MimeMessage message = message(session, "alice@example.com");
		CapturingSmtpTransport transport = CapturingSmtpTransport.of(session, "smtp");
		transport.connect();
		try {
			transport.sendMessage(message, message.getAllRecipients());
			assertThat(transport.lastDeliveryReport().queueId()).contains("4FhX2d1Zk3z9");
			assertThat(transport.lastDeliveryReport().transcript().exchanges()).extracting(SmtpExchange::command)
				.containsSubsequence(SmtpCommand.CONNECT, SmtpCommand.EHLO, SmtpCommand.MAIL, SmtpCommand.RCPT,
						SmtpCommand.DATA, SmtpCommand.END_OF_DATA);
		}
		finally {
			transport.close();
		}
	}

	@Test
	void unknownUserAtRcpt(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT)
			.reply("550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table");

		SmtpFailure failure = send(server, "nobody@example.com");

		assertFailure(failure, PermanentFailure.class, "5.1.1", FailureReason.MAILBOX_UNKNOWN, SmtpCommand.RCPT);
		assertThat(failure.recipientOutcomes()).singleElement().satisfies((outcome) -> {
			assertThat(outcome.status()).isEqualTo(Status.REJECTED);
			assertThat(outcome.reply()).hasValueSatisfying((reply) -> assertThat(reply.code()).isEqualTo(550));
		});
		assertThat(failure.getInvalidAddresses()).extracting(Address::toString).containsExactly("nobody@example.com");
		assertThat(failure.getValidSentAddresses()).isNullOrEmpty();
		assertThat(failure.transcript().last(SmtpCommand.RCPT)).hasValueSatisfying(
				(exchange) -> assertThat(exchange.reply().orElseThrow().text()).contains("User unknown"));
		assertThat(server.messages()).isEmpty();
	}

	@Test
	void oneOfThreeRecipientsRejectedWithSendPartialIsAPartialDelivery(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT)
			.recipient("bad@example.com")
			.reply("550 5.1.1 <bad@example.com>: Recipient address rejected: User unknown");
		Session session = session(server);
		session.getProperties().setProperty("mail.smtp.sendpartial", "true");

		SmtpFailure failure = send(session, "a@example.com", "bad@example.com", "c@example.com");

		assertThat(failure).isInstanceOf(PermanentFailure.class);
		assertThat(failure.deliveredRecipients()).extracting(InternetAddress::getAddress)
			.containsExactly("a@example.com", "c@example.com");
		assertThat(failure.undeliveredRecipients()).extracting(InternetAddress::getAddress)
			.containsExactly("bad@example.com");
		assertThat(failure.getValidSentAddresses()).extracting(Address::toString)
			.containsExactly("a@example.com", "c@example.com");
		assertThat(failure.getInvalidAddresses()).extracting(Address::toString).containsExactly("bad@example.com");
		assertThat(failure.getMessage()).contains("2 delivered, 1 rejected");
		assertThat(server.copiesFor("a@example.com")).isEqualTo(1);
		assertThat(server.copiesFor("c@example.com")).isEqualTo(1);
		assertThat(server.copiesFor("bad@example.com")).isZero();
	}

	@Test
	void oneOfThreeRecipientsRejectedWithoutSendPartialDeliversNothing(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT)
			.recipient("bad@example.com")
			.reply("550 5.1.1 <bad@example.com>: Recipient address rejected: User unknown");

		SmtpFailure failure = send(server, "a@example.com", "bad@example.com", "c@example.com");

		assertThat(failure.deliveredRecipients()).isEmpty();
		assertThat(failure.recipientOutcomes()).extracting(RecipientOutcome::status)
			.containsExactly(Status.NOT_DELIVERED, Status.REJECTED, Status.NOT_DELIVERED);
		assertThat(failure.getValidUnsentAddresses()).extracting(Address::toString)
			.containsExactly("a@example.com", "c@example.com");
		assertThat(server.messages()).isEmpty();
	}

	@Test
	void allRecipientsRejected(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT).reply("550 5.1.1 Recipient address rejected: User unknown");

		SmtpFailure failure = send(server, "a@example.com", "b@example.com");

		assertFailure(failure, PermanentFailure.class, "5.1.1", FailureReason.MAILBOX_UNKNOWN, SmtpCommand.RCPT);
		assertThat(failure.recipientOutcomes()).extracting(RecipientOutcome::status)
			.containsExactly(Status.REJECTED, Status.REJECTED);
	}

	@Test
	void greylisting(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT)
			.reply("450 4.7.1 <ann@example.com>: Recipient address rejected: Greylisted, please try again in 300 seconds");

		SmtpFailure failure = send(server, "ann@example.com");

		// greylisting is about timing, not about the sender: not a policy rejection
		assertFailure(failure, TransientFailure.class, "4.7.1", FailureReason.GREYLISTED, SmtpCommand.RCPT);
		assertThat(failure.classification().retry()).isTrue();
		assertThat(failure.retryAfter()).contains(java.time.Duration.ofSeconds(300));
	}

	@Test
	void mailboxFull(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT).reply("452 4.2.2 <full@example.com>: Mailbox full");

		SmtpFailure failure = send(server, "full@example.com");

		assertFailure(failure, TransientFailure.class, "4.2.2", FailureReason.MAILBOX_FULL, SmtpCommand.RCPT);
	}

	@Test
	void tooManyRecipients(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT).attempt(2).reply("452 4.5.3 Error: too many recipients");
		Session session = session(server);
		session.getProperties().setProperty("mail.smtp.sendpartial", "true");

		SmtpFailure failure = send(session, "a@example.com", "b@example.com");

		assertFailure(failure, TransientFailure.class, "4.5.3", FailureReason.TOO_MANY_RECIPIENTS, SmtpCommand.RCPT);
		assertThat(failure.deliveredRecipients()).extracting(InternetAddress::getAddress)
			.containsExactly("a@example.com");
	}

	@Test
	void messageTooLargeAtEndOfData(FaultSmtpServer server) throws Exception {
		server.when(Phase.END_OF_DATA).reply("552 5.3.4 Error: message file too big");

		SmtpFailure failure = send(server, "a@example.com");

		assertFailure(failure, PermanentFailure.class, "5.3.4", FailureReason.MESSAGE_TOO_LARGE,
				SmtpCommand.END_OF_DATA);
		assertThat(failure.recipientOutcomes()).extracting(RecipientOutcome::status)
			.containsExactly(Status.NOT_DELIVERED);
	}

	@Test
	void policyBlockAtMail(FaultSmtpServer server) throws Exception {
		server.when(Phase.MAIL)
			.reply("554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org");

		SmtpFailure failure = send(server, "a@example.com");

		assertFailure(failure, PolicyRejection.class, "5.7.1", FailureReason.SENDER_BLOCKED, SmtpCommand.MAIL);
		assertThat(((PolicyRejection) failure).isTransient()).isFalse();
		assertThat(failure.recipientOutcomes()).extracting(RecipientOutcome::status)
			.containsExactly(Status.NOT_DELIVERED);
	}

	@Test
	void contentRejectedAtEndOfData(FaultSmtpServer server) throws Exception {
		server.when(Phase.END_OF_DATA).reply("554 5.7.1 Message rejected as spam by Content Filtering.");

		SmtpFailure failure = send(server, "a@example.com");

		assertFailure(failure, PolicyRejection.class, "5.7.1", FailureReason.CONTENT_REJECTED, SmtpCommand.END_OF_DATA);
	}

	@Test
	void serviceClosingMidSession(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT).reply("421 4.7.0 mx.test Error: too many errors").thenDrop();

		SmtpFailure failure = send(server, "a@example.com");

		assertThat(failure).isInstanceOf(TransientFailure.class);
		assertThat(failure.reply()).hasValueSatisfying((reply) -> assertThat(reply.code()).isEqualTo(421));
		assertThat(failure.enhancedCode()).isEqualTo(EnhancedStatusCode.parse("4.7.0"));
		assertThat(failure.classification().kind().isRetryable()).isTrue();
		assertThat(failure.recipientOutcomes()).extracting(RecipientOutcome::status)
			.containsExactly(Status.NOT_DELIVERED);
	}

	@Test
	void authenticationRequired(FaultSmtpServer server) throws Exception {
		server.when(Phase.MAIL).reply("530 5.7.0 Authentication required");

		SmtpFailure failure = send(server, "a@example.com");

		assertFailure(failure, PolicyRejection.class, "5.7.0", FailureReason.AUTHENTICATION_REQUIRED, SmtpCommand.MAIL);
	}

	@Test
	void badCredentials() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().auth("user", "right-password").start()) {
			Session session = session(server);
			session.getProperties().setProperty("mail.smtp.auth", "true");
			CapturingSmtpTransport transport = CapturingSmtpTransport.of(session, "smtp");

			SmtpFailure failure = catchThrowableOfType(SmtpFailure.class,
					() -> transport.connect(server.host(), server.port(), "user", "wrong-password"));

			assertFailure(failure, PolicyRejection.class, "5.7.8", FailureReason.AUTHENTICATION_REQUIRED,
					SmtpCommand.AUTH);
			assertThat(failure.transcript().exchanges()).extracting(SmtpExchange::commandLine)
				.anySatisfy((line) -> assertThat(line).startsWith("AUTH"))
				.noneSatisfy((line) -> assertThat(line).contains("wrong-password"));
		}
	}

	@Test
	void rejectedAtGreeting(FaultSmtpServer server) throws Exception {
		server.when(Phase.GREETING).reply("554 5.7.1 mx.test ESMTP not accepting connections from your network");

		SmtpFailure failure = send(server, "a@example.com");

		assertThat(failure).isInstanceOf(PolicyRejection.class);
		assertThat(failure.command()).isEqualTo(SmtpCommand.CONNECT);
		assertThat(failure.reply()).hasValueSatisfying((reply) -> assertThat(reply.code()).isEqualTo(554));
	}

	@Test
	void connectionRefused() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}

		SmtpFailure failure = send(session("127.0.0.1", port), "a@example.com");

		assertThat(failure).isInstanceOf(TransientFailure.class);
		assertThat(failure.reason()).isEqualTo(FailureReason.CONNECTION_FAILED);
		assertThat(failure.reply()).isEmpty();
		assertThat(failure.command()).isEqualTo(SmtpCommand.CONNECT);
	}

	@Test
	void timeoutWaitingForAReply(FaultSmtpServer server) throws Exception {
		server.when(Phase.DATA).stall();
		Session session = session(server);
		session.getProperties().setProperty("mail.smtp.timeout", "500");

		SmtpFailure failure = send(session, "a@example.com");

		assertThat(failure).isInstanceOf(TransientFailure.class);
		assertThat(failure.reason()).isEqualTo(FailureReason.CONNECTION_FAILED);
		assertThat(failure.command()).isEqualTo(SmtpCommand.DATA);
		assertThat(failure.recipientOutcomes()).extracting(RecipientOutcome::status)
			.containsExactly(Status.NOT_DELIVERED);
		assertThat(server.messages()).isEmpty();
	}

	@Test
	void dropAfterTheBodyIsUncertain(FaultSmtpServer server) throws Exception {
		server.when(Phase.END_OF_DATA).drop();

		SmtpFailure failure = send(server, "a@example.com");

		assertThat(failure).isInstanceOf(UncertainDelivery.class);
		assertThat(failure.command()).isEqualTo(SmtpCommand.END_OF_DATA);
		assertThat(failure.reply()).isEmpty();
		assertThat(failure.recipientOutcomes()).extracting(RecipientOutcome::status).containsExactly(Status.UNCERTAIN);
		assertThat(server.unacknowledgedMessages()).hasSize(1);
	}

	@Test
	void serverWithoutEnhancedStatusCodesGetsThemInferred() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().enhancedStatusCodes(false).start()) {
			server.when(Phase.RCPT).reply("550 <nobody@example.com>... User unknown");

			SmtpFailure failure = send(server, "nobody@example.com");

			assertThat(failure).isInstanceOf(PermanentFailure.class);
			assertThat(failure.reason()).isEqualTo(FailureReason.MAILBOX_UNKNOWN);
			assertThat(failure.classification().enhancedCodeInferred()).isTrue();
			assertThat(failure.enhancedCode().codeClass()).isEqualTo(5);
			assertThat(failure.reply().orElseThrow().enhancedCode()).isEmpty();
		}
	}

	@Test
	void transientKindsAreRetryableAndPermanentOnesAreNot(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT).recipient("t@example.com").reply("451 4.3.0 Temporary lookup failure");
		server.when(Phase.RCPT).recipient("p@example.com").reply("550 5.1.1 User unknown");
		Session session = session(server);
		session.getProperties().setProperty("mail.smtp.sendpartial", "true");

		SmtpFailure failure = send(session, "t@example.com", "p@example.com");

		assertThat(failure.recipientOutcomes()).extracting((o) -> o.classification().kind())
			.containsExactly(FailureKind.TRANSIENT, FailureKind.PERMANENT);
		assertThat(failure).as("the worst outcome decides the type").isInstanceOf(PermanentFailure.class);
	}

	private static void assertFailure(SmtpFailure failure, Class<? extends SmtpFailure> type, String enhanced,
			FailureReason reason, SmtpCommand command) {
		assertThat(failure).isInstanceOf(type);
		assertThat(failure.enhancedCode()).isEqualTo(EnhancedStatusCode.parse(enhanced));
		assertThat(failure.reason()).isEqualTo(reason);
		assertThat(failure.command()).isEqualTo(command);
		assertThat(failure.getCause()).as("Angus's own exception is the cause").isNotNull();
		assertThat(failure.transcript().exchanges()).isNotEmpty();
		assertThat(failure.attempts()).isEqualTo(1);
	}

	private static SmtpFailure send(FaultSmtpServer server, String... recipients) throws MessagingException {
		return send(session(server), recipients);
	}

	private static SmtpFailure send(Session session, String... recipients) throws MessagingException {
		MimeMessage message = message(session, recipients);
		SmtpFailure failure = catchThrowableOfType(SmtpFailure.class, () -> Transport.send(message));
		assertThat(failure).as("a typed failure").isNotNull();
		return failure;
	}

	static Session session(FaultSmtpServer server) {
		return session(server.host(), server.port());
	}

	static Session session(String host, int port) {
		Properties props = new Properties();
		props.setProperty("mail.smtp.host", host);
		props.setProperty("mail.smtp.port", String.valueOf(port));
		props.setProperty("mail.smtp.connectiontimeout", "2000");
		props.setProperty("mail.smtp.timeout", "2000");
		props.setProperty("mail.smtp.class", CapturingSmtpTransport.class.getName());
		return Session.getInstance(props);
	}

	static MimeMessage message(Session session, String... recipients) throws MessagingException {
		MimeMessage message = new MimeMessage(session);
		message.setFrom(new InternetAddress("sender@example.com"));
		for (String recipient : recipients) {
			message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
		}
		message.setSubject("scenario");
		message.setText("Hello from the scenario tests.");
		return message;
	}

}
