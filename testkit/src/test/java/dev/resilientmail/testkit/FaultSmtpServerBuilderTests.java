package dev.resilientmail.testkit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Bad settings fail with a message that names the problem.
 */
class FaultSmtpServerBuilderTests {

	@Test
	void rejectsBadValues() {
		FaultSmtpServer.Builder builder = FaultSmtpServer.builder();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.hostname("mx test"))
			.withMessageContaining("without spaces");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.size(-1)).withMessageContaining("got -1");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxRecipients(-2))
			.withMessageContaining("got -2");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxLineLength(100))
			.withMessageContaining("512 bytes or more");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.auth("user", ""))
			.withMessageContaining("non-empty");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.greeting())
			.withMessageContaining("at least one line");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.extensions("DSN\r\n250 X"))
			.withMessageContaining("single line");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.certificateHost(" "));
	}

	@Test
	void rejectsContradictorySettings() {
		assertThatIllegalStateException().isThrownBy(() -> FaultSmtpServer.builder().startTls().implicitTls().start())
			.withMessageContaining("exclude each other");
		assertThatIllegalStateException().isThrownBy(() -> FaultSmtpServer.builder().requireTls().start())
			.withMessage("requireTls() needs startTls()");
		assertThatIllegalStateException().isThrownBy(() -> FaultSmtpServer.builder().requireAuth().start())
			.withMessage("requireAuth() needs auth(username, password)");
		assertThatIllegalStateException()
			.isThrownBy(() -> FaultSmtpServer.builder().certificateHost("x.example").start())
			.withMessageContaining("needs startTls() or implicitTls()");
	}

	@Test
	void listensOnAnEphemeralLoopbackPort() {
		try (FaultSmtpServer first = FaultSmtpServer.start(); FaultSmtpServer second = FaultSmtpServer.start()) {
			assertThat(first.host()).isEqualTo("127.0.0.1");
			assertThat(first.port()).isPositive().isNotEqualTo(second.port());
			assertThat(first.hostname()).isEqualTo("mx.test");
			assertThat(first).hasToString("FaultSmtpServer[127.0.0.1:" + first.port() + "]");
		}
	}

}
