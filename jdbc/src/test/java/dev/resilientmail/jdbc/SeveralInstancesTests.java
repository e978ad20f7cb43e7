package dev.resilientmail.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.delivery.MailDelivery;
import dev.resilientmail.testkit.Action;
import dev.resilientmail.testkit.Call;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.Phase;
import dev.resilientmail.testkit.ReceivedMessage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several instances of an application on one database: three JVMs sharing one rate limit,
 * a JVM killed with retries waiting, two instances picking the same retries.
 */
@ExtendWith(PostgresExtension.class)
class SeveralInstancesTests {

	private static final int SECONDS = 20;

	/** When the server accepted a message, and from which instance (its sender). */
	private final ConcurrentLinkedQueue<Accepted> accepted = new ConcurrentLinkedQueue<>();

	/** When the server answered 421. */
	private final ConcurrentLinkedQueue<Long> rejected = new ConcurrentLinkedQueue<>();

	private record Accepted(long millis, String sender) {
	}

	@Test
	void threeInstancesShareOneLimitOf50PerSecond(PostgresServer postgres) throws Exception {
		Map<String, Double> rates = runThreeInstances(postgres, true, Function.identity());
		assertThat(rates.get("total")).as("messages/s accepted by the server, three instances sharing 50/s")
			.isBetween(45.0, 55.0);
	}

	@Test
	void withoutTheSharedStoreEachInstanceSendsItsOwn50PerSecond(PostgresServer postgres) throws Exception {
		Map<String, Double> rates = runThreeInstances(postgres, false, Function.identity());
		assertThat(rates.get("total")).as("messages/s accepted, three instances each limited to 50/s")
			.isBetween(120.0, 165.0);
	}

	@Test
	void rateLimitRepliesAbove30PerSecondSlowEveryInstanceDown(PostgresServer postgres) throws Exception {
		Map<Long, AtomicInteger> reserved = new ConcurrentHashMap<>();
		Map<String, Double> rates = runThreeInstances(postgres, true, (server) -> {
			server.when(Phase.MAIL).respond((call) -> {
				long second = System.currentTimeMillis() / 1000;
				if (reserved.computeIfAbsent(second, (s) -> new AtomicInteger()).incrementAndGet() > 30) {
					this.rejected.add(System.currentTimeMillis());
					return Action.reply("421 4.7.0 too many messages, slow down").thenDrop();
				}
				return Action.defaultReply();
			});
			return server;
		});
		assertThat(rates.get("settled")).as("messages/s accepted over the last 10 s").isBetween(24.0, 36.0);
		double fairShare = rates.get("settled") / 3;
		for (String name : List.of("a", "b", "c")) {
			assertThat(rates.get(name))
				.as("messages/s accepted from instance %s over the last 10 s: at least half of a fair share (%.1f)",
						name, fairShare)
				.isGreaterThanOrEqualTo(fairShare / 2);
		}
		assertThat(rates.get("rejected")).as("421 replies per second over the last 10 s, once they slowed down")
			.isLessThan(10.0);
	}

	private long count(long from, long to, String sender) {
		return this.accepted.stream()
			.filter((a) -> a.millis() >= from && a.millis() < to && (sender == null || sender.equals(a.sender())))
			.count();
	}

	/**
	 * Three JVMs send as fast as their permits allow for 20 s; returns the server's
	 * accepted rate ("total", "settled" over the last 10 s, per instance over the last 10
	 * s) and the 421 replies per second over the last 10 s ("rejected"), and prints what
	 * the server accepted from each instance in each second.
	 */
	private Map<String, Double> runThreeInstances(PostgresServer postgres, boolean shared,
			Function<FaultSmtpServer, FaultSmtpServer> script) throws Exception {
		try (HikariDataSource dataSource = postgres.newDatabase();
				FaultSmtpServer server = script.apply(FaultSmtpServer.builder().lean().start())) {
			JdbcDeliveryStore.builder(dataSource).createSchema(true).build().close();
			server.when(Phase.END_OF_DATA).respond((call) -> {
				this.accepted.add(new Accepted(System.currentTimeMillis(), call.mailFrom()));
				return Action.defaultReply();
			});
			server.when(Phase.QUIT).defaultReply();
			String url = shared ? dataSource.getJdbcUrl() : "none";
			List<Child> children = new ArrayList<>();
			long start;
			try {
				for (String name : List.of("a", "b", "c")) {
					children.add(Child.start("limit", server.port(), url, name, String.valueOf(SECONDS)));
				}
				for (Child child : children) {
					child.await("READY", Duration.ofSeconds(90));
				}
				// the window opens when every instance is up
				start = System.currentTimeMillis() + 1_000;
				for (Child child : children) {
					child.send(String.valueOf(start));
				}
				for (Child child : children) {
					child.await("SUBMITTED", Duration.ofSeconds(60));
				}
			}
			finally {
				for (Child child : children) {
					child.close();
				}
			}
			long end = start + TimeUnit.SECONDS.toMillis(SECONDS);
			long settledFrom = end - 10_000;
			Map<String, Double> rates = new HashMap<>();
			rates.put("total", count(start, end, null) / (double) SECONDS);
			rates.put("settled", count(settledFrom, end, null) / 10.0);
			for (String name : List.of("a", "b", "c")) {
				rates.put(name, count(settledFrom, end, name + "@example.com") / 10.0);
			}
			rates.put("rejected", this.rejected.stream().filter((t) -> t >= settledFrom && t < end).count() / 10.0);
			System.out.println("rates " + rates);
			for (String name : List.of("a", "b", "c")) {
				int[] perSecond = new int[SECONDS];
				for (Accepted a : this.accepted) {
					if (a.millis() >= start && a.millis() < end && a.sender().equals(name + "@example.com")) {
						perSecond[(int) ((a.millis() - start) / 1000)]++;
					}
				}
				System.out.println("accepted per second from " + name + ": " + Arrays.toString(perSecond));
			}
			return rates;
		}
	}

