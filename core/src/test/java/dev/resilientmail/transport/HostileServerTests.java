package dev.resilientmail.transport;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.resilientmail.PermanentFailure;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.TransientFailure;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.DeliveryListener;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpExchange;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Servers that break the protocol on purpose: each must end the send in bounded time and
 * memory with a typed failure, and what they wrote must reach the logs only sanitised (no
 * control characters, no forged log lines). Prints the table of time to fail and bytes
 * allocated, also written to {@code target/reliability/hostile-servers.md}.
 */
class HostileServerTests {

	private static final int READ_TIMEOUT_MILLIS = 500;

	/** Every case must fail well within this. */
	private static final long TIME_BOUND_MILLIS = 5_000;

	/**
	 * Bytes the sending thread may allocate for one failed send; a client that read a 1
	 * MiB line into a string would allocate more than 2 MiB.
	 */
	private static final long ALLOCATION_BOUND = 1_500_000;

	private static final List<String> rows = new ArrayList<>();

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private final Logger logger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.resilientmail");

	private Level previousLevel;

	/**
	 * One send before the measured ones, so that class loading and the provider lookup do
	 * not count against the first case.
	 */
	@BeforeAll
	static void warmUp() throws Exception {
		try (HostileServer server = HostileServer.start((c) -> {
			c.line("554 5.7.1 not now");
			c.answerTheRest();
		})) {
			Session session = session(server);
			MimeMessage message = TransportScenarioTests.message(session, "bob@example.com");
			assertThat(catchThrowableOfType(SmtpFailure.class, () -> Transport.send(message))).isNotNull();
		}
	}

	@BeforeEach
	void captureLogs() {
		this.previousLevel = this.logger.getLevel();
		this.logger.setLevel(Level.DEBUG);
		this.logger.setAdditive(false);
		this.appender.start();
		this.logger.addAppender(this.appender);
	}

	@AfterEach
	void restoreLogs() {
		this.logger.detachAppender(this.appender);
		this.logger.setAdditive(true);
		this.logger.setLevel(this.previousLevel);
	}

