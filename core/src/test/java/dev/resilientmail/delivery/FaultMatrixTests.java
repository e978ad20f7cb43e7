package dev.resilientmail.delivery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.UncertainDelivery;
import dev.resilientmail.testkit.Action;
import dev.resilientmail.testkit.Call;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.Phase;
import dev.resilientmail.testkit.ReceivedMessage;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault matrix: for every phase of a submission session (STARTTLS and AUTH included)
 * and every way a connection can fail there, 20 messages go through {@link MailDelivery}
 * with retries on while the server fails the first, fourth and seventh connection or
 * transaction at that phase. Every message must end delivered exactly once or with a
 * typed failure the caller sees; nobody may receive a message twice; and the failure must
 * be {@link UncertainDelivery} exactly when the message may have arrived. Prints the
 * table, also written to {@code target/reliability/fault-matrix.md}.
 */
class FaultMatrixTests {

	private static final int MESSAGES = 20;

	/** Short, so that every stall costs little; longer than any loopback reply. */
	private static final Duration READ_TIMEOUT = Duration.ofMillis(400);

	private static final String USER = "app@example.com";

	private static final String PASSWORD = "matrix-secret";

	private static final String CLOSING = "421 4.3.2 mx.test Service shutting down, closing transmission channel";

	private static final Map<String, String> rows = Collections.synchronizedMap(new TreeMap<>());

	/** Where in the session the fault strikes. */
	enum Where {

		GREETING("greeting", Phase.GREETING, true), EHLO("EHLO", Phase.EHLO, true),
		STARTTLS("STARTTLS", Phase.STARTTLS, true), AUTH("AUTH", Phase.AUTH, true), MAIL("MAIL", Phase.MAIL, false),
		RCPT("RCPT", Phase.RCPT, false), DATA("DATA", Phase.DATA, false), BODY("mid-body", Phase.BODY, false),
		BEFORE_FINAL_REPLY("after the body, before the final reply", Phase.END_OF_DATA, false),
		AFTER_FINAL_REPLY("after the final reply", null, false);

		final String label;

		final Phase phase;

		final boolean perConnection;

		Where(String label, Phase phase, boolean perConnection) {
			this.label = label;
			this.phase = phase;
			this.perConnection = perConnection;
		}

	}

	/** What goes wrong. */
	enum Fault {

		DROP("connection dropped", Action::drop), CLOSING_421("421 reply", () -> Action.reply(CLOSING).thenDrop()),
		STALL("stall past the read timeout", Action::stall);

		final String label;

		private final java.util.function.Supplier<Action> action;

		Fault(String label, java.util.function.Supplier<Action> action) {
			this.label = label;
			this.action = action;
		}

		Action action() {
			return this.action.get();
		}

	}

	/**
	 * Every cell twice: with the server advertising PIPELINING (MAIL, RCPTs and DATA in
	 * one write) and without it (lock-step).
	 */
	static Stream<Arguments> cells() {
		return Stream.of(true, false)
			.flatMap((pipelining) -> Stream.of(Where.values())
				.flatMap((where) -> Stream.of(Fault.values()).map((f) -> Arguments.of(where, f, pipelining))));
	}

	/** The first, fourth and seventh connection or transaction fails. */
	static boolean struck(int index) {
		return index % 3 == 1 && index <= 7;
	}

	/** The TLS handshake's first run is slow: keep it out of the timed cells. */
	@BeforeAll
	static void warmUp() throws Exception {
		try (FaultSmtpServer server = server(); MailDelivery delivery = delivery(server, policy())) {
			delivery.send(message(0));
		}
	}

