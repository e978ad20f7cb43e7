package dev.resilientmail.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.testkit.Action;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.Phase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pooled connections are reused without a round trip, checked with NOOP only after an
 * idle time, replaced without an attempt when the server closed them unseen, and
 * {@code sendAsync} uses every pooled connection. Real sockets to the testkit server;
 * time from an injected ticker.
 */
class TransportPoolReuseTests {

	private static final Session MESSAGE_SESSION = Session.getInstance(new Properties());

	private final AtomicLong now = new AtomicLong();

	private final List<Long> waits = Collections.synchronizedList(new ArrayList<>());

	@Test
	void aConnectionUsedAMomentAgoIsReusedWithoutNoopAndKeptPastAHundredMessages() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().lean().start();
				MailDelivery delivery = delivery(server, 1)) {
			for (int i = 0; i < 120; i++) {
				delivery.send(message("r" + i + "@example.com"));
			}
			assertThat(server.awaitMessages(120, Duration.ofSeconds(10))).hasSize(120);
			assertThat(server.commands()).noneMatch((command) -> command.startsWith("NOOP"));
			assertThat(server.connectionCount()).isEqualTo(1);
		}
	}

	@Test
	void aConnectionIdleForAWhileIsCheckedWithNoopFirst() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.start(); MailDelivery delivery = delivery(server, 1)) {
			delivery.send(message("a@example.com"));
			this.now.addAndGet(TransportPool.CHECK_AFTER_IDLE.toNanos());
			delivery.send(message("b@example.com"));
			delivery.send(message("c@example.com"));
			assertThat(server.commands().stream().filter((command) -> command.startsWith("NOOP"))).hasSize(1);
			assertThat(server.connectionCount()).isEqualTo(1);
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "drop", "421", "stall" })
	void aConnectionTheServerClosedWhileIdleIsReplacedWithinTheSameAttempt(String fault) throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.start()) {
			closeAfterFirstMessage(server, switch (fault) {
				case "drop" -> Action::drop;
				case "421" -> () -> Action.reply("421 4.4.2 mx.test Error: timeout exceeded").thenDrop();
				default -> Action::stall;
			});
			AtomicInteger attempts = new AtomicInteger();
			try (MailDelivery delivery = delivery(server, 1, new DeliveryListener() {
				@Override
				public void onAttempt(int attempt, int recipients) {
					attempts.incrementAndGet();
				}
			})) {
				delivery.send(message("a@example.com"));
				DeliveryReport second = delivery.send(message("b@example.com"));
				assertThat(second.attempts()).isEqualTo(1);
			}
			assertThat(attempts).hasValue(2);
			assertThat(this.waits).isEmpty();
			assertThat(server.copiesFor("a@example.com")).isEqualTo(1);
			assertThat(server.copiesFor("b@example.com")).isEqualTo(1);
			assertThat(server.connectionCount()).isEqualTo(2);
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "421 4.7.0 Too many messages from you, slow down",
			"421 4.3.2 Too many concurrent connections from your host",
			"421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume" })
	void aReusedConnectionThatSaysWhyItClosesIsAnAttemptThatWaits(String reply) throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.start()) {
			closeAfterFirstMessage(server, () -> Action.reply(reply).thenDrop());
			try (MailDelivery delivery = delivery(server, 1, DeliveryListener.NONE)) {
				delivery.send(message("a@example.com"));
				DeliveryReport second = delivery.send(message("b@example.com"));
				assertThat(second.attempts()).isEqualTo(2);
			}
			assertThat(this.waits).hasSize(1);
			assertThat(server.copiesFor("b@example.com")).isEqualTo(1);
		}
	}

	@Test
	void aFreshConnectionRefusedAtMailIsAnAttemptNotResentAtOnce() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.start()) {
			AtomicInteger mails = new AtomicInteger();
			server.when(Phase.MAIL)
				.respond((call) -> (mails.incrementAndGet() == 1) ? Action.drop() : Action.defaultReply());
			try (MailDelivery delivery = delivery(server, 1, DeliveryListener.NONE)) {
				DeliveryReport report = delivery.send(message("a@example.com"));
				assertThat(report.attempts()).isEqualTo(2);
			}
			assertThat(this.waits).hasSize(1);
			assertThat(server.copiesFor("a@example.com")).isEqualTo(1);
		}
	}

	@Test
	void sendAsyncRunsOneAttemptPerPooledConnectionAtOnce() throws Exception {
		CountDownLatch together = new CountDownLatch(4);
		try (FaultSmtpServer server = FaultSmtpServer.start()) {
			server.when(Phase.MAIL).respond((call) -> {
				together.countDown();
				try {
					// held until four transactions are at MAIL at the same time
					together.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return Action.defaultReply();
			});
			try (MailDelivery delivery = delivery(server, 4)) {
				List<CompletableFuture<DeliveryReport>> futures = new ArrayList<>();
				for (int i = 0; i < 8; i++) {
					futures.add(delivery.sendAsync(message("r" + i + "@example.com")));
				}
				CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
			}
			assertThat(together.getCount()).as("transactions at MAIL together short of four").isZero();
			assertThat(server.connectionCount()).isEqualTo(4);
			assertThat(server.messages()).hasSize(8);
		}
	}

	/**
	 * The connection of the first message fails at its next command, as if closed idle.
	 */
	private static void closeAfterFirstMessage(FaultSmtpServer server, java.util.function.Supplier<Action> fault) {
		Set<Integer> closed = ConcurrentHashMap.newKeySet();
		server.when(Phase.END_OF_DATA).respond((call) -> {
			if (call.transaction() == 1) {
				closed.add(call.connection());
			}
			return Action.defaultReply();
		});
		server.when(Phase.MAIL)
			.respond((call) -> closed.remove(call.connection()) ? fault.get() : Action.defaultReply());
	}

	private MailDelivery delivery(FaultSmtpServer server, int connections) {
		return delivery(server, connections, DeliveryListener.NONE);
	}

	private MailDelivery delivery(FaultSmtpServer server, int connections, DeliveryListener listener) {
		return MailDelivery.builder(server.host(), server.port())
			.policy(DeliveryPolicy.builder()
				.maxAttempts(3)
				.waitDuration(Duration.ofMillis(100))
				.jitter(0)
				.rateLimit(100_000, Duration.ofSeconds(1))
				.timeouts(Duration.ofSeconds(5), Duration.ofMillis(500))
				.pool(connections, Integer.MAX_VALUE, Duration.ofMinutes(1))
				.build())
			.listener(listener)
			.sleeper(this.waits::add)
			.ticker(this.now::get)
			.build();
	}

	private static MimeMessage message(String to) throws Exception {
		MimeMessage message = new MimeMessage(MESSAGE_SESSION);
		message.setFrom(new InternetAddress("sender@example.com"));
		message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
		message.setSubject("pool");
		message.setText("hello");
		return message;
	}

}