	@Test
	void retriesOfAKilledInstanceAreDeliveredOnceByAnother(PostgresServer postgres) throws Exception {
		Map<String, Long> firstSeen = new ConcurrentHashMap<>();
		try (HikariDataSource dataSource = postgres.newDatabase(); FaultSmtpServer server = FaultSmtpServer.start()) {
			JdbcDeliveryStore store = JdbcDeliveryStore.builder(dataSource).createSchema(true).build();
			greylistFor10Seconds(server, firstSeen);
			List<Instant> due = new ArrayList<>();
			try (Child holder = Child.start("hold", server.port(), dataSource.getJdbcUrl(), "a", "100")) {
				holder.await("STORED", Duration.ofSeconds(60));
				for (StoredRetry retry : store.retriesIn(StoredRetry.State.WAITING)) {
					due.add(retry.due());
				}
				holder.kill();
			}
			assertThat(due).hasSize(100);
			assertThat(server.messages()).as("nothing delivered before the crash").isEmpty();
			Instant lastDue = due.stream().max(Instant::compareTo).orElseThrow();
			try (Child resumer = Child.start("resume", server.port(), dataSource.getJdbcUrl(), "b")) {
				resumer.await("READY", Duration.ofSeconds(60));
				long wait = Duration.between(Instant.now(), lastDue.plusSeconds(10)).toMillis();
				List<ReceivedMessage> received = server.awaitMessages(100, Duration.ofMillis(Math.max(wait, 1)));
				assertThat(received).as("all 100 delivered within 10 s after their due time").hasSize(100);
				awaitNoRetries(store);
			}
			Map<String, Integer> copies = new HashMap<>();
			for (ReceivedMessage message : server.messages()) {
				copies.merge(message.header("Message-ID"), 1, Integer::sum);
			}
			assertThat(copies).hasSize(100).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
			store.close();
		}
	}

	@Test
	void twoInstancesPollingOneStoreSendEachOf1000RetriesOnce(PostgresServer postgres) throws Exception {
		try (HikariDataSource dataSource = postgres.newDatabase(); FaultSmtpServer server = FaultSmtpServer.start()) {
			JdbcDeliveryStore a = JdbcDeliveryStore.builder(dataSource)
				.createSchema(true)
				.instanceName("a")
				.pollingInterval(Duration.ofMillis(200))
				.build();
			JdbcDeliveryStore b = JdbcDeliveryStore.builder(dataSource)
				.instanceName("b")
				.pollingInterval(Duration.ofMillis(200))
				.build();
			Instant due = Instant.now().plusSeconds(2);
			for (int i = 0; i < 1000; i++) {
				a.retries().defer(DurableRetriesTests.retry("<pick-" + i + "@example.com>", due));
			}
			AtomicInteger deliveredByA = new AtomicInteger();
			AtomicInteger deliveredByB = new AtomicInteger();
			try (MailDelivery first = delivery(server, a, deliveredByA);
					MailDelivery second = delivery(server, b, deliveredByB)) {
				assertThat(server.awaitMessages(1000, Duration.ofSeconds(90))).hasSize(1000);
				awaitNoRetries(a);
				assertThat(first.policy()).isSameAs(second.policy());
			}
			Map<String, Integer> copies = new HashMap<>();
			for (ReceivedMessage message : server.messages()) {
				copies.merge(message.header("Message-ID"), 1, Integer::sum);
			}
			assertThat(copies).hasSize(1000).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
			assertThat(deliveredByA.get() + deliveredByB.get()).isEqualTo(1000);
			assertThat(deliveredByA).as("both instances picked retries").hasPositiveValue();
			assertThat(deliveredByB).as("both instances picked retries").hasPositiveValue();
			a.close();
			b.close();
		}
	}

	private static MailDelivery delivery(FaultSmtpServer server, JdbcDeliveryStore store, AtomicInteger delivered) {
		return MailDelivery.builder(server.host(), server.port())
			.policy(DeliveryInstance.GREYLIST_POLICY)
			.ratePermits(store.rateLimits())
			.retryStore(store.retries())
			.listener(new DeliveryListener() {
				@Override
				public void onDelivered(DeliveryReport report) {
					delivered.incrementAndGet();
				}
			})
			.build();
	}

	/** 450 to every recipient for 10 s after the server first saw it. */
	static void greylistFor10Seconds(FaultSmtpServer server, Map<String, Long> firstSeen) {
		server.when(Phase.RCPT).respond((Call call) -> {
			long now = System.currentTimeMillis();
			long seen = firstSeen.computeIfAbsent(call.recipient(), (r) -> now);
			return (now - seen < 10_000) ? Action.reply("450 4.7.1 Greylisted, please try later")
					: Action.defaultReply();
		});
	}

	private static void awaitNoRetries(JdbcDeliveryStore store) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!store.retriesIn(StoredRetry.State.WAITING).isEmpty()
				|| !store.retriesIn(StoredRetry.State.SENDING).isEmpty()) {
			assertThat(System.nanoTime()).as("no retry left within 30 s").isLessThan(deadline);
			TimeUnit.MILLISECONDS.sleep(100);
		}
		assertThat(store.retriesIn(StoredRetry.State.UNCERTAIN)).isEmpty();
		assertThat(store.retriesIn(StoredRetry.State.DEAD)).isEmpty();
	}

}
