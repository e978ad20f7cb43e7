package dev.resilientmail.transport;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.reply.SmtpExchange;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.Phase;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

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

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final Logger logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.resilientmail");

	private Level previousLevel;

	private final List<String> emitted = new ArrayList<>();

	@BeforeEach
	void captureLogs() {
		this.previousLevel = this.logger.getLevel();
		this.logger.setLevel(Level.DEBUG);
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	@AfterEach
	void restoreLogs() {
		this.logger.detachAppender(this.appender);
		this.logger.setLevel(this.previousLevel);
	}

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

	private Session authenticatingSession(FaultSmtpServer server, String mechanism) {
		Session session = TransportScenarioTests.session(server);
		session.getProperties().setProperty("mail.smtp.auth", "true");
		session.getProperties().setProperty("mail.smtp.auth.mechanisms", mechanism);
		return session;
	}

	private void record(Throwable failure) {
		assertThat(failure).isNotNull();
		StringWriter trace = new StringWriter();
		failure.printStackTrace(new PrintWriter(trace));
		this.emitted.add(trace.toString());
		this.emitted.add(String.valueOf(failure));
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
		for (ILoggingEvent event : this.appender.list) {
			all.append(event.getFormattedMessage()).append('\n');
			if (event.getThrowableProxy() != null) {
				all.append(ThrowableProxyUtil.asString(event.getThrowableProxy())).append('\n');
			}
		}
		this.emitted.forEach((text) -> all.append(text).append('\n'));
		assertThat(this.appender.list).as("DEBUG logging produced exchange lines").isNotEmpty();
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