	@ParameterizedTest(name = "{0} x {1}, pipelining {2}")
	@MethodSource("cells")
	void everyMessageEndsDeliveredOnceOrWithATypedFailure(Where where, Fault fault, boolean pipelining)
			throws Exception {
		try (FaultSmtpServer server = server(pipelining)) {
			script(server, where, fault);
			Outcomes outcomes = sendAll(server, policy());

			outcomes.assertNothingLostOrDuplicated(server, false);
			outcomes.record(where, fault, server, false, pipelining);
			boolean mayHaveArrived = where == Where.BEFORE_FINAL_REPLY && fault != Fault.CLOSING_421;
			if (mayHaveArrived) {
				assertThat(outcomes.failures).as("one UncertainDelivery per struck transaction")
					.hasSize(3)
					.allMatch((failure) -> failure instanceof UncertainDelivery);
				assertThat(server.unacknowledgedMessages()).hasSize(3);
				assertThat(outcomes.delivered).isEqualTo(MESSAGES - 3);
			}
			else if (where == Where.BODY) {
				// a short body and its final dot fit in the socket buffers: the client
				// sends them all before it notices, and then cannot know
				assertThat(outcomes.failures).allMatch((failure) -> failure instanceof UncertainDelivery);
				assertThat(outcomes.delivered).isGreaterThanOrEqualTo(MESSAGES - 3);
				assertThat(outcomes.retried).noneMatch((type) -> type.startsWith("UncertainDelivery"));
			}
			else {
				assertThat(outcomes.failures).as("every struck message is retried and delivered").isEmpty();
				assertThat(outcomes.delivered).isEqualTo(MESSAGES);
				assertThat(outcomes.retried).as("no failure before the body is uncertain")
					.noneMatch((type) -> type.startsWith("UncertainDelivery"));
			}
			// at MAIL, the fourth and seventh transactions run on reused connections: one
			// that ends before the transaction began is replaced within the attempt
			int retries = (where == Where.MAIL) ? 1 : 3;
			if (where != Where.AFTER_FINAL_REPLY && outcomes.failures.isEmpty()) {
				assertThat(outcomes.attempts).as("the faults made retries").isEqualTo(MESSAGES + retries);
				assertThat(outcomes.retried).as("retried failures are transient")
					.hasSize(retries)
					.allMatch((type) -> type.startsWith("TransientFailure"));
			}
			if (where == Where.AFTER_FINAL_REPLY) {
				assertThat(outcomes.attempts).as("a connection lost after the final reply costs no attempt")
					.isEqualTo(MESSAGES);
			}
			assertThat(outcomes.waits).as("every retry waited, through the sleeper").hasSameSizeAs(outcomes.retried);
		}
	}

	@Test
	void retryingUncertainDeliveriesIsTheOnlyWayToDuplicates() throws Exception {
		try (FaultSmtpServer server = server()) {
			script(server, Where.BEFORE_FINAL_REPLY, Fault.DROP);
			Outcomes outcomes = sendAll(server, policy().retryUncertain(true));

			outcomes.assertNothingLostOrDuplicated(server, true);
			outcomes.record(Where.BEFORE_FINAL_REPLY, Fault.DROP, server, true, true);
			assertThat(outcomes.delivered).isEqualTo(MESSAGES);
			assertThat(possibleDuplicates(server)).as("recipients that may now have two copies").isEqualTo(6);
		}
	}

	static void script(FaultSmtpServer server, Where where, Fault fault) {
		if (where == Where.AFTER_FINAL_REPLY) {
			// the server answers 250 and then fails the next command on that connection
			// (the next MAIL on the reused connection, a NOOP after an idle time, or
			// QUIT)
			Set<Integer> poisoned = ConcurrentHashMap.newKeySet();
			server.when(Phase.END_OF_DATA).respond((call) -> {
				if (struck(call.transaction())) {
					poisoned.add(call.connection());
				}
				return Action.defaultReply();
			});
			Function<Call, Action> next = (call) -> poisoned.remove(call.connection()) ? fault.action()
					: Action.defaultReply();
			for (Phase phase : List.of(Phase.NOOP, Phase.RSET, Phase.MAIL, Phase.QUIT)) {
				server.when(phase).respond(next);
			}
			return;
		}
		server.when(where.phase)
			.respond((call) -> struck(where.perConnection ? call.connection() : call.transaction()) ? fault.action()
					: Action.defaultReply());
	}

