package dev.resilientmail.testkit;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Dropped connections, stalls, closing and thread hygiene, over a plain socket.
 */
class FaultSmtpServerFaultTests {

	@RegisterExtension
	static final FaultSmtpServerExtension smtp = new FaultSmtpServerExtension();

	@Test
	void dropsTheConnectionInsteadOfReplying() throws IOException {
		smtp.server().when(Phase.RCPT).recipient("b@example.com").drop();
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			client.startTransaction("a@example.com");
			client.send("RCPT TO:<b@example.com>");
			assertThat(client.readToEnd()).isEmpty();
		}
		assertThat(smtp.server().commands()).endsWith("RCPT TO:<b@example.com>");
	}

	@Test
	void dropsBeforeTheGreeting() throws IOException {
		smtp.server().when(Phase.GREETING).drop();
		try (SmtpClient client = SmtpClient.connect(smtp.server())) {
			assertThat(client.readToEnd()).isEmpty();
		}
	}

	@Test
	void dropsInTheMiddleOfAReply() throws IOException {
		smtp.server().when(Phase.EHLO).dropMidReply("250-mx.test Hel");
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			client.send("EHLO c");
			assertThat(client.readToEnd()).isEqualTo("250-mx.test Hel");
		}
	}

	@Test
	void dropsAfterTheBodyBeforeTheFinalReplyAndRecordsTheMessageAsUnacknowledged() throws IOException {
		smtp.server().when(Phase.END_OF_DATA).drop();
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			client.startTransaction("a@example.com");
			client.command("RCPT TO:<b@example.com>");
			client.command("DATA");
			client.sendRaw("Subject: lost?\r\n\r\nbody\r\n.\r\n");
			assertThat(client.readToEnd()).isEmpty();
		}
		assertThat(smtp.server().messages()).isEmpty();
		assertThat(smtp.server().copiesFor("b@example.com")).isZero();
		assertThat(smtp.server().unacknowledgedMessages()).singleElement().satisfies((message) -> {
			assertThat(message.recipients()).containsExactly("b@example.com");
			assertThat(message.header("Subject")).isEqualTo("lost?");
		});
	}

	@Test
	void dropsWhileReceivingTheBody() throws IOException {
		smtp.server().when(Phase.BODY).drop();
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			client.startTransaction("a@example.com");
			client.command("RCPT TO:<b@example.com>");
			client.command("DATA");
			client.sendRaw("first line\r\n");
			assertThat(client.readToEnd()).isEmpty();
		}
		assertThat(smtp.server().messages()).isEmpty();
		assertThat(smtp.server().unacknowledgedMessages()).isEmpty();
	}

	@Test
	void repliesThenDropsAfterTheFinalReply() throws IOException {
		smtp.server().when(Phase.END_OF_DATA).reply("250 2.0.0 Ok: queued as ABC").thenDrop();
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			client.startTransaction("a@example.com");
			client.command("RCPT TO:<b@example.com>");
			client.command("DATA");
			client.sendRaw("x\r\n.\r\n");
			assertThat(client.readToEnd()).isEqualTo("250 2.0.0 Ok: queued as ABC\r\n");
		}
		assertThat(smtp.server().copiesFor("b@example.com")).isEqualTo(1);
	}

	@Test
	void aDefaultReplyCanBeFollowedByADrop() throws IOException {
		smtp.server().when(Phase.RSET).defaultReply().thenDrop();
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			client.send("RSET");
			assertThat(client.readToEnd()).isEqualTo("250 2.0.0 Ok\r\n");
		}
	}

	@Test
	void stallsUntilTheClientTimesOutThenCloseEndsTheStall() throws IOException {
		smtp.server().when(Phase.DATA).stall();
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			client.startTransaction("a@example.com");
			client.command("RCPT TO:<b@example.com>");
			client.send("DATA");
			client.soTimeout(300);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(client::readLine);
			client.soTimeout(SmtpClient.TIMEOUT_MILLIS);
			smtp.server().close();
			// within the 5 s timeout: the stall ended with the server, not with the
			// client
			assertThat(client.closedByServer()).isTrue();
		}
		assertThat(serverThreads()).isEmpty();
	}

	@Test
	void stallsBeforeTheGreeting() throws IOException {
		smtp.server().when(Phase.GREETING).stall();
		try (SmtpClient client = SmtpClient.connect(smtp.server())) {
			client.soTimeout(300);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(client::readLine);
		}
	}

	@Test
	void aStallAtTheFinalReplyLeavesTheMessageUnacknowledged() throws IOException {
		smtp.server().when(Phase.END_OF_DATA).stall();
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			client.startTransaction("a@example.com");
			client.command("RCPT TO:<b@example.com>");
			client.command("DATA");
			client.sendRaw("x\r\n.\r\n");
			client.soTimeout(300);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(client::readLine);
		}
		assertThat(smtp.server().unacknowledgedMessages()).hasSize(1);
		assertThat(smtp.server().messages()).isEmpty();
	}

	@Test
	void closeEndsEveryConnectionAndLeavesNoThreadBehind() throws IOException {
		smtp.server().when(Phase.NOOP).connection(2).stall();
		try (SmtpClient idle = SmtpClient.greeted(smtp.server());
				SmtpClient stalled = SmtpClient.greeted(smtp.server());
				SmtpClient midBody = SmtpClient.greeted(smtp.server())) {
			stalled.send("NOOP");
			midBody.startTransaction("a@example.com");
			midBody.command("RCPT TO:<b@example.com>");
			midBody.command("DATA");
			midBody.sendRaw("half a body\r\n");
			assertThat(serverThreads()).hasSize(4);

			smtp.server().close();

			assertThat(serverThreads()).isEmpty();
			assertThat(idle.closedByServer()).isTrue();
			assertThat(stalled.closedByServer()).isTrue();
			assertThat(midBody.closedByServer()).isTrue();
			assertThat(smtp.server().isClosed()).isTrue();
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> SmtpClient.connect(smtp.server()));
		}
		smtp.server().close();
	}

	@Test
	void serverThreadsAreDaemons() throws IOException {
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			assertThat(client.command("NOOP")).startsWith("250 ");
			assertThat(serverThreads()).hasSize(2).allMatch(Thread::isDaemon);
		}
	}

	@Test
	void awaitMessagesReturnsOnceTheyArriveAndFailsClearlyOtherwise() throws IOException {
		try (SmtpClient client = SmtpClient.greeted(smtp.server())) {
			client.startTransaction("a@example.com");
			client.command("RCPT TO:<b@example.com>");
			client.command("DATA");
			client.sendRaw("x\r\n.\r\n");
			client.readReply();
		}
		assertThat(smtp.server().awaitMessages(1, Duration.ofSeconds(5))).hasSize(1);
		assertThat(smtp.server().awaitMessages(0, Duration.ZERO)).hasSize(1);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> smtp.server().awaitMessages(2, Duration.ofMillis(50)))
			.withMessageStartingWith("expected 2 message(s) within PT0.05S, received 1");
		assertThatIllegalArgumentException().isThrownBy(() -> smtp.server().awaitMessages(-1, Duration.ZERO));
		assertThatIllegalArgumentException().isThrownBy(() -> smtp.server().awaitMessages(1, null));
	}

	private List<Thread> serverThreads() {
		String prefix = "fault-smtp-" + smtp.server().port() + "-";
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().startsWith(prefix) && thread.isAlive())
			.collect(Collectors.toList());
	}

}
