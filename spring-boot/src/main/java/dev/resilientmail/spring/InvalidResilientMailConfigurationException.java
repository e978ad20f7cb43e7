package dev.resilientmail.spring;

import java.io.Serial;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Thrown at startup when configuration values cannot be used; carries one problem per
 * offending key so that the failure analysis can list them all at once.
 */
final class InvalidResilientMailConfigurationException extends IllegalStateException {

	@Serial
	private static final long serialVersionUID = 1L;

	private static final List<ChronoUnit> UNITS = List.of(ChronoUnit.DAYS, ChronoUnit.HOURS, ChronoUnit.MINUTES,
			ChronoUnit.SECONDS, ChronoUnit.MILLIS, ChronoUnit.NANOS);

	private static final Map<ChronoUnit, String> SUFFIXES = Map.of(ChronoUnit.DAYS, "d", ChronoUnit.HOURS, "h",
			ChronoUnit.MINUTES, "m", ChronoUnit.SECONDS, "s", ChronoUnit.MILLIS, "ms", ChronoUnit.NANOS, "ns");

	private final transient List<Problem> problems;

	InvalidResilientMailConfigurationException(List<Problem> problems) {
		super(describe(problems));
		this.problems = List.copyOf(problems);
	}

	List<Problem> problems() {
		return this.problems;
	}

	private static String describe(List<Problem> problems) {
		return "Invalid mail configuration:\n"
				+ problems.stream().map((problem) -> "  - " + problem.describe()).collect(Collectors.joining("\n"));
	}

	/**
	 * One unusable value.
	 *
	 * @param key the property key, like {@code resilient-mail.retry.max-attempts}
	 * @param value the value as configured, may be null
	 * @param allowed what the key accepts
	 * @param origin who set the value when it was not the configuration (a customizer),
	 * or null
	 */
	record Problem(String key, Object value, String allowed, String origin) {

		Problem(String key, Object value, String allowed) {
			this(key, value, allowed, null);
		}

		/**
		 * A value a {@link DeliveryPolicyCustomizer} set that the policy refused.
		 * @param customizer the customizer
		 * @param refusal what the policy's builder threw
		 * @return the problem, keyed by the configuration key of the same setting
		 */
		static Problem of(DeliveryPolicyCustomizer customizer, RuntimeException refusal) {
			return of("set by DeliveryPolicyCustomizer " + declaredIn(customizer.getClass()), refusal);
		}

		/**
		 * A policy that could not be built after the customizers ran.
		 * @param customizers the customizers that ran
		 * @param refusal what the policy threw
		 * @return the problem
		 */
		static Problem of(List<DeliveryPolicyCustomizer> customizers, RuntimeException refusal) {
			return of("after the DeliveryPolicyCustomizers " + customizers.stream()
				.map((customizer) -> declaredIn(customizer.getClass()))
				.collect(Collectors.joining(", ")), refusal);
		}

		private static Problem of(String origin, RuntimeException refusal) {
			return new Problem(DeliveryPolicyFactory.keyOf(refusal), null, DeliveryPolicyFactory.refusal(refusal, true),
					origin);
		}

		/**
		 * What a builder's refusal says is allowed, for a key that sets the value
		 * directly: "DSN ret must be FULL or HDRS, got 'x'" gives "FULL or HDRS".
		 * @param refusal what the builder threw
		 * @return the words
		 */
		static String allowed(IllegalArgumentException refusal) {
			String message = String.valueOf(refusal.getMessage());
			int must = message.indexOf(" must be ");
			String words = (must >= 0) ? message.substring(must + " must be ".length()) : message;
			int got = words.lastIndexOf(", got ");
			return (got >= 0) ? words.substring(0, got) : words;
		}

		/** A lambda's class name without the JVM's generated suffix. */
		private static String declaredIn(Class<?> type) {
			String name = type.getName();
			int lambda = name.indexOf("$$Lambda");
			return (lambda > 0) ? "(a lambda in " + name.substring(0, lambda) + ")" : name;
		}

		String describe() {
			String what = (this.origin != null) ? " (" + this.origin + ")"
					: (this.value != null) ? " is '" + format(this.value) + "'" : " is not set";
			return "'" + this.key + "'" + what + ": " + this.allowed;
		}

		/**
		 * Durations as they are written in configuration ({@code -30s}, not
		 * {@code PT-30S}).
		 */
		private static String format(Object value) {
			if (!(value instanceof Duration duration)) {
				return String.valueOf(value);
			}
			if (duration.isZero()) {
				return "0s";
			}
			for (ChronoUnit unit : UNITS) {
				Duration one = unit.getDuration();
				if (duration.toNanos() % one.toNanos() == 0 || unit == ChronoUnit.NANOS) {
					return (duration.toNanos() / one.toNanos()) + SUFFIXES.get(unit);
				}
			}
			return duration.toString();
		}

	}

}
