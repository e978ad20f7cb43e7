package dev.resilientmail.faults;

import java.time.Duration;
import java.util.Properties;

import dev.resilientmail.PolicyRejection;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.delivery.MailDelivery;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.testkit.FaultSmtpServer;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A server that strips STARTTLS from its EHLO reply (as a downgrade attacker does) or
 * presents a certificate for another host must get neither the credentials nor the
 * message.
 */
class HostileTlsTests {

	private static final String USER = "app@example.com";

	private static final String PASSWORD = "tls-secret";

	@Test
	void requireStartTlsRefusesAServerWithoutStartTlsAndSendsNoCredentials() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().auth(USER, PASSWORD).start();
				MailDelivery delivery = delivery(server).requireStartTls(true).policy(policy(3)).build()) {

			PolicyRejection failure = assertThatExceptionOfType(PolicyRejection.class)
				.isThrownBy(() -> delivery.send(message()))
				.actual();

			assertThat(failure.reason()).isEqualTo(FailureReason.AUTHENTICATION_REQUIRED);
			assertThat(failure.classification().kind()).isEqualTo(FailureKind.POLICY_PERMANENT);
			assertThat(failure.classification().retry()).isFalse();
			assertThat(failure.attempts()).as("not retried: waiting does not add STARTTLS").isEqualTo(1);
			assertThat(failure.getMessage()).contains("STARTTLS is required").contains("did not offer it");
			assertThat(failure.transcript().last(SmtpCommand.EHLO)).isPresent();
			assertThat(server.commands()).as("nothing after EHLO, credentials least of all")
				.noneMatch((line) -> line.startsWith("AUTH") || line.startsWith("MAIL"));
			assertThat(server.connectionCount()).isEqualTo(1);
			assertThat(server.messages()).isEmpty();
		}
	}

	@Test
	void requireStartTlsUpgradesBeforeAuthenticating() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().startTls().auth(USER, PASSWORD).start();
				MailDelivery delivery = delivery(server).requireStartTls(true)
					.sslSocketFactory(server.clientSslSocketFactory())
					.build()) {

			DeliveryReport report = delivery.send(message());

			assertThat(report.attempts()).isEqualTo(1);
			assertThat(server.commands()).filteredOn((line) -> line.startsWith("STARTTLS") || line.startsWith("AUTH"))
				.extracting((line) -> line.substring(0, 4))
				.startsWith("STAR", "AUTH");
			assertThat(server.copiesFor("bob@example.com")).isEqualTo(1);
		}
	}

	@Test
	void certificateIssuedForAnotherHostIsRefusedBeforeTheCredentials() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder()
			.startTls()
			.certificateHost("wrong.example")
			.auth(USER, PASSWORD)
			.start();
				MailDelivery delivery = delivery(server).requireStartTls(true)
					.sslSocketFactory(server.clientSslSocketFactory())
					.policy(policy(4))
					.build()) {

			PolicyRejection failure = assertThatExceptionOfType(PolicyRejection.class)
				.isThrownBy(() -> delivery.send(message()))
				.actual();

			assertThat(failure.reason()).isEqualTo(FailureReason.TLS_CERTIFICATE);
			assertThat(failure.classification().kind()).isEqualTo(FailureKind.POLICY_PERMANENT);
			assertThat(failure.classification().retry()).isFalse();
			assertThat(failure.attempts()).as("not retried: waiting does not change a certificate").isEqualTo(1);
			assertThat(server.connectionCount()).isEqualTo(1);
			assertThat(failure.command()).isEqualTo(SmtpCommand.STARTTLS);
			assertThat(failure.reply()).isEmpty();
			assertThat(failure.getMessage()).contains("not issued for the host name '127.0.0.1'")
				.contains("connect to a name the certificate lists");
			assertThat(server.commands()).as("the handshake failed right after STARTTLS")
				.anyMatch((line) -> line.startsWith("STARTTLS"))
				.noneMatch((line) -> line.startsWith("AUTH") || line.startsWith("MAIL"));
			assertThat(server.messages()).isEmpty();
		}
	}

	@Test
	void selfSignedCertificateOfAnImplicitTlsServerIsRefusedAndNotRetried() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().implicitTls().auth(USER, PASSWORD).start();
				MailDelivery delivery = delivery(server).protocol("smtps").policy(policy(4)).build()) {

			PolicyRejection failure = assertThatExceptionOfType(PolicyRejection.class)
				.isThrownBy(() -> delivery.send(message()))
				.actual();

			assertThat(failure.reason()).isEqualTo(FailureReason.TLS_CERTIFICATE);
			assertThat(failure.command()).isEqualTo(SmtpCommand.CONNECT);
			assertThat(failure.attempts()).isEqualTo(1);
			assertThat(server.connectionCount()).isEqualTo(1);
			assertThat(server.messages()).isEmpty();
		}
	}

	@Test
	void serverIdentityIsCheckedByDefaultAndOnlyTheSessionCanTurnItOff() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder()
			.startTls()
			.certificateHost("wrong.example")
			.auth(USER, PASSWORD)
			.start()) {
			try (MailDelivery checking = delivery(server).build()) {
				assertThat(checking.session().getProperty("mail.smtp.ssl.checkserveridentity")).isEqualTo("true");
			}
			Properties properties = new Properties();
			properties.setProperty("mail.smtp.host", server.host());
			properties.setProperty("mail.smtp.port", String.valueOf(server.port()));
			properties.setProperty("mail.smtp.ssl.checkserveridentity", "false");
			try (MailDelivery trusting = MailDelivery.builder(Session.getInstance(properties))
				.credentials(USER, PASSWORD)
				.requireStartTls(true)
				.sslSocketFactory(server.clientSslSocketFactory())
				.policy(policy(1))
				.build()) {

				DeliveryReport report = trusting.send(message());

				assertThat(report.attempts()).isEqualTo(1);
				assertThat(server.copiesFor("bob@example.com")).isEqualTo(1);
			}
		}
	}

	@Test
	void certificateNotTrustedIsRefused() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().startTls().auth(USER, PASSWORD).start();
				MailDelivery delivery = delivery(server).requireStartTls(true).policy(policy(4)).build()) {

			PolicyRejection failure = assertThatExceptionOfType(PolicyRejection.class)
				.isThrownBy(() -> delivery.send(message()))
				.actual();

			assertThat(failure.reason()).isEqualTo(FailureReason.TLS_CERTIFICATE);
			assertThat(failure.attempts()).as("not retried: waiting does not change a certificate").isEqualTo(1);
			assertThat(server.connectionCount()).isEqualTo(1);
			assertThat(failure.getMessage()).contains("certificate is not trusted").contains("trust store");
			assertThat(server.commands()).noneMatch((line) -> line.startsWith("AUTH"));
		}
	}

	private static MailDelivery.Builder delivery(FaultSmtpServer server) {
		return MailDelivery.builder(server.host(), server.port()).credentials(USER, PASSWORD).policy(policy(1));
	}

	private static DeliveryPolicy policy(int maxAttempts) {
		return DeliveryPolicy.builder()
			.maxAttempts(maxAttempts)
			.waitDuration(Duration.ZERO)
			.timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
			.build();
	}

	private static MimeMessage message() throws MessagingException {
		MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
		message.setFrom("sender@example.com");
		message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.com"));
		message.setSubject("TLS test");
		message.setText("Hello over TLS.");
		return message;
	}

}
