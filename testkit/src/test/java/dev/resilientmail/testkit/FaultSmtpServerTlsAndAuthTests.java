package dev.resilientmail.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * STARTTLS, implicit TLS and AUTH at the protocol level, over a plain socket.
 */
class FaultSmtpServerTlsAndAuthTests {

	private FaultSmtpServer server;

	@AfterEach
	void closeServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void upgradesToTlsOnStartTlsAndForgetsTheSessionBefore() throws IOException {
		this.server = FaultSmtpServer.builder().startTls().requireTls().start();
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			assertThat(client.command("EHLO c")).contains("250-STARTTLS");
			assertThat(client.command("MAIL FROM:<a@example.com>"))
				.isEqualTo("530 5.7.0 Must issue a STARTTLS command first");
			assertThat(client.command("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS");
			client.startTls(this.server.clientSslSocketFactory());
			assertThat(((SSLSocket) client.socket()).getSession().getProtocol()).startsWith("TLSv1.");
			assertThat(client.command("MAIL FROM:<a@example.com>")).isEqualTo("503 5.5.1 Error: send HELO/EHLO first");
			assertThat(client.command("EHLO c")).doesNotContain("STARTTLS");
			assertThat(client.command("STARTTLS")).isEqualTo("554 5.5.1 Error: TLS already active");
			assertThat(client.command("MAIL FROM:<a@example.com>")).isEqualTo("250 2.1.0 Ok");
		}
	}

