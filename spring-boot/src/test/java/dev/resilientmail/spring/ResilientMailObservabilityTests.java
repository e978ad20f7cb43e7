package dev.resilientmail.spring;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;

import dev.resilientmail.PermanentFailure;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.FaultSmtpServerExtension;
import dev.resilientmail.testkit.Phase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Observations, health and Resilience4j registries of the starter, against the test kit's
 * server on loopback.
 */
@ExtendWith(FaultSmtpServerExtension.class)
class ResilientMailObservabilityTests {

	private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

	private final ObservationRegistry observations = ObservationRegistry.create();

	{
		this.observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

			@Override
			public void onStop(Observation.Context context) {
				ResilientMailObservabilityTests.this.stopped.add(context);
			}

		});
	}

	private ApplicationContextRunner contextRunner(String host, int port) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ResilientMailAutoConfiguration.class,
					ResilientMailObservationAutoConfiguration.class, ResilientMailHealthAutoConfiguration.class))
			.withBean(ObservationRegistry.class, () -> this.observations)
			.withPropertyValues("spring.mail.host=" + host, "spring.mail.port=" + port,
					"resilient-mail.retry.wait-duration=10ms", "resilient-mail.retry.max-wait-duration=20ms",
					"resilient-mail.retry.wait-duration-by-reason.GREYLISTED=10ms");
	}

	@Test
	void eachMessageIsOneMailSendObservationWithMicrometersKeysAndTheOutcome(FaultSmtpServer server) {
		server.when(Phase.RCPT).recipient("carol@grey.example").attempt(1).reply("450 4.7.1 Greylisted");
		contextRunner(server.host(), server.port()).run((context) -> {
			Observation parent = Observation.start("signup", this.observations);
			parent.scoped(() -> context.getBean(JavaMailSender.class).send(message("carol@grey.example")));
			parent.stop();
			Observation.Context send = this.stopped.stream()
				.filter((stopped) -> "mail.send".equals(stopped.getName()))
				.findFirst()
				.orElseThrow();
			assertThat(send.getContextualName()).isEqualTo("mail send");
			assertThat(send.getParentObservation()).as("a child of the caller's observation").isSameAs(parent);
			assertThat(send.getLowCardinalityKeyValues()).contains(KeyValue.of("server.address", server.host()),
					KeyValue.of("server.port", String.valueOf(server.port())),
					KeyValue.of("network.protocol.name", "smtp"), KeyValue.of("resilient.mail.outcome", "SUCCESS"),
					KeyValue.of("resilient.mail.reason", "none"));
			assertThat(send.getHighCardinalityKeyValues()).contains(
					KeyValue.of("smtp.message.to", "carol@grey.example"), KeyValue.of("resilient.mail.attempts", "2"));
			assertThat(send.getError()).isNull();
			assertThat(this.stopped.stream().filter((stopped) -> "mail.send".equals(stopped.getName())))
				.as("one observation for the message, its retry included")
				.hasSize(1);
		});
	}

	@Test
	void aFailedMessageIsAnObservationWithTheTypedErrorAndItsKindAndReason(FaultSmtpServer server) {
		server.when(Phase.RCPT).recipient("bob@example.com").reply("550 5.1.1 <bob@example.com>: User unknown");
		contextRunner(server.host(), server.port()).run((context) -> {
			assertThatExceptionOfType(MailPermanentFailureException.class)
				.isThrownBy(() -> context.getBean(JavaMailSender.class).send(message("bob@example.com")));
			Observation.Context send = this.stopped.get(0);
			assertThat(send.getError()).isInstanceOf(PermanentFailure.class);
			assertThat(send.getLowCardinalityKeyValues()).contains(KeyValue.of("resilient.mail.outcome", "PERMANENT"),
					KeyValue.of("resilient.mail.reason", "MAILBOX_UNKNOWN"));
		});
	}

	@Test
	void anAsyncSendIsObservedUntilItsFutureCompletes(FaultSmtpServer server) throws Exception {
		contextRunner(server.host(), server.port()).run((context) -> {
			context.getBean(AsyncMailSender.class).sendAsync(message("alice@example.com")).get(30, TimeUnit.SECONDS);
			assertThat(this.stopped).singleElement()
				.satisfies((send) -> assertThat(send.getLowCardinalityKeyValues())
					.contains(KeyValue.of("resilient.mail.outcome", "SUCCESS")));
		});
	}

	@Test
	void withoutAnObservationRegistryThereAreNoObservations(FaultSmtpServer server) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ResilientMailAutoConfiguration.class,
					ResilientMailObservationAutoConfiguration.class))
			.withPropertyValues("spring.mail.host=" + server.host(), "spring.mail.port=" + server.port())
			.run((context) -> assertThat(context).doesNotHaveBean(MailSendObservations.class)
				.hasSingleBean(ResilientJavaMailSender.class));
	}

	@Test
	void withoutMicrometersJakartaMailInstrumentationThereAreNoObservationsAndTheSenderWorks(FaultSmtpServer server) {
		contextRunner(server.host(), server.port()).withClassLoader(new FilteredClassLoader("io.micrometer.jakarta9"))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(MailSendObservations.class);
				context.getBean(JavaMailSender.class).send(message("alice@example.com"));
				assertThat(server.awaitMessages(1, Duration.ofSeconds(30))).hasSize(1);
				assertThat(this.stopped).isEmpty();
			});
	}

	@Test
	void theHealthGoesDownAfterConsecutiveSessionFailuresAndNeverProbes() throws IOException {
		int closed = closedPort();
		contextRunner("127.0.0.1", closed).withPropertyValues("resilient-mail.retry.max-attempts=1").run((context) -> {
			HealthIndicator health = context.getBean("mailHealthContributor", HealthIndicator.class);
			JavaMailSender sender = context.getBean(JavaMailSender.class);
			for (int i = 1; i <= RecentOutcomesHealthIndicator.DOWN_AFTER; i++) {
				assertThatExceptionOfType(MailException.class).isThrownBy(() -> sender.send(message("a@example.com")));
				Status expected = (i < RecentOutcomesHealthIndicator.DOWN_AFTER) ? Status.UP : Status.DOWN;
				assertThat(health.health().getStatus()).as("after %d refused connections", i).isEqualTo(expected);
			}
			Health down = health.health();
			assertThat(down.getDetails()).containsEntry("lastFailureReason", "CONNECTION_FAILED")
				.containsEntry("lastFailureKind", "TRANSIENT")
				.containsEntry("sessionFailuresInARow", 3);
		});
	}

	@Test
	void rejectedRecipientsDoNotMakeTheMailSystemUnhealthy(FaultSmtpServer server) {
		server.when(Phase.RCPT).recipient("*@gone.example").reply("550 5.1.1 User unknown");
		contextRunner(server.host(), server.port()).run((context) -> {
			JavaMailSender sender = context.getBean(JavaMailSender.class);
			for (int i = 0; i < RecentOutcomesHealthIndicator.DOWN_AFTER + 1; i++) {
				assertThatExceptionOfType(MailPermanentFailureException.class)
					.isThrownBy(() -> sender.send(message("x@gone.example")));
			}
			Health health = context.getBean("mailHealthContributor", HealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("lastFailureReason", "MAILBOX_UNKNOWN")
				.containsEntry("sessionFailuresInARow", 0);
		});
	}

	@Test
	void theApplicationsResilience4jRegistriesHoldTheDeliverysInstances(FaultSmtpServer server) {
		RetryRegistry retries = RetryRegistry.ofDefaults();
		RateLimiterRegistry rateLimiters = RateLimiterRegistry.ofDefaults();
		contextRunner(server.host(), server.port()).withBean(RetryRegistry.class, () -> retries)
			.withBean(RateLimiterRegistry.class, () -> rateLimiters)
			.run((context) -> {
				context.getBean(JavaMailSender.class).send(message("alice@example.com"));
				String name = "resilient-mail:" + server.host() + ":" + server.port();
				assertThat(retries.getAllRetries()).anyMatch((retry) -> retry.getName().equals(name));
				assertThat(rateLimiters.getAllRateLimiters())
					.anyMatch((rateLimiter) -> rateLimiter.getName().equals(name));
			});
	}

	private static SimpleMailMessage message(String to) {
		SimpleMailMessage message = new SimpleMailMessage();
		message.setFrom("app@example.com");
		message.setTo(to);
		message.setSubject("Welcome");
		message.setText("Hello");
		return message;
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
