package dev.resilientmail.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLSocketFactory;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.TransientFailure;
import dev.resilientmail.UncertainDelivery;
import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.classify.ReplyClassifier;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpTranscript;
import dev.resilientmail.transport.CapturingSmtpTransport;

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
 * Thread-safe.
 *
 * @since 0.1.0
 */
public final class MailDelivery implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(MailDelivery.class);

	private final Session session;

	private final String protocol;

	private final String host;

	private final int port;

	private final String username;

	private final String password;

	private final DeliveryPolicy policy;

	private final DeliveryListener listener;

	/**
	 * What the transports report: exchanges only. Outcomes are reported by the delivery,
	 * once per message after any retries, not once per attempt or transaction.
	 */
	private final DeliveryListener exchangeListener;

	private final Sleeper sleeper;

	private final Map<String, AdaptiveRateLimiter> limiters = new ConcurrentHashMap<>();

	private final ScheduledExecutorService scheduler;

	private final Retry retry;

	private final TransportPool pool;

	private final java.util.Queue<Waiting> waitingForPermit = new java.util.concurrent.ConcurrentLinkedQueue<>();

	private final AtomicBoolean dispatching = new AtomicBoolean();

	/**
	 * Async sends that are not in an attempt right now (waiting for a permit or for their
	 * next retry): close() ends them with a failure instead of leaving them pending.
	 */
	private final Map<CompletableFuture<DeliveryReport>, Job> idle = new ConcurrentHashMap<>();

	private final AtomicBoolean dispatchScheduled = new AtomicBoolean();

	/** Set by close(): no attempt starts after it. */
	private final AtomicBoolean closed = new AtomicBoolean();

	private final RateLimiterRegistry rateLimiterRegistry;

	private MailDelivery(Builder builder) {
		this.protocol = builder.protocol;
		this.policy = builder.policy;
		this.listener = builder.listener;
		this.rateLimiterRegistry = builder.rateLimiterRegistry;
		DeliveryListener forward = builder.listener;
		// no listener, no wrapper: the transport builds exchanges only for a listener
		// (or DEBUG logging), and a wrapper around NONE made it build one per reply
		this.exchangeListener = (forward == DeliveryListener.NONE) ? DeliveryListener.NONE : new DeliveryListener() {
			@Override
			public void onExchange(dev.resilientmail.reply.SmtpExchange exchange) {
				forward.onExchange(exchange);
			}
		};
		this.sleeper = builder.sleeper;
		Properties properties = new Properties();
		if (builder.session != null) {
			properties.putAll(builder.session.getProperties());
		}
		String prefix = "mail." + this.protocol + ".";
		this.host = (builder.host != null) ? builder.host : properties.getProperty(prefix + "host", "localhost");
		this.port = (builder.port > 0) ? builder.port : Integer
			.parseInt(properties.getProperty(prefix + "port", "smtps".equals(this.protocol) ? "465" : "25"));
		this.username = (builder.username != null) ? builder.username : properties.getProperty(prefix + "user");
		this.password = builder.password;
		String className = "smtps".equals(this.protocol) ? "dev.resilientmail.transport.CapturingSmtpsTransport"
				: CapturingSmtpTransport.class.getName();
		properties.setProperty(prefix + "class", className);
		properties.setProperty(prefix + "sendpartial", "true");
		properties.putIfAbsent(prefix + "connectiontimeout", String.valueOf(this.policy.connectTimeout().toMillis()));
		properties.putIfAbsent(prefix + "timeout", String.valueOf(this.policy.readTimeout().toMillis()));
		properties.putIfAbsent(prefix + "writetimeout", String.valueOf(this.policy.readTimeout().toMillis()));
		if (this.username != null && this.password != null) {
			properties.setProperty(prefix + "auth", "true");
		}
		if (builder.requireStartTls) {
			properties.setProperty(prefix + "starttls.enable", "true");
			properties.setProperty(prefix + "starttls.required", "true");
		}
		if (builder.sslSocketFactory != null) {
			properties.put(prefix + "ssl.socketFactory", builder.sslSocketFactory);
		}
		// Angus 2.0 checks by default; say so, so that an Angus with another default
		// cannot silently accept a certificate issued for another host
		properties.putIfAbsent(prefix + "ssl.checkserveridentity", "true");
		if (!this.policy.classificationRules().isEmpty()) {
			properties.put("resilient-mail.classifier",
					ReplyClassifier.defaults().withRules(this.policy.classificationRules()));
		}
		this.session = Session.getInstance(properties);
		this.pool = new TransportPool(this::connect, this.policy.maxConnections(),
				this.policy.maxMessagesPerConnection(), this.policy.idleTimeout().toMillis());
		RetryConfig retryConfig = RetryConfig.<DeliveryReport>custom()
			.maxAttempts(this.policy.maxAttempts())
			.retryOnException((error) -> error instanceof SmtpFailure failure && retryableFailure(failure))
			.intervalBiFunction(
					(attempt, result) -> (result.isLeft() && result.getLeft() instanceof SmtpFailure failure)
							? waitMillis(failure, attempt) : this.policy.waitDuration().toMillis())
			.failAfterMaxAttempts(false)
			.build();
		String retryName = "resilient-mail:" + this.host + ":" + this.port;
		if (builder.retryRegistry != null) {
			// the newest delivery's instance is the one to watch: its predicates use its
			// policy
			builder.retryRegistry.remove(retryName);
			this.retry = builder.retryRegistry.retry(retryName, retryConfig);
		}
		else {
			this.retry = Retry.of(retryName, retryConfig);
		}
		this.retry.getEventPublisher()
			.onRetry((event) -> log.info("retry {} in {} after: {}", event.getNumberOfRetryAttempts(),
					event.getWaitInterval(),
					(event.getLastThrowable() != null) ? event.getLastThrowable().getMessage() : ""));
		AtomicInteger threads = new AtomicInteger();
		this.scheduler = Executors.newScheduledThreadPool(builder.asyncThreads, (runnable) -> {
			Thread thread = new Thread(runnable, "resilient-mail-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		try {
			// fail now, not at the first send, when the transport cannot be selected
			CapturingSmtpTransport.of(this.session, this.protocol);
		}
		catch (MessagingException ex) {
			this.scheduler.shutdownNow();
			throw new IllegalStateException("cannot create the SMTP transport: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Starts a delivery for a host and port.
	 * @param host the SMTP server's host name
	 * @param port its port (25, 587, or 465 with {@link Builder#protocol(String) smtps})
	 * @return a builder
	 */
	public static Builder builder(String host, int port) {
		Builder builder = new Builder();
		builder.host = requireText("host", host);
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
		}
		builder.port = port;
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
		builder.session = Objects.requireNonNull(session, "session");
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
		return this.session;
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
		Job job = new Job(message);
		while (true) {
			Step step = job.attempt(false);
			if (step.report != null) {
				return step.report;
			}
			if (step.failure != null) {
				throw step.failure;
			}
			if (step.error != null) {
				throw step.error;
			}
			if (step.waitMillis == 0) {
				// a split: the rest of the recipients go out now
				continue;
			}
			try {
				this.sleeper.sleep(step.waitMillis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw job.lastFailure;
			}
		}
	}

	/**
	 * Sends a message in the background: attempts run on this delivery's threads and
	 * waits between them are scheduled, so no thread blocks while waiting.
	 * @param message the message
	 * @return a future completed with the report, or exceptionally with the typed failure
	 * @see #close() what a send gets after close()
	 */
	public CompletableFuture<DeliveryReport> sendAsync(MimeMessage message) {
		CompletableFuture<DeliveryReport> future = new CompletableFuture<>();
		Job job;
		try {
			job = new Job(message);
		}
		catch (MessagingException | RuntimeException ex) {
			future.completeExceptionally(ex);
			return future;
		}
		this.idle.put(future, job);
		try {
			this.scheduler.execute(() -> runAsync(job, future));
		}
		catch (RejectedExecutionException closed) {
			this.idle.remove(future);
			future.completeExceptionally(closedBeforeSending(job));
		}
		return future;
	}

	/**
	 * Queues an attempt for a permit. Attempts wait in one FIFO queue and take permits as
	 * they come free, so that a lowered limit applies at once to everything still waiting
	 * (a permit reserved ahead of time would keep the old rate).
	 */
	private void runAsync(Job job, CompletableFuture<DeliveryReport> future) {
		this.idle.put(future, job);
		this.waitingForPermit.add(new Waiting(job, future, System.nanoTime()));
		dispatch();
	}

	private void dispatch() {
		if (!this.dispatching.compareAndSet(false, true)) {
			return;
		}
		try {
			Waiting next;
			while ((next = this.waitingForPermit.peek()) != null) {
				if (System.nanoTime() - next.since > this.policy.rateLimitTimeout().toNanos()) {
					this.waitingForPermit.poll();
					this.idle.remove(next.future);
					next.future.completeExceptionally(next.job.localRateLimit());
					continue;
				}
				AdaptiveRateLimiter limiter = next.job.limiter;
				if (!limiter.tryAcquire()) {
					scheduleDispatch(limiter.nanosToNextPermit());
					return;
				}
				this.waitingForPermit.poll();
				Waiting granted = next;
				this.idle.remove(granted.future);
				try {
					this.scheduler.execute(() -> attemptAsync(granted.job, granted.future));
				}
				catch (RejectedExecutionException closed) {
					granted.future.completeExceptionally(closedBeforeSending(granted.job));
				}
			}
		}
		catch (RuntimeException ex) {
			// the scheduler was shut down: close() drops what is waiting
			log.debug("dispatch stopped: {}", ex.toString());
		}
		finally {
			this.dispatching.set(false);
		}
		if (!this.waitingForPermit.isEmpty() && !this.dispatchScheduled.get()) {
			// added while this dispatch was finishing
			dispatch();
		}
	}

	private void scheduleDispatch(long nanos) {
		if (this.dispatchScheduled.compareAndSet(false, true)) {
			this.scheduler.schedule(() -> {
				this.dispatchScheduled.set(false);
				dispatch();
			}, Math.max(nanos, 100_000), TimeUnit.NANOSECONDS);
		}
	}

	/** An attempt waiting for a permit, since when. */
	private record Waiting(Job job, CompletableFuture<DeliveryReport> future, long since) {
	}

	private void attemptAsync(Job job, CompletableFuture<DeliveryReport> future) {
		try {
			Step step = job.attempt(true);
			if (step.report != null) {
				future.complete(step.report);
			}
			else if (step.failure != null) {
				future.completeExceptionally(step.failure);
			}
			else if (step.error != null) {
				future.completeExceptionally(step.error);
			}
			else {
				this.idle.put(future, job);
				try {
					this.scheduler.schedule(() -> runAsync(job, future), step.waitMillis, TimeUnit.MILLISECONDS);
				}
				catch (RejectedExecutionException closed) {
					this.idle.remove(future);
					future.completeExceptionally(job.lastFailure.withAttempts(job.attempts));
				}
			}
		}
		catch (RuntimeException ex) {
			future.completeExceptionally(ex);
		}
	}

	/**
	 * Stops the background threads and closes pooled connections. Attempts in progress
	 * finish; no attempt starts after it. Every send that has not succeeded when close()
	 * comes, {@link #send} and {@link #sendAsync} alike, waiting or called later, ends
	 * with the same answer: its last {@link SmtpFailure} when it was tried (with its
	 * attempts), or, if it never was, a {@link TransientFailure} of reason
	 * {@code UNKNOWN} saying that this delivery was closed and nothing was sent (every
	 * recipient {@code NOT_DELIVERED}; send it through another delivery). No future stays
	 * pending.
	 */
	@Override
	public void close() {
		this.closed.set(true);
		this.scheduler.shutdownNow();
		this.pool.close();
		// nothing may stay pending forever: what waited for a permit or a retry ends with
		// its last failure, or a failure saying that nothing was sent
		for (Map.Entry<CompletableFuture<DeliveryReport>, Job> waiting : this.idle.entrySet()) {
			Job job = waiting.getValue();
			waiting.getKey().completeExceptionally(closedBeforeSending(job));
		}
		this.idle.clear();
	}

	private static SmtpFailure closedBeforeSending(Job job) {
		// a send that was tried keeps its last failure, with the outcomes of every
		// attempt
		return (job.lastFailure != null) ? job.finalFailure(job.lastFailure) : job.notSent(
				"this MailDelivery was closed before the message was sent; nothing was sent", FailureReason.UNKNOWN);
	}

	/**
	 * The wait before retry number {@code retry} (1 for the first), driven by the
	 * failure.
	 */
	long waitMillis(SmtpFailure failure, int retry) {
		DeliveryPolicy p = this.policy;
		Duration base = p.reasonWait().get(failure.reason());
		if (base == null || retry > 1) {
			double factor = Math.pow(p.backoffMultiplier(), retry - 1);
			base = Duration.ofMillis((long) Math.min(Long.MAX_VALUE / 2, p.waitDuration().toMillis() * factor));
		}
		long millis = base.toMillis();
		if (p.jitter() > 0 && millis > 0) {
			double spread = p.jitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
			millis = Math.max(0, Math.round(millis * (1 + spread)));
		}
		Optional<Duration> hint = failure.retryAfter();
		if (p.honourRetryAfter() && hint.isPresent()) {
			millis = Math.max(millis, hint.get().toMillis());
		}
		return Math.min(millis, p.maxWaitDuration().toMillis());
	}

	/**
	 * Returns the current rate limit for this delivery's destination, in messages per
	 * {@linkplain DeliveryPolicy#limitRefreshPeriod() period}: the configured limit, or
	 * less while the adaptive limiter is backing off because the server said we send too
	 * fast.
	 * @return the current limit
	 */
	public int currentRateLimit() {
		return limiter().currentLimit();
	}

	private AdaptiveRateLimiter limiter() {
		String destination = this.host + ":" + this.port;
		return this.limiters.computeIfAbsent(destination,
				(key) -> new AdaptiveRateLimiter(key, this.policy, System::nanoTime, this.rateLimiterRegistry));
	}

	private CapturingSmtpTransport connect() throws MessagingException {
		CapturingSmtpTransport transport = CapturingSmtpTransport.of(this.session, this.protocol);
		transport.setDeliveryListener(this.exchangeListener);
		transport.connect(this.host, this.port, this.username, this.password);
		return transport;
	}

	private DeliveryReport sendOnce(MimeMessage message, List<InternetAddress> recipients) throws MessagingException {
		TransportPool.Lease lease;
		try {
			lease = this.pool.acquire();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new MessagingException("interrupted while waiting for a pooled SMTP connection", ex);
		}
		boolean reusable = false;
		try {
			lease.transport.sendMessage(message, recipients.toArray(new Address[0]));
			reusable = true;
			return lease.transport.deliveryReport();
		}
		catch (SmtpFailure failure) {
			// after 421 or a broken connection the transport must not be used again
			reusable = failure.reply().isPresent() && failure.reply().get().code() != 421
					&& !(failure instanceof UncertainDelivery);
			throw failure;
		}
		finally {
			this.pool.release(lease, reusable);
		}
	}

	/**
	 * Returns how many connections this delivery has opened so far.
	 * @return the connections opened
	 */
	int connectionsOpened() {
		return this.pool.opened();
	}

	/**
	 * The outcome of one attempt: a report, a final failure, or a wait before the next.
	 */
	private record Step(DeliveryReport report, SmtpFailure failure, MessagingException error, long waitMillis) {
	}

	/** One message's way through its attempts. */
	private final class Job {

		private final MimeMessage message;

		private final AdaptiveRateLimiter limiter = limiter();

		// made at the first attempt, not when the job is queued: thousands of queued
		// sendAsync jobs should hold little more than their messages
		private Map<InternetAddress, RecipientOutcome> outcomes;

		private List<InternetAddress> pending;

		private int attempts;

		private final long startNanos = System.nanoTime();

		private Retry.AsyncContext<DeliveryReport> retryContext;

		private SmtpFailure lastFailure;

		Job(MimeMessage message) throws MessagingException {
			Objects.requireNonNull(message, "message");
			// saveChanges() always makes a new Message-ID: keep one the application set,
			// as
			// Spring's JavaMailSenderImpl does, and then the same one on every attempt
			String messageId = message.getMessageID();
			message.saveChanges();
			if (messageId != null) {
				message.setHeader("Message-ID", messageId);
			}
			Address[] all = message.getAllRecipients();
			if (all == null || all.length == 0) {
				throw new MessagingException("message has no recipients (To, Cc or Bcc); nothing was sent");
			}
			// a set, not List.contains: linear in the recipients, not quadratic
			Set<InternetAddress> unique = new LinkedHashSet<>(all.length * 2);
			for (Address address : all) {
				if (address instanceof InternetAddress internet) {
					unique.add(internet);
				}
			}
			this.message = message;
			this.pending = new ArrayList<>(unique);
		}

		private Map<InternetAddress, RecipientOutcome> outcomes() {
			if (this.outcomes == null) {
				this.outcomes = new LinkedHashMap<>();
			}
			return this.outcomes;
		}

		private Retry.AsyncContext<DeliveryReport> retryContext() {
			if (this.retryContext == null) {
				this.retryContext = MailDelivery.this.retry.asyncContext();
			}
			return this.retryContext;
		}

		Step attempt(boolean permitHeld) {
			if (MailDelivery.this.closed.get()) {
				return new Step(null, closedBeforeSending(this), null, 0);
			}
			try {
				if (!permitHeld && !this.limiter.acquire()) {
					return new Step(null, localRateLimit(), null, 0);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return new Step(null, localRateLimit(), null, 0);
			}
			this.attempts++;
			notifyListener(() -> MailDelivery.this.listener.onAttempt(this.attempts, this.pending.size()));
			try {
				DeliveryReport report = sendOnce(this.message, this.pending);
				this.limiter.succeeded();
				for (RecipientOutcome outcome : report.recipientOutcomes()) {
					outcomes().put(outcome.recipient(), outcome);
				}
				if (outcomes().values().stream().allMatch(RecipientOutcome::isDelivered)) {
					DeliveryReport done = new DeliveryReport(List.copyOf(outcomes().values()), report.finalReply(),
							report.transcript(), this.attempts);
					notifyListener(() -> MailDelivery.this.listener.onDelivered(done));
					return new Step(done, null, null, 0);
				}
				return new Step(null, finalFailure(this.lastFailure), null, 0);
			}
			catch (SmtpFailure failure) {
				return failed(failure);
			}
			catch (MessagingException ex) {
				// the message itself cannot be sent (refused before anything went out)
				return new Step(null, null, ex, 0);
			}
			catch (IllegalStateException ex) {
				if (!MailDelivery.this.closed.get()) {
					throw ex;
				}
				// closed while this attempt waited for a connection: it was not made
				this.attempts--;
				return new Step(null, closedBeforeSending(this), null, 0);
			}
		}

		private Step failed(SmtpFailure failure) {
			this.lastFailure = failure;
			List<InternetAddress> retry = new ArrayList<>();
			boolean split = false;
			for (RecipientOutcome outcome : failure.recipientOutcomes()) {
				outcomes().put(outcome.recipient(), outcome);
				if (outcome.isDelivered()) {
					continue;
				}
				if (outcome.classification().reason() == FailureReason.TOO_MANY_RECIPIENTS
						&& outcome.classification().kind().isRetryable()) {
					split = true;
				}
				if (retryableOutcome(outcome)) {
					retry.add(outcome.recipient());
				}
			}
			if (failure.recipientOutcomes().isEmpty()) {
				// the connection failed before any recipient was tried
				if (MailDelivery.this.policy.retryOn().contains(failure.classification().kind())) {
					retry.addAll(this.pending);
				}
				for (InternetAddress recipient : this.pending) {
					outcomes().put(recipient, new RecipientOutcome(recipient, RecipientOutcome.Status.NOT_DELIVERED,
							failure.reply(), failure.classification()));
				}
			}
			FailureReason reason = failure.reason();
			if (reason == FailureReason.RATE_LIMITED || reason == FailureReason.CONNECTION_LIMIT) {
				this.limiter.slowDown();
			}
			boolean deliveredSome = !failure.deliveredRecipients().isEmpty();
			if (split && deliveredSome) {
				// the server takes fewer recipients per message: send the rest in a new
				// transaction now
				this.attempts--;
				this.pending = retry;
				return new Step(null, null, null, 0);
			}
			long wait = retry.isEmpty() ? -1 : retryContext().onError(failure);
			if (wait < 0) {
				return new Step(null, finalFailure(failure), null, 0);
			}
			long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.startNanos);
			if (elapsed + wait > MailDelivery.this.policy.maxElapsed().toMillis()) {
				return new Step(null, finalFailure(failure), null, 0);
			}
			this.pending = retry;
			SmtpFailure current = failure.withAttempts(this.attempts);
			notifyListener(() -> MailDelivery.this.listener.onRetry(current, wait));
			return new Step(null, null, null, wait);
		}

		private SmtpFailure finalFailure(SmtpFailure last) {
			retryContext().onComplete();
			List<RecipientOutcome> all = List.copyOf(outcomes().values());
			boolean uncertain = all.stream().anyMatch((o) -> o.status() == RecipientOutcome.Status.UNCERTAIN);
			RecipientOutcome worst = null;
			for (RecipientOutcome outcome : all) {
				if (!outcome.isDelivered() && (worst == null
						|| severity(outcome.classification().kind()) > severity(worst.classification().kind()))) {
					worst = outcome;
				}
			}
			if (last == null) {
				throw new IllegalStateException("no failure to report");
			}
			Classification classification = (worst != null) ? worst.classification() : last.classification();
			SmtpCommand command = (worst != null && worst.status() == RecipientOutcome.Status.REJECTED)
					? SmtpCommand.RCPT : last.command();
			SmtpFailure.Details details = new SmtpFailure.Details((worst != null) ? worst.reply() : last.reply(),
					command, classification, last.transcript(), all, this.attempts);
			String message = last.getMessage() + ((this.attempts > 1) ? " (after " + this.attempts + " attempts)" : "");
			Exception cause = (last.getCause() instanceof Exception ex) ? ex : null;
			SmtpFailure result = uncertain ? new UncertainDelivery(message, details, cause)
					: SmtpFailure.of(message, details, cause);
			notifyListener(() -> MailDelivery.this.listener.onFailed(result));
			return result;
		}

		SmtpFailure localRateLimit() {
			return notSent("local rate limit: no permit to send to " + MailDelivery.this.host + ":"
					+ MailDelivery.this.port + " within " + this.limiter.timeout() + "; nothing was sent",
					FailureReason.RATE_LIMITED);
		}

		/**
		 * A failure raised here, without contacting the server, for what is still
		 * pending.
		 */
		SmtpFailure notSent(String why, FailureReason reason) {
			Classification classification = new Classification(
					FailureKind.TRANSIENT, reason, (reason == FailureReason.RATE_LIMITED)
							? new EnhancedStatusCode(4, 7, 0) : new EnhancedStatusCode(4, 0, 0),
					true, true, Optional.empty());
			List<RecipientOutcome> all = new ArrayList<>();
			for (InternetAddress recipient : this.pending) {
				all.add(new RecipientOutcome(recipient, RecipientOutcome.Status.NOT_DELIVERED, Optional.empty(),
						classification));
			}
			for (Map.Entry<InternetAddress, RecipientOutcome> entry : outcomes().entrySet()) {
				if (!this.pending.contains(entry.getKey())) {
					all.add(entry.getValue());
				}
			}
			return new TransientFailure(why, new SmtpFailure.Details(Optional.empty(), SmtpCommand.ANY, classification,
					SmtpTranscript.EMPTY, all, Math.max(1, this.attempts)), null);
		}

	}

	private boolean retryableOutcome(RecipientOutcome outcome) {
		if (outcome.status() == RecipientOutcome.Status.UNCERTAIN) {
			return this.policy.retryUncertain();
		}
		return this.policy.retryOn().contains(outcome.classification().kind());
	}

	private boolean retryableFailure(SmtpFailure failure) {
		if (failure.recipientOutcomes().isEmpty()) {
			return this.policy.retryOn().contains(failure.classification().kind());
		}
		return failure.recipientOutcomes().stream().anyMatch((o) -> !o.isDelivered() && retryableOutcome(o));
	}

	private static int severity(FailureKind kind) {
		return switch (kind) {
			case POLICY_PERMANENT -> 4;
			case PERMANENT -> 3;
			case POLICY_TRANSIENT -> 2;
			case TRANSIENT -> 1;
			case SUCCESS -> 0;
		};
	}

	private void notifyListener(Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			log.warn("DeliveryListener threw; ignored", ex);
		}
	}

	private static String requireText(String name, String value) {
		if (value == null || value.isBlank()) {
			throw new IllegalArgumentException(name + " must not be empty");
		}
		return value;
	}

	/**
	 * Builds a {@link MailDelivery}.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private Session session;

		private String host;

		private int port;

		private String protocol = "smtp";

		private String username;

		private String password;

		private DeliveryPolicy policy = DeliveryPolicy.defaults();

		private DeliveryListener listener = DeliveryListener.NONE;

		private Sleeper sleeper = Sleeper.REAL;

		private int asyncThreads = 2;

		private RetryRegistry retryRegistry;

		private RateLimiterRegistry rateLimiterRegistry;

		private boolean requireStartTls;

		private SSLSocketFactory sslSocketFactory;

		private Builder() {
		}

		/**
		 * @param protocol {@code smtp} (plain or STARTTLS) or {@code smtps} (implicit
		 * TLS)
		 * @return this builder
		 */
		public Builder protocol(String protocol) {
			if (!"smtp".equals(protocol) && !"smtps".equals(protocol)) {
				throw new IllegalArgumentException("protocol must be smtp or smtps, got '" + protocol + "'");
			}
			this.protocol = protocol;
			return this;
		}

		/**
		 * @param username the user to authenticate as
		 * @param password the password (never logged)
		 * @return this builder
		 */
		public Builder credentials(String username, String password) {
			this.username = requireText("username", username);
			this.password = Objects.requireNonNull(password, "password");
			return this;
		}

		/**
		 * @param policy the retry, rate-limit and timeout policy
		 * @return this builder
		 */
		public Builder policy(DeliveryPolicy policy) {
			this.policy = Objects.requireNonNull(policy, "policy");
			return this;
		}

		/**
		 * @param listener receives every exchange, attempt, retry and outcome
		 * @return this builder
		 */
		public Builder listener(DeliveryListener listener) {
			this.listener = Objects.requireNonNull(listener, "listener");
			return this;
		}

		/**
		 * @param threads threads for {@link MailDelivery#sendAsync}, 1 or more (default
		 * 2)
		 * @return this builder
		 */
		public Builder asyncThreads(int threads) {
			if (threads < 1) {
				throw new IllegalArgumentException("asyncThreads must be at least 1, got " + threads);
			}
			this.asyncThreads = threads;
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
			this.retryRegistry = Objects.requireNonNull(retries, "retries");
			this.rateLimiterRegistry = Objects.requireNonNull(rateLimiters, "rateLimiters");
			return this;
		}

		/**
		 * Requires STARTTLS before anything else: a server that does not offer it gets no
		 * credentials and no message, and the send fails with a
		 * {@link dev.resilientmail.PolicyRejection} of reason
		 * {@code AUTHENTICATION_REQUIRED} that is not retried. Sets
		 * {@code mail.smtp.starttls.enable} and {@code mail.smtp.starttls.required};
		 * {@code false} (the default) leaves the session's settings as they are.
		 * @param require whether STARTTLS is required
		 * @return this builder
		 */
		public Builder requireStartTls(boolean require) {
			this.requireStartTls = require;
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
			this.sslSocketFactory = Objects.requireNonNull(factory, "factory");
			return this;
		}

		Builder sleeper(Sleeper sleeper) {
			this.sleeper = sleeper;
			return this;
		}

		/**
		 * @return the delivery
		 * @throws IllegalStateException if the capturing transport cannot be selected
		 */
		public MailDelivery build() {
			return new MailDelivery(this);
		}

	}

}
