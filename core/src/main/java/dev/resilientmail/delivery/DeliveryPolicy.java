package dev.resilientmail.delivery;

import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.resilientmail.classify.ClassificationRule;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;

/**
 * How {@link MailDelivery} retries, throttles and times out. Immutable; start from
 * {@link #defaults()} or {@link #builder()}.
 * <p>
 * Defaults:
 * <table>
 * <caption>Default delivery policy</caption>
 * <tr>
 * <th>setting</th>
 * <th>default</th>
 * <th>meaning</th>
 * </tr>
 * <tr>
 * <td>maxAttempts</td>
 * <td>4</td>
 * <td>attempts per message, the first included</td>
 * </tr>
 * <tr>
 * <td>waitDuration</td>
 * <td>2s</td>
 * <td>wait before the first retry</td>
 * </tr>
 * <tr>
 * <td>backoffMultiplier</td>
 * <td>2.0</td>
 * <td>each further wait is this much longer</td>
 * </tr>
 * <tr>
 * <td>maxWaitDuration</td>
 * <td>1m</td>
 * <td>no single wait is longer (server hints included)</td>
 * </tr>
 * <tr>
 * <td>jitter</td>
 * <td>0.2</td>
 * <td>each wait varies randomly by up to this fraction</td>
 * </tr>
 * <tr>
 * <td>maxElapsed</td>
 * <td>10m</td>
 * <td>no retry starts later than this after the first attempt</td>
 * </tr>
 * <tr>
 * <td>retryOn</td>
 * <td>TRANSIENT, POLICY_TRANSIENT</td>
 * <td>kinds that are retried</td>
 * </tr>
 * <tr>
 * <td>retryUncertain</td>
 * <td>false</td>
 * <td>whether an {@code UncertainDelivery} is retried (may duplicate)</td>
 * </tr>
 * <tr>
 * <td>reasonWait</td>
 * <td>GREYLISTED: 1m</td>
 * <td>first wait for a reason, instead of waitDuration</td>
 * </tr>
 * <tr>
 * <td>honourRetryAfter</td>
 * <td>true</td>
 * <td>wait as long as the server asks ("try again in 5 minutes"), capped by
 * maxWaitDuration</td>
 * </tr>
 * <tr>
 * <td>rateLimit</td>
 * <td>14 per 1s, wait up to 30s, adaptive</td>
 * <td>messages per destination</td>
 * </tr>
 * <tr>
 * <td>connectTimeout / readTimeout</td>
 * <td>10s / 60s</td>
 * <td>socket timeouts (Angus's own default is to wait forever)</td>
 * </tr>
 * </table>
 *
 * @since 0.1.0
 */
public final class DeliveryPolicy {

	private static final DeliveryPolicy DEFAULTS = builder().build();

	private final int maxAttempts;

	private final Duration waitDuration;

	private final double backoffMultiplier;

	private final Duration maxWaitDuration;

	private final double jitter;

	private final Duration maxElapsed;

	private final Set<FailureKind> retryOn;

	private final boolean retryUncertain;

	private final Map<FailureReason, Duration> reasonWait;

	private final boolean honourRetryAfter;

	private final int limitForPeriod;

	private final Duration limitRefreshPeriod;

	private final Duration rateLimitTimeout;

	private final boolean adaptiveRateLimit;

	private final Duration connectTimeout;

	private final Duration readTimeout;

	private final List<ClassificationRule> classificationRules;

	private final int maxConnections;

	private final int maxMessagesPerConnection;

	private final Duration idleTimeout;

	private DeliveryPolicy(Builder b) {
		this.maxAttempts = b.maxAttempts;
		this.waitDuration = b.waitDuration;
		this.backoffMultiplier = b.backoffMultiplier;
		this.maxWaitDuration = b.maxWaitDuration;
		this.jitter = b.jitter;
		this.maxElapsed = b.maxElapsed;
		this.retryOn = Set.copyOf(b.retryOn);
		this.retryUncertain = b.retryUncertain;
		this.reasonWait = Map.copyOf(b.reasonWait);
		this.honourRetryAfter = b.honourRetryAfter;
		this.limitForPeriod = b.limitForPeriod;
		this.limitRefreshPeriod = b.limitRefreshPeriod;
		this.rateLimitTimeout = b.rateLimitTimeout;
		this.adaptiveRateLimit = b.adaptiveRateLimit;
		this.connectTimeout = b.connectTimeout;
		this.readTimeout = b.readTimeout;
		this.classificationRules = List.copyOf(b.classificationRules);
		this.idleTimeout = b.idleTimeout;
		this.maxMessagesPerConnection = b.maxMessagesPerConnection;
		this.maxConnections = b.maxConnections;
	}

