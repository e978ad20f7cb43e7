package dev.resilientmail.transport;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import dev.resilientmail.DebugLogCapture;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.reply.SmtpExchange;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.Phase;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Runs authenticated sessions that fail, with DEBUG logging on, and scans everything they
 * emit (log lines, exception messages and stack traces, transcripts, listener callbacks,
 * toString) for the password in clear, base64, AUTH PLAIN and AUTH LOGIN form.
 */
class SecretsTests {

	private static final String USER = "mailer@example.com";

	private static final String PASSWORD = "Tr0ub4dor&3-s3cret";

	@RegisterExtension
	final DebugLogCapture logs = new DebugLogCapture();

	private final List<String> emitted = new ArrayList<>();

	@Test
	void credentialsNeverAppearWhenAuthenticationSucceedsAndTheSendFails() throws Exception {
		for (String mechanism : List.of("PLAIN", "LOGIN")) {
			try (FaultSmtpServer server = FaultSmtpServer.builder().auth(USER, PASSWORD).start()) {
				server.when(Phase.RCPT)
					.reply("550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown");
				Session session = authenticatingSession(server, mechanism);
				CapturingSmtpTransport transport = CapturingSmtpTransport.of(session, "smtp");
				transport.setDeliveryListener(new RecordingListener());
				transport.connect(server.host(), server.port(), USER, PASSWORD);
				try {
					MimeMessage message = TransportScenarioTests.message(session, "nobody@example.com");
					SmtpFailure failure = catchThrowableOfType(SmtpFailure.class,
							() -> transport.sendMessage(message, message.getAllRecipients()));
					record(failure);
					record(transport.transcript().toString());
				}
				finally {
					transport.close();
				}
				assertThat(server.commands()).as("the server did get the credentials (%s)", mechanism)
					.anySatisfy((line) -> assertThat(line).startsWith("AUTH " + mechanism));
			}
		}
		assertNoSecretIn(everythingEmitted());
	}

