package dev.resilientmail.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import io.github.resilience4j.retry.Retry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;
import dev.resilientmail.reply.SmtpTranscript;

/**
 * One message's way through its attempts: who is still pending, every recipient's latest
 * outcome, and the step after each attempt (done, failed for good, or wait and try the
 * pending recipients again). Not thread-safe: one attempt at a time.
 */
final class MessageAttempts {

	private static final Logger log = LoggerFactory.getLogger(MailDelivery.class);

	/**
	 * Hands an attempt some recipients accepted to the application's recorder (a bounce
	 * correlator): each accepted send once, whatever the recorder does.
	 */
	private void recordAccepted(DeliveryReport report) {
		if (this.parts.accepted() == null || report.acceptedRecipients().isEmpty()) {
			return;
		}
		try {
			this.parts.accepted().accept(this.message, report);
		}
		catch (RuntimeException ex) {
			log.warn("the accepted-send recorder threw; ignored", ex);
		}
	}

	/** What a delivery's attempts share. */
	record Parts(TransportPool pool, Permits limiter, RetrySchedule schedule, DeliveryListener listener, Ticker ticker,
			String destination, AtomicBoolean closed, DeferredRetryStore retries,
			BiConsumer<MimeMessage, DeliveryReport> accepted) {

		static Parts of(DeliverySetup setup, SessionSettings settings) {
			String destination = settings.destination();
			DeliveryPolicy policy = setup.policy;
			DeliveryListener listener = setup.listener;
			RatePermitSource.Destination permits = (setup.ratePermits != null)
					? setup.ratePermits.destination(destination, policy.rateLimit())
					: new AdaptiveRateLimiter(destination, policy.rateLimit(), setup.ticker, setup.rateLimiterRegistry);
			return new Parts(new TransportPool(() -> settings.connect(listener), policy.pool(), setup.ticker),
					new Permits(permits, policy.rateLimit().timeout(), setup.ticker),
					new RetrySchedule(policy.retry(), destination, setup.retryRegistry), new GuardedListener(listener),
					setup.ticker, destination, new AtomicBoolean(),
					(setup.retryStore != null) ? setup.retryStore : new InMemoryRetryStore(), setup.acceptedSends);
		}

	}

	/**
	 * The outcome of one attempt: a report, a final failure or error, or a wait before
	 * the next attempt (0 for a split: the rest of the recipients go out at once).
	 */
	record Step(DeliveryReport report, SmtpFailure failure, MessagingException error, long waitMillis) {

		boolean finished() {
			return this.report != null || this.failure != null || this.error != null;
		}

		static Step waitFor(long millis) {
			return new Step(null, null, null, millis);
		}

	}

	private final MimeMessage message;

	private final Parts parts;

	private final long startNanos;

	// made at the first attempt, not when the message is queued: thousands of queued
	// sendAsync messages should hold little more than themselves
	private Map<InternetAddress, RecipientOutcome> outcomes;

	private List<InternetAddress> pending;

	private int attempts;

	private Retry.AsyncContext<DeliveryReport> retryContext;

	private SmtpFailure lastFailure;

	// what a deferred retry stores: kept apart from lastFailure, which a resumed message
	// (read back from a store) does not have
	private Classification lastClassification;

	private Optional<SmtpReply> lastReply = Optional.empty();

	MessageAttempts(MimeMessage message, Parts parts) throws MessagingException {
		Objects.requireNonNull(message, "message");
		// saveChanges() always makes a new Message-ID: keep one the application set, as
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
		this.parts = parts;
		this.pending = new ArrayList<>(unique);
		this.startNanos = parts.ticker().nanoTime();
	}

	/**
	 * A message read back from a {@link DeferredRetryStore}: as stored (no
	 * {@code saveChanges()}, which would change it), its recipients still to deliver, its
	 * attempts so far.
	 */
	private MessageAttempts(DeferredRetry retry, Parts parts) throws MessagingException {
		List<InternetAddress> recipients = new ArrayList<>();
		for (String recipient : retry.recipients()) {
			recipients.add(new InternetAddress(recipient));
		}
		this.message = retry.message();
		this.parts = parts;
		this.pending = recipients;
		this.attempts = retry.attempts();
		this.lastClassification = retry.lastClassification();
		this.lastReply = retry.lastReply();
		this.startNanos = parts.ticker().nanoTime();
	}

