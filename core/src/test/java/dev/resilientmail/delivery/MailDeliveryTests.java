package dev.resilientmail.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.PermanentFailure;
import dev.resilientmail.PolicyRejection;
import dev.resilientmail.TransientFailure;
import dev.resilientmail.UncertainDelivery;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.FaultSmtpServerExtension;
import dev.resilientmail.testkit.Phase;
import dev.resilientmail.testkit.ReceivedMessage;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The retry rules of {@link MailDelivery} against the testkit server: what is retried, to
 * whom, after how long, and that nobody receives a message twice.
 */
@ExtendWith(FaultSmtpServerExtension.class)
class MailDeliveryTests {

	private static final Session MESSAGE_SESSION = Session.getInstance(new Properties());

	private final List<Long> waits = Collections.synchronizedList(new ArrayList<>());

	private MailDelivery delivery;

	@AfterEach
	void close() {
		if (this.delivery != null) {
			this.delivery.close();
		}
	}

	@Test
	void greylistedRecipientIsDeliveredOnceAfterTheGreylistWait(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT)
			.recipient("ann@grey.example")
			.attempt(1)
			.reply("450 4.2.0 <ann@grey.example>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/grey.example.html");
		this.delivery = delivery(server, policy().reasonWait(FailureReason.GREYLISTED, Duration.ofMinutes(5))
			.maxWaitDuration(Duration.ofMinutes(10)));

		DeliveryReport report = this.delivery.send(message("ann@grey.example"));

