package dev.resilientmail.delivery;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

import javax.net.ssl.SSLSocketFactory;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.SmtpFailure;

/**
 * Sends messages through the capturing transport and acts on what the server's replies
 * mean: retries transient failures with backoff, only for the recipients not yet
 * accepted; splits the recipient list when the server takes fewer per message; honours
 * "try again in N" hints; throttles per destination with a rate limiter that slows down
 * when the server says so. <pre>{@code
 * MailDelivery delivery = MailDelivery.builder("smtp.example.com", 587)
 *     .credentials("app", secret)
 *     .policy(DeliveryPolicy.builder().maxAttempts(5).build())
 *     .build();
 * DeliveryReport report = delivery.send(message);   // or sendAsync(message)
 * }</pre> The session gets {@code mail.smtp.sendpartial=true} (accepted recipients
 * receive the message even when others are refused; the others are reported and retried
 * or not by their own reply) and the policy's timeouts unless the session already sets
 * them. When TLS is used the server's certificate must name the host connected to
 * ({@code mail.smtp.ssl.checkserveridentity=true} unless the session says otherwise).
 * With credentials over {@code smtp}, STARTTLS is required unless turned off
 * ({@link Builder#requireStartTls(boolean)}). Thread-safe.
 *
 * @since 0.1.0
 */
public final class MailDelivery implements AutoCloseable {

	private final DeliveryPolicy policy;

	private final SessionSettings settings;

	private final MessageAttempts.Parts parts;

	private final AsyncSends async;

	private final Sleeper sleeper;

	private MailDelivery(DeliverySetup setup) {
		this.policy = setup.policy;
		this.sleeper = setup.sleeper;
		this.settings = SessionSettings.of(setup);
		this.parts = MessageAttempts.Parts.of(setup, this.settings);
		this.async = new AsyncSends(setup.asyncThreadCount(), this.parts);
	}

	/**
	 * Starts a delivery for a host and port.
	 * @param host the SMTP server's host name
	 * @param port its port (25, 587, or 465 with {@link Builder#protocol(String) smtps})
	 * @return a builder
	 */
	public static Builder builder(String host, int port) {
		Builder builder = new Builder();
		builder.setup.destination(host, port);
		return builder;
	}

	/**
	 * Starts a delivery from a Jakarta Mail session: its {@code mail.smtp.*} properties
	 * give the host, port, user and any other Angus setting.
	 * @param session the session
	 * @return a builder
	 */
	public static Builder builder(Session session) {
		Builder builder = new Builder();
		builder.setup.session = Objects.requireNonNull(session, "session");
		return builder;
	}

	/**
	 * Returns the policy.
	 * @return the policy
	 */
	public DeliveryPolicy policy() {
		return this.policy;
	}

	/**
	 * Returns the session the transports are created from (with the capturing transport
	 * selected).
	 * @return the session
	 */
	public Session session() {
		return this.settings.session();
	}

	/**
	 * Sends a message, retrying in this thread as the policy says.
	 * @param message the message; its {@code Message-ID} is fixed before the first
	 * attempt so that every attempt carries the same one
	 * @return the report once every recipient accepted the message
	 * @throws SmtpFailure the typed failure when some recipient was not delivered in the
	 * end (with {@link SmtpFailure#attempts()} and every recipient's outcome)
	 * @throws MessagingException if the message itself cannot be sent (no recipients,
	 * header injection)
	 * @see #close() what a send gets after close()
	 */
	public DeliveryReport send(MimeMessage message) throws MessagingException {
		return new MessageAttempts(message, this.parts).sendBlocking(this.sleeper);
	}

	/**
	 * Sends a message in the background: attempts run on this delivery's threads and
	 * waits between them are scheduled, so no thread blocks while waiting.
	 * @param message the message
	 * @return a future completed with the report, or exceptionally with the typed failure
	 * @see #close() what a send gets after close()
	 */
	public CompletableFuture<DeliveryReport> sendAsync(MimeMessage message) {
		return this.async.submit(message);
	}

	/**
	 * Returns the current rate limit for this delivery's destination, in messages per
	 * {@linkplain DeliveryPolicy.RateLimit#limitRefreshPeriod() period}: the configured
	 * limit, or less while the adaptive limiter is backing off because the server said we
	 * send too fast.
	 * @return the current limit
	 */
	public int currentRateLimit() {
		return this.parts.limiter().currentLimit();
	}

