package dev.resilientmail.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import dev.resilientmail.classify.ClassificationRule;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;

import static dev.resilientmail.delivery.PolicyChecks.atLeast;
import static dev.resilientmail.delivery.PolicyChecks.fraction;
import static dev.resilientmail.delivery.PolicyChecks.notNegative;
import static dev.resilientmail.delivery.PolicyChecks.positive;
import static dev.resilientmail.delivery.PolicyChecks.retryable;

/**
 * How {@link MailDelivery} retries, throttles, pools and times out: four small immutable
 * records and the user's classification rules. Start from {@link #defaults()} or
 * {@link #builder()}; every value is checked where its record is made, and the message
 * says what is allowed. The defaults are those of the builder's setters.
 *
 * @param retry what is retried, how often and after how long
 * @param rateLimit messages per period and destination
 * @param pool pooled connections per destination
 * @param timeouts socket and reply timeouts
 * @param classificationRules the user's rules, tried before the defaults
 * @since 0.1.0
 */
public record DeliveryPolicy(Retry retry, RateLimit rateLimit, Pool pool, Timeouts timeouts,
		List<ClassificationRule> classificationRules) {

	private static final DeliveryPolicy DEFAULTS = builder().build();

	/**
	 * Checks and copies the components.
	 */
	public DeliveryPolicy {
		classificationRules = List.copyOf(classificationRules);
		Objects.requireNonNull(retry, "retry");
		Objects.requireNonNull(rateLimit, "rateLimit");
		Objects.requireNonNull(pool, "pool");
		Objects.requireNonNull(timeouts, "timeouts");
	}

	/**
	 * Returns the default policy: 4 attempts, 2 s doubling up to 1 min with 20 % jitter
	 * within 10 min, greylisting waits 1 min; 14 messages per second and destination,
	 * adaptive; 4 connections, each kept for as many messages as the server takes, idle
	 * 30 s; timeouts 10 s connect, 60 s read, 2 min per reply.
	 * @return the defaults
	 */
	public static DeliveryPolicy defaults() {
		return DEFAULTS;
	}

	/**
	 * Starts a policy from the defaults.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns a builder starting from this policy.
	 * @return a builder
	 */
	public Builder toBuilder() {
		return new Builder(this);
	}

	/**
	 * What is retried, how often and after how long.
	 *
	 * @param maxAttempts attempts per message, the first included: 1 (no retry) or more
	 * @param waitDuration the wait before the first retry, zero or more
	 * @param backoffMultiplier each further wait is this much longer: finite, 1.0 or more
	 * @param maxWaitDuration no single wait is longer (server hints included), zero or
	 * more
	 * @param jitter each wait varies randomly by up to this fraction, 0 to 1
	 * @param maxElapsed no retry starts later than this after the first attempt, zero or
	 * more
	 * @param retryOn the retryable kinds that are retried ({@code TRANSIENT},
	 * {@code POLICY_TRANSIENT}): it narrows the classification's retry advice, never
	 * widens it
	 * @param retryUncertain whether an {@code UncertainDelivery} is retried (may deliver
	 * twice)
	 * @param reasonWait the first wait per reason, instead of {@code waitDuration}
	 * @param honourRetryAfter whether waits follow the server's "try again in N" hints,
	 * capped by {@code maxWaitDuration}
	 * @since 0.2.0
	 */
	public record Retry(int maxAttempts, Duration waitDuration, double backoffMultiplier, Duration maxWaitDuration,
			double jitter, Duration maxElapsed, Set<FailureKind> retryOn, boolean retryUncertain,
			Map<FailureReason, Duration> reasonWait, boolean honourRetryAfter) {

		/**
		 * Checks and copies the components.
		 * @throws IllegalArgumentException naming the component and what is allowed
		 */
		public Retry {
			atLeast("maxAttempts", maxAttempts, 1, " (1 = no retry)");
			notNegative("waitDuration", waitDuration);
			atLeast("backoffMultiplier", backoffMultiplier, 1.0);
			notNegative("maxWaitDuration", maxWaitDuration);
			fraction("jitter", jitter);
			notNegative("maxElapsed", maxElapsed);
			retryOn = Set.copyOf(Objects.requireNonNull(retryOn, "retryOn"));
			retryable(retryOn);
			reasonWait = Map.copyOf(Objects.requireNonNull(reasonWait, "reasonWait"));
			reasonWait.values().forEach((wait) -> notNegative("reasonWait", wait));
		}

	}

	/**
	 * Messages per period and destination, with Resilience4j's rate limiter.
	 *
	 * @param limitForPeriod messages per period, 1 or more
	 * @param limitRefreshPeriod the period, positive
	 * @param timeout the longest wait for a permit, zero or more; beyond it the send
	 * fails locally with a {@code TransientFailure} of reason {@code RATE_LIMITED}
	 * @param adaptive whether the limit drops on rate-limit replies and climbs back after
	 * successes
	 * @since 0.2.0
	 */
	public record RateLimit(int limitForPeriod, Duration limitRefreshPeriod, Duration timeout, boolean adaptive) {

		/**
		 * Checks the components.
		 * @throws IllegalArgumentException naming the component and what is allowed
		 */
		public RateLimit {
			atLeast("limitForPeriod", limitForPeriod, 1, "");
			positive("limitRefreshPeriod", limitRefreshPeriod);
			notNegative("rateLimitTimeout", timeout);
		}

	}

	/**
	 * Pooled connections per destination.
	 *
	 * @param maxConnections connections open at most, 1 or more
	 * @param maxMessagesPerConnection messages a connection carries before it is
	 * replaced, 1 (no reuse) or more; the default, {@link Integer#MAX_VALUE}, keeps it
	 * until the server closes it, it fails or it idles past {@code idleTimeout}
	 * @param idleTimeout how long a connection may stay idle in the pool, zero or more
	 * @since 0.2.0
	 */
	public record Pool(int maxConnections, int maxMessagesPerConnection, Duration idleTimeout) {

		/**
		 * Checks the components.
		 * @throws IllegalArgumentException naming the component and what is allowed
		 */
		public Pool {
			atLeast("maxConnections", maxConnections, 1, "");
			atLeast("maxMessagesPerConnection", maxMessagesPerConnection, 1, " (1 = no reuse)");
			notNegative("idleTimeout", idleTimeout);
		}

	}

	/**
	 * Socket and reply timeouts (Angus's own default is to wait forever).
	 *
	 * @param connect the socket connect timeout, positive
	 * @param read the socket read and write timeout, positive
	 * @param reply the longest time one server reply may take in full, positive: a server
	 * that sends a byte now and then, each within the read timeout, still cannot hold a
	 * send for longer
	 * @since 0.2.0
	 */
	public record Timeouts(Duration connect, Duration read, Duration reply) {

		/**
		 * Checks the components.
		 * @throws IllegalArgumentException naming the component and what is allowed
		 */
		public Timeouts {
			positive("connectTimeout", connect);
			positive("readTimeout", read);
			positive("replyTimeout", reply);
		}

	}

	/**
	 * Builds a {@link DeliveryPolicy}; every setter checks its value at once and says
	 * what is allowed.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private Retry retry = new RetryDraft().build();

		private RateLimit rateLimit = new RateLimit(14, Duration.ofSeconds(1), Duration.ofSeconds(30), true);

		private Pool pool = new Pool(4, Integer.MAX_VALUE, Duration.ofSeconds(30));

		private Timeouts timeouts = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(2));

		private List<ClassificationRule> classificationRules = List.of();

		private Builder() {
		}

		private Builder(DeliveryPolicy policy) {
			this.retry = policy.retry();
			this.rateLimit = policy.rateLimit();
			this.pool = policy.pool();
			this.timeouts = policy.timeouts();
			this.classificationRules = policy.classificationRules();
		}

		/**
		 * Makes a change to a copy of the retry settings and keeps it only once checked,
		 * so that a refused value leaves the builder as it was.
		 */
		private Builder retry(Consumer<RetryDraft> change) {
			RetryDraft draft = new RetryDraft(this.retry);
			change.accept(draft);
			this.retry = draft.build();
			return this;
		}

		/**
		 * @param maxAttempts {@link Retry#maxAttempts()}
		 * @return this builder
		 */
		public Builder maxAttempts(int maxAttempts) {
			return retry((draft) -> draft.maxAttempts = maxAttempts);
		}

		/**
		 * @param waitDuration {@link Retry#waitDuration()}
		 * @return this builder
		 */
		public Builder waitDuration(Duration waitDuration) {
			return retry((draft) -> draft.waitDuration = waitDuration);
		}

		/**
		 * @param backoffMultiplier {@link Retry#backoffMultiplier()}
		 * @return this builder
		 */
		public Builder backoffMultiplier(double backoffMultiplier) {
			return retry((draft) -> draft.backoffMultiplier = backoffMultiplier);
		}

		/**
		 * @param maxWaitDuration {@link Retry#maxWaitDuration()}
		 * @return this builder
		 */
		public Builder maxWaitDuration(Duration maxWaitDuration) {
			return retry((draft) -> draft.maxWaitDuration = maxWaitDuration);
		}

		/**
		 * @param jitter {@link Retry#jitter()}
		 * @return this builder
		 */
		public Builder jitter(double jitter) {
			return retry((draft) -> draft.jitter = jitter);
		}

		/**
		 * @param maxElapsed {@link Retry#maxElapsed()}
		 * @return this builder
		 */
		public Builder maxElapsed(Duration maxElapsed) {
			return retry((draft) -> draft.maxElapsed = maxElapsed);
		}

		/**
		 * @param kinds {@link Retry#retryOn()}: {@code TRANSIENT},
		 * {@code POLICY_TRANSIENT} or both; empty for no retry
		 * @return this builder
		 */
		public Builder retryOn(Set<FailureKind> kinds) {
			return retry((draft) -> draft.retryOn = kinds);
		}

		/**
		 * @param retryUncertain {@link Retry#retryUncertain()}
		 * @return this builder
		 */
		public Builder retryUncertain(boolean retryUncertain) {
			return retry((draft) -> draft.retryUncertain = retryUncertain);
		}

		/**
		 * @param reason a reason
		 * @param firstWait the first wait after a failure of this reason
		 * ({@link Retry#reasonWait()})
		 * @return this builder
		 */
		public Builder reasonWait(FailureReason reason, Duration firstWait) {
			Objects.requireNonNull(reason, "reason");
			return retry((draft) -> draft.reasonWait.put(reason, firstWait));
		}

		/**
		 * @param honourRetryAfter {@link Retry#honourRetryAfter()}
		 * @return this builder
		 */
		public Builder honourRetryAfter(boolean honourRetryAfter) {
			return retry((draft) -> draft.honourRetryAfter = honourRetryAfter);
		}

		/**
		 * @param limitForPeriod {@link RateLimit#limitForPeriod()}
		 * @param limitRefreshPeriod {@link RateLimit#limitRefreshPeriod()}
		 * @return this builder
		 */
		public Builder rateLimit(int limitForPeriod, Duration limitRefreshPeriod) {
			this.rateLimit = new RateLimit(limitForPeriod, limitRefreshPeriod, this.rateLimit.timeout(),
					this.rateLimit.adaptive());
			return this;
		}

		/**
		 * @param rateLimitTimeout {@link RateLimit#timeout()}
		 * @return this builder
		 */
		public Builder rateLimitTimeout(Duration rateLimitTimeout) {
			this.rateLimit = new RateLimit(this.rateLimit.limitForPeriod(), this.rateLimit.limitRefreshPeriod(),
					rateLimitTimeout, this.rateLimit.adaptive());
			return this;
		}

		/**
		 * @param adaptive {@link RateLimit#adaptive()}
		 * @return this builder
		 */
		public Builder adaptiveRateLimit(boolean adaptive) {
			this.rateLimit = new RateLimit(this.rateLimit.limitForPeriod(), this.rateLimit.limitRefreshPeriod(),
					this.rateLimit.timeout(), adaptive);
			return this;
		}

		/**
		 * @param connectTimeout {@link Timeouts#connect()}
		 * @param readTimeout {@link Timeouts#read()}
		 * @return this builder
		 */
		public Builder timeouts(Duration connectTimeout, Duration readTimeout) {
			this.timeouts = new Timeouts(connectTimeout, readTimeout, this.timeouts.reply());
			return this;
		}

		/**
		 * @param replyTimeout {@link Timeouts#reply()}
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder replyTimeout(Duration replyTimeout) {
			this.timeouts = new Timeouts(this.timeouts.connect(), this.timeouts.read(), replyTimeout);
			return this;
		}

		/**
		 * @param rules classification rules tried before the defaults
		 * @return this builder
		 */
		public Builder classificationRules(List<ClassificationRule> rules) {
			this.classificationRules = List.copyOf(rules);
			return this;
		}

		/**
		 * @param maxConnections {@link Pool#maxConnections()}
		 * @param maxMessagesPerConnection {@link Pool#maxMessagesPerConnection()}
		 * @param idleTimeout {@link Pool#idleTimeout()}
		 * @return this builder
		 */
		public Builder pool(int maxConnections, int maxMessagesPerConnection, Duration idleTimeout) {
			this.pool = new Pool(maxConnections, maxMessagesPerConnection, idleTimeout);
			return this;
		}

		/**
		 * @return the policy
		 */
		public DeliveryPolicy build() {
			return new DeliveryPolicy(this.retry, this.rateLimit, this.pool, this.timeouts, this.classificationRules);
		}

	}

}