	private static Outcomes sendAll(FaultSmtpServer server, DeliveryPolicy.Builder policy) throws Exception {
		Outcomes outcomes = new Outcomes();
		try (MailDelivery delivery = MailDelivery.builder(server.host(), server.port())
			.credentials(USER, PASSWORD)
			.requireStartTls(true)
			.sslSocketFactory(server.clientSslSocketFactory())
			.policy(policy.build())
			.listener(outcomes)
			.sleeper((millis) -> outcomes.waits.add(millis))
			.build()) {
			for (int i = 1; i <= MESSAGES; i++) {
				MimeMessage message = message(i);
				try {
					DeliveryReport report = delivery.send(message);
					outcomes.delivered(i, report);
				}
				catch (SmtpFailure failure) {
					outcomes.failed(i, failure);
				}
				catch (MessagingException | RuntimeException ex) {
					outcomes.untyped.add("message " + i + ": " + ex);
				}
			}
		}
		return outcomes;
	}

	static FaultSmtpServer server() {
		return server(true);
	}

	static FaultSmtpServer server(boolean pipelining) {
		return FaultSmtpServer.builder().startTls().auth(USER, PASSWORD).pipelining(pipelining).start();
	}

	static DeliveryPolicy.Builder policy() {
		return DeliveryPolicy.builder()
			.maxAttempts(4)
			.waitDuration(Duration.ofMillis(100))
			.jitter(0)
			.timeouts(Duration.ofSeconds(2), READ_TIMEOUT)
			.rateLimit(10_000, Duration.ofSeconds(1))
			.pool(1, 3, Duration.ofMinutes(1));
	}

	static MailDelivery delivery(FaultSmtpServer server, DeliveryPolicy.Builder policy) {
		return MailDelivery.builder(server.host(), server.port())
			.credentials(USER, PASSWORD)
			.requireStartTls(true)
			.sslSocketFactory(server.clientSslSocketFactory())
			.policy(policy.build())
			.sleeper((millis) -> {
			})
			.build();
	}

