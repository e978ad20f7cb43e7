package dev.resilientmail.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import com.zaxxer.hikari.HikariDataSource;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.delivery.DeferredRetry;
import dev.resilientmail.delivery.DeferredRetryStore;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpReply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@ExtendWith(PostgresExtension.class)
class DurableRetriesTests {

	private static final Classification GREYLISTED = new Classification(FailureKind.TRANSIENT, FailureReason.GREYLISTED,
			new EnhancedStatusCode(4, 7, 1), false, true, Optional.empty());

	private static JdbcDeliveryStore store(DataSource dataSource, String name) {
		return JdbcDeliveryStore.builder(dataSource)
			.createSchema(true)
			.instanceName(name)
			.pollingInterval(Duration.ofMillis(200))
			.build();
	}

	static MimeMessage message(String id, String to) throws MessagingException {
		return message(id, "app@example.com", to);
	}

	static MimeMessage message(String id, String from, String to) throws MessagingException {
		MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
		message.setFrom(from);
		message.setRecipients(Message.RecipientType.TO, to);
		message.setSubject("retry " + id);
		message.setText("hello " + id);
		message.saveChanges();
		message.setHeader("Message-ID", id);
		return message;
	}

	static DeferredRetry retry(String id, Instant due) throws MessagingException {
		return new DeferredRetry(id, message(id, "bob@example.com"), "bounces@example.com", List.of("bob@example.com"),
				1, GREYLISTED, Optional.of(SmtpReply.parse("450 4.7.1 Greylisted, try again later")), due);
	}

	@Test
	void dueRetryIsHandedBackWithEverythingStoredAndRemovedWhenDelivered(DataSource dataSource) throws Exception {
		ConcurrentLinkedQueue<DeferredRetry> ran = new ConcurrentLinkedQueue<>();
		CountDownLatch done = new CountDownLatch(1);
		try (JdbcDeliveryStore store = store(dataSource, "a")) {
			store.retries().defer(retry("<1@example.com>", Instant.now()));
			assertThat(store.retriesIn(StoredRetry.State.WAITING)).extracting(StoredRetry::key)
				.containsExactly("<1@example.com>");
			store.retries().start(runner((retry) -> {
				ran.add(retry);
				done.countDown();
				return DeferredRetryStore.Result.delivered();
			}));
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
			DeferredRetry back = ran.peek();
			assertThat(back.key()).isEqualTo("<1@example.com>");
			assertThat(back.recipients()).containsExactly("bob@example.com");
			assertThat(back.envelopeSender()).isEqualTo("bounces@example.com");
			assertThat(((SMTPMessage) back.message()).getEnvelopeFrom()).isEqualTo("bounces@example.com");
			assertThat(back.message().getSubject()).isEqualTo("retry <1@example.com>");
			assertThat(back.message().getMessageID()).isEqualTo("<1@example.com>");
			assertThat(back.attempts()).isEqualTo(1);
			assertThat(back.lastClassification().reason()).isEqualTo(FailureReason.GREYLISTED);
			assertThat(back.lastReply()).map(SmtpReply::code).contains(450);
			awaitState(store, "<1@example.com>", null);
		}
		assertThat(ran).hasSize(1);
	}

	@Test
	void deferringTheSameKeyTwiceKeepsOneRetry(DataSource dataSource) throws Exception {
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(1);
		try (JdbcDeliveryStore store = store(dataSource, "a")) {
			Instant due = Instant.now().plusMillis(300);
			store.retries().defer(retry("<2@example.com>", due));
			store.retries().defer(retry("<2@example.com>", due));
			assertThat(store.retriesIn(StoredRetry.State.WAITING)).hasSize(1);
			assertThat(scheduledExecutions(dataSource)).as("one due execution for the key").isEqualTo(1);
			store.retries().start(runner((retry) -> {
				runs.incrementAndGet();
				done.countDown();
				return DeferredRetryStore.Result.delivered();
			}));
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
			awaitState(store, "<2@example.com>", null);
			// db-scheduler removes its execution after the handler that removed the row
			// returns: the two are gone one after the other, not at once
			awaitNoExecutions(dataSource);
		}
		assertThat(runs).hasValue(1);
	}

	@Test
	void anotherAttemptIsStoredAndRunAgain(DataSource dataSource) throws Exception {
		ConcurrentLinkedQueue<Integer> attempts = new ConcurrentLinkedQueue<>();
		CountDownLatch done = new CountDownLatch(2);
		try (JdbcDeliveryStore store = store(dataSource, "a")) {
			store.retries().defer(retry("<3@example.com>", Instant.now()));
			store.retries().start(runner((retry) -> {
				attempts.add(retry.attempts());
				done.countDown();
				if (retry.attempts() == 1) {
					return DeferredRetryStore.Result
						.again(new DeferredRetry(retry.key(), retry.message(), retry.envelopeSender(),
								retry.recipients(), 2, retry.lastClassification(), retry.lastReply(), Instant.now()));
				}
				return DeferredRetryStore.Result.dead("used its 2 attempts");
			}));
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
			StoredRetry dead = awaitState(store, "<3@example.com>", StoredRetry.State.DEAD);
			assertThat(dead.reason()).contains("used its 2 attempts");
			assertThat(dead.attempts()).isEqualTo(2);
		}
		assertThat(attempts).containsExactly(1, 2);
	}