	/**
	 * A hostile server and what it must end in; {@code shown} is how its text must appear
	 * in the failure and the log, when it is a reply at all.
	 */
	record Hostile(String name, HostileServer.Script script, Class<? extends SmtpFailure> type, FailureReason reason,
			SmtpCommand command, String shown) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	static Stream<Hostile> hostileServers() {
		return Stream.of(new Hostile("endless multi-line EHLO reply", (c) -> {
			c.line("220 mx.hostile ESMTP");
			c.command();
			byte[] line = "250-mx.hostile says more and more\r\n".getBytes(StandardCharsets.US_ASCII);
			while (true) {
				c.write(line);
			}
		}, TransientFailure.class, FailureReason.PROTOCOL_ERROR, SmtpCommand.EHLO, null),
				new Hostile("1 MiB greeting line", (c) -> {
					byte[] line = new byte[1024 * 1024 + 6];
					Arrays.fill(line, (byte) 'x');
					System.arraycopy("220 ".getBytes(StandardCharsets.US_ASCII), 0, line, 0, 4);
					line[line.length - 2] = '\r';
					line[line.length - 1] = '\n';
					c.write(line);
					c.command();
				}, TransientFailure.class, FailureReason.PROTOCOL_ERROR, SmtpCommand.CONNECT, null),
				new Hostile("ANSI escapes and CR/LF injection in a RCPT reply", (c) -> {
					c.upToMail();
					c.command();
					c.write(("550 5.1.1 \u001b[2J\u001b[31m<bob@example.com>\u001b[0m: User unknown\r"
							+ "12:00:00.000 INFO  [main] d.r.transport - delivered to 1 recipient(s)\u0007\u009b\r\n"
							+ "250 2.0.0 forged reply\r\n")
						.getBytes(StandardCharsets.UTF_8));
					c.answerTheRest();
				}, PermanentFailure.class, FailureReason.MAILBOX_UNKNOWN, SmtpCommand.RCPT,
						"\uFFFD[2J\uFFFD[31m<bob@example.com>\uFFFD[0m: User unknown\uFFFD12:00:00.000 INFO"),
				new Hostile("binary garbage as greeting", (c) -> {
					Random random = new Random(42);
					byte[] noise = new byte[4096];
					while (true) {
						random.nextBytes(noise);
						c.write(noise);
					}
				}, TransientFailure.class, FailureReason.PROTOCOL_ERROR, SmtpCommand.CONNECT, null),
				new Hostile("endless binary garbage after RCPT", (c) -> {
					c.upToMail();
					c.command();
					Random random = new Random(7);
					byte[] noise = new byte[4096];
					while (true) {
						random.nextBytes(noise);
						for (int i = 0; i < noise.length; i += 64) {
							// short lines: each one a reply without a code
							noise[i] = '\n';
						}
						c.write(noise);
					}
				}, TransientFailure.class, FailureReason.PROTOCOL_ERROR, SmtpCommand.RCPT, null),
				new Hostile("reply code 999 to MAIL FROM", (c) -> {
					c.greetAndEhlo();
					c.command();
					c.line("999 9.9.9 what is this");
					c.answerTheRest();
				}, TransientFailure.class, FailureReason.PROTOCOL_ERROR, SmtpCommand.MAIL, null),
				new Hostile("accepts the connection and never speaks", HostileServer.Conversation::silence,
						TransientFailure.class, FailureReason.CONNECTION_FAILED, SmtpCommand.CONNECT, null));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("hostileServers")
	void hostileServerEndsInBoundedTimeAndMemoryWithATypedFailure(Hostile hostile) throws Exception {
		try (HostileServer server = HostileServer.start(hostile.script())) {
			Session session = session(server);
			MimeMessage message = TransportScenarioTests.message(session, "bob@example.com");
			message.saveChanges();
			com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
				.getThreadMXBean();
			long thread = Thread.currentThread().getId();
			long allocatedBefore = threads.getThreadAllocatedBytes(thread);
			long start = System.nanoTime();

			SmtpFailure failure = catchThrowableOfType(SmtpFailure.class, () -> Transport.send(message));

			long millis = (System.nanoTime() - start) / 1_000_000;
			long allocated = threads.getThreadAllocatedBytes(thread) - allocatedBefore;
			assertThat(failure).as("a typed failure").isNotNull();
			assertThat(server.awaitClientClosed(2_000)).as("the client closed the connection").isTrue();
			rows.add(String.format(Locale.ROOT, "| %s | %s %s at %s | %d | %,d |", hostile.name(),
					failure.getClass().getSimpleName(), failure.reason(), failure.command(), millis, allocated));

			assertThat(failure).isInstanceOf(hostile.type());
			assertThat(failure.reason()).isEqualTo(hostile.reason());
			assertThat(failure.command()).isEqualTo(hostile.command());
			assertThat(millis).as("time to fail (ms)").isLessThan(TIME_BOUND_MILLIS);
			assertThat(allocated).as("bytes allocated by the sending thread").isLessThan(ALLOCATION_BOUND);
			assertSanitised(failure.getMessage());
			assertSanitised(failure.transcript().toString());
			assertThat(this.appender.list).as("the failure was logged").isNotEmpty();
			for (ILoggingEvent event : this.appender.list) {
				assertSanitised(event.getFormattedMessage());
			}
			if (hostile.shown() != null) {
				assertThat(failure.getMessage()).contains(hostile.shown());
				assertThat(this.appender.list).extracting(ILoggingEvent::getFormattedMessage)
					.anySatisfy((line) -> assertThat(line).contains("S: 550 5.1.1 " + hostile.shown()));
			}
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("hostileServers")
	void hostileServerNeverMakesTheClientSendTheMessage(Hostile hostile) throws Exception {
		List<String> commands = new CopyOnWriteArrayList<>();
		try (HostileServer server = HostileServer.start(hostile.script())) {
			Session session = session(server);
			MimeMessage message = TransportScenarioTests.message(session, "bob@example.com");
			CapturingSmtpTransport transport = CapturingSmtpTransport.of(session, "smtp");
			transport.setDeliveryListener(new DeliveryListener() {
				@Override
				public void onExchange(SmtpExchange exchange) {
					commands.add(exchange.commandLine());
				}
			});
			SmtpFailure failure = catchThrowableOfType(SmtpFailure.class, () -> {
				transport.connect();
				try {
					transport.sendMessage(message, message.getAllRecipients());
				}
				finally {
					transport.close();
				}
			});
			assertThat(failure).isInstanceOf(hostile.type());
			assertThat(commands).as("no DATA after a broken reply").noneMatch((line) -> line.startsWith("DATA"));
			assertThat(transport.isConnected()).isFalse();
		}
	}

	/**
	 * No control character but the line feed that separates the lines of a multi-line
	 * reply, and every such continuation is marked as server text, so that a server
	 * cannot forge a log line of its own.
	 */
	private static void assertSanitised(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			boolean control = (c < ' ' && c != '\n') || c == 0x7f || (c >= 0x80 && c < 0xa0);
			assertThat(control).as("control character U+%04X at %d in: %s", (int) c, i, text).isFalse();
		}
		String[] lines = text.split("\n", -1);
		for (int i = 1; i < lines.length; i++) {
			assertThat(lines[i]).as("continuation line of: %s", text)
				.matches((line) -> line.startsWith("C: ") || line.startsWith("S: ") || line.startsWith("("),
						"starts with C:, S: or (");
		}
	}

	@AfterAll
	static void printTable() throws IOException {
		List<String> table = new ArrayList<>();
		table.add("| hostile server | failure | time to fail (ms) | bytes allocated by the sending thread |");
		table.add("|---|---|---:|---:|");
		table.addAll(rows);
		String text = String.join("\n", table) + "\n";
		System.out.println("\nHostile servers (read timeout " + READ_TIMEOUT_MILLIS + " ms):\n" + text);
		Path out = Path.of("target", "reliability", "hostile-servers.md");
		Files.createDirectories(out.getParent());
		Files.writeString(out, text);
	}

	private static Session session(HostileServer server) {
		Properties props = new Properties();
		props.setProperty("mail.smtp.host", server.host());
		props.setProperty("mail.smtp.port", String.valueOf(server.port()));
		props.setProperty("mail.smtp.connectiontimeout", "2000");
		props.setProperty("mail.smtp.timeout", String.valueOf(READ_TIMEOUT_MILLIS));
		props.setProperty("mail.smtp.class", CapturingSmtpTransport.class.getName());
		return Session.getInstance(props);
	}

}
