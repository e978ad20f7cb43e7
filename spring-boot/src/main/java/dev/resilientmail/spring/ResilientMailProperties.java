package dev.resilientmail.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.resilientmail.bounce.BounceCorrelator;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.reply.SmtpCommand;

/**
 * The {@code resilient-mail.*} settings: retry, rate limiting, connection pooling,
 * timeouts, asynchronous sending, classification rules, delivery status notifications and
 * bounces, in Resilience4j's vocabulary; each area is one nested class. Together they set
 * every field of the {@link dev.resilientmail.delivery.DeliveryPolicy};
 * {@link DeliveryPolicyCustomizer} beans refine the result. Host, port and credentials
 * come from {@code spring.mail.*}. Invalid values stop the application at startup with a
 * message naming the key and the allowed values.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("resilient-mail")
public class ResilientMailProperties {

	/**
	 * Whether the JavaMailSender is backed by resilient-mail (typed exceptions, retry,
	 * rate limits). When false, Spring Boot's own mail sender is used unchanged.
	 */
	private boolean enabled = true;

	/**
	 * Retry of failed sends, driven by what the server's reply means.
	 */
	private final Retry retry = new Retry();

	/**
	 * Rate limiting of messages per destination server.
	 */
	private final RateLimiter rateLimiter = new RateLimiter();

	/**
	 * Pooling of SMTP connections per destination server.
	 */
	private final Pool pool = new Pool();

	/**
	 * Socket timeouts of every SMTP connection.
	 */
	private final Timeouts timeouts = new Timeouts();

	/**
	 * Sends without blocking the caller (AsyncMailSender).
	 */
	private final Async async = new Async();

	/**
	 * Where rate limits and waiting retries live: 'memory' (this instance only, lost on
	 * restart) or 'jdbc' (shared by every instance and kept across restarts, in the
	 * application's DataSource; needs resilient-mail-jdbc and PostgreSQL).
	 */
	private Store store = Store.MEMORY;

	/**
	 * The database store, used with store=jdbc.
	 */
	private final Jdbc jdbc = new Jdbc();

	/**
	 * Rules that override the default classification of replies.
	 */
	private final Classification classification = new Classification();

	/**
	 * Delivery status notifications (RFC 3461) asked of servers that advertise DSN.
	 */
	private final Dsn dsn = new Dsn();

	/**
	 * Reading of the bounces that arrive later in a mailbox, and matching them to the
	 * sends.
	 */
	private final Bounces bounces = new Bounces();

	/**
	 * Returns whether resilient-mail backs the JavaMailSender.
	 * @return whether it is enabled
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	/**
	 * Sets whether resilient-mail backs the JavaMailSender.
	 * @param enabled whether it is enabled
	 */
	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * Returns the retry settings.
	 * @return the retry settings
	 */
	public Retry getRetry() {
		return this.retry;
	}

	/**
	 * Returns the rate limiter settings.
	 * @return the rate limiter settings
	 */
	public RateLimiter getRateLimiter() {
		return this.rateLimiter;
	}

	/**
	 * Returns the connection pool settings.
	 * @return the pool settings
	 */
	public Pool getPool() {
		return this.pool;
	}

	/**
	 * Returns the timeout settings.
	 * @return the timeout settings
	 */
	public Timeouts getTimeouts() {
		return this.timeouts;
	}

	/**
	 * Returns the asynchronous sending settings.
	 * @return the async settings
	 */
	public Async getAsync() {
		return this.async;
	}

	/**
	 * Returns where rate limits and waiting retries live.
	 * @return the store
	 */
	public Store getStore() {
		return this.store;
	}

	/**
	 * Sets where rate limits and waiting retries live.
	 * @param store the store
	 */
	public void setStore(Store store) {
		this.store = store;
	}

	/**
	 * Returns the database store settings.
	 * @return the jdbc settings
	 */
	public Jdbc getJdbc() {
		return this.jdbc;
	}

	/**
	 * Returns the classification settings.
	 * @return the classification settings
	 */
	public Classification getClassification() {
		return this.classification;
	}

	/**
	 * Returns the delivery status notification settings.
	 * @return the DSN settings
	 */
	public Dsn getDsn() {
		return this.dsn;
	}

	/**
	 * Returns the bounce settings.
	 * @return the bounce settings
	 */
	public Bounces getBounces() {
		return this.bounces;
	}

	/**
	 * Retry settings ({@code resilient-mail.retry.*}).
	 *
	 * @since 0.1.0
	 */
	public static class Retry {

		/**
		 * Attempts per message, the first one included; 1 turns retrying off. Only the
		 * recipients that were not accepted are tried again.
		 */
		private int maxAttempts = 4;

		/**
		 * Wait before the first retry (a server's "try again in N" hint can make it
		 * longer).
		 */
		private Duration waitDuration = Duration.ofSeconds(2);

		/**
		 * Factor by which each further wait grows (1 keeps the wait constant).
		 */
		private double exponentialBackoffMultiplier = 2;

		/**
		 * Longest single wait between two attempts, also capping waits the server asks
		 * for.
		 */
		private Duration maxWaitDuration = Duration.ofMinutes(1);

		/**
		 * Kinds of failure that are retried: TRANSIENT, POLICY_TRANSIENT or both (empty:
		 * none). This only narrows what the classification says is retryable; to retry a
		 * reply classified as permanent, add a classification rule that makes it
		 * TRANSIENT.
		 */
		private List<FailureKind> retryOn = new ArrayList<>(
				List.of(FailureKind.TRANSIENT, FailureKind.POLICY_TRANSIENT));

		/**
		 * Whether to retry when the connection broke after the message was sent and
		 * before the server confirmed it; the message may then arrive twice.
		 */
		private boolean retryUncertain = false;

		/**
		 * Jitter: each wait varies randomly by up to this fraction, from 0 (none) to 1,
		 * so that many clients do not retry in step.
		 */
		private double randomizedWaitFactor = 0.2;

		/**
		 * No retry starts later than this after the first attempt.
		 */
		private Duration maxElapsedDuration = Duration.ofMinutes(10);

		/**
		 * First wait after a failure of the given reason, instead of wait-duration (a
		 * greylisting server refuses retries that come too early). Keys are failure
		 * reasons such as GREYLISTED or RATE_LIMITED.
		 */
		private Map<FailureReason, Duration> waitDurationByReason = new EnumMap<>(
				Map.of(FailureReason.GREYLISTED, Duration.ofMinutes(1)));

		/**
		 * Whether to wait at least as long as the reply asks ("try again in 5 minutes"),
		 * capped by max-wait-duration.
		 */
		private boolean honourRetryAfter = true;

		/**
		 * Returns the attempts per message.
		 * @return the attempts
		 */
		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		/**
		 * Sets the attempts per message.
		 * @param maxAttempts the attempts, 1 or more
		 */
		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		/**
		 * Returns the wait before the first retry.
		 * @return the wait
		 */
		public Duration getWaitDuration() {
			return this.waitDuration;
		}

		/**
		 * Sets the wait before the first retry.
		 * @param waitDuration the wait
		 */
		public void setWaitDuration(Duration waitDuration) {
			this.waitDuration = waitDuration;
		}

		/**
		 * Returns the backoff factor.
		 * @return the factor
		 */
		public double getExponentialBackoffMultiplier() {
			return this.exponentialBackoffMultiplier;
		}

		/**
		 * Sets the backoff factor.
		 * @param exponentialBackoffMultiplier the factor, 1 or more
		 */
		public void setExponentialBackoffMultiplier(double exponentialBackoffMultiplier) {
			this.exponentialBackoffMultiplier = exponentialBackoffMultiplier;
		}

		/**
		 * Returns the longest single wait.
		 * @return the longest wait
		 */
		public Duration getMaxWaitDuration() {
			return this.maxWaitDuration;
		}

		/**
		 * Sets the longest single wait.
		 * @param maxWaitDuration the longest wait
		 */
		public void setMaxWaitDuration(Duration maxWaitDuration) {
			this.maxWaitDuration = maxWaitDuration;
		}

		/**
		 * Returns the kinds of failure that are retried.
		 * @return the kinds
		 */
		public List<FailureKind> getRetryOn() {
			return this.retryOn;
		}

		/**
		 * Sets the kinds of failure that are retried.
		 * @param retryOn the kinds
		 */
		public void setRetryOn(List<FailureKind> retryOn) {
			this.retryOn = retryOn;
		}

		/**
		 * Returns whether uncertain deliveries are retried.
		 * @return whether they are retried
		 */
		public boolean isRetryUncertain() {
			return this.retryUncertain;
		}

		/**
		 * Sets whether uncertain deliveries are retried.
		 * @param retryUncertain whether they are retried
		 */
		public void setRetryUncertain(boolean retryUncertain) {
			this.retryUncertain = retryUncertain;
		}

		/**
		 * Returns the jitter factor.
		 * @return the factor
		 */
		public double getRandomizedWaitFactor() {
			return this.randomizedWaitFactor;
		}

		/**
		 * Sets the jitter factor.
		 * @param randomizedWaitFactor the factor, 0 to 1
		 */
		public void setRandomizedWaitFactor(double randomizedWaitFactor) {
			this.randomizedWaitFactor = randomizedWaitFactor;
		}

		/**
		 * Returns how long after the first attempt a retry may start.
		 * @return the bound
		 */
		public Duration getMaxElapsedDuration() {
			return this.maxElapsedDuration;
		}

		/**
		 * Sets how long after the first attempt a retry may start.
		 * @param maxElapsedDuration the bound, zero or more
		 */
		public void setMaxElapsedDuration(Duration maxElapsedDuration) {
			this.maxElapsedDuration = maxElapsedDuration;
		}

		/**
		 * Returns the first wait per failure reason.
		 * @return the waits
		 */
		public Map<FailureReason, Duration> getWaitDurationByReason() {
			return this.waitDurationByReason;
		}

		/**
		 * Sets the first wait per failure reason.
		 * @param waitDurationByReason the waits
		 */
		public void setWaitDurationByReason(Map<FailureReason, Duration> waitDurationByReason) {
			this.waitDurationByReason = waitDurationByReason;
		}

		/**
		 * Returns whether the server's "try again in" hints are honoured.
		 * @return whether they are honoured
		 */
		public boolean isHonourRetryAfter() {
			return this.honourRetryAfter;
		}

		/**
		 * Sets whether the server's "try again in" hints are honoured.
		 * @param honourRetryAfter whether they are honoured
		 */
		public void setHonourRetryAfter(boolean honourRetryAfter) {
			this.honourRetryAfter = honourRetryAfter;
		}

	}

	/**
	 * Rate limiter settings ({@code resilient-mail.rate-limiter.*}).
	 *
	 * @since 0.1.0
	 */
	public static class RateLimiter {

		/**
		 * Messages sent per refresh period to one destination server.
		 */
		private int limitForPeriod = 14;

		/**
		 * Period after which the limit is refreshed.
		 */
		private Duration limitRefreshPeriod = Duration.ofSeconds(1);

		/**
		 * Longest wait for permission to send; beyond it the send fails at once with a
		 * transient failure (reason RATE_LIMITED) and nothing is sent.
		 */
		private Duration timeoutDuration = Duration.ofSeconds(30);

		/**
		 * Whether the limit halves when the server answers with a rate-limit or
		 * connection-limit reply and climbs back one step per successful send.
		 */
		private boolean adaptive = true;

		/**
		 * Returns the messages per period.
		 * @return the limit
		 */
		public int getLimitForPeriod() {
			return this.limitForPeriod;
		}

		/**
		 * Sets the messages per period.
		 * @param limitForPeriod the limit, 1 or more
		 */
		public void setLimitForPeriod(int limitForPeriod) {
			this.limitForPeriod = limitForPeriod;
		}

		/**
		 * Returns the refresh period.
		 * @return the period
		 */
		public Duration getLimitRefreshPeriod() {
			return this.limitRefreshPeriod;
		}

		/**
		 * Sets the refresh period.
		 * @param limitRefreshPeriod the period, positive
		 */
		public void setLimitRefreshPeriod(Duration limitRefreshPeriod) {
			this.limitRefreshPeriod = limitRefreshPeriod;
		}

		/**
		 * Returns the longest wait for a permit.
		 * @return the wait
		 */
		public Duration getTimeoutDuration() {
			return this.timeoutDuration;
		}

		/**
		 * Sets the longest wait for a permit.
		 * @param timeoutDuration the wait, zero or more
		 */
		public void setTimeoutDuration(Duration timeoutDuration) {
			this.timeoutDuration = timeoutDuration;
		}

		/**
		 * Returns whether the limit adapts to the server's replies.
		 * @return whether it adapts
		 */
		public boolean isAdaptive() {
			return this.adaptive;
		}

		/**
		 * Sets whether the limit adapts to the server's replies.
		 * @param adaptive whether it adapts
		 */
		public void setAdaptive(boolean adaptive) {
			this.adaptive = adaptive;
		}

	}

	/**
	 * Connection pool settings ({@code resilient-mail.pool.*}).
	 *
	 * @since 0.1.0
	 */
	public static class Pool {

		/**
		 * Open SMTP connections kept per destination server.
		 */
		private int maxConnections = 4;

		/**
		 * Messages one connection carries before it is closed and replaced (1 means a new
		 * connection for every message). By default a connection is kept for as many
		 * messages as the server takes.
		 */
		private int maxMessagesPerConnection = Integer.MAX_VALUE;

		/**
		 * How long an unused connection stays open in the pool.
		 */
		private Duration idleTimeout = Duration.ofSeconds(30);

		/**
		 * Returns the connections per destination.
		 * @return the connections
		 */
		public int getMaxConnections() {
			return this.maxConnections;
		}

		/**
		 * Sets the connections per destination.
		 * @param maxConnections the connections, 1 or more
		 */
		public void setMaxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
		}

		/**
		 * Returns the messages per connection.
		 * @return the messages
		 */
		public int getMaxMessagesPerConnection() {
			return this.maxMessagesPerConnection;
		}

		/**
		 * Sets the messages per connection.
		 * @param maxMessagesPerConnection the messages, 1 or more
		 */
		public void setMaxMessagesPerConnection(int maxMessagesPerConnection) {
			this.maxMessagesPerConnection = maxMessagesPerConnection;
		}

		/**
		 * Returns the idle timeout.
		 * @return the timeout
		 */
		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		/**
		 * Sets the idle timeout.
		 * @param idleTimeout the timeout, zero or more
		 */
		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

	}

	/**
	 * Timeout settings ({@code resilient-mail.timeouts.*}). Timeouts set in
	 * {@code spring.mail.properties} ({@code mail.smtp.connectiontimeout},
	 * {@code mail.smtp.timeout}) win.
	 *
	 * @since 0.2.0
	 */
	public static class Timeouts {

		/**
		 * Longest wait for a connection to the server to open (Jakarta Mail's own default
		 * is to wait forever).
		 */
		private Duration connectTimeout = Duration.ofSeconds(10);

		/**
		 * Longest wait for the server's next bytes, or for a write to complete.
		 */
		private Duration readTimeout = Duration.ofSeconds(60);

		/**
		 * Longest time one server reply may take in full, however slowly the server sends
		 * it.
		 */
		private Duration replyTimeout = Duration.ofMinutes(2);

		/**
		 * Returns the connect timeout.
		 * @return the timeout
		 */
		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		/**
		 * Sets the connect timeout.
		 * @param connectTimeout the timeout, positive
		 */
		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		/**
		 * Returns the read timeout.
		 * @return the timeout
		 */
		public Duration getReadTimeout() {
			return this.readTimeout;
		}

		/**
		 * Sets the read timeout.
		 * @param readTimeout the timeout, positive
		 */
		public void setReadTimeout(Duration readTimeout) {
			this.readTimeout = readTimeout;
		}

		/**
		 * Returns the whole-reply timeout.
		 * @return the timeout
		 */
		public Duration getReplyTimeout() {
			return this.replyTimeout;
		}

		/**
		 * Sets the whole-reply timeout.
		 * @param replyTimeout the timeout, positive
		 */
		public void setReplyTimeout(Duration replyTimeout) {
			this.replyTimeout = replyTimeout;
		}

	}

	/**
	 * Asynchronous sending settings ({@code resilient-mail.async.*}).
	 *
	 * @since 0.2.0
	 */
	public static class Async {

		/**
		 * Threads that run the attempts of AsyncMailSender sends; waits between attempts
		 * hold no thread. Unset: one per pooled connection (pool.max-connections).
		 */
		private Integer threads;

		/**
		 * Returns the threads.
		 * @return the threads, or null for one per pooled connection
		 */
		public Integer getThreads() {
			return this.threads;
		}

		/**
		 * Sets the threads.
		 * @param threads the threads, 1 or more
		 */
		public void setThreads(Integer threads) {
			this.threads = threads;
		}

	}

	/**
	 * Where rate limits and waiting retries live ({@code resilient-mail.store}).
	 *
	 * @since 0.2.0
	 */
	public enum Store {

		/** In this instance's memory: its own limit, retries lost on restart. */
		MEMORY,

		/**
		 * In the application's DataSource: one limit shared by every instance, retries
		 * kept across restarts.
		 */
		JDBC

	}

	/**
	 * Database store settings ({@code resilient-mail.jdbc.*}), used with
	 * {@code resilient-mail.store=jdbc}.
	 *
	 * @since 0.2.0
	 */
	public static class Jdbc {

		/**
		 * Whether to create the tables at startup when they are missing (from
		 * dev/resilientmail/jdbc/schema-postgresql.sql). When false a missing table stops
		 * the startup with the name of the script to run.
		 */
		private boolean initializeSchema;

		/**
		 * How often this instance looks for due retries: a retry runs at most this long
		 * after it is due.
		 */
		private Duration pollingInterval = Duration.ofSeconds(2);

		/**
		 * How many due retries this instance attempts at once.
		 */
		private int threads = 4;

		/**
		 * Returns whether the tables are created at startup.
		 * @return whether the tables are created
		 */
		public boolean isInitializeSchema() {
			return this.initializeSchema;
		}

		/**
		 * Sets whether the tables are created at startup.
		 * @param initializeSchema whether to create them
		 */
		public void setInitializeSchema(boolean initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

		/**
		 * Returns the polling interval.
		 * @return the polling interval
		 */
		public Duration getPollingInterval() {
			return this.pollingInterval;
		}

		/**
		 * Sets the polling interval.
		 * @param pollingInterval the polling interval, positive
		 */
		public void setPollingInterval(Duration pollingInterval) {
			this.pollingInterval = pollingInterval;
		}

		/**
		 * Returns the threads.
		 * @return the threads
		 */
		public int getThreads() {
			return this.threads;
		}

		/**
		 * Sets the threads.
		 * @param threads the threads, 1 or more
		 */
		public void setThreads(int threads) {
			this.threads = threads;
		}

	}

	/**
	 * Classification settings ({@code resilient-mail.classification.*}).
	 *
	 * @since 0.1.0
	 */
	public static class Classification {

		/**
		 * Rules tried, in order, before the default classification of failure replies.
		 * Each rule has conditions, all of which must match: 'code' (basic code 400 to
		 * 599), 'enhanced-code' (pattern like 5.4.5 or 5.7.*), 'text' (regular expression
		 * searched in the reply text), 'command' (the SMTP phase, such as RCPT or
		 * END_OF_DATA); and effects: 'kind' (TRANSIENT, PERMANENT, POLICY_TRANSIENT or
		 * POLICY_PERMANENT), 'reason' (such as RATE_LIMITED or MAILBOX_UNKNOWN) and
		 * 'retry-after' (how long to wait before trying again).
		 */
		private List<Rule> rules = new ArrayList<>();

		/**
		 * Returns the rules.
		 * @return the rules
		 */
		public List<Rule> getRules() {
			return this.rules;
		}

		/**
		 * Sets the rules.
		 * @param rules the rules
		 */
		public void setRules(List<Rule> rules) {
			this.rules = rules;
		}

	}

	/**
	 * One classification rule ({@code resilient-mail.classification.rules[n].*}). At
	 * least one condition and one effect are required.
	 *
	 * @since 0.1.0
	 */
	public static class Rule {

		/**
		 * Condition: the reply's basic code, 400 to 599.
		 */
		private Integer code;

		/**
		 * Condition: the enhanced status code, three dot-separated parts each a number or
		 * '*', like 5.4.5 or 5.7.*.
		 */
		private String enhancedCode;

		/**
		 * Condition: a regular expression found in the reply text, like (?i)daily.*limit.
		 */
		private String text;

		/**
		 * Condition: the SMTP phase the reply answers, like RCPT or END_OF_DATA.
		 */
		private SmtpCommand command;

		/**
		 * Effect: the kind of failure.
		 */
		private FailureKind kind;

		/**
		 * Effect: the reason of the failure.
		 */
		private FailureReason reason;

		/**
		 * Effect: how long to wait before trying again.
		 */
		private Duration retryAfter;

		/**
		 * Returns the basic code condition.
		 * @return the code, or {@code null}
		 */
		public Integer getCode() {
			return this.code;
		}

		/**
		 * Sets the basic code condition.
		 * @param code the code, 400 to 599
		 */
		public void setCode(Integer code) {
			this.code = code;
		}

		/**
		 * Returns the enhanced code condition.
		 * @return the pattern, or {@code null}
		 */
		public String getEnhancedCode() {
			return this.enhancedCode;
		}

		/**
		 * Sets the enhanced code condition.
		 * @param enhancedCode the pattern
		 */
		public void setEnhancedCode(String enhancedCode) {
			this.enhancedCode = enhancedCode;
		}

		/**
		 * Returns the text condition.
		 * @return the regular expression, or {@code null}
		 */
		public String getText() {
			return this.text;
		}

		/**
		 * Sets the text condition.
		 * @param text the regular expression
		 */
		public void setText(String text) {
			this.text = text;
		}

		/**
		 * Returns the command condition.
		 * @return the command, or {@code null}
		 */
		public SmtpCommand getCommand() {
			return this.command;
		}

		/**
		 * Sets the command condition.
		 * @param command the command
		 */
		public void setCommand(SmtpCommand command) {
			this.command = command;
		}

		/**
		 * Returns the kind effect.
		 * @return the kind, or {@code null}
		 */
		public FailureKind getKind() {
			return this.kind;
		}

		/**
		 * Sets the kind effect.
		 * @param kind the kind
		 */
		public void setKind(FailureKind kind) {
			this.kind = kind;
		}

		/**
		 * Returns the reason effect.
		 * @return the reason, or {@code null}
		 */
		public FailureReason getReason() {
			return this.reason;
		}

		/**
		 * Sets the reason effect.
		 * @param reason the reason
		 */
		public void setReason(FailureReason reason) {
			this.reason = reason;
		}

		/**
		 * Returns the retry-after effect.
		 * @return the wait, or {@code null}
		 */
		public Duration getRetryAfter() {
			return this.retryAfter;
		}

		/**
		 * Sets the retry-after effect.
		 * @param retryAfter the wait
		 */
		public void setRetryAfter(Duration retryAfter) {
			this.retryAfter = retryAfter;
		}

	}

	/**
	 * Delivery status notification settings ({@code resilient-mail.dsn.*}): with
	 * {@code notify} set, every RCPT carries {@code NOTIFY=} and {@code ORCPT=}, and MAIL
	 * carries {@code RET=} and an {@code ENVID=} that a bounce echoes, so that it is
	 * matched to its message. Servers that do not advertise DSN get none of these.
	 *
	 * @since 0.2.0
	 */
	public static class Dsn {

		/**
		 * When the receiving servers should report: NEVER, or a list of SUCCESS, FAILURE
		 * and DELAY. Unset (the default): no DSN is asked for and the servers decide.
		 */
		private List<String> notify = new ArrayList<>();

		/**
		 * What a DSN returns of the message: FULL (the whole message) or HDRS (its
		 * headers only, enough to match the bounce). Unset: HDRS. Needs notify.
		 */
		private String ret;

		/**
		 * Returns when the servers should report.
		 * @return the NOTIFY values, empty when no DSN is asked for
		 */
		public List<String> getNotify() {
			return this.notify;
		}

		/**
		 * Sets when the servers should report.
		 * @param notify NEVER, or SUCCESS, FAILURE and DELAY
		 */
		public void setNotify(List<String> notify) {
			this.notify = notify;
		}

		/**
		 * Returns what a DSN returns of the message.
		 * @return FULL, HDRS, or null for HDRS
		 */
		public String getRet() {
			return this.ret;
		}

		/**
		 * Sets what a DSN returns of the message.
		 * @param ret FULL or HDRS
		 */
		public void setRet(String ret) {
			this.ret = ret;
		}

	}

	/**
	 * Bounce settings ({@code resilient-mail.bounces.*}).
	 *
	 * @since 0.2.0
	 */
	public static class Bounces {

		/**
		 * The IMAP mailbox that receives the bounces (the envelope sender's mailbox).
		 */
		private final Imap imap = new Imap();

		/**
		 * Plain return path, like bounces@example.com, that every message is sent with as
		 * a VERP address (MAIL FROM:<bounces+TOKEN@example.com>, TOKEN derived from its
		 * Message-ID), so that a bounce names its message in the address it is sent to.
		 * Replaces each message's own envelope sender. Unset: no VERP.
		 */
		private String verpReturnPath;

		/**
		 * How many sends are remembered, in memory, for matching their bounces (the
		 * oldest are forgotten first; a bounce for a forgotten send is published but not
		 * matched). Used when the mailbox is read.
		 */
		private int maxRememberedSends = BounceCorrelator.DEFAULT_CAPACITY;

		/**
		 * Returns the IMAP mailbox settings.
		 * @return the IMAP settings
		 */
		public Imap getImap() {
			return this.imap;
		}

		/**
		 * Returns the plain return path of VERP addresses.
		 * @return the return path, or null for no VERP
		 */
		public String getVerpReturnPath() {
			return this.verpReturnPath;
		}

		/**
		 * Sets the plain return path of VERP addresses.
		 * @param verpReturnPath an address like bounces@example.com
		 */
		public void setVerpReturnPath(String verpReturnPath) {
			this.verpReturnPath = verpReturnPath;
		}

		/**
		 * Returns how many sends are remembered for matching.
		 * @return the number of sends
		 */
		public int getMaxRememberedSends() {
			return this.maxRememberedSends;
		}

		/**
		 * Sets how many sends are remembered for matching.
		 * @param maxRememberedSends the number of sends, at least 1
		 */
		public void setMaxRememberedSends(int maxRememberedSends) {
			this.maxRememberedSends = maxRememberedSends;
		}

	}

	/**
	 * The bounce mailbox ({@code resilient-mail.bounces.imap.*}): when a host is set, its
	 * folder is read, each message is published as a {@link BounceEvent} and moved to the
	 * processed folder (or, when it cannot be read, to the failed folder).
	 *
	 * @since 0.2.0
	 */
	public static class Imap {

		/**
		 * Whether the bounce mailbox is read when a host is set.
		 */
		private boolean enabled = true;

		/**
		 * IMAP server host; the mailbox is read only when it is set.
		 */
		private String host;

		/**
		 * IMAP server port. Unset: 143, or 993 with ssl.
		 */
		private Integer port;

		/**
		 * User name of the mailbox.
		 */
		private String username;

		/**
		 * Password of the mailbox.
		 */
		private String password;

		/**
		 * Whether to connect with implicit TLS (IMAPS) instead of plain IMAP.
		 */
		private boolean ssl = false;

		/**
		 * Whether to wait for new messages with IMAP IDLE where the server offers it,
		 * instead of polling at poll-interval.
		 */
		private boolean idle = true;

		/**
		 * Folder that is read.
		 */
		private String folder = "INBOX";

		/**
		 * Folder that read messages are moved to; created if missing.
		 */
		private String processedFolder = "processed";

		/**
		 * Folder that messages which cannot be read are moved to (the reason is logged);
		 * created if missing.
		 */
		private String failedFolder = "failed";

		/**
		 * Wait between two reads when the server has no IDLE (or idle is false), and
		 * after a read that failed; with IDLE, the longest one IDLE lasts before the
		 * folder is read again.
		 */
		private Duration pollInterval = Duration.ofMinutes(1);

		/**
		 * Returns whether the mailbox is read.
		 * @return whether it is enabled
		 */
		public boolean isEnabled() {
			return this.enabled;
		}

		/**
		 * Sets whether the mailbox is read.
		 * @param enabled whether it is enabled
		 */
		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		/**
		 * Returns the host.
		 * @return the host, or null
		 */
		public String getHost() {
			return this.host;
		}

		/**
		 * Sets the host.
		 * @param host the host
		 */
		public void setHost(String host) {
			this.host = host;
		}

		/**
		 * Returns the port.
		 * @return the port, or null for the protocol's default
		 */
		public Integer getPort() {
			return this.port;
		}

		/**
		 * Sets the port.
		 * @param port the port, 1 to 65535
		 */
		public void setPort(Integer port) {
			this.port = port;
		}

		/**
		 * Returns the user name.
		 * @return the user name
		 */
		public String getUsername() {
			return this.username;
		}

		/**
		 * Sets the user name.
		 * @param username the user name
		 */
		public void setUsername(String username) {
			this.username = username;
		}

		/**
		 * Returns the password.
		 * @return the password
		 */
		public String getPassword() {
			return this.password;
		}

		/**
		 * Sets the password.
		 * @param password the password
		 */
		public void setPassword(String password) {
			this.password = password;
		}

		/**
		 * Returns whether IMAPS is used.
		 * @return whether IMAPS is used
		 */
		public boolean isSsl() {
			return this.ssl;
		}

		/**
		 * Sets whether IMAPS is used.
		 * @param ssl whether IMAPS is used
		 */
		public void setSsl(boolean ssl) {
			this.ssl = ssl;
		}

		/**
		 * Returns whether IDLE is used where the server offers it.
		 * @return whether IDLE is used
		 */
		public boolean isIdle() {
			return this.idle;
		}

		/**
		 * Sets whether IDLE is used where the server offers it.
		 * @param idle whether IDLE is used
		 */
		public void setIdle(boolean idle) {
			this.idle = idle;
		}

		/**
		 * Returns the folder read.
		 * @return the folder
		 */
		public String getFolder() {
			return this.folder;
		}

		/**
		 * Sets the folder read.
		 * @param folder the folder
		 */
		public void setFolder(String folder) {
			this.folder = folder;
		}

		/**
		 * Returns the processed folder.
		 * @return the folder
		 */
		public String getProcessedFolder() {
			return this.processedFolder;
		}

		/**
		 * Sets the processed folder.
		 * @param processedFolder the folder
		 */
		public void setProcessedFolder(String processedFolder) {
			this.processedFolder = processedFolder;
		}

		/**
		 * Returns the failed folder.
		 * @return the folder
		 */
		public String getFailedFolder() {
			return this.failedFolder;
		}

		/**
		 * Sets the failed folder.
		 * @param failedFolder the folder
		 */
		public void setFailedFolder(String failedFolder) {
			this.failedFolder = failedFolder;
		}

		/**
		 * Returns the poll interval.
		 * @return the interval
		 */
		public Duration getPollInterval() {
			return this.pollInterval;
		}

		/**
		 * Sets the poll interval.
		 * @param pollInterval the interval, positive
		 */
		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

	}

}