	static MimeMessage message(int i) throws MessagingException {
		MimeMessage message = new MimeMessage(Session.getInstance(new java.util.Properties()));
		message.setFrom("sender@example.com");
		message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient(i, "a")));
		message.addRecipient(Message.RecipientType.CC, new InternetAddress(recipient(i, "b")));
		message.setSubject("fault matrix message " + i);
		message.setText("Message " + i + " of the fault matrix.\r\nA second line, so that the body has a middle.\r\n");
		return message;
	}

	static String recipient(int i, String which) {
		return String.format(Locale.ROOT, "m%02d-%s@example.com", i, which);
	}

	/**
	 * Recipients whose message the server acknowledged and also received once more
	 * without acknowledging it: if that body was delivered, they have two copies.
	 */
	static int possibleDuplicates(FaultSmtpServer server) {
		int count = 0;
		for (ReceivedMessage unacknowledged : server.unacknowledgedMessages()) {
			for (String recipient : unacknowledged.recipients()) {
				if (server.copiesFor(recipient) > 0) {
					count++;
				}
			}
		}
		return count;
	}

	@AfterAll
	static void printTable() throws IOException {
		List<String> table = new ArrayList<>();
		table.add("| phase | fault | commands | sent | delivered | failed (reported) | duplicates | attempts"
				+ " | failures retried | failures reported |");
		table.add("|---|---|---|---:|---:|---:|---:|---:|---|---|");
		table.addAll(rows.values());
		String text = String.join("\n", table) + "\n";
		System.out.println("\nFault matrix (" + MESSAGES + " messages x 2 recipients per cell, read timeout "
				+ READ_TIMEOUT.toMillis() + " ms, maxAttempts 4, STARTTLS + AUTH):\n" + text);
		Path out = Path.of("target", "reliability", "fault-matrix.md");
		Files.createDirectories(out.getParent());
		Files.writeString(out, text);
	}

	/** What happened to each message of one cell, as the caller and the server saw it. */
	static final class Outcomes implements DeliveryListener {

		final List<Long> waits = Collections.synchronizedList(new ArrayList<>());

		final List<String> retried = Collections.synchronizedList(new ArrayList<>());

		final List<SmtpFailure> failures = new ArrayList<>();

		final List<String> untyped = new ArrayList<>();

		final Map<Integer, Boolean> deliveredByMessage = new TreeMap<>();

		final Map<Integer, SmtpFailure> failureByMessage = new TreeMap<>();

		int delivered;

		int attempts;

		@Override
		public void onRetry(SmtpFailure failure, long waitMillis) {
			this.retried.add(failure.getClass().getSimpleName() + " " + failure.reason());
		}

		void delivered(int message, DeliveryReport report) {
			this.delivered++;
			this.attempts += report.attempts();
			this.deliveredByMessage.put(message, true);
		}

		void failed(int message, SmtpFailure failure) {
			this.failures.add(failure);
			this.attempts += failure.attempts();
			this.failureByMessage.put(message, failure);
		}

		void assertNothingLostOrDuplicated(FaultSmtpServer server, boolean retryUncertain) {
			assertThat(this.untyped).as("every failure the caller sees is typed").isEmpty();
			assertThat(this.delivered + this.failures.size()).as("every message has an outcome").isEqualTo(MESSAGES);
			for (int i = 1; i <= MESSAGES; i++) {
				for (String which : List.of("a", "b")) {
					String recipient = recipient(i, which);
					int copies = server.copiesFor(recipient);
					assertThat(copies).as("copies for %s", recipient).isLessThanOrEqualTo(1);
					if (this.deliveredByMessage.containsKey(i)) {
						assertThat(copies).as("reported delivered, so the server has it: %s", recipient).isEqualTo(1);
					}
					else if (!(this.failureByMessage.get(i) instanceof UncertainDelivery)) {
						assertThat(copies).as("reported failed, so the server did not acknowledge it: %s", recipient)
							.isZero();
					}
				}
			}
			if (!retryUncertain) {
				assertThat(possibleDuplicates(server)).as("no unacknowledged body was sent again").isZero();
			}
			for (SmtpFailure failure : this.failures) {
				assertThat(failure.recipientOutcomes()).as("outcomes of %s", failure.getMessage())
					.hasSize(2)
					.noneMatch(RecipientOutcome::isDelivered);
			}
		}

		void record(Where where, Fault fault, FaultSmtpServer server, boolean retryUncertain, boolean pipelining) {
			int duplicates = 0;
			for (int i = 1; i <= MESSAGES; i++) {
				for (String which : List.of("a", "b")) {
					duplicates += Math.max(0, server.copiesFor(recipient(i, which)) - 1);
				}
			}
			String dupes = retryUncertain ? duplicates + " (+" + possibleDuplicates(server) + " possible)"
					: String.valueOf(duplicates + possibleDuplicates(server));
			String key = String.format(Locale.ROOT, "%02d-%d-%s-%s", where.ordinal(), fault.ordinal(),
					retryUncertain ? "z" : "a", pipelining ? "a" : "b");
			rows.put(key,
					String.format(Locale.ROOT, "| %s | %s | %s | %d | %d | %d | %s | %d | %s | %s |",
							where.label + (retryUncertain ? " (retryUncertain=true)" : ""), fault.label,
							pipelining ? "pipelined" : "lock-step", MESSAGES, this.delivered, this.failures.size(),
							dupes, this.attempts, counted(this.retried),
							counted(this.failures.stream()
								.map((f) -> f.getClass().getSimpleName() + " " + f.reason())
								.toList())));
		}

		private static String counted(List<String> types) {
			if (types.isEmpty()) {
				return "-";
			}
			return types.stream()
				.collect(Collectors.groupingBy((t) -> t, TreeMap::new, Collectors.counting()))
				.entrySet()
				.stream()
				.map((e) -> e.getKey() + " x" + e.getValue())
				.collect(Collectors.joining(", "));
		}

	}

}