	@Test
	void credentialsNeverAppearWhenAuthenticationFails() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().auth(USER, "another-password").start()) {
			Session session = authenticatingSession(server, "PLAIN");
			CapturingSmtpTransport transport = CapturingSmtpTransport.of(session, "smtp");
			transport.setDeliveryListener(new RecordingListener());
			SmtpFailure failure = catchThrowableOfType(SmtpFailure.class,
					() -> transport.connect(server.host(), server.port(), USER, PASSWORD));
			assertThat(failure).isNotNull();
			record(failure);
		}
		assertNoSecretIn(everythingEmitted());
	}

	@Test
	void credentialsEchoedInAFailedAuthReplyAreRedactedEverywhere() throws Exception {
		for (String mechanism : List.of("PLAIN", "LOGIN")) {
			try (HostileServer server = HostileServer.start((c) -> {
				echoingAuth(c, "535 5.7.8 bad credentials");
				c.answerTheRest();
			})) {
				Session session = authenticatingSession(TransportScenarioTests.session(server.host(), server.port()),
						mechanism);
				CapturingSmtpTransport transport = CapturingSmtpTransport.of(session, "smtp");
				transport.setDeliveryListener(new RecordingListener());
				SmtpFailure failure = catchThrowableOfType(SmtpFailure.class,
						() -> transport.connect(server.host(), server.port(), USER, PASSWORD));
				record(failure);
				assertThat(failure.getCause()).as("still Angus's type, for Spring's translation (%s)", mechanism)
					.isInstanceOf(jakarta.mail.AuthenticationFailedException.class);
				assertThat(failure.reply()).hasValueSatisfying((reply) -> {
					assertThat(reply.code()).isEqualTo(535);
					assertThat(reply.text()).contains("bad credentials").contains(Capture.REDACTED);
				});
				record(String.valueOf(failure.reply()));
				record(transport.getLastServerResponse());
			}
		}
		String emitted = everythingEmitted();
		assertNoSecretIn(emitted);
		assertThat(emitted).doesNotContain(USER).doesNotContain(base64(USER));
	}

	@Test
	void credentialsEchoedAfterASuccessfulAuthAreRedactedInTheFailureOfTheSend() throws Exception {
		for (String mechanism : List.of("PLAIN", "LOGIN")) {
			try (HostileServer server = HostileServer.start((c) -> {
				echoingAuth(c, "235 2.7.0 Authentication successful");
				c.command();
				c.line("250 2.1.0 Ok " + base64(PASSWORD));
				c.command();
				c.line("550 5.1.1 <nobody@example.com>: User unknown; you sent " + PASSWORD);
				c.answerTheRest();
			})) {
				Session session = authenticatingSession(TransportScenarioTests.session(server.host(), server.port()),
						mechanism);
				CapturingSmtpTransport transport = CapturingSmtpTransport.of(session, "smtp");
				transport.setDeliveryListener(new RecordingListener());
				transport.connect(server.host(), server.port(), USER, PASSWORD);
				try {
					MimeMessage message = TransportScenarioTests.message(session, "nobody@example.com");
					SmtpFailure failure = catchThrowableOfType(SmtpFailure.class,
							() -> transport.sendMessage(message, message.getAllRecipients()));
					record(failure);
					assertThat(failure.reply()).hasValueSatisfying(
							(reply) -> assertThat(reply.text()).contains("User unknown").contains(Capture.REDACTED));
					record(transport.transcript().toString());
				}
				finally {
					transport.close();
				}
			}
		}
		String emitted = everythingEmitted();
		assertNoSecretIn(emitted);
		assertThat(emitted).doesNotContain(base64(USER));
	}

	/**
	 * Greets, offers AUTH PLAIN LOGIN, and answers the AUTH exchange with {@code last}
	 * followed by everything the client sent, in the form sent and decoded.
	 */
	private static void echoingAuth(HostileServer.Conversation c, String last) throws java.io.IOException {
		c.line("220 mx.hostile ESMTP");
		c.command();
		c.line("250-mx.hostile");
		c.line("250 AUTH PLAIN LOGIN");
		String auth = c.command();
		String[] words = auth.split(" ");
		if (words[1].equalsIgnoreCase("PLAIN")) {
			String blob = (words.length > 2) ? words[2] : null;
			if (blob == null) {
				c.line("334 ");
				blob = c.command();
			}
			String decoded = new String(Base64.getDecoder().decode(blob), StandardCharsets.UTF_8);
			c.line(last + " blob=" + blob + " decoded=" + decoded.replace('\0', '|'));
			return;
		}
		c.line("334 VXNlcm5hbWU6");
		String user = c.command();
		c.line("334 UGFzc3dvcmQ6 user=" + user);
		String password = c.command();
		c.line(last + " user=" + user + " pass=" + password + " (" + decode(user) + "/" + decode(password) + ")");
	}

	private static String decode(String base64) {
		return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
	}

	private static String base64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

	private Session authenticatingSession(FaultSmtpServer server, String mechanism) {
		return authenticatingSession(TransportScenarioTests.session(server), mechanism);
	}

	private Session authenticatingSession(Session session, String mechanism) {
		session.getProperties().setProperty("mail.smtp.auth", "true");
		session.getProperties().setProperty("mail.smtp.auth.mechanisms", mechanism);
		return session;
	}

	private void record(Throwable failure) {
		assertThat(failure).isNotNull();
		StringWriter trace = new StringWriter();
		failure.printStackTrace(new PrintWriter(trace));
		this.emitted.add(trace.toString());
		for (Throwable t = failure; t != null; t = (t.getCause() != null) ? t.getCause()
				: (t instanceof jakarta.mail.MessagingException m) ? m.getNextException() : null) {
			this.emitted.add(String.valueOf(t));
			this.emitted.add(String.valueOf(t.getMessage()));
			this.emitted.add(String.valueOf(t.getLocalizedMessage()));
			if (t.getCause() == t) {
				break;
			}
		}
		if (failure instanceof SmtpFailure smtp) {
			this.emitted.add(smtp.transcript().toString());
			this.emitted.add(smtp.recipientOutcomes().toString());
			this.emitted.add(smtp.details().toString());
		}
	}

	private void record(String text) {
		this.emitted.add(text);
	}

	private String everythingEmitted() {
		StringBuilder all = new StringBuilder();
		for (ILoggingEvent event : this.logs.events()) {
			all.append(event.getFormattedMessage()).append('\n');
			if (event.getThrowableProxy() != null) {
				all.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
			}
		}
		this.emitted.forEach((text) -> all.append(text).append('\n'));
		assertThat(this.logs.events()).as("DEBUG logging produced exchange lines").isNotEmpty();
		return all.toString();
	}

	private static void assertNoSecretIn(String text) {
		Base64.Encoder base64 = Base64.getEncoder();
		List<String> forms = List.of(PASSWORD, base64.encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8)),
				base64.encodeToString(("\0" + USER + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8)),
				base64.encodeToString((USER + "\0" + USER + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
		for (String form : forms) {
			assertThat(text).as("emitted text must not contain a form of the password").doesNotContain(form);
		}
		assertThat(text).contains("AUTH");
	}

	private final class RecordingListener implements DeliveryListener {

		@Override
		public void onExchange(SmtpExchange exchange) {
			SecretsTests.this.emitted.add(exchange.toString());
		}

		@Override
		public void onDelivered(DeliveryReport report) {
			SecretsTests.this.emitted.add(report.toString());
		}

		@Override
		public void onFailed(SmtpFailure failure) {
			SecretsTests.this.emitted.add(String.valueOf(failure));
		}

	}

}
