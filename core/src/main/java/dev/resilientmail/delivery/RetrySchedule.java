package dev.resilientmail.delivery;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.resilientmail.DeliveryReport;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.SmtpFailure;

/**
 * Whether and when a failed attempt is tried again, on a Resilience4j {@code Retry} (so
 * that its events and meters are those of the user's registry). There is one retry
 * notion: the classification's retry advice, narrowed by the policy's {@code retryOn}; an
 * uncertain delivery only when the policy allows it.
 */
final class RetrySchedule {

	private static final Logger log = LoggerFactory.getLogger(MailDelivery.class);

	private final DeliveryPolicy.Retry policy;

	private final Retry retry;

	RetrySchedule(DeliveryPolicy.Retry policy, String destination, RetryRegistry registry) {
		this.policy = policy;
		RetryConfig config = RetryConfig.<DeliveryReport>custom()
			.maxAttempts(policy.maxAttempts())
			.retryOnException((error) -> error instanceof SmtpFailure failure && retries(failure))
			.intervalBiFunction(
					(attempt, result) -> (result.isLeft() && result.getLeft() instanceof SmtpFailure failure)
							? waitMillis(failure, attempt) : policy.waitDuration().toMillis())
			.failAfterMaxAttempts(false)
			.build();
		// the newest delivery's instance is the one to watch: its predicates use its
		// policy
		RetryRegistry retries = (registry != null) ? registry : RetryRegistry.ofDefaults();
		retries.remove("resilient-mail:" + destination);
		this.retry = retries.retry("resilient-mail:" + destination, config);
		this.retry.getEventPublisher()
			.onRetry((event) -> log.info("retry {} in {} after: {}", event.getNumberOfRetryAttempts(),
					event.getWaitInterval(),
					(event.getLastThrowable() != null) ? event.getLastThrowable().getMessage() : ""));
	}

	/** The retry state of one message. */
	Retry.AsyncContext<DeliveryReport> start() {
		return this.retry.asyncContext();
	}

	boolean retries(RecipientOutcome outcome) {
		if (outcome.status() == RecipientOutcome.Status.UNCERTAIN) {
			return this.policy.retryUncertain();
		}
		return outcome.classification().retry() && this.policy.retryOn().contains(outcome.classification().kind());
	}

	/** Whether the failure leaves some recipient that is retried. */
	boolean retries(SmtpFailure failure) {
		if (failure.recipientOutcomes().isEmpty()) {
			return failure.isRetryable() && this.policy.retryOn().contains(failure.kind());
		}
		return failure.recipientOutcomes().stream().anyMatch((o) -> !o.isDelivered() && retries(o));
	}

	Duration maxElapsed() {
		return this.policy.maxElapsed();
	}

	/**
	 * The wait before retry number {@code retry} (1 for the first), driven by the
	 * failure.
	 */
	long waitMillis(SmtpFailure failure, int retry) {
		DeliveryPolicy.Retry p = this.policy;
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

}
