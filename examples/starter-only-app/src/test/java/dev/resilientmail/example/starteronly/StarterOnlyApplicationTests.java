package dev.resilientmail.example.starteronly;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.Phase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the application the way {@code main} does, with its own {@code application.yml}
 * (only host and port are pointed at the test kit's server), as a fresh application with
 * nothing but the starter would run.
 */
@ExtendWith(OutputCaptureExtension.class)
class StarterOnlyApplicationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Test
	void startsFromApplicationYmlAndSendsThroughTheStarter() {
		try (FaultSmtpServer server = FaultSmtpServer.start()) {
			server.when(Phase.RCPT).recipient("ops@example.org").attempt(1).reply("451 4.3.0 Temporary local problem");
			try (ConfigurableApplicationContext context = run(server)) {
				assertThat(server.awaitMessages(1, TIMEOUT)).singleElement().satisfies((message) -> {
					assertThat(message.mailFrom()).isEqualTo("app@example.org");
					assertThat(message.recipients()).containsExactly("ops@example.org");
				});
				// the 451 was retried: the resilient sender, with the policy from
				// application.yml
				assertThat(server.commands().stream().filter((command) -> command.startsWith("RCPT TO"))).hasSize(2);
				DeliveryPolicy policy = context.getBean(DeliveryPolicy.class);
				assertThat(policy.retry().maxAttempts()).isEqualTo(3);
				assertThat(policy.retry().waitDuration()).isEqualTo(Duration.ofMillis(20));
				assertThat(policy.rateLimit().limitForPeriod()).isEqualTo(50);
			}
		}
	}

	@Test
	void aBadValueInYamlStopsStartupNamingTheKey(CapturedOutput output) {
		try (FaultSmtpServer server = FaultSmtpServer.start()) {
			Throwable thrown = org.assertj.core.api.Assertions
				.catchThrowable(() -> run(server, "--spring.profiles.active=broken"));
			String chain = java.util.stream.Stream.iterate(thrown, java.util.Objects::nonNull, Throwable::getCause)
				.map(String::valueOf)
				.collect(java.util.stream.Collectors.joining("\n"));
			assertThat(chain).contains("resilient-mail.retry.max-attempts");
			// printed by Spring Boot's failure analysis through the logging the starter
			// brings
			assertThat(output).contains("APPLICATION FAILED TO START");
			assertThat(server.messages()).isEmpty();
		}
	}

	private static ConfigurableApplicationContext run(FaultSmtpServer server, String... more) {
		String[] args = new String[more.length + 2];
		args[0] = "--spring.mail.host=" + server.host();
		args[1] = "--spring.mail.port=" + server.port();
		System.arraycopy(more, 0, args, 2, more.length);
		return SpringApplication.run(StarterOnlyApplication.class, args);
	}

}
