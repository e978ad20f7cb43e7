package dev.resilientmail.transport;

import java.util.Properties;

import org.junit.jupiter.api.Test;

import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpExchange;
import dev.resilientmail.reply.SmtpTranscript;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The capture ring: bounded, oldest dropped first, and transcripts asked for again and
 * again (a pooled connection's report after every message) reflect what the ring holds
 * now, not what it held when a slot was first turned into an exchange.
 */
class CaptureTests {

	private static Capture capture(int maxExchanges) {
		Properties properties = new Properties();
		properties.setProperty("resilient-mail.transcript.max-exchanges", String.valueOf(maxExchanges));
		return new Capture(properties);
	}

	private static void exchange(Capture capture, String command, String reply) {
		capture.commandSent(command);
		capture.replied(reply);
	}

	@Test
	void transcriptKeepsTheNewestExchangesAndCountsTheDropped() {
		Capture capture = capture(3);
		exchange(capture, "MAIL FROM:<a@example.com>", "250 2.1.0 Ok");
		exchange(capture, "RCPT TO:<b@example.com>", "250 2.1.5 Ok");
		exchange(capture, "DATA", "354 End data with <CR><LF>.<CR><LF>");
		exchange(capture, ".", "250 2.0.0 Ok: queued as A1");

		SmtpTranscript transcript = capture.transcript();

		assertThat(transcript.dropped()).isEqualTo(1);
		assertThat(transcript.exchanges()).extracting(SmtpExchange::command)
			.containsExactly(SmtpCommand.RCPT, SmtpCommand.DATA, SmtpCommand.END_OF_DATA);
		assertThat(transcript.exchanges().get(2).reply())
			.hasValueSatisfying((reply) -> assertThat(reply.lines()).containsExactly("250 2.0.0 Ok: queued as A1"));
	}

	@Test
	void transcriptAskedAfterEachMessageShowsSlotsReusedByLaterExchanges() {
		Capture capture = capture(2);
		exchange(capture, "MAIL FROM:<a@example.com>", "250 2.1.0 Ok");
		exchange(capture, ".", "250 2.0.0 Ok: queued as A1");
		SmtpTranscript first = capture.transcript();

		exchange(capture, "NOOP", "250 2.0.0 Ok");
		exchange(capture, ".", "250 2.0.0 Ok: queued as B2");
		SmtpTranscript second = capture.transcript();

		assertThat(first.exchanges()).extracting(SmtpExchange::commandLine)
			.containsExactly("MAIL FROM:<a@example.com>", ".");
		assertThat(second.exchanges()).extracting(SmtpExchange::commandLine).containsExactly("NOOP", ".");
		assertThat(second.exchanges().get(1).reply())
			.hasValueSatisfying((reply) -> assertThat(reply.lines()).containsExactly("250 2.0.0 Ok: queued as B2"));
		assertThat(second.dropped()).isEqualTo(2);
	}

	@Test
	void transcriptOfAnUnchangedRingIsTheSame() {
		Capture capture = capture(4);
		exchange(capture, "EHLO client.example", "250-mx.test\r\n250 PIPELINING");
		exchange(capture, "MAIL FROM:<a@example.com>", "250 2.1.0 Ok");

		assertThat(capture.transcript()).isEqualTo(capture.transcript());
	}

	@Test
	void commandLinesAreEscapedAsRepliesAre() {
		Capture capture = capture(4);
		exchange(capture, "MAIL FROM:<a@example.com>\r\nRCPT TO:<eve@example.net>\u0000", "250 2.1.0 Ok");

		SmtpExchange exchange = capture.transcript().exchanges().get(0);

		assertThat(exchange.commandLine())
			.isEqualTo("MAIL FROM:<a@example.com>\uFFFD\uFFFDRCPT TO:<eve@example.net>\uFFFD");
		assertThat(exchange.toString()).doesNotContain("\r").hasLineCount(2);
	}

	@Test
	void transactionKeepsEveryRecipientsReplyWhenTheRingKeepsFew() throws Exception {
		Capture capture = capture(2);
		java.util.List<jakarta.mail.internet.InternetAddress> recipients = new java.util.ArrayList<>();
		for (int i = 0; i < 5; i++) {
			recipients.add(new jakarta.mail.internet.InternetAddress("r" + i + "@example.com"));
		}
		Transaction transaction = new Transaction(recipients);
		capture.begin(transaction);
		exchange(capture, "MAIL FROM:<a@example.com>", "250 2.1.0 Ok");
		for (int i = 0; i < 5; i++) {
			exchange(capture, "RCPT TO:<r" + i + "@example.com>", (i == 1) ? "550 5.1.1 Unknown" : "250 2.1.5 Ok");
		}
		capture.end();
		exchange(capture, "RCPT TO:<late@example.com>", "250 2.1.5 Ok");

		assertThat(capture.transcript().exchanges()).hasSize(2);
		assertThat(transaction.mailReply()).isEqualTo("250 2.1.0 Ok");
		assertThat(transaction.rcptSent(4)).isTrue();
		assertThat(transaction.rcptReply(0)).isEqualTo("250 2.1.5 Ok");
		assertThat(transaction.rcptReply(1)).isEqualTo("550 5.1.1 Unknown");
		assertThat(transaction.dataSent()).isFalse();
	}

}
