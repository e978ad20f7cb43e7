package dev.resilientmail.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.resilientmail.PolicyRejection;
import dev.resilientmail.TransientFailure;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.Phase;
import org.junit.jupiter.api.Test;

import static dev.resilientmail.delivery.MailDeliveryTests.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Safer defaults (credentials only over TLS), the one retry notion ({@code retryOn}
 * narrows, never widens), and time that the tests move instead of waiting for.
 */
class DeliveryDefaultsTests {

	private static final String USER = "app@example.com";

	private static final String PASSWORD = "defaults-secret";

	@Test
	void credentialsGoOutOnlyAfterStartTlsByDefault() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().startTls().auth(USER, PASSWORD).requireAuth().start();
				MailDelivery delivery = MailDelivery.builder(server.host(), server.port())
					.credentials(USER, PASSWORD)
					.sslSocketFactory(server.clientSslSocketFactory())
					.policy(policy().build())
					.build()) {
			delivery.send(message("ann@example.com"));

			List<String> commands = server.commands();
			int startTls = indexOf(commands, "STARTTLS");
			int auth = indexOf(commands, "AUTH ");
			assertThat(startTls).as("STARTTLS in %s", commands).isNotNegative();
			assertThat(auth).as("AUTH after STARTTLS in %s", commands).isGreaterThan(startTls);
			assertThat(server.copiesFor("ann@example.com")).isEqualTo(1);
		}
	}

	@Test
	void aServerWithoutStartTlsGetsNoCredentialsAndNoMessage() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().auth(USER, PASSWORD).start();
				MailDelivery delivery = MailDelivery.builder(server.host(), server.port())
					.credentials(USER, PASSWORD)
					.policy(policy().build())
					.build()) {
			PolicyRejection failure = catchThrowableOfType(PolicyRejection.class,
					() -> delivery.send(message("ann@example.com")));

			assertThat(failure.reason()).isEqualTo(FailureReason.AUTHENTICATION_REQUIRED);
			assertThat(failure.isRetryable()).isFalse();
			assertThat(failure.getMessage()).contains("STARTTLS is required")
				.contains("mail.smtp.starttls.required=false")
				.contains("requireStartTls(false)");
			assertThat(indexOf(server.commands(), "AUTH ")).isNegative();
			assertThat(server.messages()).isEmpty();
		}
	}

	@Test
	void credentialsInClearOnlyWhenTurnedOffExplicitly() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().auth(USER, PASSWORD).requireAuth().start();
				MailDelivery delivery = MailDelivery.builder(server.host(), server.port())
					.credentials(USER, PASSWORD)
					.requireStartTls(false)
					.policy(policy().build())
					.build()) {
			delivery.send(message("ann@example.com"));

			assertThat(indexOf(server.commands(), "AUTH ")).isNotNegative();
			assertThat(server.copiesFor("ann@example.com")).isEqualTo(1);
		}
	}

	@Test
	void retryOnNarrowsTheRetriedKinds() throws Exception {
		List<Long> waits = Collections.synchronizedList(new ArrayList<>());
		try (FaultSmtpServer server = FaultSmtpServer.start();
				MailDelivery delivery = MailDelivery.builder(server.host(), server.port())
					.policy(policy().retryOn(EnumSet.of(FailureKind.TRANSIENT)).build())
					.sleeper(waits::add)
					.build()) {
			server.when(Phase.MAIL)
				.reply("450 4.7.1 Service unavailable, sender address blocked, see https://www.spamhaus.org/query");

			PolicyRejection failure = catchThrowableOfType(PolicyRejection.class,
					() -> delivery.send(message("ann@example.com")));

			assertThat(failure.isTransient()).isTrue();
			assertThat(failure.isRetryable()).as("the classification would retry").isTrue();
			assertThat(failure.attempts()).as("retryOn did not let it").isEqualTo(1);
			assertThat(waits).isEmpty();
		}
	}

	@Test
	void retryOnCannotWidenToPermanentKinds() {
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> DeliveryPolicy.builder().retryOn(EnumSet.of(FailureKind.TRANSIENT, FailureKind.PERMANENT)))
			.withMessageContaining("retryOn cannot contain PERMANENT")
			.withMessageContaining("allowed: TRANSIENT, POLICY_TRANSIENT");
		assertThatIllegalArgumentException().isThrownBy(() -> DeliveryPolicy.builder().replyTimeout(Duration.ZERO))
			.withMessageContaining("replyTimeout must be positive");
	}

	@Test
	void noRetryStartsAfterMaxElapsedOnTheInjectedClock() throws Exception {
		// the sleeper moves the clock: an hour of retries takes no time
		AtomicLong nanos = new AtomicLong();
		List<Long> waits = Collections.synchronizedList(new ArrayList<>());
		try (FaultSmtpServer server = FaultSmtpServer.start();
				MailDelivery delivery = MailDelivery.builder(server.host(), server.port())
					.policy(policy().maxAttempts(100)
						.waitDuration(Duration.ofMinutes(1))
						.backoffMultiplier(1.0)
						.maxElapsed(Duration.ofMinutes(5))
						.build())
					.ticker(nanos::get)
					.sleeper((millis) -> {
						waits.add(millis);
						nanos.addAndGet(Duration.ofMillis(millis).toNanos());
					})
					.build()) {
			server.when(Phase.RCPT).reply("451 4.3.0 Error: queue file write error");

			TransientFailure failure = catchThrowableOfType(TransientFailure.class,
					() -> delivery.send(message("ann@example.com")));

			assertThat(waits).containsExactly(60_000L, 60_000L, 60_000L, 60_000L, 60_000L);
			assertThat(failure.attempts()).isEqualTo(6);
			assertThat(server.connectionCount()).isLessThanOrEqualTo(6);
		}
	}

	private static int indexOf(List<String> commands, String prefix) {
		for (int i = 0; i < commands.size(); i++) {
			if (commands.get(i).toUpperCase(java.util.Locale.ROOT).startsWith(prefix)) {
				return i;
			}
		}
		return -1;
	}

	private static DeliveryPolicy.Builder policy() {
		return DeliveryPolicy.builder()
			.maxAttempts(1)
			.jitter(0)
			.rateLimit(100_000, Duration.ofSeconds(1))
			.timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
	}

}
