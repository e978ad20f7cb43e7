package dev.resilientmail.delivery;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.resilientmail.DeliveryReport;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.TransientFailure;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.FaultSmtpServerExtension;
import dev.resilientmail.testkit.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * One answer for sends after {@link MailDelivery#close()}, sync and async alike: the last
 * failure of a send that was tried, a {@link TransientFailure} saying nothing was sent
 * for one that never was.
 */
@ExtendWith(FaultSmtpServerExtension.class)
class ClosedDeliveryTests {

	@Test
	void sendAfterCloseIsATypedFailureSayingNothingWasSent(FaultSmtpServer server) throws Exception {
		MailDelivery delivery = delivery(server, (millis) -> {
		});
		delivery.close();

		Throwable sync = catchThrowable(() -> delivery.send(MailDeliveryTests.message("ann@example.com")));
		Throwable async = causeOf(delivery.sendAsync(MailDeliveryTests.message("ann@example.com")));

		for (Throwable failure : new Throwable[] { sync, async }) {
			assertThat(failure).isInstanceOf(TransientFailure.class)
				.hasMessageContaining("closed")
				.hasMessageContaining("nothing was sent");
			TransientFailure transientFailure = (TransientFailure) failure;
			assertThat(transientFailure.reason()).isEqualTo(FailureReason.UNKNOWN);
			assertThat(transientFailure.recipientOutcomes()).singleElement()
				.extracting(RecipientOutcome::status)
				.isEqualTo(RecipientOutcome.Status.NOT_DELIVERED);
		}
		assertThat(server.connectionCount()).isZero();
	}

	@Test
	void syncSendRetryingWhenCloseComesKeepsItsLastFailure(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT).reply("451 4.3.0 <ann@example.com>: Temporary lookup failure");
		MailDelivery[] holder = new MailDelivery[1];
		holder[0] = delivery(server, (millis) -> holder[0].close());

		Throwable failure = catchThrowable(() -> holder[0].send(MailDeliveryTests.message("ann@example.com")));

		assertThat(failure).isInstanceOf(TransientFailure.class);
		SmtpFailure last = (SmtpFailure) failure;
		assertThat(last.reason()).isEqualTo(FailureReason.SYSTEM_ERROR);
		assertThat(last.attempts()).as("the attempt made before close()").isEqualTo(1);
		assertThat(last.reply()).hasValueSatisfying((reply) -> assertThat(reply.code()).isEqualTo(451));
		assertThat(server.connectionCount()).isEqualTo(1);
	}

	@Test
	void asyncSendWaitingForItsRetryWhenCloseComesKeepsItsLastFailure(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT).reply("451 4.3.0 <ann@example.com>: Temporary lookup failure");
		java.util.concurrent.CountDownLatch retrying = new java.util.concurrent.CountDownLatch(1);
		MailDelivery delivery = MailDelivery.builder(server.host(), server.port())
			.policy(policy().waitDuration(Duration.ofMinutes(10))
				.maxWaitDuration(Duration.ofMinutes(10))
				.maxElapsed(Duration.ofHours(1))
				.build())
			.listener(new dev.resilientmail.DeliveryListener() {
				@Override
				public void onRetry(SmtpFailure failure, long waitMillis) {
					retrying.countDown();
				}
			})
			.build();
		CompletableFuture<DeliveryReport> future = delivery.sendAsync(MailDeliveryTests.message("ann@example.com"));
		assertThat(retrying.await(10, TimeUnit.SECONDS)).as("the first attempt failed and a retry is due").isTrue();

		delivery.close();

		Throwable failure = causeOf(future);
		assertThat(failure).isInstanceOf(TransientFailure.class);
		assertThat(((SmtpFailure) failure).reply())
			.hasValueSatisfying((reply) -> assertThat(reply.code()).isEqualTo(451));
	}

	private static Throwable causeOf(CompletableFuture<DeliveryReport> future) throws Exception {
		try {
			future.get(10, TimeUnit.SECONDS);
			return null;
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
	}

	private static MailDelivery delivery(FaultSmtpServer server, Sleeper sleeper) {
		return MailDelivery.builder(server.host(), server.port()).policy(policy().build()).sleeper(sleeper).build();
	}

	private static DeliveryPolicy.Builder policy() {
		return DeliveryPolicy.builder()
			.maxAttempts(3)
			.waitDuration(Duration.ofMillis(100))
			.jitter(0)
			.rateLimit(100_000, Duration.ofSeconds(1))
			.timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
	}

}
