package dev.resilientmail.transport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.TransientFailure;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * PIPELINING (RFC 2920) against raw servers that check how the commands arrive and answer
 * in order, out of order, too little, too much or not at all: each recipient keeps its
 * own reply, nobody is delivered without the final 250, and no message body leaves the
 * client when the replies cannot be trusted.
 */
class PipeliningTests {

	private static final List<String> RECIPIENTS = List.of("a@example.com", "b@example.com", "c@example.com");

	/** Lines the server read after it answered the batch: a body must not be there. */
	private final List<String> afterBatch = new CopyOnWriteArrayList<>();

	@Test
	void mailRcptsAndDataArriveInOneBatchAndEachRecipientKeepsItsOwnReply() throws Exception {
		try (HostileServer server = HostileServer.start((c) -> {
			greet(c, true);
			// nothing is answered before the whole batch is in: a lock-step client
			// would wait here for the MAIL reply until its read timeout
			List<String> batch = read(c, 5);
			assertThat(batch.get(0)).startsWith("MAIL FROM:");
			c.line("250 2.1.0 Ok");
			c.line("250 2.1.5 a ok");
			c.line("550 5.1.1 <b@example.com>: Recipient address rejected: User unknown");
			c.line("250 2.1.5 c ok");
			c.line("354 go ahead");
			readBody(c);
			c.line("250 2.0.0 Ok: queued as PIPE1");
			c.answerTheRest();
		})) {
			CapturingSmtpTransport transport = connect(server, true);
			try {
				SmtpFailure failure = catchThrowableOfType(SmtpFailure.class, () -> send(transport));
				assertThat(failure.recipientOutcomes()).extracting((o) -> o.recipient().getAddress(), (o) -> o.status())
					.containsExactly(tuple("a@example.com", RecipientOutcome.Status.DELIVERED),
							tuple("b@example.com", RecipientOutcome.Status.REJECTED),
							tuple("c@example.com", RecipientOutcome.Status.DELIVERED));
				assertThat(failure.recipientOutcomes().get(1).reply().get().code()).isEqualTo(550);
				List<SmtpExchange> rcpts = failure.transcript()
					.exchanges()
					.stream()
					.filter((e) -> e.command() == SmtpCommand.RCPT)
					.toList();
				assertThat(rcpts).extracting((e) -> e.reply().get().code()).containsExactly(250, 550, 250);
			}
			finally {
				transport.close();
			}
		}
	}

	@Test
	void allAcceptedIsDeliveredWithTheFinalReply() throws Exception {
		try (HostileServer server = HostileServer.start((c) -> {
			greet(c, true);
			read(c, 5);
			c.line("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 go ahead");
			readBody(c);
			c.line("250 2.0.0 Ok: queued as PIPE2");
			c.answerTheRest();
		})) {
			CapturingSmtpTransport transport = connect(server, true);
			try {
				send(transport);
				assertThat(transport.lastDeliveryReport().acceptedRecipients()).hasSize(3);
				assertThat(transport.lastDeliveryReport().finalReply().text()).contains("PIPE2");
			}
			finally {
				transport.close();
			}
		}
	}

	@Test
	void repliesOutOfOrderEndTheConnectionBeforeAnyOfTheMessage() throws Exception {
		assertNothingSent(failureFrom((c) -> {
			greet(c, true);
			read(c, 5);
			// 354 where the first RCPT's reply belongs
			c.line("250 2.1.0 Ok\r\n354 go ahead\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok");
			recordUntilClosed(c);
		}), FailureReason.PROTOCOL_ERROR);
	}

	@Test
	void moreRepliesThanCommandsEndTheConnectionBeforeAnyOfTheMessage() throws Exception {
		assertNothingSent(failureFrom((c) -> {
			greet(c, true);
			read(c, 5);
			c.line("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 go ahead\r\n250 2.0.0 extra");
			recordUntilClosed(c);
		}), FailureReason.PROTOCOL_ERROR);
	}

