package dev.resilientmail.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.resilientmail.classify.ClassificationRule;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.delivery.DeliveryPolicy;

/**
 * Turns {@link ResilientMailProperties} into a {@link DeliveryPolicy}, checking every
 * value first so that all problems are reported together, each with its key, then lets
 * the {@link DeliveryPolicyCustomizer}s refine it.
 */
final class DeliveryPolicyFactory {

	static final String PREFIX = "resilient-mail.";

	static final String FAILURE_KINDS = "TRANSIENT, PERMANENT, POLICY_TRANSIENT, POLICY_PERMANENT";

	private static final String DURATION = "a duration such as 500ms, 2s, 1m or 1h";

	private final List<InvalidResilientMailConfigurationException.Problem> problems = new ArrayList<>();

	private DeliveryPolicyFactory() {
	}

	/**
	 * Builds the policy.
	 * @param properties the bound properties
	 * @return the policy
	 * @throws InvalidResilientMailConfigurationException listing every invalid value
	 */
	static DeliveryPolicy create(ResilientMailProperties properties) {
		return create(properties, List.of());
	}

	/**
	 * Builds the policy and lets the customizers refine it.
	 * @param properties the bound properties
	 * @param customizers applied in order to the builder holding the configured values
	 * @return the policy
	 * @throws InvalidResilientMailConfigurationException listing every invalid value, or
	 * naming the customizer that set one
	 */
	static DeliveryPolicy create(ResilientMailProperties properties, List<DeliveryPolicyCustomizer> customizers) {
		DeliveryPolicy.Builder builder = new DeliveryPolicyFactory().configured(properties);
		for (DeliveryPolicyCustomizer customizer : customizers) {
			try {
				customizer.customize(builder);
			}
			catch (IllegalArgumentException | NullPointerException ex) {
				throw new InvalidResilientMailConfigurationException(
						List.of(InvalidResilientMailConfigurationException.Problem.of(customizer, ex)));
			}
		}
		try {
			return builder.build();
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			throw new InvalidResilientMailConfigurationException(
					List.of(InvalidResilientMailConfigurationException.Problem.of(customizers, ex)));
		}
	}