	@Test
	void storedMessageThatNoLongerReadsBackIsDeadWithTheReason(DataSource dataSource) throws Exception {
		CountDownLatch dead = new CountDownLatch(1);
		ConcurrentLinkedQueue<String> reasons = new ConcurrentLinkedQueue<>();
		try (JdbcDeliveryStore store = store(dataSource, "a")) {
			store.retries().defer(retry("<4@example.com>", Instant.now().plusMillis(300)));
			execute(dataSource, "UPDATE resilient_mail_retry SET message = 'garbage'::bytea");
			store.retries().start(new DeferredRetryStore.Runner() {
				@Override
				public CompletionStage<DeferredRetryStore.Result> run(DeferredRetry retry) {
					throw new AssertionError("an unreadable message must not be attempted");
				}

				@Override
				public void dead(String key, List<String> recipients, int attempts, String reason) {
					reasons.add(key + " " + recipients + " " + attempts + ": " + reason);
					dead.countDown();
				}
			});
			assertThat(dead.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(reasons).singleElement()
				.asString()
				.startsWith("<4@example.com> [bob@example.com] 1: the stored message cannot be read back");
			StoredRetry stored = awaitState(store, "<4@example.com>", StoredRetry.State.DEAD);
			assertThat(stored.reason()).hasValueSatisfying((reason) -> assertThat(reason).contains("SHA-256"));
		}
	}

	@Test
	void attemptCutShortByACrashIsUncertainAndNotSentAgain(DataSource dataSource) throws Exception {
		try (JdbcDeliveryStore store = store(dataSource, "b")) {
			store.retries().defer(retry("<5@example.com>", Instant.now()));
			// what a crash of instance "a" in the middle of the attempt leaves behind
			execute(dataSource, "UPDATE resilient_mail_retry SET state = 'SENDING', updated_by = 'a'");
			store.retries().start(runner((retry) -> {
				throw new AssertionError("an attempt that may have delivered the message must not be repeated");
			}));
			StoredRetry uncertain = awaitState(store, "<5@example.com>", StoredRetry.State.UNCERTAIN);
			assertThat(uncertain.reason())
				.hasValueSatisfying((reason) -> assertThat(reason).contains("instance a stopped during attempt 2")
					.contains("not sent again"));
		}
	}

	@Test
	void uncertainStateIsStoredWithItsReason(DataSource dataSource) throws Exception {
		try (JdbcDeliveryStore store = store(dataSource, "a")) {
			store.retries().markUncertain(retry("<6@example.com>", Instant.now()), "connection lost after the body");
			assertThat(store.retriesIn(StoredRetry.State.UNCERTAIN)).singleElement()
				.satisfies((retry) -> assertThat(retry.reason()).contains("connection lost after the body"));
		}
	}

	@Test
	void retryThatCannotBeStoredFailsWithATypedErrorNamingTheDatabase() throws Exception {
		try (PostgresServer server = PostgresServer.start(); HikariDataSource dataSource = server.newDatabase()) {
			JdbcDeliveryStore store = store(dataSource, "a");
			server.stop();
			assertThatExceptionOfType(DeferredRetryStore.NotStoredException.class)
				.isThrownBy(() -> store.retries().defer(retry("<7@example.com>", Instant.now())))
				.withMessageStartingWith("cannot store the retry of <7@example.com> in " + dataSource.getJdbcUrl());
		}
	}

	private static DeferredRetryStore.Runner runner(
			java.util.function.Function<DeferredRetry, DeferredRetryStore.Result> run) {
		return new DeferredRetryStore.Runner() {
			@Override
			public CompletionStage<DeferredRetryStore.Result> run(DeferredRetry retry) {
				return CompletableFuture.completedFuture(run.apply(retry));
			}

			@Override
			public void dead(String key, List<String> recipients, int attempts, String reason) {
				throw new AssertionError("dead: " + reason);
			}
		};
	}

	/** The key's row in that state (null: gone), within 10 s. */
	private static StoredRetry awaitState(JdbcDeliveryStore store, String key, StoredRetry.State state) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (true) {
			StoredRetry found = null;
			for (StoredRetry.State each : StoredRetry.State.values()) {
				for (StoredRetry retry : store.retriesIn(each)) {
					if (retry.key().equals(key)) {
						found = retry;
					}
				}
			}
			if ((state == null) ? found == null : found != null && found.state() == state) {
				return found;
			}
			assertThat(System.nanoTime()).as(key + " in state " + state + " within 10 s, is " + found)
				.isLessThan(deadline);
			Thread.onSpinWait();
		}
	}

	static void execute(DataSource dataSource, String sql) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static void awaitNoExecutions(DataSource dataSource) throws SQLException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (scheduledExecutions(dataSource) > 0) {
			assertThat(System.nanoTime()).as("no scheduled execution left within 10 s").isLessThan(deadline);
			Thread.onSpinWait();
		}
	}

	private static int scheduledExecutions(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			var rows = statement.executeQuery("SELECT count(*) FROM resilient_mail_scheduled_tasks");
			rows.next();
			return rows.getInt(1);
		}
	}

}
