package dev.resilientmail.benchmarks.jdbc;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.delivery.RatePermitSource;
import dev.resilientmail.jdbc.JdbcDeliveryStore;
import dev.resilientmail.jdbc.PostgresServer;

/**
 * What one permit of the shared bucket costs: a permit taken and a success counted, as a
 * send does, against a private PostgreSQL 15 on loopback (default settings: fsync on).
 * The limit is far above what the bucket can serve, so every call takes a permit;
 * {@code throughput} with 1 and 4 threads gives the permits/s the shared bucket sustains,
 * {@code averageTime} with 1 thread the latency a send gains.
 *
 * @since 0.2.0
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class SharedRateLimitBenchmark {

	/**
	 * {@code shared}: Bucket4j on PostgreSQL; {@code memory}: a MailDelivery's own
	 * limiter.
	 */
	@Param({ "shared", "memory" })
	public String source;

	private PostgresServer server;

	private HikariDataSource dataSource;

	private RatePermitSource.Destination permits;

	@Setup(Level.Trial)
	public void start() {
		DeliveryPolicy policy = DeliveryPolicy.builder().rateLimit(1_000_000_000, Duration.ofSeconds(1)).build();
		if ("shared".equals(this.source)) {
			this.server = PostgresServer.start(true);
			this.dataSource = this.server.newDatabase();
			this.permits = JdbcDeliveryStore.builder(this.dataSource)
				.createSchema(true)
				.build()
				.rateLimits()
				.destination("smtp.example:25", policy.rateLimit());
		}
		else {
			this.permits = RatePermitSource.inMemory().destination("smtp.example:25", policy.rateLimit());
		}
	}

	@TearDown(Level.Trial)
	public void stop() {
		if (this.dataSource != null) {
			this.dataSource.close();
			this.server.close();
		}
	}

	/**
	 * One permit and one success.
	 * @return whether the permit was taken
	 */
	@Benchmark
	@BenchmarkMode({ Mode.Throughput, Mode.AverageTime })
	@OutputTimeUnit(TimeUnit.MILLISECONDS)
	public boolean permitAndSuccess() {
		boolean taken = this.permits.tryAcquire();
		this.permits.succeeded();
		return taken;
	}

}
