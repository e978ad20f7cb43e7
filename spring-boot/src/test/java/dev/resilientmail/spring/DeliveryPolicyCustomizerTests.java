package dev.resilientmail.spring;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.delivery.DeliveryPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * Customizers refine the policy configured under {@code resilient-mail.*}; a
 * {@code DeliveryPolicy} bean replaces it, and the starter says which keys it ignores.
 */
@ExtendWith(OutputCaptureExtension.class)
class DeliveryPolicyCustomizerTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ResilientMailAutoConfiguration.class))
		.withPropertyValues("spring.mail.host=mx.example.com", "resilient-mail.retry.max-attempts=7");

	@Test
	void aCustomizerRefinesTheConfiguredPolicyInsteadOfReplacingIt() {
		this.contextRunner
			.withBean(DeliveryPolicyCustomizer.class,
					() -> (builder) -> builder.jitter(0).reasonWait(FailureReason.RATE_LIMITED, Duration.ofMinutes(2)))
			.run((context) -> {
				DeliveryPolicy policy = context.getBean(DeliveryPolicy.class);
				assertThat(policy.retry().maxAttempts()).as("from the configuration").isEqualTo(7);
				assertThat(policy.retry().jitter()).isZero();
				assertThat(policy.retry().reasonWait()).contains(entry(FailureReason.GREYLISTED, Duration.ofMinutes(1)),
						entry(FailureReason.RATE_LIMITED, Duration.ofMinutes(2)));
				assertThat(context.getBean(ResilientJavaMailSender.class).delivery().policy()).isSameAs(policy);
			});
	}

	@Test
	void customizersApplyInTheirOrder() {
		this.contextRunner.withUserConfiguration(TwoCustomizers.class)
			.run((context) -> assertThat(context.getBean(DeliveryPolicy.class).retry().maxAttempts()).isEqualTo(2));
	}

	@Test
	void anInvalidValueFromACustomizerStopsStartupLikeABadKey() {
		this.contextRunner.withUserConfiguration(JitterTooLarge.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new ResilientMailFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("'resilient-mail.retry.randomized-wait-factor'")
				.contains("set by DeliveryPolicyCustomizer")
				.contains(JitterTooLarge.class.getName())
				.contains("between 0.0 and 1.0, got 2.0");
			assertThat(analysis.getAction()).contains("resilient-mail.retry.randomized-wait-factor");
		});
	}

	@Test
	void aNullValueFromACustomizerNamesTheKey() {
		this.contextRunner.withBean(DeliveryPolicyCustomizer.class, () -> (builder) -> builder.maxElapsed(null))
			.run((context) -> {
				FailureAnalysis analysis = new ResilientMailFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'resilient-mail.retry.max-elapsed-duration'")
					.contains("must be set, not null");
			});
	}

	@Test
	void aDeliveryPolicyBeanReplacesTheConfigurationAndTheIgnoredKeysAreNamed(CapturedOutput output) {
		DeliveryPolicy own = DeliveryPolicy.builder().maxAttempts(9).build();
		this.contextRunner.withPropertyValues("resilient-mail.pool.max-connections=2")
			.withBean(DeliveryPolicy.class, () -> own)
			.withBean(DeliveryPolicyCustomizer.class, () -> (builder) -> builder.maxAttempts(1))
			.run((context) -> {
				assertThat(context.getBean(ResilientJavaMailSender.class).delivery().policy()).isSameAs(own);
				assertThat(output).contains("DeliveryPolicy bean replaces the policy configured under resilient-mail.*")
					.contains("resilient-mail.pool.max-connections, resilient-mail.retry.max-attempts");
			});
	}

	@Test
	void withoutPolicyKeysAReplacingBeanNeedsNoWarning(CapturedOutput output) {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ResilientMailAutoConfiguration.class))
			.withPropertyValues("spring.mail.host=mx.example.com", "resilient-mail.enabled=true")
			.withBean(DeliveryPolicy.class, DeliveryPolicy::defaults)
			.run((context) -> {
				assertThat(context.getBean(ResilientJavaMailSender.class)).isNotNull();
				assertThat(output).doesNotContain("DeliveryPolicy bean replaces");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoCustomizers {

		@Bean
		@Order(2)
		DeliveryPolicyCustomizer second() {
			return (builder) -> builder.maxAttempts(2);
		}

		@Bean
		@Order(1)
		DeliveryPolicyCustomizer first() {
			return (builder) -> builder.maxAttempts(1);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class JitterTooLarge {

		@Bean
		DeliveryPolicyCustomizer tooMuchJitter() {
			return new DeliveryPolicyCustomizer() {

				@Override
				public void customize(DeliveryPolicy.Builder builder) {
					builder.jitter(2.0);
				}

			};
		}

	}

}