	@Test
	void fewerRepliesThanCommandsTimeOutWithNobodyDelivered() throws Exception {
		SmtpFailure failure = failureFrom((c) -> {
			greet(c, true);
			read(c, 5);
			c.line("250 2.1.0 Ok\r\n250 2.1.5 Ok");
			recordUntilClosed(c);
		});
		assertNothingSent(failure, FailureReason.CONNECTION_FAILED);
	}

	@Test
	void dropMidBatchLeavesEveryRecipientNotDelivered() throws Exception {
		SmtpFailure failure = failureFrom((c) -> {
			greet(c, true);
			read(c, 5);
			c.line("250 2.1.0 Ok\r\n250 2.1.5 Ok");
			throw new IOException("drop");
		});
		assertNothingSent(failure, FailureReason.CONNECTION_FAILED);
	}

	@Test
	void rcptAnsweredWith421EndsTheTransactionThereThoughDataWentOut() throws Exception {
		SmtpFailure failure = failureFrom((c) -> {
			greet(c, true);
			read(c, 5);
			// Postfix after an access map's 421: it answers what it read, then closes
			c.line("250 2.1.0 Ok\r\n250 2.1.5 Ok");
			c.line("421 4.3.2 <b@example.com>: Recipient address rejected: Service not available, closing"
					+ " transmission channel");
			throw new IOException("closed after 421");
		});
		assertNothingSent(failure, FailureReason.SYSTEM_ERROR);
		assertThat(failure.command()).isEqualTo(SmtpCommand.RCPT);
		assertThat(failure.reply().get().code()).isEqualTo(421);
		assertThat(failure.enhancedCode()).hasToString("4.3.2");
		assertThat(failure.getMessage()).contains("at RCPT: 421 4.3.2");
	}

	@Test
	void refusedMailGivesEveryRecipientTheMailReplyAndTheConnectionGoesOn() throws Exception {
		try (HostileServer server = HostileServer.start((c) -> {
			greet(c, true);
			read(c, 5);
			c.line("451 4.3.0 Temporary failure, try again later");
			c.line("503 5.5.1 Error: need MAIL command\r\n503 5.5.1 Error: need MAIL command");
			c.line("503 5.5.1 Error: need MAIL command\r\n503 5.5.1 Error: need RCPT command");
			// then Angus's RSET, and the second message, pipelined again
			assertThat(c.command()).isEqualTo("RSET");
			c.line("250 2.0.0 Ok");
			read(c, 5);
			c.line("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 go ahead");
			readBody(c);
			c.line("250 2.0.0 Ok: queued as PIPE3");
			c.answerTheRest();
		})) {
			CapturingSmtpTransport transport = connect(server, true);
			try {
				SmtpFailure failure = catchThrowableOfType(SmtpFailure.class, () -> send(transport));
				assertThat(failure).isInstanceOf(TransientFailure.class);
				assertThat(failure.recipientOutcomes()).hasSize(3).allSatisfy((o) -> {
					assertThat(o.status()).isEqualTo(RecipientOutcome.Status.NOT_DELIVERED);
					assertThat(o.reply().get().code()).isEqualTo(451);
				});
				send(transport);
				assertThat(transport.lastDeliveryReport().finalReply().text()).contains("PIPE3");
			}
			finally {
				transport.close();
			}
		}
	}

	@Test
	void withoutPipeliningAdvertisedCommandsGoOneAtATime() throws Exception {
		assertLockStep(false, true);
	}

	@Test
	void settingFalseKeepsLockStepWhenTheServerPipelines() throws Exception {
		assertLockStep(true, false);
	}

