package dev.resilientmail.jdbc;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import dev.resilientmail.delivery.DeferredRetryStore;
import dev.resilientmail.delivery.RatePermitSource;

/**
 * One rate limit per destination shared by every instance of an application, and deferred
 * retries that survive a restart, both in a PostgreSQL database. <pre>{@code
 * JdbcDeliveryStore store = JdbcDeliveryStore.builder(dataSource).createSchema(true).build();
 * MailDelivery delivery = MailDelivery.builder("smtp.example.com", 587)
 *     .ratePermits(store.rateLimits())
 *     .retryStore(store.retries())
 *     .build();
 * }</pre> The limit of a destination lives in one Bucket4j bucket; when the server tells
 * one instance to slow down, the shared limit drops and every instance slows down, and
 * the successes of all of them raise it back. A waiting retry holds the message as RFC
 * 5322 bytes with its envelope, the recipients still to deliver, the attempts so far and
 * the last classification and reply; db-scheduler hands each due retry to exactly one
 * instance, and after a restart any instance resumes it. An attempt that may have
 * delivered the message is stored as {@link StoredRetry.State#UNCERTAIN uncertain} before
 * anything else and not resent; a retry whose message cannot be read back, or that ends
 * without delivery, is {@link StoredRetry.State#DEAD dead} with its reason: see
 * {@link #retriesIn(StoredRetry.State)}.
 * <p>
 * The tables are created by the script
 * {@code dev/resilientmail/jdbc/schema-postgresql.sql} (in this jar), run by hand or by
 * {@link Builder#createSchema(boolean)}. Thread-safe.
 *
 * @since 0.2.0
 */
public final class JdbcDeliveryStore implements AutoCloseable {

	private final SharedRateLimits rateLimits;

	private final DurableRetries retries;

	private JdbcDeliveryStore(Builder builder) {
		String url = (builder.url != null) ? builder.url : urlOf(builder.dataSource);
		Schema.prepare(builder.dataSource, url, builder.createSchema);
		this.rateLimits = new SharedRateLimits(builder.dataSource, url, builder.clock, builder.reconnectInterval);
		this.retries = new DurableRetries(builder.dataSource, url, builder.instanceName, builder.pollingInterval,
				builder.heartbeatInterval, builder.threads);
	}

	/**
	 * Starts a store on a data source (a pool such as HikariCP is best: every permit is a
	 * short transaction).
	 * @param dataSource the PostgreSQL data source
	 * @return a builder
	 */
	public static Builder builder(DataSource dataSource) {
		return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
	}

	/**
	 * Returns the shared rate limits, for {@code MailDelivery.Builder.ratePermits}.
	 * @return the permit source
	 */
	public RatePermitSource rateLimits() {
		return this.rateLimits;
	}

	/**
	 * Returns the durable retries, for {@code MailDelivery.Builder.retryStore}.
	 * @return the retry store
	 */
	public DeferredRetryStore retries() {
		return this.retries;
	}

	/**
	 * Returns the stored retries in one state, oldest change first: for example the dead
	 * ones and why, or the uncertain ones to check by hand.
	 * @param state the state
	 * @return the retries
	 * @throws IllegalStateException if the database cannot be read
	 */
	public List<StoredRetry> retriesIn(StoredRetry.State state) {
		return this.retries.retriesIn(Objects.requireNonNull(state, "state"));
	}

	/** Stops running retries here; what is stored stays for the other instances. */
	@Override
	public void close() {
		this.retries.stop();
	}

	/**
	 * The URL of a data source for messages, when it says it; its class name otherwise.
	 */
	private static String urlOf(DataSource dataSource) {
		for (String getter : List.of("getJdbcUrl", "getUrl", "getURL")) {
			try {
				Object url = dataSource.getClass().getMethod(getter).invoke(dataSource);
				if (url instanceof String text && !text.isBlank()) {
					return text;
				}
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				// not this getter
			}
		}
		return "the DataSource " + dataSource.getClass().getName();
	}

	/**
	 * Builds a {@link JdbcDeliveryStore}.
	 *
	 * @since 0.2.0
	 */
	public static final class Builder {

		private final DataSource dataSource;

		private String url;

		private boolean createSchema;

		private Duration pollingInterval = Duration.ofSeconds(2);

		private Duration heartbeatInterval = Duration.ofSeconds(10);

		private Duration reconnectInterval = Duration.ofSeconds(5);

		private int threads = 4;

		private String instanceName = defaultInstanceName();

		private Clock clock = Clock.systemUTC();

		private Builder(DataSource dataSource) {
			this.dataSource = dataSource;
		}

		/**
		 * @param url the database URL to name in messages (default: the data source's
		 * own, when it has a {@code getJdbcUrl()} or {@code getUrl()})
		 * @return this builder
		 */
		public Builder url(String url) {
			this.url = Objects.requireNonNull(url, "url");
			return this;
		}

		/**
		 * @param create whether to create the tables at startup when they are missing
		 * (default {@code false}: a missing table is an error that names the script)
		 * @return this builder
		 */
		public Builder createSchema(boolean create) {
			this.createSchema = create;
			return this;
		}

		/**
		 * @param interval how often an instance looks for due retries (default 2 s): a
		 * retry runs at most this long after it is due
		 * @return this builder
		 */
		public Builder pollingInterval(Duration interval) {
			this.pollingInterval = positive("pollingInterval", interval);
			return this;
		}

		/**
		 * @param interval how often an instance says it is alive while it runs a retry
		 * (default 10 s); a retry whose instance missed six is uncertain
		 * @return this builder
		 */
		public Builder heartbeatInterval(Duration interval) {
			this.heartbeatInterval = positive("heartbeatInterval", interval);
			return this;
		}

		/**
		 * @param interval after the database was lost, how long the rate limit stays
		 * local before the shared one is tried again (default 5 s)
		 * @return this builder
		 */
		public Builder reconnectInterval(Duration interval) {
			this.reconnectInterval = positive("reconnectInterval", interval);
			return this;
		}

		/**
		 * @param threads how many due retries this instance attempts at once (default 4)
		 * @return this builder
		 */
		public Builder threads(int threads) {
			if (threads < 1) {
				throw new IllegalArgumentException("threads must be at least 1, got " + threads);
			}
			this.threads = threads;
			return this;
		}

		/**
		 * @param name this instance's name in the tables (default host name and process
		 * id); unique per running instance
		 * @return this builder
		 */
		public Builder instanceName(String name) {
			if (name == null || name.isBlank()) {
				throw new IllegalArgumentException("instanceName must not be empty");
			}
			this.instanceName = name;
			return this;
		}

		Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Connects and checks the tables (creating them when asked to).
		 * @return the store
		 * @throws IllegalStateException naming the URL if the database cannot be reached,
		 * or the script if a table is missing or outdated
		 */
		public JdbcDeliveryStore build() {
			return new JdbcDeliveryStore(this);
		}

		private static Duration positive(String name, Duration value) {
			Objects.requireNonNull(value, name);
			if (value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(name + " must be positive, got " + value);
			}
			return value;
		}

		private static String defaultInstanceName() {
			String host;
			try {
				host = InetAddress.getLocalHost().getHostName();
			}
			catch (UnknownHostException ex) {
				host = "localhost";
			}
			return host + ":" + ManagementFactory.getRuntimeMXBean().getPid();
		}

	}

}
