package dev.resilientmail.delivery;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.resilientmail.DeliveryReport;
import dev.resilientmail.testkit.Action;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.Phase;
import dev.resilientmail.testkit.ReceivedMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many asynchronous sends against a server that pushes back: nothing lost, nothing
 * duplicated, the achieved rate follows the server's limit. These tests take a few
 * seconds of real time because a rate is what they measure; they print what they saw.
 */
class DeliveryLoadTests {

	@Test
	void adaptiveLimiterConvergesToTheServersRate() throws Exception {
		int serverRate = 400;
		int messages = 2_000;
		ServerRateLimit limit = new ServerRateLimit(serverRate);
		try (FaultSmtpServer server = FaultSmtpServer.start()) {
			server.when(Phase.MAIL)
				.respond((call) -> limit.admit() ? Action.defaultReply()
						: Action.reply("451 4.7.1 Error: too many messages, rate limited, slow down"));
			DeliveryPolicy policy = DeliveryPolicy.builder()
				.maxAttempts(50)
				.waitDuration(Duration.ofMillis(50))
				.backoffMultiplier(1.0)
				.jitter(0.2)
				.maxElapsed(Duration.ofMinutes(5))
				.rateLimit(serverRate * 2, Duration.ofSeconds(1))
				.rateLimitTimeout(Duration.ofMinutes(5))
				.build();
			try (MailDelivery delivery = asyncDelivery(server, policy)) {
				long start = System.nanoTime();
				List<CompletableFuture<DeliveryReport>> futures = sendToUsers(delivery, messages);
				awaitAll(futures, Duration.ofMinutes(2));
				long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

				assertThat(server.messages()).hasSize(messages);
				for (int i = 0; i < messages; i++) {
					assertThat(server.copiesFor("user" + i + "@example.com")).isEqualTo(1);
				}
				Map<Long, Integer> perSecond = deliveredPerSecond(server.messages(), limit);
				System.out.printf(
						"adaptive rate: server limit %d/s, %d messages in %d ms, %d pushed back,"
								+ " final client limit %d/s%n  delivered per second: %s%n",
						serverRate, messages, elapsedMillis, limit.rejected(), delivery.currentRateLimit(),
						perSecond.values());
				// while there is a backlog: from the first acceptance until 90% were
				// accepted
				List<Long> accepted = limit.acceptedAt();
				long ninety = accepted.get(messages * 9 / 10 - 1) - accepted.get(0);
				double achieved = (messages * 9 / 10) / (ninety / 1e9);
				System.out.printf("  achieved %.0f/s while 90%% of the messages went out%n", achieved);
				assertThat(achieved).isBetween(serverRate * 0.8, serverRate * 1.2);
			}
		}
	}