	static MessageAttempts resumed(DeferredRetry retry, Parts parts) throws MessagingException {
		return new MessageAttempts(retry, parts);
	}

	/** The key a store keeps this message under: its Message-ID. */
	String key() {
		return StoredRetries.key(this.message);
	}

	/** This message as a store keeps it while it waits, due after {@code waitMillis}. */
	DeferredRetry deferred(long waitMillis) {
		return StoredRetries.of(this.message, this.pending, this.attempts, this.lastClassification, this.lastReply,
				waitMillis);
	}

	private Map<InternetAddress, RecipientOutcome> outcomes() {
		if (this.outcomes == null) {
			this.outcomes = new LinkedHashMap<>();
		}
		return this.outcomes;
	}

	private Retry.AsyncContext<DeliveryReport> retryContext() {
		if (this.retryContext == null) {
			this.retryContext = this.parts.schedule().start();
		}
		return this.retryContext;
	}

	/**
	 * Makes the attempts in the calling thread, waiting between them.
	 * @return the report once every recipient accepted the message
	 * @throws SmtpFailure when some recipient was not delivered in the end
	 * @throws MessagingException when the message itself cannot be sent
	 */
	DeliveryReport sendBlocking(Sleeper sleeper) throws MessagingException {
		while (true) {
			Step step = attempt(false);
			if (step.report() != null) {
				return step.report();
			}
			if (step.finished()) {
				throw (step.failure() != null) ? step.failure() : step.error();
			}
			if (step.waitMillis() == 0) {
				// a split: the rest of the recipients go out now
				continue;
			}
			try {
				sleeper.sleep(step.waitMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw closed();
			}
		}
	}

	/**
	 * Makes one attempt for the pending recipients.
	 * @param permitHeld whether the caller already took a rate-limit permit; if not, it
	 * is waited for here
	 */
	Step attempt(boolean permitHeld) {
		if (this.parts.closed().get()) {
			return new Step(null, closed(), null, 0);
		}
		try {
			if (!permitHeld && !this.parts.limiter().acquire()) {
				return new Step(null, localRateLimit(), null, 0);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Step(null, localRateLimit(), null, 0);
		}
		this.attempts++;
		this.parts.listener().onAttempt(this.attempts, this.pending.size());
		try {
			DeliveryReport report = this.parts.pool().send(this.message, this.pending);
			this.parts.limiter().succeeded();
			recordAccepted(report);
			for (RecipientOutcome outcome : report.recipientOutcomes()) {
				outcomes().put(outcome.recipient(), outcome);
			}
			if (outcomes().values().stream().allMatch(RecipientOutcome::isDelivered)) {
				DeliveryReport done = new DeliveryReport(List.copyOf(outcomes().values()), report.finalReply(),
						report.transcript(), this.attempts);
				this.parts.listener().onDelivered(done);
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
			if (!this.parts.closed().get()) {
				throw ex;
			}
			// closed while this attempt waited for a connection: it was not made
			this.attempts--;
			return new Step(null, closed(), null, 0);
		}
	}

	private Step failed(SmtpFailure failure) {
		this.lastFailure = failure;
		this.lastClassification = failure.classification();
		this.lastReply = failure.reply();
		if (!failure.uncertainRecipients().isEmpty()) {
			markUncertain(failure);
		}
		List<InternetAddress> retry = new ArrayList<>();
		boolean split = false;
		for (RecipientOutcome outcome : failure.recipientOutcomes()) {
			outcomes().put(outcome.recipient(), outcome);
			if (outcome.isDelivered()) {
				continue;
			}
			split |= outcome.classification().reason() == FailureReason.TOO_MANY_RECIPIENTS
					&& outcome.classification().retry();
			if (this.parts.schedule().retries(outcome)) {
				retry.add(outcome.recipient());
			}
		}
		if (failure.recipientOutcomes().isEmpty()) {
			// the connection failed before any recipient was tried
			if (this.parts.schedule().retries(failure)) {
				retry.addAll(this.pending);
			}
			for (InternetAddress recipient : this.pending) {
				outcomes().put(recipient, new RecipientOutcome(recipient, RecipientOutcome.Status.NOT_DELIVERED,
						failure.reply(), failure.classification()));
			}
		}
		FailureReason reason = failure.reason();
		if (reason == FailureReason.RATE_LIMITED || reason == FailureReason.CONNECTION_LIMIT) {
			this.parts.limiter().slowDown();
		}
		if (split && !failure.deliveredRecipients().isEmpty()) {
			// the server takes fewer recipients per message: send the rest in a new
			// transaction now
			this.attempts--;
			this.pending = retry;
			return Step.waitFor(0);
		}
		long wait = retry.isEmpty() ? -1 : retryContext().onError(failure);
		long elapsed = TimeUnit.NANOSECONDS.toMillis(this.parts.ticker().nanoTime() - this.startNanos);
		if (wait < 0 || elapsed + wait > this.parts.schedule().maxElapsed().toMillis()) {
			return new Step(null, finalFailure(failure), null, 0);
		}
		this.pending = retry;
		this.parts.listener().onRetry(failure.withAttempts(this.attempts), wait);
		return Step.waitFor(wait);
	}

	/**
	 * Stores that the message may have been delivered before anything else is done about
	 * it, so that a crash right after cannot lead to a blind resend.
	 */
	private void markUncertain(SmtpFailure failure) {
		try {
			this.parts.retries()
				.markUncertain(StoredRetries.of(this.message, failure.uncertainRecipients(), this.attempts,
						this.lastClassification, this.lastReply, 0), failure.getMessage());
		}
		catch (DeferredRetryStore.NotStoredException ex) {
			log.warn("the uncertain outcome of {} could not be stored: {}", key(), ex.getMessage());
		}
	}

	/** The failure of the whole message: its type follows the severity order. */
	private SmtpFailure finalFailure(SmtpFailure last) {
		if (last == null) {
			throw new IllegalStateException("no failure to report");
		}
		retryContext().onComplete();
		SmtpFailure.Details details = new SmtpFailure.Details(last.reply(), last.command(), last.classification(),
				last.transcript(), List.copyOf(outcomes().values()), this.attempts);
		String message = last.getMessage() + ((this.attempts > 1) ? " (after " + this.attempts + " attempts)" : "");
		SmtpFailure result = SmtpFailure.of(message, details, (last.getCause() instanceof Exception ex) ? ex : null);
		this.parts.listener().onFailed(result);
		return result;
	}

	SmtpFailure localRateLimit() {
		return notSent("local rate limit: no permit to send to " + this.parts.destination() + " within "
				+ this.parts.limiter().timeout() + "; nothing was sent", FailureReason.RATE_LIMITED);
	}

	/**
	 * The failure to report when the delivery closed while this message waited: its last
	 * failure with the outcomes of every attempt, or one saying that nothing was sent.
	 */
	SmtpFailure closed() {
		return (this.lastFailure != null) ? finalFailure(this.lastFailure) : notSent(
				"this MailDelivery was closed before the message was sent; nothing was sent", FailureReason.UNKNOWN);
	}

	/**
	 * A failure raised here, without contacting the server, for what is still pending.
	 */
	private SmtpFailure notSent(String why, FailureReason reason) {
		Classification classification = new Classification(FailureKind.TRANSIENT, reason,
				(reason == FailureReason.RATE_LIMITED) ? new EnhancedStatusCode(4, 7, 0)
						: new EnhancedStatusCode(4, 0, 0),
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
		return SmtpFailure.of(why, new SmtpFailure.Details(Optional.empty(), SmtpCommand.ANY, classification,
				SmtpTranscript.EMPTY, all, Math.max(1, this.attempts)), null);
	}

}