	/**
	 * Returns the default policy (see the class description).
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
		Builder b = new Builder();
		b.maxAttempts = this.maxAttempts;
		b.waitDuration = this.waitDuration;
		b.backoffMultiplier = this.backoffMultiplier;
		b.maxWaitDuration = this.maxWaitDuration;
		b.jitter = this.jitter;
		b.maxElapsed = this.maxElapsed;
		b.retryOn = EnumSet.noneOf(FailureKind.class);
		b.retryOn.addAll(this.retryOn);
		b.retryUncertain = this.retryUncertain;
		b.reasonWait = new EnumMap<>(FailureReason.class);
		b.reasonWait.putAll(this.reasonWait);
		b.honourRetryAfter = this.honourRetryAfter;
		b.limitForPeriod = this.limitForPeriod;
		b.limitRefreshPeriod = this.limitRefreshPeriod;
		b.rateLimitTimeout = this.rateLimitTimeout;
		b.adaptiveRateLimit = this.adaptiveRateLimit;
		b.connectTimeout = this.connectTimeout;
		b.readTimeout = this.readTimeout;
		b.classificationRules = this.classificationRules;
		b.idleTimeout = this.idleTimeout;
		b.maxMessagesPerConnection = this.maxMessagesPerConnection;
		b.maxConnections = this.maxConnections;
		return b;
	}

	/**
	 * @return attempts per message, the first included
	 */
	public int maxAttempts() {
		return this.maxAttempts;
	}

	/**
	 * @return the wait before the first retry
	 */
	public Duration waitDuration() {
		return this.waitDuration;
	}

	/**
	 * @return the factor by which each further wait grows
	 */
	public double backoffMultiplier() {
		return this.backoffMultiplier;
	}

	/**
	 * @return the longest single wait
	 */
	public Duration maxWaitDuration() {
		return this.maxWaitDuration;
	}

	/**
	 * @return the random variation of each wait, as a fraction (0 to 1)
	 */
	public double jitter() {
		return this.jitter;
	}

	/**
	 * @return how long after the first attempt a retry may still start
	 */
	public Duration maxElapsed() {
		return this.maxElapsed;
	}

	/**
	 * @return the kinds that are retried
	 */
	public Set<FailureKind> retryOn() {
		return this.retryOn;
	}

	/**
	 * @return whether an uncertain delivery is retried
	 */
	public boolean retryUncertain() {
		return this.retryUncertain;
	}

	/**
	 * @return the first wait per reason, instead of {@link #waitDuration()}
	 */
	public Map<FailureReason, Duration> reasonWait() {
		return this.reasonWait;
	}

	/**
	 * @return whether waits follow the server's "try again in N" hints
	 */
	public boolean honourRetryAfter() {
		return this.honourRetryAfter;
	}

	/**
	 * @return messages per {@link #limitRefreshPeriod()} and destination
	 */
	public int limitForPeriod() {
		return this.limitForPeriod;
	}

	/**
	 * @return the rate limiter's period
	 */
	public Duration limitRefreshPeriod() {
		return this.limitRefreshPeriod;
	}

	/**
	 * @return the longest wait for a rate-limit permit before failing locally
	 */
	public Duration rateLimitTimeout() {
		return this.rateLimitTimeout;
	}

	/**
	 * @return whether the limit drops on rate-limit replies and climbs back after
	 * successes
	 */
	public boolean adaptiveRateLimit() {
		return this.adaptiveRateLimit;
	}

	/**
	 * @return the socket connect timeout
	 */
	public Duration connectTimeout() {
		return this.connectTimeout;
	}

	/**
	 * @return the socket read and write timeout
	 */
	public Duration readTimeout() {
		return this.readTimeout;
	}

	/**
	 * @return the user's classification rules, tried before the defaults
	 */
	public List<ClassificationRule> classificationRules() {
		return this.classificationRules;
	}

	/**
	 * @return pooled connections per destination
	 */
	public int maxConnections() {
		return this.maxConnections;
	}

