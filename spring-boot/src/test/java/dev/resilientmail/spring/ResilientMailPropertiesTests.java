package dev.resilientmail.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.classify.ReplyClassifier;
import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class ResilientMailPropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilientMailAutoConfiguration.class))
		.withPropertyValues("spring.mail.host=mx.example.com");

	@Test
	void theIssuesYamlBindsEveryKey() {
		this.contextRunner.withInitializer(YamlProperties.from("application-issue.yml")).run((context) -> {
			ResilientMailProperties properties = context.getBean(ResilientMailProperties.class);
			ResilientMailProperties.Retry retry = properties.getRetry();
			assertThat(retry.getMaxAttempts()).isEqualTo(4);
			assertThat(retry.getWaitDuration()).isEqualTo(Duration.ofSeconds(2));
			assertThat(retry.getExponentialBackoffMultiplier()).isEqualTo(2.0);
			assertThat(retry.getMaxWaitDuration()).isEqualTo(Duration.ofMinutes(1));
			assertThat(retry.getRetryOn()).containsExactly(FailureKind.TRANSIENT, FailureKind.POLICY_TRANSIENT);
			assertThat(retry.isRetryUncertain()).isFalse();
			ResilientMailProperties.RateLimiter rateLimiter = properties.getRateLimiter();
			assertThat(rateLimiter.getLimitForPeriod()).isEqualTo(14);
			assertThat(rateLimiter.getLimitRefreshPeriod()).isEqualTo(Duration.ofSeconds(1));
			assertThat(rateLimiter.getTimeoutDuration()).isEqualTo(Duration.ofSeconds(30));
			assertThat(rateLimiter.isAdaptive()).isTrue();
			ResilientMailProperties.Pool pool = properties.getPool();
			assertThat(pool.getMaxConnections()).isEqualTo(4);
			assertThat(pool.getMaxMessagesPerConnection()).isEqualTo(100);
			assertThat(pool.getIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
			List<ResilientMailProperties.Rule> rules = properties.getClassification().getRules();
			assertThat(rules).hasSize(1);
			ResilientMailProperties.Rule rule = rules.get(0);
			assertThat(rule.getEnhancedCode()).isEqualTo("5.4.5");
			assertThat(rule.getText()).isEqualTo("(?i)daily.*limit");
			assertThat(rule.getKind()).isEqualTo(FailureKind.TRANSIENT);
			assertThat(rule.getReason()).isEqualTo(FailureReason.RATE_LIMITED);
			assertThat(rule.getRetryAfter()).isEqualTo(Duration.ofHours(1));
			assertThat(rule.getCode()).isNull();
			assertThat(rule.getCommand()).isNull();
		});
	}

	@Test
	void theIssuesYamlRuleTurnsADailyLimitIntoATransientRateLimit() {
		this.contextRunner.withInitializer(YamlProperties.from("application-issue.yml")).run((context) -> {
			DeliveryPolicy policy = context.getBean(DeliveryPolicy.class);
			assertThat(policy.classificationRules()).hasSize(1);
			ReplyClassifier classifier = ReplyClassifier.defaults().withRules(policy.classificationRules());
			SmtpReply dailyLimit = SmtpReply.parse("550 5.4.5 Daily user sending limit exceeded");
			Classification classification = classifier.classify(dailyLimit, SmtpCommand.END_OF_DATA);
			assertThat(classification.kind()).isEqualTo(FailureKind.TRANSIENT);
			assertThat(classification.reason()).isEqualTo(FailureReason.RATE_LIMITED);
			assertThat(classification.retryAfter()).contains(Duration.ofHours(1));
			// the rule's text condition matters: another 5.4.5 keeps its default meaning
			Classification other = classifier.classify(SmtpReply.parse("550 5.4.5 Routing loop detected"),
					SmtpCommand.END_OF_DATA);
			assertThat(other.kind()).isNotEqualTo(FailureKind.TRANSIENT);
		});
	}

	@Test
	void theIssuesYamlValuesAreTheDefaults() {
		this.contextRunner
			.run((defaults) -> this.contextRunner.withInitializer(YamlProperties.from("application-issue.yml"))
				.run((issue) -> {
					DeliveryPolicy expected = defaults.getBean(DeliveryPolicy.class);
					DeliveryPolicy actual = issue.getBean(DeliveryPolicy.class);
					// issue 15 keeps a connection for as many messages as the server
					// takes; the issue's YAML still says 100
					assertThat(actual).usingRecursiveComparison()
						.ignoringFields("classificationRules", "pool.maxMessagesPerConnection")
						.isEqualTo(expected);
					assertThat(actual.pool().maxMessagesPerConnection()).isEqualTo(100);
					assertThat(expected.pool().maxMessagesPerConnection()).isEqualTo(Integer.MAX_VALUE);
				}));
	}

	@Test
	void everyKeyBindsAValueOtherThanItsDefault() {
		this.contextRunner.withInitializer(YamlProperties.from("application-custom.yml")).run((context) -> {
			DeliveryPolicy policy = context.getBean(DeliveryPolicy.class);
			assertThat(policy.retry().maxAttempts()).isEqualTo(7);
			assertThat(policy.retry().waitDuration()).isEqualTo(Duration.ofMillis(250));
			assertThat(policy.retry().backoffMultiplier()).isEqualTo(1.5);
			assertThat(policy.retry().maxWaitDuration()).isEqualTo(Duration.ofMinutes(3));
			assertThat(policy.retry().retryOn()).containsExactly(FailureKind.TRANSIENT);
			assertThat(policy.retry().retryUncertain()).isTrue();
			assertThat(policy.retry().jitter()).isEqualTo(0.5);
			assertThat(policy.retry().maxElapsed()).isEqualTo(Duration.ofHours(2));
			assertThat(policy.retry().reasonWait()).containsOnly(entry(FailureReason.GREYLISTED, Duration.ofMinutes(5)),
					entry(FailureReason.RATE_LIMITED, Duration.ofSeconds(90)));
			assertThat(policy.retry().honourRetryAfter()).isFalse();
			assertThat(policy.timeouts().connect()).isEqualTo(Duration.ofSeconds(3));
			assertThat(policy.timeouts().read()).isEqualTo(Duration.ofSeconds(20));
			assertThat(policy.rateLimit().limitForPeriod()).isEqualTo(3);
			assertThat(policy.rateLimit().limitRefreshPeriod()).isEqualTo(Duration.ofSeconds(2));
			assertThat(policy.rateLimit().timeout()).isEqualTo(Duration.ofSeconds(5));
			assertThat(policy.rateLimit().adaptive()).isFalse();
			assertThat(policy.pool().maxConnections()).isEqualTo(2);
			assertThat(policy.pool().maxMessagesPerConnection()).isEqualTo(10);
			assertThat(policy.pool().idleTimeout()).isEqualTo(Duration.ofSeconds(45));
			assertThat(policy.classificationRules()).hasSize(2);
			assertThat(policy.classificationRules().get(0)).hasToString(
					"when code=550 enhanced-code=5.7.* command=END_OF_DATA text=/(?i)quota/ then kind=POLICY_TRANSIENT"
							+ " reason=MAILBOX_FULL retry-after=PT10M");
			assertThat(policy.classificationRules().get(1)).hasToString("when code=421 then kind=PERMANENT");
		});
	}

	@Test
	void everyPolicySettingIsReachableFromYaml() {
		this.contextRunner.withInitializer(YamlProperties.from("application-custom.yml")).run((context) -> {
			Map<String, Object> configured = settings(context.getBean(DeliveryPolicy.class));
			Map<String, Object> defaults = settings(DeliveryPolicy.defaults());
			assertThat(configured).isNotEmpty().hasSameSizeAs(defaults);
			// application-custom.yml sets every key to something else than its default: a
			// setting still at its default has no key
			configured.forEach((name, value) -> assertThat(value).as(name).isNotEqualTo(defaults.get(name)));
		});
	}

	@Test
	void withoutConfigurationThePolicyIsTheCoreDefault() {
		this.contextRunner.run((context) -> assertThat(context.getBean(DeliveryPolicy.class)).usingRecursiveComparison()
			.isEqualTo(DeliveryPolicy.defaults()));
	}

	/**
	 * Every value of a policy by accessor path, descending into record values, so that a
	 * setting added to the policy is a setting this test expects a key for.
	 */
	private static Map<String, Object> settings(Object value) {
		Map<String, Object> settings = new TreeMap<>();
		collect("", value, settings);
		return settings;
	}

	private static void collect(String path, Object value, Map<String, Object> settings) {
		if (value == null || !(value.getClass().isRecord() || value instanceof DeliveryPolicy)) {
			settings.put(path, value);
			return;
		}
		for (Method accessor : value.getClass().getMethods()) {
			boolean setting = accessor.getParameterCount() == 0 && !Modifier.isStatic(accessor.getModifiers())
					&& accessor.getDeclaringClass() == value.getClass()
					&& !List.of("toBuilder", "toString", "hashCode").contains(accessor.getName());
			if (setting) {
				try {
					collect(path + "." + accessor.getName(), accessor.invoke(value), settings);
				}
				catch (ReflectiveOperationException ex) {
					throw new IllegalStateException(ex);
				}
			}
		}
	}

	@Test
	void enumValuesBindIgnoringCase() {
		this.contextRunner
			.withPropertyValues("resilient-mail.retry.retry-on=transient,policy-transient",
					"resilient-mail.classification.rules[0].code=452",
					"resilient-mail.classification.rules[0].command=rcpt",
					"resilient-mail.classification.rules[0].reason=too-many-recipients")
			.run((context) -> {
				DeliveryPolicy policy = context.getBean(DeliveryPolicy.class);
				assertThat(policy.retry().retryOn()).containsExactlyInAnyOrder(FailureKind.TRANSIENT,
						FailureKind.POLICY_TRANSIENT);
				assertThat(policy.classificationRules().get(0))
					.hasToString("when code=452 command=RCPT then reason=TOO_MANY_RECIPIENTS");
			});
	}

	@Test
	void anEmptyRetryOnListRetriesNothing() {
		this.contextRunner.withPropertyValues("resilient-mail.retry.retry-on=")
			.run((context) -> assertThat(context.getBean(DeliveryPolicy.class).retry().retryOn()).isEmpty());
	}

}
