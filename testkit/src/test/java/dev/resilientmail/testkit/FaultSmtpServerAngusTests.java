package dev.resilientmail.testkit;

import java.net.SocketTimeoutException;
import java.util.Properties;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * End to end with Angus Mail's {@link Transport}: what a real client sees of each
 * capability.
 */
class FaultSmtpServerAngusTests {

	private FaultSmtpServer server;

	@AfterEach
	void closeServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void deliversAMessageAndRecordsIt() throws MessagingException {
		this.server = FaultSmtpServer.start();
		send(session(new Properties()), "bob@example.com", "carol@example.com");
		ReceivedMessage message = this.server.messages().get(0);
		assertThat(message.mailFrom()).isEqualTo("alice@example.com");
		assertThat(message.recipients()).containsExactly("bob@example.com", "carol@example.com");
		assertThat(message.header("Subject")).isEqualTo("Hello");
		assertThat(message.text()).endsWith("\r\n\r\nHi,\r\n.dot line\r\nbye\r\n");
		assertThat(this.server.commands()).contains("MAIL FROM:<alice@example.com>", "RCPT TO:<bob@example.com>",
				"DATA", "QUIT");
	}

	@Test
	void upgradesWithStartTlsAndPassesTheServerIdentityCheck() throws MessagingException {
		this.server = FaultSmtpServer.builder().startTls().requireTls().start();
		Properties properties = tlsProperties("smtp");
		properties.put("mail.smtp.starttls.enable", "true");
		properties.put("mail.smtp.starttls.required", "true");
		send(session(properties), "bob@example.com");
		assertThat(this.server.copiesFor("bob@example.com")).isEqualTo(1);
		assertThat(this.server.commands()).containsSubsequence("STARTTLS", "EHLO localhost",
				"MAIL FROM:<alice@example.com>");
	}

	@Test
	void failsTheServerIdentityCheckWhenTheCertificateNamesAnotherHost() {
		this.server = FaultSmtpServer.builder().startTls().certificateHost("wrong.example").start();
		Properties properties = tlsProperties("smtp");
		properties.put("mail.smtp.starttls.enable", "true");
		properties.put("mail.smtp.starttls.required", "true");
		assertThatExceptionOfType(MessagingException.class)
			.isThrownBy(() -> send(session(properties), "bob@example.com"))
			.withStackTraceContaining("No subject alternative names matching IP address 127.0.0.1");
		assertThat(this.server.messages()).isEmpty();
	}

	@Test
	void speaksImplicitTlsToSmtps() throws MessagingException {
		this.server = FaultSmtpServer.builder().implicitTls().start();
		Session session = session(tlsProperties("smtps"));
		MimeMessage message = message(session, "bob@example.com");
		try (Transport transport = session.getTransport("smtps")) {
			transport.connect(this.server.host(), this.server.port(), null, null);
			transport.sendMessage(message, message.getAllRecipients());
		}
		assertThat(this.server.copiesFor("bob@example.com")).isEqualTo(1);
	}

	@Test
	void authenticatesWithPlainAndLogin() throws MessagingException {
		this.server = FaultSmtpServer.builder().auth("user", "secret").requireAuth().start();
		for (String mechanism : new String[] { "PLAIN", "LOGIN" }) {
			Properties properties = new Properties();
			properties.put("mail.smtp.auth", "true");
			properties.put("mail.smtp.auth.mechanisms", mechanism);
			Session session = session(properties);
			MimeMessage message = message(session, "bob@example.com");
			try (Transport transport = session.getTransport("smtp")) {
				transport.connect(this.server.host(), this.server.port(), "user", "secret");
				transport.sendMessage(message, message.getAllRecipients());
			}
		}
		assertThat(this.server.copiesFor("bob@example.com")).isEqualTo(2);
		assertThat(this.server.commands()).anyMatch((command) -> command.startsWith("AUTH PLAIN "))
			.anyMatch((command) -> command.startsWith("AUTH LOGIN"));
	}

	@Test
	void refusesWrongCredentials() {
		this.server = FaultSmtpServer.builder().auth("user", "secret").start();
		Properties properties = new Properties();
		properties.put("mail.smtp.auth", "true");
		Session session = session(properties);
		assertThatExceptionOfType(AuthenticationFailedException.class).isThrownBy(() -> {
			try (Transport transport = session.getTransport("smtp")) {
				transport.connect(this.server.host(), this.server.port(), "user", "wrong");
			}
		}).withMessageContaining("535 5.7.8");
	}