	/**
	 * @return messages a pooled connection carries before it is replaced
	 */
	public int maxMessagesPerConnection() {
		return this.maxMessagesPerConnection;
	}

	/**
	 * @return how long a pooled connection may stay idle
	 */
	public Duration idleTimeout() {
		return this.idleTimeout;
	}

	/**
	 * Builds a {@link DeliveryPolicy}; every setter checks its value and says what is
	 * allowed.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private int maxAttempts = 4;

		private Duration waitDuration = Duration.ofSeconds(2);

		private double backoffMultiplier = 2.0;

		private Duration maxWaitDuration = Duration.ofMinutes(1);

		private double jitter = 0.2;

		private Duration maxElapsed = Duration.ofMinutes(10);

		private Set<FailureKind> retryOn = EnumSet.of(FailureKind.TRANSIENT, FailureKind.POLICY_TRANSIENT);

		private boolean retryUncertain;

		private Map<FailureReason, Duration> reasonWait = new EnumMap<>(
				Map.of(FailureReason.GREYLISTED, Duration.ofMinutes(1)));

		private boolean honourRetryAfter = true;

		private int limitForPeriod = 14;

		private Duration limitRefreshPeriod = Duration.ofSeconds(1);

		private Duration rateLimitTimeout = Duration.ofSeconds(30);

		private boolean adaptiveRateLimit = true;

		private Duration connectTimeout = Duration.ofSeconds(10);

		private Duration readTimeout = Duration.ofSeconds(60);

		private List<ClassificationRule> classificationRules = List.of();

		private Duration idleTimeout = Duration.ofSeconds(30);

		private int maxMessagesPerConnection = 100;

		private int maxConnections = 4;

		private Builder() {
		}

		/**
		 * @param maxAttempts attempts per message, 1 (no retry) or more
		 * @return this builder
		 */
		public Builder maxAttempts(int maxAttempts) {
			if (maxAttempts < 1) {
				throw new IllegalArgumentException("maxAttempts must be at least 1 (1 = no retry), got " + maxAttempts);
			}
			this.maxAttempts = maxAttempts;
			return this;
		}

		/**
		 * @param waitDuration wait before the first retry, zero or more
		 * @return this builder
		 */
		public Builder waitDuration(Duration waitDuration) {
			this.waitDuration = notNegative("waitDuration", waitDuration);
			return this;
		}

		/**
		 * @param backoffMultiplier factor for each further wait, 1.0 or more
		 * @return this builder
		 */
		public Builder backoffMultiplier(double backoffMultiplier) {
			if (!(backoffMultiplier >= 1.0) || Double.isInfinite(backoffMultiplier)) {
				throw new IllegalArgumentException(
						"backoffMultiplier must be a finite number of at least 1.0, got " + backoffMultiplier);
			}
			this.backoffMultiplier = backoffMultiplier;
			return this;
		}

		/**
		 * @param maxWaitDuration the longest single wait, zero or more
		 * @return this builder
		 */
		public Builder maxWaitDuration(Duration maxWaitDuration) {
			this.maxWaitDuration = notNegative("maxWaitDuration", maxWaitDuration);
			return this;
		}

		/**
		 * @param jitter random variation of each wait, 0 (none) to 1
		 * @return this builder
		 */
		public Builder jitter(double jitter) {
			if (!(jitter >= 0.0 && jitter <= 1.0)) {
				throw new IllegalArgumentException("jitter must be between 0.0 and 1.0, got " + jitter);
			}
			this.jitter = jitter;
			return this;
		}

		/**
		 * @param maxElapsed how long after the first attempt a retry may start, zero or
		 * more
		 * @return this builder
		 */
		public Builder maxElapsed(Duration maxElapsed) {
			this.maxElapsed = notNegative("maxElapsed", maxElapsed);
			return this;
		}

		/**
		 * @param kinds the kinds to retry; SUCCESS is not allowed; permanent kinds are
		 * allowed but rarely wise
		 * @return this builder
		 */
		public Builder retryOn(Set<FailureKind> kinds) {
			Objects.requireNonNull(kinds, "kinds");
			if (kinds.contains(FailureKind.SUCCESS)) {
				throw new IllegalArgumentException("retryOn cannot contain SUCCESS; allowed: TRANSIENT, PERMANENT,"
						+ " POLICY_TRANSIENT, POLICY_PERMANENT");
			}
			this.retryOn = kinds.isEmpty() ? EnumSet.noneOf(FailureKind.class) : EnumSet.copyOf(kinds);
			return this;
		}