	private void assertLockStep(boolean advertise, boolean pipelining) throws Exception {
		List<String> early = new CopyOnWriteArrayList<>();
		try (HostileServer server = HostileServer.start((c) -> {
			greet(c, advertise);
			for (int i = 0; i < 5; i++) {
				String command = c.command();
				if (c.pending()) {
					early.add(command);
				}
				c.line(command.startsWith("DATA") ? "354 go ahead" : "250 2.1.0 Ok");
			}
			readBody(c);
			c.line("250 2.0.0 Ok: queued as STEP");
			c.answerTheRest();
		})) {
			CapturingSmtpTransport transport = connect(server, pipelining);
			try {
				send(transport);
				assertThat(transport.lastDeliveryReport().acceptedRecipients()).hasSize(3);
			}
			finally {
				transport.close();
			}
		}
		assertThat(early).as("commands that came with the next one already behind them").isEmpty();
	}

	private SmtpFailure failureFrom(HostileServer.Script script) throws Exception {
		try (HostileServer server = HostileServer.start(script)) {
			CapturingSmtpTransport transport = connect(server, true);
			try {
				return catchThrowableOfType(SmtpFailure.class, () -> send(transport));
			}
			finally {
				transport.close();
				server.awaitClientClosed(5_000);
			}
		}
	}

	private void assertNothingSent(SmtpFailure failure, FailureReason reason) {
		assertThat(failure).isInstanceOf(TransientFailure.class);
		assertThat(failure.reason()).isEqualTo(reason);
		assertThat(failure.recipientOutcomes()).hasSize(3)
			.noneMatch(RecipientOutcome::isDelivered)
			.noneMatch((o) -> o.status() == RecipientOutcome.Status.UNCERTAIN);
		assertThat(this.afterBatch).as("what the client sent after the batch")
			.noneMatch((line) -> line.contains("Subject") || line.equals(".") || line.contains("pipelined body"));
	}

	private void recordUntilClosed(HostileServer.Conversation c) throws IOException {
		while (true) {
			this.afterBatch.add(c.command());
		}
	}

	private static void greet(HostileServer.Conversation c, boolean pipelining) throws IOException {
		c.line("220 mx.pipe ESMTP");
		c.command();
		c.line("250-mx.pipe");
		if (pipelining) {
			c.line("250-PIPELINING");
		}
		c.line("250 ENHANCEDSTATUSCODES");
	}

	private static List<String> read(HostileServer.Conversation c, int count) throws IOException {
		List<String> commands = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			commands.add(c.command());
		}
		return commands;
	}

	private static void readBody(HostileServer.Conversation c) throws IOException {
		while (!c.command().equals(".")) {
			// the message
		}
	}

	private static CapturingSmtpTransport connect(HostileServer server, boolean pipelining) throws Exception {
		Properties properties = new Properties();
		properties.setProperty("mail.smtp.class", CapturingSmtpTransport.class.getName());
		properties.setProperty("mail.smtp.host", server.host());
		properties.setProperty("mail.smtp.port", String.valueOf(server.port()));
		properties.setProperty("mail.smtp.connectiontimeout", "2000");
		properties.setProperty("mail.smtp.timeout", "1000");
		// as MailDelivery sets it: the accepted recipients get the message
		properties.setProperty("mail.smtp.sendpartial", "true");
		properties.setProperty("resilient-mail.pipelining", String.valueOf(pipelining));
		CapturingSmtpTransport transport = CapturingSmtpTransport.of(Session.getInstance(properties), "smtp");
		transport.connect();
		return transport;
	}

	private static void send(CapturingSmtpTransport transport) throws Exception {
		MimeMessage message = new MimeMessage((Session) null);
		message.setFrom(new InternetAddress("sender@example.com"));
		for (String recipient : RECIPIENTS) {
			message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
		}
		message.setSubject("pipelined");
		message.setText("the pipelined body\r\n");
		message.saveChanges();
		transport.sendMessage(message, message.getAllRecipients());
	}

	private static org.assertj.core.groups.Tuple tuple(Object... values) {
		return org.assertj.core.groups.Tuple.tuple(values);
	}

}