	@Test
	void withoutStartTlsTheCommandIsNotImplemented() throws IOException {
		this.server = FaultSmtpServer.start();
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			assertThat(client.command("EHLO c")).doesNotContain("STARTTLS").doesNotContain("AUTH");
			assertThat(client.command("STARTTLS")).isEqualTo("502 5.5.1 Error: command not implemented");
		}
		assertThatIllegalStateException().isThrownBy(this.server::clientSslSocketFactory)
			.withMessageContaining("startTls()");
	}

	@Test
	void aScriptedRefusalOfStartTlsKeepsThePlainConnection() throws IOException {
		this.server = FaultSmtpServer.builder().startTls().start();
		this.server.when(Phase.STARTTLS).reply("454 4.7.0 TLS not available due to local problem");
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			client.command("EHLO c");
			assertThat(client.command("STARTTLS")).isEqualTo("454 4.7.0 TLS not available due to local problem");
			assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
		}
	}

	@Test
	void speaksTlsFromTheFirstByteWithImplicitTls() throws IOException {
		this.server = FaultSmtpServer.builder().implicitTls().start();
		try (SmtpClient client = SmtpClient.connectTls(this.server)) {
			assertThat(client.readReply()).isEqualTo("220 mx.test ESMTP resilient-mail testkit");
			assertThat(client.command("EHLO c")).doesNotContain("STARTTLS");
			assertThat(client.command("STARTTLS")).startsWith("502 ");
		}
	}

	@Test
	void issuesASelfSignedCertificateForLocalhostAnd127001OrTheConfiguredHostOnly()
			throws CertificateParsingException, KeyStoreException {
		this.server = FaultSmtpServer.builder().startTls().start();
		X509Certificate certificate = this.server.certificate();
		assertThat(certificate.getSubjectX500Principal()).isEqualTo(certificate.getIssuerX500Principal());
		assertThat(certificate.getSubjectAlternativeNames()).containsExactlyInAnyOrder(List.of(2, "localhost"),
				List.of(7, "127.0.0.1"));
		KeyStore trustStore = this.server.clientTrustStore();
		assertThat(trustStore.getCertificate(trustStore.aliases().nextElement())).isEqualTo(certificate);

		try (FaultSmtpServer other = FaultSmtpServer.builder().startTls().certificateHost("wrong.example").start()) {
			assertThat(other.certificate().getSubjectAlternativeNames()).containsExactly(List.of(2, "wrong.example"));
		}
		try (FaultSmtpServer again = FaultSmtpServer.builder().implicitTls().start()) {
			assertThat(again.certificate()).as("cached per certificate host").isSameAs(certificate);
		}
	}

	@Test
	void authenticatesWithPlainInitialResponse() throws IOException {
		this.server = FaultSmtpServer.builder().auth("user", "secret").requireAuth().start();
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			assertThat(client.command("EHLO c")).contains("250-AUTH PLAIN LOGIN");
			assertThat(client.command("MAIL FROM:<a@example.com>")).isEqualTo("530 5.7.0 Authentication required");
			assertThat(client.command("AUTH PLAIN " + base64("\0user\0secret")))
				.isEqualTo("235 2.7.0 Authentication successful");
			assertThat(client.command("AUTH PLAIN " + base64("\0user\0secret")))
				.isEqualTo("503 5.5.1 Error: already authenticated");
			assertThat(client.command("MAIL FROM:<a@example.com>")).isEqualTo("250 2.1.0 Ok");
		}
		assertThat(this.server.commands()).contains("AUTH PLAIN " + base64("\0user\0secret"));
	}

	@Test
	void authenticatesWithPlainAfterAnEmptyChallenge() throws IOException {
		this.server = FaultSmtpServer.builder().auth("user", "secret").start();
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			client.command("EHLO c");
			assertThat(client.command("AUTH PLAIN")).isEqualTo("334 ");
			assertThat(client.command(base64("user\0user\0secret"))).isEqualTo("235 2.7.0 Authentication successful");
		}
		assertThat(this.server.commands()).containsSubsequence("AUTH PLAIN", base64("user\0user\0secret"));
	}

	@Test
	void authenticatesWithLogin() throws IOException {
		this.server = FaultSmtpServer.builder().auth("user", "secret").start();
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			client.command("EHLO c");
			assertThat(client.command("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
			assertThat(client.command(base64("user"))).isEqualTo("334 UGFzc3dvcmQ6");
			assertThat(client.command(base64("secret"))).isEqualTo("235 2.7.0 Authentication successful");
		}
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			client.command("EHLO c");
			assertThat(client.command("AUTH LOGIN " + base64("user"))).isEqualTo("334 UGFzc3dvcmQ6");
			assertThat(client.command(base64("secret"))).isEqualTo("235 2.7.0 Authentication successful");
		}
	}

	@Test
	void refusesWrongCredentialsAndBadInput() throws IOException {
		this.server = FaultSmtpServer.builder().auth("user", "secret").start();
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			client.command("EHLO c");
			assertThat(client.command("AUTH PLAIN " + base64("\0user\0wrong")))
				.isEqualTo("535 5.7.8 Error: authentication failed: authentication failure");
			assertThat(client.command("AUTH LOGIN")).startsWith("334 ");
			assertThat(client.command(base64("user"))).startsWith("334 ");
			assertThat(client.command("*")).isEqualTo("501 5.7.0 Authentication aborted");
			assertThat(client.command("AUTH PLAIN !!!")).isEqualTo("501 5.5.2 Cannot decode response");
			assertThat(client.command("AUTH CRAM-MD5")).isEqualTo("504 5.5.4 Unrecognized authentication type");
			assertThat(client.command("AUTH")).isEqualTo("501 5.5.4 Syntax: AUTH mechanism");
		}
	}

	@Test
	void authIsNotOfferedWithoutCredentials() throws IOException {
		this.server = FaultSmtpServer.start();
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			client.command("EHLO c");
			assertThat(client.command("AUTH PLAIN " + base64("\0u\0p")))
				.isEqualTo("503 5.5.1 Error: authentication not enabled");
		}
	}

	@Test
	void aScriptedAuthReplyReplacesTheExchange() throws IOException {
		this.server = FaultSmtpServer.builder().auth("user", "secret").start();
		this.server.when(Phase.AUTH).attempt(1).reply("454 4.7.0 Temporary authentication failure");
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			client.command("EHLO c");
			assertThat(client.command("AUTH PLAIN " + base64("\0user\0secret")))
				.isEqualTo("454 4.7.0 Temporary authentication failure");
			assertThat(client.command("AUTH PLAIN " + base64("\0user\0secret"))).startsWith("235 ");
		}
	}

	private static String base64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

}
