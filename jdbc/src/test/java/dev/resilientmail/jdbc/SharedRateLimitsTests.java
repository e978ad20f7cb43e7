package dev.resilientmail.jdbc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.delivery.RatePermitSource;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(PostgresExtension.class)
class SharedRateLimitsTests {

	/**
	 * 50 per 100 s: the bucket (on the real clock) refills one permit every 2 s, so
	 * counts taken within a test hold; the adaptive rule runs on the test's clock.
	 */
	private static final DeliveryPolicy POLICY = DeliveryPolicy.builder()
		.rateLimit(50, Duration.ofSeconds(100))
		.build();

	private final AtomicLong now = new AtomicLong(1_000_000);

	private final Clock clock = new Clock() {
		@Override
		public long millis() {
			return SharedRateLimitsTests.this.now.get();
		}

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(millis());
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}
	};

	private RatePermitSource instance(DataSource dataSource) {
		return JdbcDeliveryStore.builder(dataSource).createSchema(true).clock(this.clock).build().rateLimits();
	}

	@Test
	void instancesShareOneBucketPerDestination(DataSource dataSource) {
		RatePermitSource.Destination a = instance(dataSource).destination("smtp.example:25", POLICY.rateLimit());
		RatePermitSource.Destination b = instance(dataSource).destination("smtp.example:25", POLICY.rateLimit());
		RatePermitSource.Destination other = instance(dataSource).destination("other.example:25", POLICY.rateLimit());
		int taken = 0;
		for (int i = 0; i < 30; i++) {
			taken += a.tryAcquire() ? 1 : 0;
			taken += b.tryAcquire() ? 1 : 0;
		}
		assertThat(taken).isBetween(50, 52);
		assertThat(a.tryAcquire()).isFalse();
		assertThat(b.nanosToNextPermit()).isPositive();
		assertThat(other.tryAcquire()).isTrue();
	}

	@Test
	void anInstanceWaitingForAPermitIsNotOvertakenByOneThatAsksMoreOften(DataSource dataSource) {
		RatePermitSource.Destination a = instance(dataSource).destination("smtp.example:25", POLICY.rateLimit());
		RatePermitSource.Destination b = instance(dataSource).destination("smtp.example:25", POLICY.rateLimit());
		int taken = 0;
		while (a.tryAcquire() && taken < 100) {
			taken++;
		}
		assertThat(taken).isBetween(50, 51);
		assertThat(b.tryAcquire()).as("nothing free: b waits for its turn").isFalse();
		for (int i = 0; i < 20; i++) {
			assertThat(a.tryAcquire()).as("a asks again and again before its permit is due").isFalse();
		}
		// one permit per 2 s refills: a's is the next one, b's the one after, and a's
		// asking again took nothing more
		assertThat(a.nanosToNextPermit()).isBetween(1L, Duration.ofSeconds(2).toNanos());
		assertThat(b.nanosToNextPermit() - a.nanosToNextPermit()).as("b's permit comes one refill after a's")
			.isBetween(Duration.ofMillis(1_900).toNanos(), Duration.ofMillis(2_100).toNanos());
	}

	@Test
	void oneInstanceToldToSlowDownSlowsEveryInstanceOncePerPeriod(DataSource dataSource) {
		RatePermitSource.Destination a = instance(dataSource).destination("smtp.example:25", POLICY.rateLimit());
		RatePermitSource.Destination b = instance(dataSource).destination("smtp.example:25", POLICY.rateLimit());
		a.slowDown();
		// the replies of messages in flight on another instance report the same overload
		b.slowDown();
		assertThat(a.currentLimit()).isEqualTo(40);
		int taken = 0;
		while (b.tryAcquire() && taken < 100) {
			taken++;
		}
		assertThat(taken).as("permits the shared bucket holds after the decrease").isBetween(40, 42);
		for (int i = 0; i < 35; i++) {
			a.succeeded();
		}
		this.now.addAndGet(10_001);
		a.succeeded();
		this.now.addAndGet(100_000);
		b.slowDown();
		assertThat(b.currentLimit()).as("a period later: down to the 36 accepted, at most 80 %").isEqualTo(32);
	}

	@Test
	void successesOfAllInstancesRaiseTheSharedLimitBack(DataSource dataSource) {
		RatePermitSource.Destination a = instance(dataSource).destination("smtp.example:25", POLICY.rateLimit());
		RatePermitSource.Destination b = instance(dataSource).destination("smtp.example:25", POLICY.rateLimit());
		a.slowDown();
		assertThat(a.currentLimit()).isEqualTo(40);
		// 40 successes, half on each instance, counted in the database a tenth of a
		// period apart
		for (int i = 0; i < 20; i++) {
			a.succeeded();
			b.succeeded();
		}
		this.now.addAndGet(10_001);
		a.succeeded();
		b.succeeded();
		assertThat(b.currentLimit()).as("climbed by a tenth of the configured limit").isEqualTo(45);
		int taken = 0;
		while (a.tryAcquire() && taken < 100) {
			taken++;
		}
		assertThat(taken).isBetween(40, 46);
	}

	/** The pool opens connections again once the server is back. */
	private static void awaitConnection(DataSource dataSource) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (true) {
			try (java.sql.Connection connection = dataSource.getConnection()) {
				if (connection.isValid(1)) {
					return;
				}
			}
			catch (java.sql.SQLException ex) {
				assertThat(System.nanoTime()).as("PostgreSQL back within 20 s").isLessThan(deadline);
			}
		}
	}

	@Test
	void lostDatabaseLeavesALocalLimitAndTheSharedOneReturns() {
		try (PostgresServer server = PostgresServer.start(); HikariDataSource dataSource = server.newDatabase()) {
			RatePermitSource.Destination a = JdbcDeliveryStore.builder(dataSource)
				.createSchema(true)
				.clock(this.clock)
				.reconnectInterval(Duration.ofSeconds(5))
				.build()
				.rateLimits()
				.destination("smtp.example:25", POLICY.rateLimit());
			for (int i = 0; i < 45; i++) {
				assertThat(a.tryAcquire()).isTrue();
			}
			server.stop();
			int local = 0;
			while (a.tryAcquire() && local < 100) {
				local++;
			}
			assertThat(local).as("a full local bucket at the last limit").isBetween(50, 52);
			server.restart();
			awaitConnection(dataSource);
			this.now.addAndGet(5_001);
			// one permit left, plus the refill while the server was away
			int shared = 0;
			while (a.tryAcquire() && shared < 100) {
				shared++;
			}
			assertThat(shared).as("back on the shared bucket: what it had left, and its refill").isBetween(5, 15);
		}
	}

}