	@Test
	void greylistsTheFirstAttemptAndAcceptsTheSecond() throws MessagingException {
		this.server = FaultSmtpServer.start();
		this.server.when(Phase.RCPT)
			.recipient("*@grey.example")
			.attempt(1)
			.reply("450 4.7.1 <bob@grey.example>: Recipient address rejected: Greylisted");
		Session session = session(new Properties());
		SendFailedException failure = catchThrowableOfType(SendFailedException.class,
				() -> send(session, "bob@grey.example"));
		assertThat(failure.getValidUnsentAddresses()).extracting(Object::toString).containsExactly("bob@grey.example");
		assertThat(this.server.copiesFor("bob@grey.example")).isZero();

		send(session, "bob@grey.example");
		assertThat(this.server.copiesFor("bob@grey.example")).isEqualTo(1);
	}

	@Test
	void aDropAfterTheBodyLeavesTheClientUncertainAndTheMessageUnacknowledged() {
		this.server = FaultSmtpServer.start();
		this.server.when(Phase.END_OF_DATA).drop();
		assertThatExceptionOfType(MessagingException.class)
			.isThrownBy(() -> send(session(new Properties()), "bob@example.com"));
		assertThat(this.server.unacknowledgedMessages()).hasSize(1);
		assertThat(this.server.copiesFor("bob@example.com")).isZero();
	}

	@Test
	void aDropMidReplyFailsTheConnect() {
		this.server = FaultSmtpServer.start();
		this.server.when(Phase.EHLO).dropMidReply("250-mx.test Hel");
		this.server.when(Phase.HELO).drop();
		assertThatExceptionOfType(MessagingException.class)
			.isThrownBy(() -> send(session(new Properties()), "bob@example.com"));
		assertThat(this.server.commands()).first().asString().startsWith("EHLO ");
	}

	@Test
	void aStallMakesTheClientTimeOut() {
		this.server = FaultSmtpServer.start();
		this.server.when(Phase.DATA).stall();
		Properties properties = new Properties();
		properties.put("mail.smtp.timeout", "500");
		assertThatExceptionOfType(MessagingException.class)
			.isThrownBy(() -> send(session(properties), "bob@example.com"))
			.havingRootCause()
			.isInstanceOf(SocketTimeoutException.class);
	}

	@Test
	void aTransientFinalReplyIsReportedWithItsText() {
		this.server = FaultSmtpServer.start();
		this.server.when(Phase.END_OF_DATA).times(1).reply("451 4.3.0 Temporary failure");
		Session session = session(new Properties());
		assertThatExceptionOfType(SMTPSendFailedException.class).isThrownBy(() -> send(session, "bob@example.com"))
			.satisfies((ex) -> assertThat(ex.getReturnCode()).isEqualTo(451))
			.extracting(Throwable::getMessage, InstanceOfAssertFactories.STRING)
			.contains("451 4.3.0 Temporary failure");
	}

	@Test
	void countsCopiesPerRecipientToRevealDuplicates() throws MessagingException {
		this.server = FaultSmtpServer.start();
		this.server.when(Phase.END_OF_DATA).attempt(1).reply("250 2.0.0 Ok: queued as A1").thenDrop();
		Session session = session(new Properties());
		// accepted, then the connection drops before QUIT: Angus's close() ignores that
		send(session, "bob@example.com", "carol@example.com");
		// a sender that retries anyway delivers a second copy
		send(session, "bob@example.com");
		assertThat(this.server.copiesFor("bob@example.com")).isEqualTo(2);
		assertThat(this.server.copiesFor("carol@example.com")).isEqualTo(1);
		assertThat(this.server.connectionCount()).isEqualTo(2);
	}

	private Properties tlsProperties(String protocol) {
		Properties properties = new Properties();
		properties.put("mail." + protocol + ".ssl.socketFactory", this.server.clientSslSocketFactory());
		properties.put("mail." + protocol + ".ssl.checkserveridentity", "true");
		return properties;
	}

	private Session session(Properties properties) {
		properties.putIfAbsent("mail.smtp.host", this.server.host());
		properties.putIfAbsent("mail.smtp.port", String.valueOf(this.server.port()));
		properties.putIfAbsent("mail.smtp.localhost", "localhost");
		properties.putIfAbsent("mail.smtp.connectiontimeout", "5000");
		properties.putIfAbsent("mail.smtp.timeout", "5000");
		properties.putIfAbsent("mail.smtps.localhost", "localhost");
		properties.putIfAbsent("mail.smtps.connectiontimeout", "5000");
		properties.putIfAbsent("mail.smtps.timeout", "5000");
		return Session.getInstance(properties);
	}

	private void send(Session session, String... recipients) throws MessagingException {
		MimeMessage message = message(session, recipients);
		try (Transport transport = session.getTransport("smtp")) {
			transport.connect(this.server.host(), this.server.port(), null, null);
			transport.sendMessage(message, message.getAllRecipients());
		}
	}

	private static MimeMessage message(Session session, String... recipients) throws MessagingException {
		MimeMessage message = new MimeMessage(session);
		message.setFrom(new InternetAddress("alice@example.com"));
		for (String recipient : recipients) {
			message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
		}
		message.setSubject("Hello");
		message.setText("Hi,\n.dot line\nbye\n");
		return message;
	}

}