	/** How many connections this delivery has opened so far. */
	int connectionsOpened() {
		return this.parts.pool().opened();
	}

	/**
	 * Stops the background threads and closes pooled connections. Attempts in progress
	 * finish; no attempt starts after it. Every send that has not succeeded when close()
	 * comes, {@link #send} and {@link #sendAsync} alike, waiting or called later, ends
	 * with the same answer: its last {@link SmtpFailure} when it was tried (with its
	 * attempts), or, if it never was, a {@link dev.resilientmail.TransientFailure} of
	 * reason {@code UNKNOWN} saying that this delivery was closed and nothing was sent
	 * (every recipient {@code NOT_DELIVERED}; send it through another delivery). No
	 * future stays pending.
	 */
	@Override
	public void close() {
		this.parts.closed().set(true);
		this.async.close();
		this.parts.pool().close();
	}

	/**
	 * Builds a {@link MailDelivery}.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		// read by the constructor
		final DeliverySetup setup = new DeliverySetup();

		private Builder() {
		}

		/**
		 * @param protocol {@code smtp} (plain or STARTTLS) or {@code smtps} (implicit
		 * TLS)
		 * @return this builder
		 */
		public Builder protocol(String protocol) {
			this.setup.protocol(protocol);
			return this;
		}

		/**
		 * @param username the user to authenticate as
		 * @param password the password (never logged)
		 * @return this builder
		 */
		public Builder credentials(String username, String password) {
			this.setup.username = DeliverySetup.requireText("username", username);
			this.setup.password = Objects.requireNonNull(password, "password");
			return this;
		}

		/**
		 * @param policy the retry, rate-limit and timeout policy
		 * @return this builder
		 */
		public Builder policy(DeliveryPolicy policy) {
			this.setup.policy = Objects.requireNonNull(policy, "policy");
			return this;
		}

		/**
		 * @param listener receives every exchange, attempt, retry and outcome
		 * @return this builder
		 */
		public Builder listener(DeliveryListener listener) {
			this.setup.listener = Objects.requireNonNull(listener, "listener");
			return this;
		}

		/**
		 * @param threads threads for {@link MailDelivery#sendAsync}, 1 or more (default:
		 * one per pooled connection, {@link DeliveryPolicy.Pool#maxConnections()})
		 * @return this builder
		 */
		public Builder asyncThreads(int threads) {
			this.setup.asyncThreads(threads);
			return this;
		}

		/**
		 * The hook for Resilience4j users: the delivery creates its {@code Retry} (named
		 * {@code resilient-mail:HOST:PORT}) and its per-destination {@code RateLimiter}s
		 * (named {@code resilient-mail:HOST:PORT}) in these registries, so that
		 * resilience4j-micrometer, events consumers or other tooling bound to them see
		 * them. Their configuration comes from the {@link DeliveryPolicy}; an instance of
		 * the same name already in a registry (from an earlier delivery to the same
		 * destination) is replaced.
		 * @param retries the retry registry
		 * @param rateLimiters the rate limiter registry
		 * @return this builder
		 */
		public Builder resilience4jRegistries(RetryRegistry retries, RateLimiterRegistry rateLimiters) {
			this.setup.retryRegistry = Objects.requireNonNull(retries, "retries");
			this.setup.rateLimiterRegistry = Objects.requireNonNull(rateLimiters, "rateLimiters");
			return this;
		}

		/**
		 * Requires STARTTLS before anything else: a server that does not offer it gets no
		 * credentials and no message, and the send fails with a
		 * {@link dev.resilientmail.PolicyRejection} of reason
		 * {@code AUTHENTICATION_REQUIRED} that is not retried. Sets
		 * {@code mail.smtp.starttls.enable} and {@code mail.smtp.starttls.required}.
		 * Default: required when {@link #credentials credentials} are set on
		 * {@code smtp}, unless the session sets
		 * {@code mail.smtp.starttls.required=false}; otherwise the session's settings
		 * stay as they are. {@code false} turns the requirement off (credentials may then
		 * go out in clear).
		 * @param require whether STARTTLS is required
		 * @return this builder
		 */
		public Builder requireStartTls(boolean require) {
			this.setup.requireStartTls = require;
			return this;
		}

