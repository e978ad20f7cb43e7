package dev.resilientmail.spring;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Session;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.mail.autoconfigure.MailHealthContributorAutoConfiguration;
import org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration;
import org.springframework.boot.mail.autoconfigure.MailSenderValidatorAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.MailSender;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import dev.resilientmail.DeliveryReport;
import dev.resilientmail.TransientFailure;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.transport.CapturingSmtpTransport;
import dev.resilientmail.transport.CapturingSmtpsTransport;

import dev.resilientmail.testkit.FaultSmtpServer;

import static org.assertj.core.api.Assertions.assertThat;

class ResilientMailAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ResilientMailAutoConfiguration.class, ResilientMailMetricsAutoConfiguration.class,
					MailSenderAutoConfiguration.class, MailSenderValidatorAutoConfiguration.class));

	@Test
	void withoutHostThereIsNoMailSender() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(MailSender.class)
			.doesNotHaveBean(AsyncMailSender.class)
			.doesNotHaveBean(DeliveryPolicy.class));
	}

	@Test
	void withHostTheJavaMailSenderIsAResilientJavaMailSenderImpl() {
		this.contextRunner.withPropertyValues("spring.mail.host=mx.example.com").run((context) -> {
			assertThat(context).hasSingleBean(JavaMailSender.class)
				.hasSingleBean(JavaMailSenderImpl.class)
				.hasSingleBean(AsyncMailSender.class)
				.hasSingleBean(DeliveryPolicy.class);
			assertThat(context.getBean(JavaMailSender.class)).isInstanceOf(ResilientJavaMailSender.class);
		});
	}

	@Test
	void theDeliveryIsCreatedAtFirstUseNotAtStartup() {
		this.contextRunner.withPropertyValues("spring.mail.host=mx.example.com").run((context) -> {
			ResilientJavaMailSender sender = context.getBean(ResilientJavaMailSender.class);
			assertThat(sender.isStarted()).isFalse();
			sender.createMimeMessage();
			assertThat(sender.isStarted()).isTrue();
		});
	}

	@Test
	void springMailPropertiesReachTheSenderAndItsSession() {
		this.contextRunner
			.withPropertyValues("spring.mail.host=mx.example.com", "spring.mail.port=2525", "spring.mail.username=app",
					"spring.mail.password=secret", "spring.mail.protocol=smtp", "spring.mail.default-encoding=UTF-16",
					"spring.mail.properties.mail.smtp.timeout=1234",
					"spring.mail.properties.mail.smtp.starttls.enable=true")
			.run((context) -> {
				ResilientJavaMailSender sender = context.getBean(ResilientJavaMailSender.class);
				assertThat(sender.getHost()).isEqualTo("mx.example.com");
				assertThat(sender.getPort()).isEqualTo(2525);
				assertThat(sender.getUsername()).isEqualTo("app");
				assertThat(sender.getPassword()).isEqualTo("secret");
				assertThat(sender.getProtocol()).isEqualTo("smtp");
				assertThat(sender.getDefaultEncoding()).isEqualTo("UTF-16");
				Session session = sender.getSession();
				assertThat(session).isSameAs(sender.delivery().session());
				Properties properties = session.getProperties();
				assertThat(properties.getProperty("mail.smtp.host")).isEqualTo("mx.example.com");
				assertThat(properties.getProperty("mail.smtp.port")).isEqualTo("2525");
				assertThat(properties.getProperty("mail.smtp.auth")).isEqualTo("true");
				assertThat(properties.getProperty("mail.smtp.starttls.enable")).isEqualTo("true");
				// the application's own Jakarta Mail settings win over the policy's
				// defaults
				assertThat(properties.getProperty("mail.smtp.timeout")).isEqualTo("1234");
				assertThat(properties.getProperty("mail.smtp.class")).isEqualTo(CapturingSmtpTransport.class.getName());
				assertThat(session.getTransport("smtp")).isInstanceOf(CapturingSmtpTransport.class);
				assertThat(sender.createMimeMessage().getSession()).isSameAs(session);
			});
	}

	@Test
	void smtpsProtocolSelectsTheImplicitTlsTransport() {
		this.contextRunner.withPropertyValues("spring.mail.host=mx.example.com", "spring.mail.protocol=smtps")
			.run((context) -> {
				Session session = context.getBean(ResilientJavaMailSender.class).getSession();
				assertThat(session.getTransport("smtps")).isInstanceOf(CapturingSmtpsTransport.class);
				assertThat(session.getProperty("mail.smtps.class")).isEqualTo(CapturingSmtpsTransport.class.getName());
			});
	}

	@Test
	void springMailSslSettingsAreAppliedAsSpringBootDoes() {
		this.contextRunner
			.withPropertyValues("spring.mail.host=mx.example.com", "spring.mail.ssl.enabled=true",
					"spring.mail.ssl.verify-hostname=true")
			.run((context) -> {
				Properties properties = context.getBean(ResilientJavaMailSender.class).getSession().getProperties();
				assertThat(properties.getProperty("mail.smtp.ssl.enable")).isEqualTo("true");
				assertThat(properties.getProperty("mail.smtp.ssl.checkserveridentity")).isEqualTo("true");
			});
	}

	@Test
	void theDefaultPolicyFollowsTheDocumentedDefaults() {
		this.contextRunner.withPropertyValues("spring.mail.host=mx.example.com").run((context) -> {
			DeliveryPolicy policy = context.getBean(DeliveryPolicy.class);
			assertThat(policy.retry().maxAttempts()).isEqualTo(4);
			assertThat(policy.retry().waitDuration()).isEqualTo(Duration.ofSeconds(2));
			assertThat(policy.retry().backoffMultiplier()).isEqualTo(2.0);
			assertThat(policy.retry().maxWaitDuration()).isEqualTo(Duration.ofMinutes(1));
			assertThat(policy.retry().retryOn()).containsExactlyInAnyOrder(FailureKind.TRANSIENT,
					FailureKind.POLICY_TRANSIENT);
			assertThat(policy.retry().retryUncertain()).isFalse();
			assertThat(policy.rateLimit().limitForPeriod()).isEqualTo(14);
			assertThat(policy.rateLimit().limitRefreshPeriod()).isEqualTo(Duration.ofSeconds(1));
			assertThat(policy.rateLimit().timeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(policy.rateLimit().adaptive()).isTrue();
			assertThat(policy.pool().maxConnections()).isEqualTo(4);
			assertThat(policy.pool().maxMessagesPerConnection()).isEqualTo(Integer.MAX_VALUE);
			assertThat(policy.pool().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(policy.classificationRules()).isEmpty();
			assertThat(context.getBean(ResilientJavaMailSender.class).delivery().policy()).isSameAs(policy);
		});
	}

	@Test
	void aJavaMailSenderOfTheApplicationMakesItBackOff() {
		this.contextRunner.withPropertyValues("spring.mail.host=mx.example.com")
			.withUserConfiguration(UserJavaMailSenderConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(JavaMailSender.class)
					.doesNotHaveBean(ResilientJavaMailSender.class)
					.doesNotHaveBean(AsyncMailSender.class);
				assertThat(context.getBean(JavaMailSender.class)).isSameAs(context.getBean("userMailSender"));
			});
	}

	@Test
	void anyMailSenderOfTheApplicationMakesItBackOffLikeSpringBoot() {
		this.contextRunner.withPropertyValues("spring.mail.host=mx.example.com")
			.withUserConfiguration(UserMailSenderConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(MailSender.class)
				.doesNotHaveBean(JavaMailSender.class)
				.doesNotHaveBean(AsyncMailSender.class));
	}

	@Test
	void disabledGivesSpringBootsOwnMailSender() {
		this.contextRunner.withPropertyValues("spring.mail.host=mx.example.com", "resilient-mail.enabled=false")
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(JavaMailSender.class)
					.doesNotHaveBean(ResilientJavaMailSender.class)
					.doesNotHaveBean(AsyncMailSender.class)
					.doesNotHaveBean(DeliveryPolicy.class)
					.doesNotHaveBean(ResilientMailProperties.class)
					.doesNotHaveBean(MicrometerMailMetrics.class);
				assertThat(context.getBean(JavaMailSender.class).getClass()).isEqualTo(JavaMailSenderImpl.class);
				assertThat(((JavaMailSenderImpl) context.getBean(JavaMailSender.class)).getHost())
					.isEqualTo("mx.example.com");
			});
	}

	@Test
	void aDeliveryPolicyOfTheApplicationIsUsed() {
		DeliveryPolicy own = DeliveryPolicy.builder().maxAttempts(9).build();
		this.contextRunner.withPropertyValues("spring.mail.host=mx.example.com")
			.withBean(DeliveryPolicy.class, () -> own)
			.run((context) -> {
				assertThat(context).hasSingleBean(DeliveryPolicy.class);
				assertThat(context.getBean(ResilientJavaMailSender.class).delivery().policy()).isSameAs(own);
			});
	}

	@Test
	void anAsyncMailSenderOfTheApplicationWins() {
		AsyncMailSender own = new AsyncMailSender() {

			@Override
			public jakarta.mail.internet.MimeMessage createMimeMessage() {
				throw new UnsupportedOperationException();
			}

			@Override
			public java.util.concurrent.CompletableFuture<dev.resilientmail.DeliveryReport> sendAsync(
					jakarta.mail.internet.MimeMessage message) {
				throw new UnsupportedOperationException();
			}

			@Override
			public java.util.concurrent.CompletableFuture<dev.resilientmail.DeliveryReport> sendAsync(
					SimpleMailMessage message) {
				throw new UnsupportedOperationException();
			}

		};
		this.contextRunner.withPropertyValues("spring.mail.host=mx.example.com")
			.withBean(AsyncMailSender.class, () -> own)
			.run((context) -> assertThat(context.getBean(AsyncMailSender.class)).isSameAs(own));
	}

	@Test
	void withMicrometerAndARegistryTheMetricsListenerIsRegistered() {
		this.contextRunner.withPropertyValues("spring.mail.host=mx.example.com")
			.withBean(SimpleMeterRegistry.class)
			.run((context) -> assertThat(context).hasSingleBean(MicrometerMailMetrics.class));
	}

	@Test
	void withResilience4jMicrometerTheRetryAndRateLimiterMetersAreBound() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.start()) {
			this.contextRunner
				.withPropertyValues("spring.mail.host=" + server.host(), "spring.mail.port=" + server.port())
				.withBean(SimpleMeterRegistry.class)
				.run((context) -> {
					assertThat(context).hasSingleBean(Resilience4jRegistries.MeterBinder.class);
					JavaMailSender sender = context.getBean(JavaMailSender.class);
					SimpleMailMessage message = new SimpleMailMessage();
					message.setFrom("app@example.com");
					message.setTo("ann@example.com");
					message.setText("hello");
					sender.send(message);
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					String name = "resilient-mail:" + server.host() + ":" + server.port();
					assertThat(registry.find("resilience4j.retry.calls").tag("name", name).meters()).isNotEmpty();
					assertThat(
							registry.find("resilience4j.ratelimiter.available.permissions").tag("name", name).gauge())
						.isNotNull();
				});
		}
	}

	@Test
	void withoutResilience4jMicrometerOnlyOurOwnMetersAreBound() {
		this.contextRunner.withPropertyValues("spring.mail.host=mx.example.com")
			.withBean(SimpleMeterRegistry.class)
			.withClassLoader(new FilteredClassLoader(io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics.class))
			.run((context) -> assertThat(context).hasSingleBean(MicrometerMailMetrics.class)
				.doesNotHaveBean(Resilience4jRegistries.MeterBinder.class));
	}

	@Test
	void withMicrometerButNoRegistryThereAreNoMetrics() {
		this.contextRunner.withPropertyValues("spring.mail.host=mx.example.com")
			.run((context) -> assertThat(context).doesNotHaveBean(MicrometerMailMetrics.class)
				.hasSingleBean(ResilientJavaMailSender.class));
	}

	@Test
	void withoutMicrometerTheSenderStillWorks() {
		this.contextRunner.withPropertyValues("spring.mail.host=mx.example.com")
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(MicrometerMailMetrics.class)
				.hasSingleBean(ResilientJavaMailSender.class)
				.hasSingleBean(AsyncMailSender.class));
	}

	@Test
	void theMailHealthContributorIsOursAndSpringBootsProbingOneBacksOff() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(ResilientMailHealthAutoConfiguration.class,
					HealthContributorAutoConfiguration.class, MailHealthContributorAutoConfiguration.class))
			.withPropertyValues("spring.mail.host=mx.example.com")
			.run((context) -> assertThat(context.getBean("mailHealthContributor"))
				.isInstanceOf(RecentOutcomesHealthIndicator.class));
	}

	@Test
	void withTheMailHealthIndicatorDisabledThereIsNone() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(ResilientMailHealthAutoConfiguration.class,
					HealthContributorAutoConfiguration.class, MailHealthContributorAutoConfiguration.class))
			.withPropertyValues("spring.mail.host=mx.example.com", "management.health.mail.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("mailHealthContributor")
				.hasSingleBean(ResilientJavaMailSender.class));
	}

	@Test
	void withoutActuatorHealthTheSenderStillWorks() {
		// (Spring Boot's import filter drops its mail health auto-configuration when the
		// health classes are missing; the runner does not filter, so it is not listed)
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.withPropertyValues("spring.mail.host=127.0.0.1")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("mailHealthContributor")
				.hasSingleBean(AsyncMailSender.class)
				.hasSingleBean(ResilientJavaMailSender.class));
	}

	@Test
	void springMailTestConnectionChecksTheServerThroughTheResilientSender() throws IOException {
		int closedPort = closedPort();
		this.contextRunner
			.withPropertyValues("spring.mail.host=127.0.0.1", "spring.mail.port=" + closedPort,
					"spring.mail.test-connection=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				// the check went through the capturing transport: its typed failure is in
				// the chain
				assertThat(causes(context.getStartupFailure())).anyMatch(TransientFailure.class::isInstance);
			});
	}

	private static List<Throwable> causes(Throwable failure) {
		List<Throwable> causes = new ArrayList<>();
		for (Throwable cause = failure; cause != null && !causes.contains(cause); cause = cause.getCause()) {
			causes.add(cause);
		}
		return causes;
	}

	/** A port nothing listens on: bound, then released. */
	static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class UserJavaMailSenderConfiguration {

		@Bean
		JavaMailSenderImpl userMailSender() {
			return new JavaMailSenderImpl();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserMailSenderConfiguration {

		@Bean
		MailSender userMailSender() {
			return (messages) -> {
			};
		}

	}

}
