package dev.resilientmail.delivery;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import dev.resilientmail.TestMessages;
import dev.resilientmail.testkit.FaultSmtpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@code MailDelivery.Builder.dsn}: the exact MAIL and RCPT lines the testkit server
 * records, pipelined and in lock-step, with and without DSN advertised.
 */
class DsnRequestTests {

	@ParameterizedTest(name = "pipelining advertised: {0}")
	@ValueSource(booleans = { true, false })
	void withDsnAdvertisedMailCarriesRetAndEnvidAndEachRcptNotifyAndOrcpt(boolean pipelining) throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().pipelining(pipelining).extensions("DSN").start();
				MailDelivery delivery = delivery(server).dsn("failure, delay", "hdrs").build()) {
			delivery
				.send(TestMessages.withMessageId("<order-42+a=b@shop.example>", "a@example.com", "x+tag@example.com"));
			assertThat(envelope(server)).containsExactly(
					"MAIL FROM:<sender@example.com> RET=HDRS ENVID=order-42+2Ba+3Db@shop.example",
					"RCPT TO:<a@example.com> NOTIFY=FAILURE,DELAY ORCPT=rfc822;a@example.com",
					"RCPT TO:<x+tag@example.com> NOTIFY=FAILURE,DELAY ORCPT=rfc822;x+2Btag@example.com");
		}
	}

	@Test
	void withoutDsnAdvertisedNoDsnParameterIsSent() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.start();
				MailDelivery delivery = delivery(server).dsn("FAILURE", "FULL").build()) {
			delivery.send(TestMessages.withMessageId("<m1@shop.example>", "a@example.com"));
			assertThat(envelope(server)).containsExactly("MAIL FROM:<sender@example.com>", "RCPT TO:<a@example.com>");
		}
	}

	@Test
	void withoutTheOptionNoDsnParameterIsSentEvenWhereAdvertised() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().extensions("DSN").start();
				MailDelivery delivery = delivery(server).build()) {
			delivery.send(TestMessages.withMessageId("<m1@shop.example>", "a@example.com"));
			assertThat(envelope(server)).containsExactly("MAIL FROM:<sender@example.com>", "RCPT TO:<a@example.com>");
		}
	}

	@Test
	void aMessageIdTooLongForAnEnvidIsSentAsItsDigestOnePerMessage() throws Exception {
		String longId = "<" + "x".repeat(120) + "@shop.example>";
		try (FaultSmtpServer server = FaultSmtpServer.builder().extensions("DSN").start();
				MailDelivery delivery = delivery(server).dsn("NEVER", "HDRS").build()) {
			delivery.send(TestMessages.withMessageId(longId, "a@example.com"));
			delivery.send(TestMessages.withMessageId("<" + "y".repeat(120) + "@shop.example>", "a@example.com"));
			List<String> mails = envelope(server).stream().filter((line) -> line.startsWith("MAIL")).toList();
			assertThat(mails).hasSize(2).allMatch((line) -> line.matches(".* ENVID=sha256:[0-9a-f]{32}"));
			assertThat(mails.get(0)).isNotEqualTo(mails.get(1));
			assertThat(envelope(server)).contains("RCPT TO:<a@example.com> NOTIFY=NEVER ORCPT=rfc822;a@example.com");
		}
	}

	@Test
	void badDsnValuesAreRefusedNamingWhatIsAllowed() {
		MailDelivery.Builder builder = MailDelivery.builder("127.0.0.1", 25);
		assertThatIllegalArgumentException().isThrownBy(() -> builder.dsn("FAILURE,SOMETIMES", "HDRS"))
			.withMessage("DSN notify must be NEVER or a comma-separated list of SUCCESS, FAILURE and DELAY, "
					+ "got 'FAILURE,SOMETIMES'");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.dsn("FAILURE,FAILURE", "HDRS"));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.dsn("NEVER", "BODY"))
			.withMessage("DSN ret must be FULL or HDRS, got 'BODY'");
	}

	private static MailDelivery.Builder delivery(FaultSmtpServer server) {
		return MailDelivery.builder(server.host(), server.port());
	}

	private static List<String> envelope(FaultSmtpServer server) {
		return server.commands().stream().filter((line) -> line.startsWith("MAIL") || line.startsWith("RCPT")).toList();
	}

}