		/**
		 * Sets the factory for TLS connections (STARTTLS and {@code smtps}), for example
		 * one whose trust store holds a private CA. The server's identity is still
		 * checked against the host name.
		 * @param factory the factory ({@code mail.smtp.ssl.socketFactory})
		 * @return this builder
		 */
		public Builder sslSocketFactory(SSLSocketFactory factory) {
			this.setup.sslSocketFactory = Objects.requireNonNull(factory, "factory");
			return this;
		}

		/**
		 * Asks for delivery status notifications (RFC 3461) where the server advertises
		 * DSN: RCPT carries {@code NOTIFY=} and {@code ORCPT=rfc822;address}, MAIL
		 * carries {@code RET=} and {@code ENVID=}, the message's Message-ID
		 * (xtext-encoded; a {@code sha256:} digest of it when longer than 100
		 * characters), so that a bounce can be matched to its message. A server that does
		 * not advertise DSN gets none of these parameters.
		 * @param notify {@code NEVER}, or a comma-separated list of {@code SUCCESS},
		 * {@code FAILURE} and {@code DELAY}
		 * @param ret {@code FULL} (the whole message returned) or {@code HDRS} (its
		 * headers only)
		 * @return this builder
		 * @throws IllegalArgumentException if a value is not one of these
		 * @since 0.2.0
		 */
		public Builder dsn(String notify, String ret) {
			this.setup.dsn(notify, ret);
			return this;
		}

		/**
		 * Sets where the permits of the destination come from: by default a rate limiter
		 * in this delivery; {@code resilient-mail-jdbc}'s shares one limit between every
		 * instance of the application.
		 * @param source the permit source
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder ratePermits(RatePermitSource source) {
			this.setup.ratePermits = Objects.requireNonNull(source, "source");
			return this;
		}

		/**
		 * Hands every attempt that some recipients accepted, with its report, to a
		 * recorder, on the sending thread: {@code .acceptedSends(correlator::sent)} lets
		 * a {@code BounceCorrelator} match the bounces that arrive later without
		 * application code. What the recorder throws is logged and ignored.
		 * @param recorder the recorder
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder acceptedSends(BiConsumer<MimeMessage, DeliveryReport> recorder) {
			this.setup.acceptedSends = Objects.requireNonNull(recorder, "recorder");
			return this;
		}

		/**
		 * Sends each message with a VERP return path (RFC 3461 is not needed for it):
		 * {@code bounces@example.com} becomes {@code bounces+TOKEN@example.com} in MAIL
		 * FROM, TOKEN being 20 hex digits of the SHA-256 of the message's Message-ID, so
		 * that a bounce names its message in the address it is sent to. The message's own
		 * envelope sender is replaced.
		 * @param returnPath the plain return path, like {@code bounces@example.com}
		 * @return this builder
		 * @throws IllegalArgumentException if it is not such an address (ASCII, one
		 * {@code @}, no {@code +}, no white space or angle brackets)
		 * @since 0.2.0
		 */
		public Builder verpReturnPath(String returnPath) {
			this.setup.verpReturnPath(returnPath);
			return this;
		}

		/**
		 * Sets where the retries of {@link MailDelivery#sendAsync} wait: by default in
		 * memory (a restart loses them); {@code resilient-mail-jdbc}'s keeps them in a
		 * database, runs each on exactly one instance and resumes them after a restart.
		 * The delivery starts running the store's due retries when it is built and stops
		 * at {@link MailDelivery#close()}.
		 * @param store the retry store
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder retryStore(DeferredRetryStore store) {
			this.setup.retryStore = Objects.requireNonNull(store, "store");
			return this;
		}

		Builder sleeper(Sleeper sleeper) {
			this.setup.sleeper = sleeper;
			return this;
		}

		Builder ticker(Ticker ticker) {
			this.setup.ticker = ticker;
			return this;
		}

		/**
		 * @return the delivery
		 * @throws IllegalStateException if the capturing transport cannot be selected
		 */
		public MailDelivery build() {
			return new MailDelivery(this.setup);
		}

	}

}
