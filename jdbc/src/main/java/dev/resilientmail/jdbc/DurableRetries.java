package dev.resilientmail.jdbc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.delivery.DeferredRetry;
import dev.resilientmail.delivery.DeferredRetryStore;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpReply;

/**
 * Deferred retries in the database: one row per message key in
 * {@code resilient_mail_retry} holds the message's RFC 5322 bytes and its state;
 * db-scheduler holds when each attempt is due and lets exactly one instance pick it.
 * <p>
 * Each attempt is its own db-scheduler execution ({@code KEY#ATTEMPTS}), and the row is
 * claimed ({@code WAITING} to {@code SENDING}, for that attempt number) before anything
 * is sent: an execution that runs again after its instance died finds the row
 * {@code SENDING} and marks it {@code UNCERTAIN} instead of sending the message a second
 * time.
 */
final class DurableRetries implements DeferredRetryStore {

	static final String TASK = "resilient-mail-retry";

	private static final Logger log = LoggerFactory.getLogger(DurableRetries.class);

	private static final String COLUMNS = "message, message_sha256, envelope_sender, recipients, attempts, last_kind,"
			+ " last_reason, last_enhanced_code, last_reply, due_at";

	private final DataSource dataSource;

	private final String url;

	private final String instanceName;

	private final Duration pollingInterval;

	private final Duration heartbeatInterval;

	private final int threads;

	private final Duration attemptTimeout = Duration.ofMinutes(10);

	private final Session session = Session.getInstance(new Properties());

	private final OneTimeTask<Void> task;

	private final SchedulerClient client;

	private volatile Runner runner;

	private volatile Scheduler scheduler;

	DurableRetries(DataSource dataSource, String url, String instanceName, Duration pollingInterval,
			Duration heartbeatInterval, int threads) {
		this.dataSource = dataSource;
		this.url = url;
		this.instanceName = instanceName;
		this.pollingInterval = pollingInterval;
		this.heartbeatInterval = heartbeatInterval;
		this.threads = threads;
		this.task = Tasks.oneTime(TASK).execute((instance, context) -> runDue(instance.getId()));
		this.client = SchedulerClient.Builder.create(dataSource, this.task)
			.tableName("resilient_mail_scheduled_tasks")
			.build();
	}

	@Override
	public void defer(DeferredRetry retry) {
		try {
			upsert(retry, StoredRetry.State.WAITING, null);
			schedule(retry.key(), retry.attempts(), retry.due());
		}
		catch (SQLException | IOException | MessagingException | RuntimeException ex) {
			throw new NotStoredException("cannot store the retry of " + retry.key() + " in " + this.url + ": " + ex,
					ex);
		}
	}

	@Override
	public void markUncertain(DeferredRetry retry, String reason) {
		try {
			upsert(retry, StoredRetry.State.UNCERTAIN, reason);
		}
		catch (SQLException | IOException | MessagingException | RuntimeException ex) {
			throw new NotStoredException(
					"cannot store the uncertain state of " + retry.key() + " in " + this.url + ": " + ex, ex);
		}
	}

	@Override
	public synchronized void start(Runner runner) {
		if (this.scheduler != null) {
			throw new IllegalStateException("this retry store already runs retries for another delivery");
		}
		this.runner = runner;
		this.scheduler = Scheduler.create(this.dataSource, this.task)
			.tableName("resilient_mail_scheduled_tasks")
			.schedulerName(new SchedulerName.Fixed(this.instanceName))
			.pollingInterval(this.pollingInterval)
			.heartbeatInterval(this.heartbeatInterval)
			.threads(this.threads)
			.pollUsingLockAndFetch(0.5, 1.0)
			.build();
		scheduleOrphans();
		this.scheduler.start();
	}

	@Override
	public synchronized void stop() {
		if (this.scheduler != null) {
			this.scheduler.stop();
		}
	}