		/**
		 * @param retryUncertain whether to retry when the connection broke after the
		 * message was sent (it may then arrive twice)
		 * @return this builder
		 */
		public Builder retryUncertain(boolean retryUncertain) {
			this.retryUncertain = retryUncertain;
			return this;
		}

		/**
		 * @param reason a reason
		 * @param firstWait the first wait after a failure of this reason, instead of
		 * {@code waitDuration}
		 * @return this builder
		 */
		public Builder reasonWait(FailureReason reason, Duration firstWait) {
			this.reasonWait.put(Objects.requireNonNull(reason, "reason"), notNegative("reasonWait", firstWait));
			return this;
		}

		/**
		 * @param honourRetryAfter whether to wait as long as the server asks
		 * @return this builder
		 */
		public Builder honourRetryAfter(boolean honourRetryAfter) {
			this.honourRetryAfter = honourRetryAfter;
			return this;
		}

		/**
		 * @param limitForPeriod messages per period and destination, 1 or more
		 * @param limitRefreshPeriod the period, positive
		 * @return this builder
		 */
		public Builder rateLimit(int limitForPeriod, Duration limitRefreshPeriod) {
			if (limitForPeriod < 1) {
				throw new IllegalArgumentException("limitForPeriod must be at least 1, got " + limitForPeriod);
			}
			notNegative("limitRefreshPeriod", limitRefreshPeriod);
			if (limitRefreshPeriod.isZero()) {
				throw new IllegalArgumentException("limitRefreshPeriod must be positive, got " + limitRefreshPeriod);
			}
			this.limitForPeriod = limitForPeriod;
			this.limitRefreshPeriod = limitRefreshPeriod;
			return this;
		}

		/**
		 * @param rateLimitTimeout longest wait for a permit, zero or more; beyond it the
		 * send fails locally with a {@code TransientFailure} of reason
		 * {@code RATE_LIMITED}
		 * @return this builder
		 */
		public Builder rateLimitTimeout(Duration rateLimitTimeout) {
			this.rateLimitTimeout = notNegative("rateLimitTimeout", rateLimitTimeout);
			return this;
		}

		/**
		 * @param adaptive whether the limit drops on rate-limit replies and recovers
		 * after successes
		 * @return this builder
		 */
		public Builder adaptiveRateLimit(boolean adaptive) {
			this.adaptiveRateLimit = adaptive;
			return this;
		}

		/**
		 * @param connectTimeout socket connect timeout, positive
		 * @param readTimeout socket read/write timeout, positive
		 * @return this builder
		 */
		public Builder timeouts(Duration connectTimeout, Duration readTimeout) {
			notNegative("connectTimeout", connectTimeout);
			notNegative("readTimeout", readTimeout);
			if (connectTimeout.isZero() || readTimeout.isZero()) {
				throw new IllegalArgumentException("timeouts must be positive (zero would mean wait forever)");
			}
			this.connectTimeout = connectTimeout;
			this.readTimeout = readTimeout;
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
		 * @param maxConnections pooled connections per destination, 1 or more
		 * @param maxMessagesPerConnection messages per connection before it is replaced,
		 * 1 or more (1 = no reuse)
		 * @param idleTimeout how long a connection may stay idle in the pool, zero or
		 * more
		 * @return this builder
		 */
		public Builder pool(int maxConnections, int maxMessagesPerConnection, Duration idleTimeout) {
			if (maxConnections < 1) {
				throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
			}
			if (maxMessagesPerConnection < 1) {
				throw new IllegalArgumentException(
						"maxMessagesPerConnection must be at least 1, got " + maxMessagesPerConnection);
			}
			this.maxConnections = maxConnections;
			this.maxMessagesPerConnection = maxMessagesPerConnection;
			this.idleTimeout = notNegative("idleTimeout", idleTimeout);
			return this;
		}

		/**
		 * @return the policy
		 */
		public DeliveryPolicy build() {
			return new DeliveryPolicy(this);
		}

		private static Duration notNegative(String name, Duration value) {
			Objects.requireNonNull(value, name);
			if (value.isNegative()) {
				throw new IllegalArgumentException(name + " must not be negative, got " + value);
			}
			return value;
		}

	}

}