	@Test
	void tenThousandAsyncSendsWithOneInTwentyTransientLoseAndDuplicateNothing() throws Exception {
		int messages = 10_000;
		try (FaultSmtpServer server = FaultSmtpServer.builder().lean().start()) {
			server.when(Phase.RCPT)
				.respond((call) -> (call.transaction() % 20 == 0)
						? Action.reply("451 4.3.0 <" + call.recipient() + ">: Temporary lookup failure")
						: Action.defaultReply());
			DeliveryPolicy policy = DeliveryPolicy.builder()
				.maxAttempts(5)
				.waitDuration(Duration.ofMillis(10))
				.jitter(0)
				.rateLimit(1_000_000, Duration.ofSeconds(1))
				.build();
			MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
			int threadsBefore = Thread.activeCount();
			long peakHeap = 0;
			int peakThreads = 0;
			try (MailDelivery delivery = asyncDelivery(server, policy)) {
				long start = System.nanoTime();
				List<CompletableFuture<DeliveryReport>> futures = sendToUsers(delivery, messages);
				CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
				while (!all.isDone()) {
					try {
						all.get(100, TimeUnit.MILLISECONDS);
					}
					catch (TimeoutException ex) {
						peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
						peakThreads = Math.max(peakThreads, Thread.activeCount());
					}
					assertThat(System.nanoTime() - start).isLessThan(Duration.ofMinutes(2).toNanos());
				}
				long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
				int retried = 0;
				for (CompletableFuture<DeliveryReport> future : futures) {
					retried += (future.get().attempts() > 1) ? 1 : 0;
				}
				System.out.printf(
						"load: %d messages in %d ms (%.0f/s), %d retried, peak heap %d MiB,"
								+ " peak threads %d (before %d)%n",
						messages, elapsedMillis, messages * 1000.0 / elapsedMillis, retried, peakHeap >> 20,
						peakThreads, threadsBefore);
				assertThat(retried).isGreaterThanOrEqualTo(messages / 25);
				assertThat(peakThreads - threadsBefore).as("threads added").isLessThanOrEqualTo(4 + 4 + 4);
			}
			assertThat(server.messages()).hasSize(messages);
			Map<String, Integer> copies = new HashMap<>();
			for (ReceivedMessage message : server.messages()) {
				for (String recipient : message.recipients()) {
					copies.merge(recipient, 1, Integer::sum);
				}
			}
			assertThat(copies).hasSize(messages).allSatisfy((recipient, count) -> assertThat(count).isEqualTo(1));
		}
	}

	private static MailDelivery asyncDelivery(FaultSmtpServer server, DeliveryPolicy policy) {
		return MailDelivery.builder(server.host(), server.port()).policy(policy).asyncThreads(4).build();
	}

	/** Queues one message to each of user0..userN-1@example.com. */
	private static List<CompletableFuture<DeliveryReport>> sendToUsers(MailDelivery delivery, int messages)
			throws jakarta.mail.MessagingException {
		List<CompletableFuture<DeliveryReport>> futures = new ArrayList<>(messages);
		for (int i = 0; i < messages; i++) {
			futures.add(delivery.sendAsync(MailDeliveryTests.message("user" + i + "@example.com")));
		}
		return futures;
	}

	private static void awaitAll(List<CompletableFuture<DeliveryReport>> futures, Duration timeout)
			throws InterruptedException, ExecutionException, TimeoutException {
		CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
			.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	private static Map<Long, Integer> deliveredPerSecond(List<ReceivedMessage> messages, ServerRateLimit limit) {
		Map<Long, Integer> perSecond = new java.util.TreeMap<>();
		for (long at : limit.acceptedAt()) {
			perSecond.merge((at - limit.firstAt()) / 1_000_000_000L, 1, Integer::sum);
		}
		assertThat(limit.acceptedAt()).hasSizeGreaterThanOrEqualTo(messages.size());
		return perSecond;
	}

	/**
	 * The server's side: admits at most {@code rate} transactions per second, counted in
	 * fixed one-second windows from the first transaction (as "N messages per minute"
	 * counters of real servers do).
	 */
	private static final class ServerRateLimit {

		private final int rate;

		private final List<Long> accepted = new ArrayList<>();

		private long windowStart = -1;

		private int inWindow;

		private int rejected;

		ServerRateLimit(int rate) {
			this.rate = rate;
		}

		synchronized boolean admit() {
			long now = System.nanoTime();
			if (this.windowStart < 0 || now - this.windowStart >= 1_000_000_000L) {
				this.windowStart = (this.windowStart < 0) ? now : now - (now - this.windowStart) % 1_000_000_000L;
				this.inWindow = 0;
			}
			if (this.inWindow >= this.rate) {
				this.rejected++;
				return false;
			}
			this.inWindow++;
			this.accepted.add(now);
			return true;
		}

		synchronized int rejected() {
			return this.rejected;
		}

		synchronized List<Long> acceptedAt() {
			return List.copyOf(this.accepted);
		}

		synchronized long firstAt() {
			return this.accepted.isEmpty() ? 0 : this.accepted.get(0);
		}

	}

}
