package dev.resilientmail.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.resilientmail.classify.ClassificationRule;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.delivery.DeliveryPolicy;

/**
 * Turns {@link ResilientMailProperties} into a {@link DeliveryPolicy} and lets the
 * {@link DeliveryPolicyCustomizer}s refine it. The policy's builder checks every value
 * (the one place for those checks); this class names the key of each refused value, and
 * reports all of them together.
 */
final class DeliveryPolicyFactory {

	static final String PREFIX = "resilient-mail.";

	static final String FAILURE_KINDS = "TRANSIENT, PERMANENT, POLICY_TRANSIENT, POLICY_PERMANENT";

	static final String RETRYABLE_KINDS = "TRANSIENT, POLICY_TRANSIENT";

	/**
	 * The {@code DeliveryPolicy.Builder} parameter names, as the policy's messages start,
	 * with the key (without the prefix) that sets each from configuration.
	 */
	private static final Map<String, String> KEYS_BY_BUILDER_NAME = Map.ofEntries(
			Map.entry("maxAttempts", "retry.max-attempts"), Map.entry("waitDuration", "retry.wait-duration"),
			Map.entry("backoffMultiplier", "retry.exponential-backoff-multiplier"),
			Map.entry("maxWaitDuration", "retry.max-wait-duration"),
			Map.entry("jitter", "retry.randomized-wait-factor"), Map.entry("maxElapsed", "retry.max-elapsed-duration"),
			Map.entry("retryOn", "retry.retry-on"), Map.entry("reasonWait", "retry.wait-duration-by-reason"),
			Map.entry("limitForPeriod", "rate-limiter.limit-for-period"),
			Map.entry("limitRefreshPeriod", "rate-limiter.limit-refresh-period"),
			Map.entry("rateLimitTimeout", "rate-limiter.timeout-duration"),
			Map.entry("connectTimeout", "timeouts.connect-timeout"), Map.entry("readTimeout", "timeouts.read-timeout"),
			Map.entry("replyTimeout", "timeouts.reply-timeout"), Map.entry("maxConnections", "pool.max-connections"),
			Map.entry("maxMessagesPerConnection", "pool.max-messages-per-connection"),
			Map.entry("idleTimeout", "pool.idle-timeout"));

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
		DeliveryPolicy.Builder builder = DeliveryPolicy.builder();
		// the policy checks every value; each setter on its own, so that every bad value
		// is reported at once
		set(builder, (checked) -> checked.maxAttempts(retry.getMaxAttempts()), "retry.max-attempts",
				retry.getMaxAttempts());
		set(builder, (checked) -> checked.waitDuration(retry.getWaitDuration()), "retry.wait-duration",
				retry.getWaitDuration());
		set(builder, (checked) -> checked.backoffMultiplier(retry.getExponentialBackoffMultiplier()),
				"retry.exponential-backoff-multiplier", retry.getExponentialBackoffMultiplier());
		set(builder, (checked) -> checked.maxWaitDuration(retry.getMaxWaitDuration()), "retry.max-wait-duration",
				retry.getMaxWaitDuration());
		set(builder, (checked) -> checked.jitter(retry.getRandomizedWaitFactor()), "retry.randomized-wait-factor",
				retry.getRandomizedWaitFactor());
		set(builder, (checked) -> checked.maxElapsed(retry.getMaxElapsedDuration()), "retry.max-elapsed-duration",
				retry.getMaxElapsedDuration());
		List<FailureKind> retryOn = (retry.getRetryOn() != null) ? retry.getRetryOn() : List.of();
		if (retryOn.contains(null)) {
			problem("retry.retry-on", retryOn, "a list of failure kinds: " + RETRYABLE_KINDS);
		}
		else {
			set(builder,
					(checked) -> checked
						.retryOn(retryOn.isEmpty() ? EnumSet.noneOf(FailureKind.class) : EnumSet.copyOf(retryOn)),
					"retry.retry-on", retryOn);
		}
		builder.retryUncertain(retry.isRetryUncertain());
		Map<FailureReason, Duration> reasonWaits = (retry.getWaitDurationByReason() != null)
				? retry.getWaitDurationByReason() : Map.of();
		reasonWaits.forEach((reason, wait) -> set(builder, (checked) -> checked.reasonWait(reason, wait),
				"retry.wait-duration-by-reason." + reason, wait));
		builder.honourRetryAfter(retry.isHonourRetryAfter());
		set(builder,
				(checked) -> checked.rateLimit(rateLimiter.getLimitForPeriod(), rateLimiter.getLimitRefreshPeriod()),
				"rate-limiter.limit-for-period", rateLimiter.getLimitForPeriod(), "rate-limiter.limit-refresh-period",
				rateLimiter.getLimitRefreshPeriod());
		set(builder, (checked) -> checked.rateLimitTimeout(rateLimiter.getTimeoutDuration()),
				"rate-limiter.timeout-duration", rateLimiter.getTimeoutDuration());
		builder.adaptiveRateLimit(rateLimiter.isAdaptive());
		set(builder,
				(checked) -> checked.pool(pool.getMaxConnections(), pool.getMaxMessagesPerConnection(),
						pool.getIdleTimeout()),
				"pool.max-connections", pool.getMaxConnections(), "pool.max-messages-per-connection",
				pool.getMaxMessagesPerConnection(), "pool.idle-timeout", pool.getIdleTimeout());
		set(builder, (checked) -> checked.timeouts(timeouts.getConnectTimeout(), timeouts.getReadTimeout()),
				"timeouts.connect-timeout", timeouts.getConnectTimeout(), "timeouts.read-timeout",
				timeouts.getReadTimeout());
		set(builder, (checked) -> checked.replyTimeout(timeouts.getReplyTimeout()), "timeouts.reply-timeout",
				timeouts.getReplyTimeout());
		builder.classificationRules(rules(properties.getClassification().getRules()));
		if (!this.problems.isEmpty()) {
			throw new InvalidResilientMailConfigurationException(this.problems);
		}
		return builder;
	}

	/**
	 * Calls one setter of the builder; a value it refuses becomes a problem of the key
	 * its message names (of those given), with the policy's own words for what is
	 * allowed. A refused value leaves the builder as it was, so the next setter is
	 * checked on its own.
	 * @param builder the builder being configured
	 * @param setter the call
	 * @param keysAndValues each key the call sets (without the prefix) and its value
	 */
	private void set(DeliveryPolicy.Builder builder, Consumer<DeliveryPolicy.Builder> setter, Object... keysAndValues) {
		try {
			setter.accept(builder);
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			Map<String, Object> values = new LinkedHashMap<>();
			for (int i = 0; i < keysAndValues.length; i += 2) {
				values.put(PREFIX + keysAndValues[i], keysAndValues[i + 1]);
			}
			String named = keyOf(ex);
			String key = values.containsKey(named) ? named : values.keySet().iterator().next();
			this.problems
				.add(new InvalidResilientMailConfigurationException.Problem(key, values.get(key), refusal(ex, false)));
		}
	}

	/**
	 * The configuration key of the setting a {@code DeliveryPolicy.Builder} message is
	 * about: its messages start with the parameter's name.
	 * @param refusal what the builder threw
	 * @return the key, or {@code resilient-mail.*} when the message names none
	 */
	static String keyOf(RuntimeException refusal) {
		String message = String.valueOf(refusal.getMessage());
		return KEYS_BY_BUILDER_NAME.entrySet()
			.stream()
			.filter((entry) -> message.equals(entry.getKey()) || message.startsWith(entry.getKey() + " "))
			.map((entry) -> PREFIX + entry.getValue())
			.findFirst()
			.orElse(PREFIX + "*");
	}

	/**
	 * What the builder said is allowed, without the builder's parameter name (the key
	 * replaces it) and, when the configured value is shown anyway, without the value.
	 * @param refusal what the builder threw
	 * @param withValue whether to keep the value the message ends with
	 * @return the words
	 */
	static String refusal(RuntimeException refusal, boolean withValue) {
		String message = String.valueOf(refusal.getMessage());
		if (refusal instanceof NullPointerException) {
			return "must be set, not null";
		}
		String name = KEYS_BY_BUILDER_NAME.keySet()
			.stream()
			.filter((builderName) -> message.startsWith(builderName + " "))
			.findFirst()
			.orElse(null);
		String words = (name != null) ? message.substring(name.length() + 1) : message;
		int got = words.lastIndexOf(", got ");
		return (withValue || got < 0) ? words : words.substring(0, got);
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

	private void problem(String key, Object value, String allowed) {
		this.problems.add(new InvalidResilientMailConfigurationException.Problem(PREFIX + key, value, allowed));
	}

}