		assertThat(report.attempts()).isEqualTo(2);
		assertThat(report.acceptedRecipients()).extracting(InternetAddress::getAddress)
			.containsExactly("ann@grey.example");
		assertThat(this.waits).containsExactly(Duration.ofMinutes(5).toMillis());
		assertThat(server.copiesFor("ann@grey.example")).isEqualTo(1);
	}

	@Test
	void retryGoesOnlyToRecipientsNotYetAccepted(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT)
			.recipient("c@example.com")
			.attempt(1)
			.reply("451 4.3.0 <c@example.com>: Temporary lookup failure");
		server.when(Phase.RCPT)
			.recipient("e@example.com")
			.attempt(1)
			.reply("451 4.3.0 <e@example.com>: Temporary lookup failure");
		this.delivery = delivery(server, policy());

		DeliveryReport report = this.delivery
			.send(message("a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"));

		assertThat(report.attempts()).isEqualTo(2);
		assertThat(report.recipientOutcomes()).hasSize(5).allMatch(RecipientOutcome::isDelivered);
		for (String recipient : List.of("a", "b", "c", "d", "e")) {
			assertThat(server.copiesFor(recipient + "@example.com")).as(recipient).isEqualTo(1);
		}
		assertThat(server.messages()).extracting(ReceivedMessage::recipients)
			.containsExactly(List.of("a@example.com", "b@example.com", "d@example.com"),
					List.of("c@example.com", "e@example.com"));
		assertThat(this.waits).containsExactly(100L);
	}

	@Test
	void serviceClosingMidSessionReconnectsAndDeliversOnce(FaultSmtpServer server) throws Exception {
		server.when(Phase.DATA)
			.times(1)
			.reply("421 4.7.0 mx.test Error: too many errors, closing transmission channel")
			.thenDrop();
		this.delivery = delivery(server, policy());

		DeliveryReport report = this.delivery.send(message("bob@example.com"));

		assertThat(report.attempts()).isEqualTo(2);
		assertThat(server.connectionCount()).isEqualTo(2);
		assertThat(server.copiesFor("bob@example.com")).isEqualTo(1);
	}

	@Test
	void tooManyRecipientsAreSentInFurtherTransactions(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT)
			.respond((call) -> (call.acceptedRecipients().size() >= 3)
					? dev.resilientmail.testkit.Action.reply("452 4.5.3 Error: too many recipients")
					: dev.resilientmail.testkit.Action.defaultReply());
		this.delivery = delivery(server, policy());
		List<String> recipients = new ArrayList<>();
		for (int i = 1; i <= 10; i++) {
			recipients.add("r" + i + "@example.com");
		}

		DeliveryReport report = this.delivery.send(message(recipients.toArray(String[]::new)));

		assertThat(report.recipientOutcomes()).hasSize(10).allMatch(RecipientOutcome::isDelivered);
		assertThat(server.messages()).hasSize(4);
		for (String recipient : recipients) {
			assertThat(server.copiesFor(recipient)).as(recipient).isEqualTo(1);
		}
		assertThat(this.waits).as("a split is not a retry: no wait").isEmpty();
	}

	@Test
	void unknownUserIsNotRetried(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT)
			.recipient("nobody@example.com")
			.reply("550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in virtual mailbox table");
		this.delivery = delivery(server, policy());

		PermanentFailure failure = assertThatExceptionOfType(PermanentFailure.class)
			.isThrownBy(() -> this.delivery.send(message("nobody@example.com")))
			.actual();

		assertThat(failure.attempts()).isEqualTo(1);
		assertThat(failure.enhancedCode()).isEqualTo(EnhancedStatusCode.parse("5.1.1"));
		assertThat(failure.reason()).isEqualTo(FailureReason.MAILBOX_UNKNOWN);
		assertThat(this.waits).isEmpty();
		assertThat(server.messages()).isEmpty();
	}

	@Test
	void policyBlockIsNotRetried(FaultSmtpServer server) throws Exception {
		server.when(Phase.MAIL)
			.reply("554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org");
		this.delivery = delivery(server, policy());

		PolicyRejection failure = assertThatExceptionOfType(PolicyRejection.class)
			.isThrownBy(() -> this.delivery.send(message("bob@example.com")))
			.actual();

		assertThat(failure.attempts()).isEqualTo(1);
		assertThat(failure.isTransient()).isFalse();
		assertThat(this.waits).isEmpty();
		assertThat(server.connectionCount()).isEqualTo(1);
	}

	@Test
	void dropAfterTheBodyIsUncertainAndNotRetried(FaultSmtpServer server) throws Exception {
		server.when(Phase.END_OF_DATA).times(1).drop();
		this.delivery = delivery(server, policy());

		UncertainDelivery failure = assertThatExceptionOfType(UncertainDelivery.class)
			.isThrownBy(() -> this.delivery.send(message("bob@example.com")))
			.actual();

		assertThat(failure.attempts()).isEqualTo(1);
		assertThat(failure.recipientOutcomes()).extracting(RecipientOutcome::status)
			.containsExactly(RecipientOutcome.Status.UNCERTAIN);
		assertThat(server.unacknowledgedMessages()).hasSize(1);
		assertThat(server.messages()).isEmpty();
		assertThat(server.connectionCount()).isEqualTo(1);
	}

	@Test
	void dropAfterTheBodyIsRetriedOnceWhenAskedTo(FaultSmtpServer server) throws Exception {
		server.when(Phase.END_OF_DATA).times(1).drop();
		this.delivery = delivery(server, policy().retryUncertain(true));

		DeliveryReport report = this.delivery.send(message("bob@example.com"));

		assertThat(report.attempts()).isEqualTo(2);
		assertThat(server.unacknowledgedMessages()).hasSize(1);
		assertThat(server.messages()).hasSize(1);
	}

	@Test
	void transientFailureEndsAfterMaxAttemptsWithEveryWaitBackingOff(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT).reply("451 4.3.0 Error: queue file write error");
		this.delivery = delivery(server, policy().maxAttempts(4).backoffMultiplier(2));

		TransientFailure failure = assertThatExceptionOfType(TransientFailure.class)
			.isThrownBy(() -> this.delivery.send(message("bob@example.com")))
			.actual();

		assertThat(failure.attempts()).isEqualTo(4);
		assertThat(this.waits).containsExactly(100L, 200L, 400L);
		assertThat(server.messages()).isEmpty();
	}

	@Test
	void retryAfterHintIsHonouredUpToTheMaximumWait(FaultSmtpServer server) throws Exception {
		server.when(Phase.MAIL).times(1).reply("451 4.7.1 Rate limit exceeded, try again in 30 seconds");
		this.delivery = delivery(server, policy().maxWaitDuration(Duration.ofSeconds(20)));

		DeliveryReport report = this.delivery.send(message("bob@example.com"));

		assertThat(report.attempts()).isEqualTo(2);
		assertThat(this.waits).containsExactly(20_000L);
	}

	@Test
	void sequentialSendsReuseThePooledConnections(FaultSmtpServer server) throws Exception {
		this.delivery = delivery(server, policy().pool(2, 1_000, Duration.ofMinutes(1)));

		for (int i = 0; i < 1_000; i++) {
			this.delivery.send(message("user" + (i % 10) + "@example.com"));
		}

		assertThat(server.messages()).hasSize(1_000);
		assertThat(server.connectionCount()).isLessThanOrEqualTo(2);
		assertThat(this.delivery.connectionsOpened()).isEqualTo(server.connectionCount());
	}

	@Test
	void connectionIsReplacedAfterItsMessageBudget(FaultSmtpServer server) throws Exception {
		this.delivery = delivery(server, policy().pool(1, 10, Duration.ofMinutes(1)));

		for (int i = 0; i < 25; i++) {
			this.delivery.send(message("bob@example.com"));
		}

		assertThat(server.connectionCount()).isEqualTo(3);
	}

	@Test
	void asyncSendRetriesWithoutBlockingTheCaller(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT).attempt(1).reply("450 4.7.1 Greylisted, please try again later");
		this.delivery = MailDelivery.builder(server.host(), server.port())
			.policy(policy().reasonWait(FailureReason.GREYLISTED, Duration.ofMillis(20)).build())
			.build();

		DeliveryReport report = this.delivery.sendAsync(message("bob@example.com"))
			.get(10, java.util.concurrent.TimeUnit.SECONDS);

		assertThat(report.attempts()).isEqualTo(2);
		assertThat(server.copiesFor("bob@example.com")).isEqualTo(1);
	}

	@Test
	void listenerHearsEachMessagesOutcomeOnceAfterItsRetries(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT).recipient("ann@example.com").attempt(1).reply("451 4.3.0 Temporary lookup failure");
		server.when(Phase.RCPT).recipient("gone@example.com").reply("550 5.1.1 User unknown");
		List<String> events = Collections.synchronizedList(new ArrayList<>());
		this.delivery = MailDelivery.builder(server.host(), server.port())
			.policy(policy().build())
			.sleeper(this.waits::add)
			.listener(new DeliveryListener() {
				@Override
				public void onAttempt(int attempt, int recipients) {
					events.add("attempt " + attempt);
				}

				@Override
				public void onRetry(dev.resilientmail.SmtpFailure failure, long waitMillis) {
					events.add("retry " + failure.reason());
				}

				@Override
				public void onDelivered(DeliveryReport report) {
					events.add("delivered " + report.attempts());
				}

				@Override
				public void onFailed(dev.resilientmail.SmtpFailure failure) {
					events.add("failed " + failure.reason());
				}
			})
			.build();

		this.delivery.send(message("ann@example.com"));
		assertThatExceptionOfType(PermanentFailure.class)
			.isThrownBy(() -> this.delivery.send(message("gone@example.com")));

		assertThat(events).containsExactly("attempt 1", "retry SYSTEM_ERROR", "attempt 2", "delivered 2", "attempt 1",
				"failed MAILBOX_UNKNOWN");
	}

	@Test
	void messageIdSetByTheApplicationIsKeptOnEveryAttempt(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT).attempt(1).reply("451 4.3.0 Temporary lookup failure");
		this.delivery = delivery(server, policy());
		MimeMessage message = message("ann@example.com");
		message.setHeader("Message-ID", "<order-4711@shop.example>");

		this.delivery.send(message);

		assertThat(server.messages()).singleElement()
			.satisfies((received) -> assertThat(received.header("Message-ID")).isEqualTo("<order-4711@shop.example>"));
	}

	@Test
	void retryAndRateLimiterAreCreatedInTheGivenResilience4jRegistries(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT).attempt(1).reply("451 4.3.0 Temporary lookup failure");
		io.github.resilience4j.retry.RetryRegistry retries = io.github.resilience4j.retry.RetryRegistry.ofDefaults();
		io.github.resilience4j.ratelimiter.RateLimiterRegistry limiters = io.github.resilience4j.ratelimiter.RateLimiterRegistry
			.ofDefaults();
		this.delivery = MailDelivery.builder(server.host(), server.port())
			.policy(policy().build())
			.sleeper(this.waits::add)
			.resilience4jRegistries(retries, limiters)
			.build();

		this.delivery.send(message("ann@example.com"));

		String name = "resilient-mail:" + server.host() + ":" + server.port();
		assertThat(retries.find(name)).isPresent();
		assertThat(retries.retry(name).getRetryConfig().getMaxAttempts()).isEqualTo(3);
		assertThat(limiters.find(name)).hasValueSatisfying(
				(limiter) -> assertThat(limiter.getRateLimiterConfig().getLimitForPeriod()).isEqualTo(100_000));
	}

	@Test
	void closingEndsAsyncSendsWaitingForARetryOrAPermitInsteadOfLeavingThemPending(FaultSmtpServer server)
			throws Exception {
		server.when(Phase.RCPT).recipient("ann@example.com").reply("451 4.3.0 Temporary lookup failure");
		java.util.concurrent.CountDownLatch retryScheduled = new java.util.concurrent.CountDownLatch(1);
		MailDelivery closing = MailDelivery.builder(server.host(), server.port())
			.policy(policy().waitDuration(Duration.ofHours(1))
				.maxWaitDuration(Duration.ofHours(1))
				.maxElapsed(Duration.ofHours(2))
				.rateLimit(1, Duration.ofHours(1))
				.rateLimitTimeout(Duration.ofHours(2))
				.build())
			.listener(new DeliveryListener() {
				@Override
				public void onRetry(dev.resilientmail.SmtpFailure failure, long waitMillis) {
					retryScheduled.countDown();
				}
			})
			.build();
		java.util.concurrent.CompletableFuture<DeliveryReport> retrying = closing.sendAsync(message("ann@example.com"));
		assertThat(retryScheduled.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		java.util.concurrent.CompletableFuture<DeliveryReport> waiting = closing.sendAsync(message("bob@example.com"));

		closing.close();

		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> retrying.get(5, java.util.concurrent.TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(TransientFailure.class, (failure) -> {
				assertThat(failure.attempts()).isEqualTo(1);
				assertThat(failure.reason()).isEqualTo(FailureReason.SYSTEM_ERROR);
			});
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> waiting.get(5, java.util.concurrent.TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOf(TransientFailure.class)
			.withMessageContaining("closed before the message was sent; nothing was sent");
		assertThat(server.messages()).isEmpty();
	}

	@Test
	void messageWithoutRecipientsIsRefusedBeforeConnecting(FaultSmtpServer server) throws Exception {
		this.delivery = delivery(server, policy());
		MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
		message.setFrom("sender@example.com");
		message.setText("no one to send to");

		assertThatExceptionOfType(MessagingException.class).isThrownBy(() -> this.delivery.send(message))
			.withMessageContaining("no recipients");
		assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> this.delivery.send(null))
			.withMessageContaining("message");
		// sendAsync says so through its future
		assertThat(this.delivery.sendAsync(message)).isCompletedExceptionally()
			.failsWithin(Duration.ZERO)
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.havingCause()
			.isInstanceOf(MessagingException.class)
			.withMessageContaining("no recipients");
		assertThat(this.delivery.sendAsync(null)).failsWithin(Duration.ZERO)
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.havingCause()
			.isInstanceOf(NullPointerException.class);
		assertThat(server.connectionCount()).isZero();
	}

	@Test
	void invalidPolicyValuesNameTheFieldAndTheAllowedRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> DeliveryPolicy.builder().maxAttempts(0))
			.withMessageContaining("maxAttempts")
			.withMessageContaining("at least 1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DeliveryPolicy.builder().waitDuration(Duration.ofSeconds(-1)))
			.withMessageContaining("waitDuration")
			.withMessageContaining("negative");
		assertThatIllegalArgumentException().isThrownBy(() -> DeliveryPolicy.builder().backoffMultiplier(0.5))
			.withMessageContaining("backoffMultiplier")
			.withMessageContaining("at least 1.0");
		assertThatIllegalArgumentException().isThrownBy(() -> DeliveryPolicy.builder().jitter(1.5))
			.withMessageContaining("jitter");
	}

	private MailDelivery delivery(FaultSmtpServer server, DeliveryPolicy.Builder policy) {
		return MailDelivery.builder(server.host(), server.port())
			.policy(policy.build())
			.sleeper(this.waits::add)
			.build();
	}

	private static DeliveryPolicy.Builder policy() {
		return DeliveryPolicy.builder()
			.maxAttempts(3)
			.waitDuration(Duration.ofMillis(100))
			.jitter(0)
			.rateLimit(100_000, Duration.ofSeconds(1))
			.timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
	}

	static MimeMessage message(String... recipients) throws MessagingException {
		// one session: creating a Session reads the provider files, milliseconds each
		MimeMessage message = new MimeMessage(MESSAGE_SESSION);
		message.setFrom("sender@example.com");
		for (String recipient : recipients) {
			message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
		}
		message.setSubject("resilient-mail test");
		message.setText("Hello from the delivery tests.");
		return message;
	}

}
