package dev.resilientmail.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default behaviour of the server, over a plain socket: a Postfix-like accepting MTA.
 */
class FaultSmtpServerProtocolTests {

	private FaultSmtpServer server;

	@AfterEach
	void closeServer() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void acceptsAMessageAndRecordsCommandsEnvelopeAndDotUnstuffedContent() throws IOException {
		this.server = FaultSmtpServer.start();
		try (SmtpClient client = SmtpClient.connect(this.server)) {
			assertThat(client.readReply()).isEqualTo("220 mx.test ESMTP resilient-mail testkit");
			assertThat(client.command("EHLO client.test")).isEqualTo(
					"250-mx.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME");
			assertThat(client.command("MAIL FROM:<alice@example.com>")).isEqualTo("250 2.1.0 Ok");
			assertThat(client.command("RCPT TO:<bob@example.com>")).isEqualTo("250 2.1.5 Ok");
			assertThat(client.command("RCPT TO:<carol@example.com>")).isEqualTo("250 2.1.5 Ok");
			assertThat(client.command("DATA")).isEqualTo("354 End data with <CR><LF>.<CR><LF>");
			client.sendRaw("Subject: hi\r\n\r\n..leading dot\r\n.\r\n");
			assertThat(client.readReply()).matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]+");
			assertThat(client.command("QUIT")).isEqualTo("221 2.0.0 Bye");
			assertThat(client.closedByServer()).isTrue();
		}
		assertThat(this.server.commands()).containsExactly("EHLO client.test", "MAIL FROM:<alice@example.com>",
				"RCPT TO:<bob@example.com>", "RCPT TO:<carol@example.com>", "DATA", "QUIT");
		List<ReceivedMessage> messages = this.server.messages();
		assertThat(messages).hasSize(1);
		ReceivedMessage message = messages.get(0);
		assertThat(message.connection()).isEqualTo(1);
		assertThat(message.mailFrom()).isEqualTo("alice@example.com");
		assertThat(message.recipients()).containsExactly("bob@example.com", "carol@example.com");
		assertThat(message.text()).isEqualTo("Subject: hi\r\n\r\n.leading dot\r\n");
		assertThat(message.size()).isEqualTo(message.data().length);
		assertThat(message.header("subject")).isEqualTo("hi");
		assertThat(this.server.copiesFor("BOB@example.com")).isEqualTo(1);
		assertThat(this.server.copiesFor("dave@example.com")).isZero();
		assertThat(this.server.connectionCount()).isEqualTo(1);
	}

	@Test
	void answersPipelinedCommandsInOrder() throws IOException {
		this.server = FaultSmtpServer.start();
		this.server.when(Phase.RCPT).recipient("nobody@example.com").reply("550 5.1.1 User unknown");
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			client.command("EHLO client.test");
			client.sendRaw("MAIL FROM:<a@example.com>\r\nRCPT TO:<nobody@example.com>\r\nRCPT TO:<b@example.com>\r\n"
					+ "DATA\r\n");
			assertThat(client.readReply()).isEqualTo("250 2.1.0 Ok");
			assertThat(client.readReply()).isEqualTo("550 5.1.1 User unknown");
			assertThat(client.readReply()).isEqualTo("250 2.1.5 Ok");
			assertThat(client.readReply()).startsWith("354 ");
			client.sendRaw("body\r\n.\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<c@example.com>\r\nDATA\r\n");
			assertThat(client.readReply()).startsWith("250 2.0.0 Ok: queued as");
			assertThat(client.readReply()).isEqualTo("250 2.1.0 Ok");
			assertThat(client.readReply()).isEqualTo("250 2.1.5 Ok");
			assertThat(client.readReply()).startsWith("354 ");
		}
		assertThat(this.server.messages()).singleElement()
			.satisfies((message) -> assertThat(message.recipients()).containsExactly("b@example.com"));
	}

	@Test
	void rsetEndsTheTransaction() throws IOException {
		this.server = FaultSmtpServer.start();
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			client.startTransaction("a@example.com");
			client.command("RCPT TO:<b@example.com>");
			assertThat(client.command("RSET")).isEqualTo("250 2.0.0 Ok");
			assertThat(client.command("RCPT TO:<b@example.com>")).isEqualTo("503 5.5.1 Error: need MAIL command");
			assertThat(client.command("DATA")).isEqualTo("503 5.5.1 Error: need MAIL command");
			assertThat(client.command("MAIL FROM:<a2@example.com>")).isEqualTo("250 2.1.0 Ok");
			assertThat(client.command("DATA")).isEqualTo("554 5.5.1 Error: no valid recipients");
			assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
		}
		assertThat(this.server.messages()).isEmpty();
	}

	@Test
	void refusesCommandsOutOfSequenceOrMalformed() throws IOException {
		this.server = FaultSmtpServer.start();
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			assertThat(client.command("MAIL FROM:<a@example.com>")).isEqualTo("503 5.5.1 Error: send HELO/EHLO first");
			assertThat(client.command("EHLO")).isEqualTo("501 5.5.4 Syntax: EHLO hostname");
			assertThat(client.command("HELO client.test")).isEqualTo("250 mx.test");
			assertThat(client.command("MAIL FROM:a@example.com")).isEqualTo("250 2.1.0 Ok");
			assertThat(client.command("MAIL FROM:<a@example.com>")).isEqualTo("503 5.5.1 Error: nested MAIL command");
			assertThat(client.command("RCPT <b@example.com>")).isEqualTo("501 5.5.4 Syntax: RCPT TO:<address>");
			assertThat(client.command("VRFY bob")).isEqualTo("502 5.5.2 Error: command not recognized");
			assertThat(client.command("")).isEqualTo("502 5.5.2 Error: command not recognized");
		}
		assertThat(this.server.commands()).contains("VRFY bob", "");
	}

	@Test
	void replacesTheGreetingWithAMultiLineOne() throws IOException {
		this.server = FaultSmtpServer.builder()
			.hostname("smtp.example.org")
			.greeting("220 smtp.example.org ESMTP", "220 no UCE")
			.start();
		try (SmtpClient client = SmtpClient.connect(this.server)) {
			assertThat(client.readReply()).isEqualTo("220-smtp.example.org ESMTP\r\n220 no UCE");
			assertThat(client.command("EHLO c")).startsWith("250-smtp.example.org\r\n");
		}
	}

	@Test
	void refusesEverythingButQuitAfterARefusingGreeting() throws IOException {
		this.server = FaultSmtpServer.start();
		this.server.when(Phase.GREETING).reply("554 5.7.1 mx.test: no SMTP service here");
		try (SmtpClient client = SmtpClient.connect(this.server)) {
			assertThat(client.readReply()).isEqualTo("554 5.7.1 mx.test: no SMTP service here");
			assertThat(client.command("EHLO c")).startsWith("503 5.5.1 ");
			assertThat(client.command("QUIT")).isEqualTo("221 2.0.0 Bye");
		}
	}

	@Test
	void withoutEnhancedStatusCodesNeitherAdvertisesNorWritesThem() throws IOException {
		this.server = FaultSmtpServer.builder().enhancedStatusCodes(false).pipelining(false).size(0).start();
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			assertThat(client.command("EHLO c")).isEqualTo("250-mx.test\r\n250 8BITMIME");
			assertThat(client.command("MAIL FROM:<a@example.com>")).isEqualTo("250 Ok");
			assertThat(client.command("RCPT TO:<b@example.com>")).isEqualTo("250 Ok");
			assertThat(client.command("DATA")).startsWith("354 ");
			client.sendRaw("x\r\n.\r\n");
			assertThat(client.readReply()).matches("250 Ok: queued as [0-9A-F]+");
			assertThat(client.command("FOO")).isEqualTo("502 Error: command not recognized");
		}
	}

	@Test
	void advertisesConfiguredExtensions() throws IOException {
		this.server = FaultSmtpServer.builder()
			.size(1000)
			.startTls()
			.auth("u", "p")
			.extensions("DSN", "SMTPUTF8")
			.start();
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			assertThat(client.command("EHLO c").split("\r\n")).containsExactly("250-mx.test", "250-PIPELINING",
					"250-SIZE 1000", "250-STARTTLS", "250-AUTH PLAIN LOGIN", "250-ENHANCEDSTATUSCODES", "250-8BITMIME",
					"250-DSN", "250 SMTPUTF8");
		}
	}

	@Test
	void refusesMessagesOverTheSizeLimit() throws IOException {
		this.server = FaultSmtpServer.builder().size(600).start();
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			client.command("EHLO c");
			assertThat(client.command("MAIL FROM:<a@example.com> SIZE=601"))
				.isEqualTo("552 5.3.4 Message size exceeds fixed limit");
			assertThat(client.command("MAIL FROM:<a@example.com> SIZE=x"))
				.isEqualTo("501 5.5.4 Bad message size syntax");
			assertThat(client.command("MAIL FROM:<a@example.com> SIZE=100")).isEqualTo("250 2.1.0 Ok");
			client.command("RCPT TO:<b@example.com>");
			client.command("DATA");
			client.sendRaw("x".repeat(599) + "\r\n.\r\n");
			assertThat(client.readReply()).isEqualTo("552 5.3.4 Message size exceeds fixed limit");
			client.startTransaction("a@example.com");
			client.command("RCPT TO:<b@example.com>");
			client.command("DATA");
			client.sendRaw("x".repeat(598) + "\r\n.\r\n");
			assertThat(client.readReply()).startsWith("250 2.0.0 ");
		}
		assertThat(this.server.messages()).singleElement().satisfies((message) -> {
			assertThat(message.size()).isEqualTo(600);
			assertThat(message.data()).hasSize(600);
		});
	}

	@Test
	void limitsRecipientsPerTransaction() throws IOException {
		this.server = FaultSmtpServer.builder().maxRecipients(2).start();
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			client.startTransaction("a@example.com");
			assertThat(client.command("RCPT TO:<b1@example.com>")).startsWith("250 ");
			assertThat(client.command("RCPT TO:<b2@example.com>")).startsWith("250 ");
			assertThat(client.command("RCPT TO:<b3@example.com>")).isEqualTo("452 4.5.3 Too many recipients");
			client.command("RSET");
			client.command("MAIL FROM:<a@example.com>");
			assertThat(client.command("RCPT TO:<b3@example.com>")).startsWith("250 ");
		}
	}

	@Test
	void refusesALineLongerThanOneMebibyteAndCloses() throws IOException {
		this.server = FaultSmtpServer.start();
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			client.sendRaw("NOOP " + "x".repeat(1024 * 1024) + "\r\n");
			assertThat(client.readReply()).isEqualTo("500 5.5.0 Line too long");
			assertThat(client.closedByServer()).isTrue();
		}
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			client.sendRaw("NOOP " + "x".repeat(1024 * 1024 - 5) + "\r\n");
			assertThat(client.readReply()).isEqualTo("250 2.0.0 Ok");
		}
	}

	@Test
	void boundsBodyLinesToo() throws IOException {
		this.server = FaultSmtpServer.builder().maxLineLength(1000).start();
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			client.startTransaction("a@example.com");
			client.command("RCPT TO:<b@example.com>");
			client.command("DATA");
			client.sendRaw("y".repeat(1000) + "\r\n" + "z".repeat(1001) + "\r\n.\r\n");
			assertThat(client.readReply()).isEqualTo("500 5.5.0 Line too long");
			assertThat(client.closedByServer()).isTrue();
		}
		assertThat(this.server.messages()).isEmpty();
	}

	@Test
	void acceptsBareLineFeedsAndUtf8Addresses() throws IOException {
		this.server = FaultSmtpServer.start();
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			client.sendRaw("EHLO c\n");
			client.readReply();
			client.sendRaw("MAIL FROM:<>\nRCPT TO:<jürgen@exämple.de>\nDATA\n");
			client.readReply();
			assertThat(client.readReply()).startsWith("250 ");
			assertThat(client.readReply()).startsWith("354 ");
			client.sendRaw("Subject: Grüße\n\nline\n.\n".getBytes(StandardCharsets.UTF_8));
			assertThat(client.readReply()).startsWith("250 ");
		}
		ReceivedMessage message = this.server.awaitMessages(1, Duration.ofSeconds(5)).get(0);
		assertThat(message.mailFrom()).isEmpty();
		assertThat(message.recipients()).containsExactly("jürgen@exämple.de");
		assertThat(message.header("Subject")).isEqualTo("Grüße");
		assertThat(message.text()).isEqualTo("Subject: Grüße\r\n\r\nline\r\n");
	}

	@Test
	void countsConnectionsAndNumbersMessagesByConnection() throws IOException {
		this.server = FaultSmtpServer.start();
		for (int i = 0; i < 3; i++) {
			try (SmtpClient client = SmtpClient.greeted(this.server)) {
				client.startTransaction("a@example.com");
				client.command("RCPT TO:<dup@example.com>");
				client.command("DATA");
				client.sendRaw("copy " + i + "\r\n.\r\n");
				client.readReply();
			}
		}
		assertThat(this.server.connectionCount()).isEqualTo(3);
		assertThat(this.server.messages()).extracting(ReceivedMessage::connection).containsExactly(1, 2, 3);
		assertThat(this.server.copiesFor("dup@example.com")).isEqualTo(3);
	}

	@Test
	void resetForgetsRulesAndRecordings() throws IOException {
		this.server = FaultSmtpServer.start();
		this.server.when(Phase.NOOP).reply("250 scripted");
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			assertThat(client.command("NOOP")).isEqualTo("250 scripted");
		}
		this.server.reset();
		assertThat(this.server.commands()).isEmpty();
		assertThat(this.server.connectionCount()).isZero();
		try (SmtpClient client = SmtpClient.greeted(this.server)) {
			assertThat(client.command("NOOP")).isEqualTo("250 2.0.0 Ok");
		}
		assertThat(this.server.connectionCount()).isEqualTo(1);
		assertThat(this.server.commands()).containsExactly("NOOP");
	}

}
