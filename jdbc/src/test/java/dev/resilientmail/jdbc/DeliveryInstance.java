package dev.resilientmail.jdbc;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;

import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.delivery.MailDelivery;

/**
 * One instance of an application, in its own JVM, for the tests that need several: its
 * own {@link MailDelivery}, pool and (unless the URL is {@code none}) its own
 * {@link JdbcDeliveryStore} on the shared database. Arguments:
 * <ul>
 * <li>{@code limit PORT URL NAME START_MILLIS SECONDS}: sends as fast as its permits
 * allow from {@code START_MILLIS} (wall clock) for {@code SECONDS}, at 50 per
 * second;</li>
 * <li>{@code hold PORT URL NAME COUNT}: sends {@code COUNT} messages that the server
 * greylists, prints {@code STORED} once their retries are stored, then waits to be
 * killed;</li>
 * <li>{@code resume PORT URL NAME}: runs the stored retries until stopped.</li>
 * </ul>
 * It prints {@code READY} when it can start and stops when its standard input closes.
 */
public final class DeliveryInstance {

	static final DeliveryPolicy LIMIT_POLICY = DeliveryPolicy.builder()
		.rateLimit(50, Duration.ofSeconds(1))
		.rateLimitTimeout(Duration.ofSeconds(60))
		.maxAttempts(20)
		.waitDuration(Duration.ofMillis(500))
		.maxElapsed(Duration.ofMinutes(5))
		.build();

	/** Greylisting for 10 s: the retry waits 11 s. */
	static final DeliveryPolicy GREYLIST_POLICY = DeliveryPolicy.builder()
		.reasonWait(FailureReason.GREYLISTED, Duration.ofSeconds(11))
		.waitDuration(Duration.ofSeconds(11))
		.jitter(0)
		.maxAttempts(5)
		.rateLimit(1000, Duration.ofSeconds(1))
		.maxElapsed(Duration.ofMinutes(10))
		.build();

	private DeliveryInstance() {
	}

	public static void main(String[] args) throws Exception {
		String mode = args[0];
		int port = Integer.parseInt(args[1]);
		String url = args[2];
		String name = args[3];
		// three JVMs start at once on a busy machine: give the first connection time
		HikariDataSource dataSource = "none".equals(url) ? null : PostgresServer.dataSource(url, 8, 30_000);
		JdbcDeliveryStore store = (dataSource != null) ? JdbcDeliveryStore.builder(dataSource)
			.instanceName(name)
			.pollingInterval(Duration.ofMillis(500))
			.build() : null;
		DeliveryPolicy policy = "limit".equals(mode) ? LIMIT_POLICY : GREYLIST_POLICY;
		MailDelivery.Builder builder = MailDelivery.builder("127.0.0.1", port).policy(policy).asyncThreads(8);
		if (store != null) {
			builder.ratePermits(store.rateLimits());
			if (!"limit".equals(mode)) {
				builder.retryStore(store.retries());
			}
		}
		try (MailDelivery delivery = builder.build()) {
			if ("limit".equals(mode)) {
				// warm up (classes, JIT, connections) before the measured window opens
				for (int i = 0; i < 20; i++) {
					delivery.send(DurableRetriesTests.message("<" + name + "-warm-" + i + "@example.com>",
							"warm@example.com", "bob@example.com"));
				}
			}
			System.out.println("READY");
			System.out.flush();
			switch (mode) {
				case "limit" -> {
					BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
					sendFor(delivery, name, Long.parseLong(input.readLine().trim()), Integer.parseInt(args[4]));
				}
				case "hold" -> {
					int count = Integer.parseInt(args[4]);
					for (int i = 0; i < count; i++) {
						delivery.sendAsync(DurableRetriesTests.message("<" + name + "-" + i + "@example.com>",
								"user" + i + "@grey.example"));
					}
					awaitStored(dataSource, count);
					System.out.println("STORED");
					System.out.flush();
				}
				default -> {
				}
			}
			// until the test closes our standard input (or kills us)
			while (System.in.read() >= 0) {
				// nothing to read
			}
		}
		finally {
			if (store != null) {
				store.close();
			}
			if (dataSource != null) {
				dataSource.close();
			}
		}
	}

	/** Keeps up to 100 sends waiting for permits until the end of the window. */
	private static void sendFor(MailDelivery delivery, String name, long startMillis, int seconds) throws Exception {
		long wait = startMillis - System.currentTimeMillis();
		if (wait > 0) {
			TimeUnit.MILLISECONDS.sleep(wait);
		}
		long end = startMillis + TimeUnit.SECONDS.toMillis(seconds);
		Semaphore window = new Semaphore(100);
		List<CompletableFuture<?>> sent = new ArrayList<>();
		int i = 0;
		while (System.currentTimeMillis() < end) {
			if (!window.tryAcquire(50, TimeUnit.MILLISECONDS)) {
				continue;
			}
			CompletableFuture<?> future = delivery.sendAsync(DurableRetriesTests
				.message("<" + name + "-" + (i++) + "@example.com>", name + "@example.com", "bob@example.com"));
			future.whenComplete((report, failure) -> window.release());
			sent.add(future);
		}
		System.out.println("SUBMITTED " + sent.size());
		System.out.flush();
	}

	private static void awaitStored(HikariDataSource dataSource, int count) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (System.nanoTime() < deadline) {
			try (var connection = dataSource.getConnection();
					var statement = connection.createStatement();
					var rows = statement
						.executeQuery("SELECT count(*) FROM resilient_mail_retry WHERE state = 'WAITING'")) {
				rows.next();
				if (rows.getInt(1) >= count) {
					return;
				}
			}
			TimeUnit.MILLISECONDS.sleep(50);
		}
		throw new IllegalStateException("the retries were not stored within 30 s");
	}

}