	private DeliveryPolicy.Builder configured(ResilientMailProperties properties) {
		ResilientMailProperties.Retry retry = properties.getRetry();
		ResilientMailProperties.RateLimiter rateLimiter = properties.getRateLimiter();
		ResilientMailProperties.Pool pool = properties.getPool();
		ResilientMailProperties.Timeouts timeouts = properties.getTimeouts();
		atLeast("retry.max-attempts", retry.getMaxAttempts(), 1, "a whole number of at least 1 (1 = no retry)");
		notNegative("retry.wait-duration", retry.getWaitDuration());
		double multiplier = retry.getExponentialBackoffMultiplier();
		if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
			problem("retry.exponential-backoff-multiplier", multiplier,
					"a number of at least 1.0 (1.0 keeps the wait constant)");
		}
		notNegative("retry.max-wait-duration", retry.getMaxWaitDuration());
		List<FailureKind> retryOn = (retry.getRetryOn() != null) ? retry.getRetryOn() : List.of();
		if (retryOn.contains(FailureKind.SUCCESS) || retryOn.contains(null)) {
			problem("retry.retry-on", retryOn, "a list of failure kinds: " + FAILURE_KINDS);
		}
		double jitter = retry.getRandomizedWaitFactor();
		if (!(jitter >= 0.0 && jitter <= 1.0)) {
			problem("retry.randomized-wait-factor", jitter, "a number from 0 (no jitter) to 1");
		}
		notNegative("retry.max-elapsed-duration", retry.getMaxElapsedDuration());
		Map<FailureReason, Duration> reasonWaits = (retry.getWaitDurationByReason() != null)
				? retry.getWaitDurationByReason() : Map.of();
		reasonWaits.forEach((reason, wait) -> notNegative("retry.wait-duration-by-reason." + reason, wait));
		atLeast("rate-limiter.limit-for-period", rateLimiter.getLimitForPeriod(), 1, "a whole number of at least 1");
		positive("rate-limiter.limit-refresh-period", rateLimiter.getLimitRefreshPeriod());
		notNegative("rate-limiter.timeout-duration", rateLimiter.getTimeoutDuration());
		atLeast("pool.max-connections", pool.getMaxConnections(), 1, "a whole number of at least 1");
		atLeast("pool.max-messages-per-connection", pool.getMaxMessagesPerConnection(), 1,
				"a whole number of at least 1 (1 = a new connection for every message)");
		notNegative("pool.idle-timeout", pool.getIdleTimeout());
		positive("timeouts.connect-timeout", timeouts.getConnectTimeout());
		positive("timeouts.read-timeout", timeouts.getReadTimeout());
		positive("timeouts.reply-timeout", timeouts.getReplyTimeout());
		List<ClassificationRule> rules = rules(properties.getClassification().getRules());
		if (!this.problems.isEmpty()) {
			throw new InvalidResilientMailConfigurationException(this.problems);
		}
		DeliveryPolicy.Builder builder = DeliveryPolicy.builder();
		reasonWaits.forEach(builder::reasonWait);
		return builder.maxAttempts(retry.getMaxAttempts())
			.waitDuration(retry.getWaitDuration())
			.backoffMultiplier(multiplier)
			.maxWaitDuration(retry.getMaxWaitDuration())
			.retryOn(retryOn.isEmpty() ? EnumSet.noneOf(FailureKind.class) : EnumSet.copyOf(retryOn))
			.retryUncertain(retry.isRetryUncertain())
			.jitter(jitter)
			.maxElapsed(retry.getMaxElapsedDuration())
			.honourRetryAfter(retry.isHonourRetryAfter())
			.rateLimit(rateLimiter.getLimitForPeriod(), rateLimiter.getLimitRefreshPeriod())
			.rateLimitTimeout(rateLimiter.getTimeoutDuration())
			.adaptiveRateLimit(rateLimiter.isAdaptive())
			.pool(pool.getMaxConnections(), pool.getMaxMessagesPerConnection(), pool.getIdleTimeout())
			.timeouts(timeouts.getConnectTimeout(), timeouts.getReadTimeout())
			.replyTimeout(timeouts.getReplyTimeout())
			.classificationRules(rules);
	}

	private List<ClassificationRule> rules(List<ResilientMailProperties.Rule> configured) {
		List<ClassificationRule> rules = new ArrayList<>();
		if (configured == null) {
			return rules;
		}
		for (int i = 0; i < configured.size(); i++) {
			ResilientMailProperties.Rule rule = configured.get(i);
			String key = "classification.rules[" + i + "]";
			if (rule == null) {
				problem(key, null, "a rule with at least one condition and one effect");
				continue;
			}
			int before = this.problems.size();
			ClassificationRule.Builder builder = ClassificationRule.builder();
			apply(key + ".code", rule.getCode(), (code) -> builder.code(code),
					"a failure code from 400 to 599 (rules never apply to 2xx and 3xx replies)");
			apply(key + ".enhanced-code", rule.getEnhancedCode(), builder::enhancedCode,
					"three dot-separated parts, each a number or *, with class 4 or 5, like 5.4.5 or 5.7.*");
			apply(key + ".text", rule.getText(), builder::text, "a Java regular expression, like (?i)daily.*limit");
			apply(key + ".command", rule.getCommand(), builder::command, "an SMTP phase");
			apply(key + ".kind", rule.getKind(), builder::kind,
					"one of " + FAILURE_KINDS + " (a rule cannot turn a failure into SUCCESS)");
			apply(key + ".reason", rule.getReason(), builder::reason, "a failure reason");
			apply(key + ".retry-after", rule.getRetryAfter(), builder::retryAfter, DURATION + ", not negative");
			if (this.problems.size() > before) {
				continue;
			}
			try {
				rules.add(builder.build());
			}
			catch (IllegalStateException ex) {
				problem(key, "incomplete", ex.getMessage());
			}
		}
		return rules;
	}

	private <T> void apply(String key, T value, Consumer<T> setter, String allowed) {
		if (value == null) {
			return;
		}
		try {
			setter.accept(value);
		}
		catch (IllegalArgumentException ex) {
			problem(key, value, allowed + " (" + ex.getMessage() + ")");
		}
	}

	private void atLeast(String key, int value, int minimum, String allowed) {
		if (value < minimum) {
			problem(key, value, allowed);
		}
	}

	private void notNegative(String key, Duration value) {
		if (value == null || value.isNegative()) {
			problem(key, value, DURATION + ", zero or more");
		}
	}

	private void positive(String key, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			problem(key, value, DURATION + ", more than zero");
		}
	}

	private void problem(String key, Object value, String allowed) {
		this.problems.add(new InvalidResilientMailConfigurationException.Problem(PREFIX + key, value, allowed));
	}

}