	private void schedule(String key, int attempts, Instant due) {
		this.client.scheduleIfNotExists(this.task.instance(key + "#" + attempts), due);
	}

	/**
	 * Schedules the waiting rows that have no execution: a crash between storing a row
	 * and scheduling it leaves one.
	 */
	private void scheduleOrphans() {
		List<Object[]> orphans = new ArrayList<>();
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement select = connection.prepareStatement(
						"SELECT message_key, attempts, due_at FROM resilient_mail_retry r WHERE state = 'WAITING'"
								+ " AND NOT EXISTS (SELECT 1 FROM resilient_mail_scheduled_tasks s WHERE s.task_name = ?"
								+ " AND s.task_instance = r.message_key || '#' || r.attempts)")) {
			select.setString(1, TASK);
			try (ResultSet rows = select.executeQuery()) {
				while (rows.next()) {
					orphans.add(new Object[] { rows.getString(1), rows.getInt(2), rows.getTimestamp(3).toInstant() });
				}
			}
		}
		catch (SQLException ex) {
			log.warn("cannot look for unscheduled retries in {}: {}", this.url, ex.toString());
			return;
		}
		for (Object[] orphan : orphans) {
			schedule((String) orphan[0], (Integer) orphan[1], (Instant) orphan[2]);
		}
		if (!orphans.isEmpty()) {
			log.info("scheduled {} stored retries that had no due execution", orphans.size());
		}
	}

	/**
	 * One due execution: claim the row, read the message back, attempt, store the result.
	 */
	private void runDue(String instanceId) {
		int hash = instanceId.lastIndexOf('#');
		String key = instanceId.substring(0, hash);
		int attempts = Integer.parseInt(instanceId.substring(hash + 1));
		Claimed claimed;
		try {
			claimed = claim(key, attempts);
		}
		catch (SQLException ex) {
			// the execution fails and db-scheduler runs it again later
			throw new IllegalStateException("cannot claim the retry of " + key + " in " + this.url + ": " + ex, ex);
		}
		if (claimed == null) {
			return;
		}
		DeferredRetry retry;
		try {
			retry = claimed.read(this.session);
		}
		catch (MessagingException | IOException | RuntimeException ex) {
			String reason = "the stored message cannot be read back: " + ex.getMessage();
			finish(key, StoredRetry.State.DEAD, reason);
			this.runner.dead(key, claimed.recipients, attempts, reason);
			return;
		}
		Result result;
		try {
			// bounded: a permit wait and an SMTP exchange each end by the policy's
			// timeouts
			result = this.runner.run(retry)
				.toCompletableFuture()
				.get(this.attemptTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			result = Result.uncertain("the attempt was interrupted (the instance is stopping)");
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			log.error("retry of {} failed unexpectedly; kept as uncertain", key, ex);
			result = Result.uncertain("the attempt failed unexpectedly: " + ex);
		}
		switch (result.status()) {
			case DELIVERED -> delete(key);
			case AGAIN -> {
				again(result.next());
				schedule(key, result.next().attempts(), result.next().due());
			}
			case UNCERTAIN -> finish(key, StoredRetry.State.UNCERTAIN, result.reason());
			case DEAD -> finish(key, StoredRetry.State.DEAD, result.reason());
		}
	}

	private Claimed claim(String key, int attempts) throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			try (PreparedStatement update = connection.prepareStatement(
					"UPDATE resilient_mail_retry SET state = 'SENDING', updated_at = now(), updated_by = ?"
							+ " WHERE message_key = ? AND attempts = ? AND state = 'WAITING' RETURNING " + COLUMNS)) {
				update.setString(1, this.instanceName);
				update.setString(2, key);
				update.setInt(3, attempts);
				try (ResultSet row = update.executeQuery()) {
					if (row.next()) {
						return new Claimed(key, row);
					}
				}
			}
			try (PreparedStatement select = connection.prepareStatement(
					"SELECT state, attempts, updated_by FROM resilient_mail_retry WHERE message_key = ?")) {
				select.setString(1, key);
				try (ResultSet row = select.executeQuery()) {
					if (row.next() && "SENDING".equals(row.getString(1)) && row.getInt(2) == attempts) {
						String reason = "the instance " + row.getString(3) + " stopped during attempt " + (attempts + 1)
								+ ": the message may have been delivered, so it is not sent again";
						log.warn("retry of {}: {}", key, reason);
						finish(key, StoredRetry.State.UNCERTAIN, reason);
					}
				}
			}
			// otherwise a stale execution: the row moved on, or is gone
			return null;
		}
	}

	private void upsert(DeferredRetry retry, StoredRetry.State state, String reason)
			throws SQLException, IOException, MessagingException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		retry.message().writeTo(bytes);
		byte[] message = bytes.toByteArray();
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement upsert = connection.prepareStatement("INSERT INTO resilient_mail_retry (message_key,"
						+ " state, " + COLUMNS + ", reason, updated_at, updated_by)"
						+ " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?) ON CONFLICT (message_key) DO UPDATE SET"
						+ " state = EXCLUDED.state, message = EXCLUDED.message, message_sha256 = EXCLUDED.message_sha256,"
						+ " envelope_sender = EXCLUDED.envelope_sender, recipients = EXCLUDED.recipients,"
						+ " attempts = EXCLUDED.attempts, last_kind = EXCLUDED.last_kind, last_reason = EXCLUDED.last_reason,"
						+ " last_enhanced_code = EXCLUDED.last_enhanced_code, last_reply = EXCLUDED.last_reply,"
						+ " due_at = EXCLUDED.due_at, reason = EXCLUDED.reason, updated_at = now(),"
						+ " updated_by = EXCLUDED.updated_by")) {
			upsert.setString(1, retry.key());
			upsert.setString(2, state.name());
			upsert.setBytes(3, message);
			upsert.setBytes(4, sha256(message));
			upsert.setString(5, retry.envelopeSender());
			int next = setLast(upsert, 6, retry);
			upsert.setString(next, reason);
			upsert.setString(next + 1, this.instanceName);
			upsert.executeUpdate();
		}
	}

	/** Sets recipients, attempts, the last classification and reply, and the due time. */
	private static int setLast(PreparedStatement statement, int first, DeferredRetry retry) throws SQLException {
		Classification last = retry.lastClassification();
		statement.setString(first, String.join("\n", retry.recipients()));
		statement.setInt(first + 1, retry.attempts());
		statement.setString(first + 2, last.kind().name());
		statement.setString(first + 3, (last.reason() != null) ? last.reason().name() : null);
		statement.setString(first + 4, last.enhancedCode().toString());
		statement.setString(first + 5, retry.lastReply().map(SmtpReply::toString).orElse(null));
		statement.setTimestamp(first + 6, Timestamp.from(retry.due()));
		return first + 7;
	}

	private void again(DeferredRetry next) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement update = connection
					.prepareStatement("UPDATE resilient_mail_retry SET state = 'WAITING',"
							+ " recipients = ?, attempts = ?, last_kind = ?, last_reason = ?, last_enhanced_code = ?,"
							+ " last_reply = ?, due_at = ?, updated_at = now(), updated_by = ? WHERE message_key = ?")) {
			int index = setLast(update, 1, next);
			update.setString(index, this.instanceName);
			update.setString(index + 1, next.key());
			update.executeUpdate();
		}
		catch (SQLException ex) {
			// left SENDING: when db-scheduler runs this execution again it becomes
			// uncertain
			throw new NotStoredException("cannot store the next retry of " + next.key() + " in " + this.url + ": " + ex,
					ex);
		}
	}

	private void finish(String key, StoredRetry.State state, String reason) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement update = connection.prepareStatement("UPDATE resilient_mail_retry SET state = ?,"
						+ " reason = ?, updated_at = now(), updated_by = ? WHERE message_key = ?")) {
			update.setString(1, state.name());
			update.setString(2, reason);
			update.setString(3, this.instanceName);
			update.setString(4, key);
			update.executeUpdate();
		}
		catch (SQLException ex) {
			throw new NotStoredException(
					"cannot store the " + state + " state of " + key + " in " + this.url + ": " + ex, ex);
		}
	}

	private void delete(String key) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement delete = connection
					.prepareStatement("DELETE FROM resilient_mail_retry WHERE message_key = ?")) {
			delete.setString(1, key);
			delete.executeUpdate();
		}
		catch (SQLException ex) {
			// left SENDING: a rerun marks it uncertain, never resends it
			throw new NotStoredException("cannot remove the delivered retry " + key + " from " + this.url + ": " + ex,
					ex);
		}
	}

	/** Stored retries in one state, oldest first. */
	List<StoredRetry> retriesIn(StoredRetry.State state) {
		List<StoredRetry> found = new ArrayList<>();
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement select = connection.prepareStatement("SELECT message_key, recipients, attempts,"
						+ " last_reply, due_at, reason, updated_at, updated_by FROM resilient_mail_retry WHERE state = ?"
						+ " ORDER BY updated_at, message_key")) {
			select.setString(1, state.name());
			try (ResultSet row = select.executeQuery()) {
				while (row.next()) {
					found.add(new StoredRetry(row.getString(1), state, List.of(row.getString(2).split("\n")),
							row.getInt(3), Optional.ofNullable(row.getString(4)), row.getTimestamp(5).toInstant(),
							Optional.ofNullable(row.getString(6)), row.getTimestamp(7).toInstant(),
							Optional.ofNullable(row.getString(8))));
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot read the stored retries from " + this.url + ": " + ex.getMessage(),
					ex);
		}
		return found;
	}

	static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-256", ex);
		}
	}

	/** A row claimed for an attempt, as read. */
	private static final class Claimed {

		private final String key;

		private final byte[] message;

		private final byte[] digest;

		private final String envelopeSender;

		private final List<String> recipients;

		private final int attempts;

		private final String kind;

		private final String reason;

		private final String code;

		private final String reply;

		private final Instant due;

		Claimed(String key, ResultSet row) throws SQLException {
			this.key = key;
			this.message = row.getBytes(1);
			this.digest = row.getBytes(2);
			this.envelopeSender = row.getString(3);
			this.recipients = List.of(row.getString(4).split("\n"));
			this.attempts = row.getInt(5);
			this.kind = row.getString(6);
			this.reason = row.getString(7);
			this.code = row.getString(8);
			this.reply = row.getString(9);
			this.due = row.getTimestamp(10).toInstant();
		}

		DeferredRetry read(Session session) throws MessagingException, IOException {
			if (!Arrays.equals(sha256(this.message), this.digest)) {
				throw new IOException("its bytes no longer match the SHA-256 stored with them");
			}
			SMTPMessage message = new SMTPMessage(session, new ByteArrayInputStream(this.message));
			if (message.getAllRecipients() == null && message.getHeader("Message-ID") == null) {
				throw new MessagingException("no header of a message was found in it");
			}
			if (!this.envelopeSender.isEmpty()) {
				message.setEnvelopeFrom(this.envelopeSender);
			}
			Classification classification = new Classification(FailureKind.valueOf(this.kind),
					(this.reason != null) ? FailureReason.valueOf(this.reason) : null,
					EnhancedStatusCode.parse(this.code), false, FailureKind.valueOf(this.kind).isRetryable(),
					Optional.empty());
			Optional<SmtpReply> last = Optional.ofNullable(this.reply).map(SmtpReply::parse);
			return new DeferredRetry(this.key, message, this.envelopeSender, this.recipients, this.attempts,
					classification, last, this.due);
		}

	}

}
