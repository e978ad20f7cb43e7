package dev.resilientmail.bounce;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads bounces from an IMAP mailbox (with Angus Mail): parses each message in the
 * folder, hands the {@link BounceReport} to a consumer, then moves the message to the
 * processed folder, or to the failed folder (with the reason logged) when it cannot be
 * read or the consumer throws. A message is only removed from the folder after its copy
 * was stored in the target folder; a message it has not parsed stays where it is.
 * <p>
 * {@link #poll()} reads the folder once, on the caller's thread. {@link #start()} keeps
 * reading on the given scheduler: with IMAP IDLE where the server offers it (a poll, then
 * a wait for the server to announce a change, at most {@code pollInterval}, then again),
 * else a poll every {@code pollInterval}. The scheduler is the caller's, so tests run
 * polls without waiting.
 *
 * @since 0.2.0
 */
public final class BounceMailbox implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(BounceMailbox.class);

	private final Builder settings;

	private final ImapConnection connection;

	private final ReportHandoff handoff;

	private final Object lock = new Object();

	private ScheduledFuture<?> task;

	/** The folder an IDLE waits on, so that {@link #close()} can end the wait. */
	private Folder idling;

	private volatile boolean closed;

	private BounceMailbox(Builder settings) {
		this.settings = settings;
		this.connection = new ImapConnection(settings.properties, settings.ssl, settings.host, settings.port,
				settings.username, settings.password);
		this.handoff = new ReportHandoff(settings.parser, settings.consumer);
	}

	/**
	 * Returns a builder.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Reads every message now in the folder once.
	 * @return how many messages were handled (moved to the processed or failed folder)
	 * @throws MessagingException when the mailbox cannot be reached or a folder not
	 * opened; no message has then been moved or removed
	 */
	public int poll() throws MessagingException {
		synchronized (this.lock) {
			Folder folder = this.connection.folder(this.settings.folder);
			Folder processed = this.connection.target(this.settings.processedFolder);
			Folder failed = this.connection.target(this.settings.failedFolder);
			return this.handoff.moveAll(folder, processed, failed);
		}
	}

	/**
	 * Starts reading the folder on the scheduler: IDLE where the server offers it, else a
	 * poll every poll interval. A failed poll is logged and tried again after the
	 * interval.
	 * @throws IllegalStateException if already started or closed
	 */
	public void start() {
		synchronized (this.lock) {
			if (this.task != null || this.closed) {
				throw new IllegalStateException("the bounce mailbox is already started or closed");
			}
			this.task = this.settings.scheduler.schedule(this::cycle, 0, TimeUnit.MILLISECONDS);
		}
	}

	private void cycle() {
		if (this.closed) {
			return;
		}
		long delay = this.settings.pollInterval.toMillis();
		try {
			poll();
			if (this.settings.idle && supportsIdle()) {
				idleOnce();
				delay = 0;
			}
		}
		catch (MessagingException | RuntimeException ex) {
			if (!this.closed) {
				logger.warn("Bounce mailbox: reading {} failed, trying again in {}: {}", this.settings.folder,
						this.settings.pollInterval, ex.toString());
			}
		}
		synchronized (this.lock) {
			if (!this.closed) {
				this.task = this.settings.scheduler.schedule(this::cycle, delay, TimeUnit.MILLISECONDS);
			}
		}
	}

	/** Whether the server offers IDLE (RFC 2177). */
	boolean supportsIdle() throws MessagingException {
		synchronized (this.lock) {
			// a closed mailbox must not connect again
			return !this.closed && this.connection.supportsIdle();
		}
	}

	private void idleOnce() throws MessagingException {
		Folder folder;
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			folder = this.connection.folder(this.settings.folder);
			folder.open(Folder.READ_ONLY);
			this.idling = folder;
		}
		try {
			ImapConnection.waitForChange(folder, this.settings.pollInterval);
		}
		finally {
			synchronized (this.lock) {
				this.idling = null;
			}
			if (folder.isOpen()) {
				folder.close(false);
			}
		}
	}

	/**
	 * Stops reading and closes the connection; a poll under way finishes first, an IDLE
	 * wait ends at once.
	 */
	@Override
	public void close() {
		this.closed = true;
		synchronized (this.lock) {
			if (this.task != null) {
				this.task.cancel(false);
			}
			if (this.idling != null) {
				// closing the folder from this thread ends the IDLE (DONE), so the
				// reading thread returns; closing the store alone does not
				try {
					this.idling.close(false);
				}
				catch (MessagingException | IllegalStateException ex) {
					logger.debug("Bounce mailbox: ending IDLE failed", ex);
				}
			}
			this.connection.close();
		}
	}

	/**
	 * Settings of a {@link BounceMailbox}. Host, credentials, consumer and scheduler are
	 * required.
	 *
	 * @since 0.2.0
	 */
	public static final class Builder {

		private String host;

		private int port = -1;

		private String username;

		private String password;

		private boolean ssl;

		private boolean idle = true;

		private String folder = "INBOX";

		private String processedFolder = "processed";

		private String failedFolder = "failed";

		private Duration pollInterval = Duration.ofMinutes(1);

		private BounceParser parser = BounceParser.defaults();

		private Consumer<BounceReport> consumer;

		private ScheduledExecutorService scheduler;

		private final Properties properties = new Properties();

		private Builder() {
		}

		/**
		 * The IMAP server.
		 * @param host host name or address
		 * @param port port, or -1 for the protocol's default (143, 993 with SSL)
		 * @return this builder
		 */
		public Builder server(String host, int port) {
			this.host = host;
			this.port = port;
			return this;
		}

		/**
		 * The credentials.
		 * @param username the user name
		 * @param password the password
		 * @return this builder
		 */
		public Builder credentials(String username, String password) {
			this.username = username;
			this.password = password;
			return this;
		}

		/**
		 * Connects with implicit TLS (IMAPS) instead of plain IMAP.
		 * @param ssl whether to use IMAPS
		 * @return this builder
		 */
		public Builder ssl(boolean ssl) {
			this.ssl = ssl;
			return this;
		}

		/**
		 * Whether {@link BounceMailbox#start()} waits with IMAP IDLE where the server
		 * offers it ({@code true} by default) or always polls at the interval.
		 * @param idle whether to use IDLE
		 * @return this builder
		 */
		public Builder idle(boolean idle) {
			this.idle = idle;
			return this;
		}

		/**
		 * The folder to read, {@code INBOX} by default.
		 * @param folder the folder name
		 * @return this builder
		 */
		public Builder folder(String folder) {
			this.folder = folder;
			return this;
		}

		/**
		 * Where read messages go, {@code processed} by default; created if missing.
		 * @param folder the folder name
		 * @return this builder
		 */
		public Builder processedFolder(String folder) {
			this.processedFolder = folder;
			return this;
		}

		/**
		 * Where unreadable messages go, {@code failed} by default; created if missing.
		 * @param folder the folder name
		 * @return this builder
		 */
		public Builder failedFolder(String folder) {
			this.failedFolder = folder;
			return this;
		}

		/**
		 * How long to wait between polls when the server has no IDLE, and after a failed
		 * poll; with IDLE, how long one IDLE lasts at most before the folder is read
		 * again. One minute by default.
		 * @param interval a positive duration
		 * @return this builder
		 */
		public Builder pollInterval(Duration interval) {
			this.pollInterval = interval;
			return this;
		}

		/**
		 * The parser, {@link BounceParser#defaults()} by default.
		 * @param parser the parser
		 * @return this builder
		 */
		public Builder parser(BounceParser parser) {
			this.parser = parser;
			return this;
		}

		/**
		 * Receives each report, on the polling thread; a consumer that throws sends the
		 * message to the failed folder.
		 * @param consumer the consumer
		 * @return this builder
		 */
		public Builder onReport(Consumer<BounceReport> consumer) {
			this.consumer = consumer;
			return this;
		}

		/**
		 * Runs the polls started by {@link BounceMailbox#start()}.
		 * @param scheduler the scheduler; the mailbox never shuts it down
		 * @return this builder
		 */
		public Builder scheduler(ScheduledExecutorService scheduler) {
			this.scheduler = scheduler;
			return this;
		}

		/**
		 * A Jakarta Mail session property, such as {@code mail.imap.connectiontimeout}.
		 * @param name the property name
		 * @param value its value
		 * @return this builder
		 */
		public Builder property(String name, String value) {
			this.properties.setProperty(name, value);
			return this;
		}

		/**
		 * Builds the mailbox; it connects on the first poll.
		 * @return the mailbox
		 * @throws IllegalArgumentException naming each missing or bad setting
		 */
		public BounceMailbox build() {
			List<String> problems = new ArrayList<>();
			if (this.host == null || this.host.isBlank()) {
				problems.add("server host is missing");
			}
			if (this.port < -1 || this.port > 65535) {
				problems.add("port must be 1 to 65535 (or -1 for the default), got " + this.port);
			}
			if (this.username == null || this.password == null) {
				problems.add("credentials are missing");
			}
			if (this.consumer == null) {
				problems.add("onReport consumer is missing");
			}
			if (this.scheduler == null) {
				problems.add("scheduler is missing");
			}
			if (this.pollInterval == null || this.pollInterval.isNegative() || this.pollInterval.isZero()) {
				problems.add("pollInterval must be positive, got " + this.pollInterval);
			}
			for (String name : List.of(Objects.toString(this.folder, ""), Objects.toString(this.processedFolder, ""),
					Objects.toString(this.failedFolder, ""))) {
				if (name.isBlank()) {
					problems.add("folder names must not be empty");
					break;
				}
			}
			if (Objects.equals(this.folder, this.processedFolder) || Objects.equals(this.folder, this.failedFolder)) {
				problems.add("the processed and failed folders must differ from the folder read (" + this.folder + ")");
			}
			if (this.parser == null) {
				problems.add("parser is missing");
			}
			if (!problems.isEmpty()) {
				throw new IllegalArgumentException("bad bounce mailbox settings: " + String.join("; ", problems));
			}
			return new BounceMailbox(this);
		}

	}

}
