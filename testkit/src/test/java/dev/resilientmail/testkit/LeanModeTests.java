package dev.resilientmail.testkit;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lean mode: many messages over one connection, envelopes and sizes kept, bodies not.
 */
class LeanModeTests {

	private static final int MESSAGES = 10_000;

	@Test
	void receivesManyPipelinedMessagesOverOneConnectionWithoutKeepingBodies() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().lean().start();
				SmtpClient client = SmtpClient.greeted(server)) {
			client.command("EHLO bench.test");
			byte[] message = ("MAIL FROM:<bench@example.com>\r\nRCPT TO:<to@example.com>\r\nRCPT TO:<"
					+ "cc@example.com>\r\nDATA\r\nSubject: x\r\n\r\n..body\r\n.\r\n")
				.getBytes(StandardCharsets.US_ASCII);
			AtomicReference<Throwable> writeFailure = new AtomicReference<>();
			Thread writer = new Thread(() -> {
				try {
					OutputStream out = new BufferedOutputStream(client.socket().getOutputStream(), 64 * 1024);
					for (int i = 0; i < MESSAGES; i++) {
						out.write(message);
					}
					out.flush();
				}
				catch (IOException ex) {
					writeFailure.set(ex);
				}
			}, "lean-mode-writer");
			writer.setDaemon(true);
			writer.start();
			int queued = 0;
			for (int i = 0; i < MESSAGES * 5; i++) {
				String reply = client.readReply();
				assertThat(reply).isNotNull().matches("(250|354) .*");
				if (reply.startsWith("250 2.0.0 Ok: queued")) {
					queued++;
				}
			}
			writer.join(SmtpClient.TIMEOUT_MILLIS);
			assertThat(writeFailure.get()).isNull();
			assertThat(queued).isEqualTo(MESSAGES);

			List<ReceivedMessage> received = server.awaitMessages(MESSAGES, Duration.ofSeconds(5));
			assertThat(received).hasSize(MESSAGES);
			assertThat(received.get(MESSAGES - 1).recipients()).containsExactly("to@example.com", "cc@example.com");
			assertThat(received).allSatisfy((each) -> {
				assertThat(each.data()).isEmpty();
				assertThat(each.size()).isEqualTo("Subject: x\r\n\r\n.body\r\n".length());
			});
			assertThat(server.copiesFor("cc@example.com")).isEqualTo(MESSAGES);
			assertThat(server.commands()).isEmpty();
		}
	}

}
