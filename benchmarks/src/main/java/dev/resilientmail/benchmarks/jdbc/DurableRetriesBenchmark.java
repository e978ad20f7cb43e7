package dev.resilientmail.benchmarks.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import com.zaxxer.hikari.HikariDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.delivery.DeferredRetry;
import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.delivery.MailDelivery;
import dev.resilientmail.jdbc.JdbcDeliveryStore;
import dev.resilientmail.jdbc.PostgresServer;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpReply;
import dev.resilientmail.testkit.FaultSmtpServer;

/**
 * Durable retries against a private PostgreSQL 15 on loopback (default durability) and a
 * testkit server: {@code store} is one retry written (row and due execution);
 * {@code deliverDue} is one instance delivering 500 due retries (claim, read back, send,
 * remove), reported per message.
 *
 * @since 0.2.0
 */
@Fork(1)
@State(Scope.Benchmark)
public class DurableRetriesBenchmark {

	private static final int DUE = 500;

	private static final Classification GREYLISTED = new Classification(FailureKind.TRANSIENT, FailureReason.GREYLISTED,
			new EnhancedStatusCode(4, 7, 1), false, true, Optional.empty());

	private final AtomicLong keys = new AtomicLong();

	private PostgresServer postgres;

	private HikariDataSource dataSource;

	private FaultSmtpServer smtp;

	private JdbcDeliveryStore store;

	private MimeMessage message;

	@Setup(Level.Trial)
	public void start() throws MessagingException {
		this.postgres = PostgresServer.start(true);
		this.dataSource = this.postgres.newDatabase();
		this.smtp = FaultSmtpServer.builder().lean().start();
		this.store = JdbcDeliveryStore.builder(this.dataSource)
			.createSchema(true)
			.pollingInterval(Duration.ofMillis(100))
			.build();
		this.message = new MimeMessage(Session.getInstance(new Properties()));
		this.message.setFrom("app@example.com");
		this.message.setRecipients(Message.RecipientType.TO, "bob@example.com");
		this.message.setSubject("a retry");
		this.message.setText("a short message, as most transactional mail is");
		this.message.saveChanges();
	}

	@TearDown(Level.Trial)
	public void stop() {
		this.store.close();
		this.smtp.close();
		this.dataSource.close();
		this.postgres.close();
	}

	private DeferredRetry retry(Instant due) {
		return new DeferredRetry("<bench-" + this.keys.incrementAndGet() + "@example.com>", this.message,
				"app@example.com", List.of("bob@example.com"), 1, GREYLISTED,
				Optional.of(SmtpReply.parse("450 4.7.1 Greylisted, please try later")), due);
	}

	/** Stores one retry due in an hour (it does not run during the benchmark). */
	@Benchmark
	@BenchmarkMode(Mode.Throughput)
	@OutputTimeUnit(TimeUnit.SECONDS)
	@Warmup(iterations = 2, time = 2)
	@Measurement(iterations = 5, time = 2)
	public void store() {
		this.store.retries().defer(retry(Instant.now().plusSeconds(3600)));
	}

	/** Due retries waiting to be delivered, made before each iteration. */
	@State(Scope.Benchmark)
	public static class Due {

		JdbcDeliveryStore runner;

		int before;

		@Setup(Level.Iteration)
		public void defer(DurableRetriesBenchmark benchmark) {
			Instant now = Instant.now();
			for (int i = 0; i < DUE; i++) {
				benchmark.store.retries().defer(benchmark.retry(now));
			}
			this.before = benchmark.smtp.messages().size();
			this.runner = JdbcDeliveryStore.builder(benchmark.dataSource)
				.pollingInterval(Duration.ofMillis(100))
				.threads(8)
				.build();
		}

		@TearDown(Level.Iteration)
		public void close() {
			this.runner.close();
		}

	}

	/**
	 * One instance starts and delivers the due retries.
	 * @param due the retries
	 * @return the messages the server received
	 */
	@Benchmark
	@SuppressWarnings("try") // the delivery runs the due retries while it is open
	@BenchmarkMode(Mode.SingleShotTime)
	@OperationsPerInvocation(DUE)
	@OutputTimeUnit(TimeUnit.MILLISECONDS)
	@Warmup(iterations = 1)
	@Measurement(iterations = 5)
	public int deliverDue(Due due) {
		DeliveryPolicy policy = DeliveryPolicy.builder().rateLimit(100_000, Duration.ofSeconds(1)).build();
		try (MailDelivery delivery = MailDelivery.builder(this.smtp.host(), this.smtp.port())
			.policy(policy)
			.asyncThreads(4)
			.retryStore(due.runner.retries())
			.build()) {
			return this.smtp.awaitMessages(due.before + DUE, Duration.ofMinutes(2)).size();
		}
	}

}
