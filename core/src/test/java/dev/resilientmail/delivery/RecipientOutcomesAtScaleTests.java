package dev.resilientmail.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import dev.resilientmail.DeliveryReport;
import dev.resilientmail.PermanentFailure;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.RecipientOutcome.Status;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.TransientFailure;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.Phase;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Messages with more recipients than the transcript keeps (256 exchanges): rejections at
 * the start, in the middle and at the end, 4xx and 5xx. Copies are counted per recipient
 * at the server and every outcome is checked, so an outcome read from the wrong (or a
 * missing) transcript slot fails here.
 */
class RecipientOutcomesAtScaleTests {

	private static final Session MESSAGE_SESSION = Session.getInstance(new Properties());

	static Stream<Arguments> sizes() {
		List<Arguments> sizes = new ArrayList<>();
		for (boolean pipelining : new boolean[] { false, true }) {
			for (int count : new int[] { 255, 256, 257, 1_000, 10_000 }) {
				sizes.add(Arguments.of(count, pipelining));
			}
		}
		return sizes.stream();
	}

	@ParameterizedTest(name = "{0} recipients, pipelining {1}")
	@MethodSource("sizes")
	void permanentRejectionsAtStartMiddleAndEndAreRejectedOnceAndNeverDelivered(int count, boolean pipelining)
			throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().pipelining(pipelining).start()) {
			List<String> recipients = recipients(count);
			Set<String> rejected = edges(recipients);
			for (String address : rejected) {
				server.when(Phase.RCPT).recipient(address).reply("550 5.1.1 <" + address + ">: User unknown");
			}
			PermanentFailure failure;
			try (MailDelivery delivery = delivery(server)) {
				failure = catchThrowableOfType(PermanentFailure.class, () -> delivery.send(message(recipients)));
			}

			assertThat(failure).as("a typed permanent failure, not a report").isNotNull();
			assertOutcomes(failure.recipientOutcomes(), recipients, rejected, Status.REJECTED);
			assertCopies(server, recipients, rejected);
			assertThat(failure.attempts()).as("a 5xx is not retried").isEqualTo(1);
			assertThat(failure.getMessage()).contains(counts(count - 3, 3, 0));
			assertThat(failure.getInvalidAddresses()).hasSize(3);
			assertThat(failure.getValidSentAddresses()).hasSize(count - 3);
		}
	}

	@ParameterizedTest(name = "{0} recipients, pipelining {1}")
	@MethodSource("sizes")
	void temporaryRejectionsAreRetriedForThoseRecipientsOnlyAndDeliveredOnce(int count, boolean pipelining)
			throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().pipelining(pipelining).start()) {
			List<String> recipients = recipients(count);
			Set<String> deferred = edges(recipients);
			for (String address : deferred) {
				server.when(Phase.RCPT).recipient(address).attempt(1).reply("451 4.3.0 <" + address + ">: Try later");
			}
			DeliveryReport report;
			try (MailDelivery delivery = delivery(server)) {
				report = delivery.send(message(recipients));
			}

			assertThat(report.attempts()).isEqualTo(2);
			assertOutcomes(report.recipientOutcomes(), recipients, Set.of(), null);
			assertCopies(server, recipients, Set.of());
			assertThat(server.messages()).hasSize(2);
			assertThat(server.messages().get(1).recipients()).containsExactlyInAnyOrderElementsOf(deferred);
		}
	}

	@ParameterizedTest(name = "{0} recipients, pipelining {1}")
	@MethodSource("sizes")
	void persistentTemporaryRejectionsEndWithTheFinalCountsInTheMessage(int count, boolean pipelining)
			throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().pipelining(pipelining).start()) {
			List<String> recipients = recipients(count);
			Set<String> deferred = edges(recipients);
			for (String address : deferred) {
				server.when(Phase.RCPT).recipient(address).reply("450 4.2.0 <" + address + ">: Mailbox busy");
			}
			TransientFailure failure;
			try (MailDelivery delivery = delivery(server)) {
				failure = catchThrowableOfType(TransientFailure.class, () -> delivery.send(message(recipients)));
			}

			assertThat(failure).isNotNull();
			assertThat(failure.attempts()).isEqualTo(3);
			assertOutcomes(failure.recipientOutcomes(), recipients, deferred, Status.REJECTED);
			assertCopies(server, recipients, deferred);
			assertThat(rcptCount(server, deferred.iterator().next())).as("one RCPT per attempt").isEqualTo(3);
			assertThat(failure.getMessage()).as("the final counts, not the last attempt's")
				.contains(counts(count - 3, 3, 0));
		}
	}

	@ParameterizedTest(name = "{0} recipients, pipelining {1}")
	@MethodSource("sizes")
	void everyRecipientRejectedPermanentlyIsAskedOnce(int count, boolean pipelining) throws Exception {
		if (count > 2_000) {
			return;
		}
		try (FaultSmtpServer server = FaultSmtpServer.builder().pipelining(pipelining).start()) {
			server.when(Phase.RCPT).reply("550 5.1.1 User unknown");
			List<String> recipients = recipients(count);
			PermanentFailure failure;
			try (MailDelivery delivery = delivery(server)) {
				failure = catchThrowableOfType(PermanentFailure.class, () -> delivery.send(message(recipients)));
			}

			assertThat(failure).isNotNull();
			assertOutcomes(failure.recipientOutcomes(), recipients, Set.copyOf(recipients), Status.REJECTED);
			assertThat(server.commands().stream().filter((line) -> line.startsWith("RCPT")).count())
				.as("no 5xx recipient is asked again")
				.isEqualTo(count);
			assertThat(failure.getMessage()).contains(counts(0, count, 0));
		}
	}

	static String counts(long delivered, long rejected, long notDelivered) {
		return String.format(Locale.ROOT, "%d delivered, %d rejected, %d not delivered", delivered, rejected,
				notDelivered);
	}

	private static void assertOutcomes(List<RecipientOutcome> outcomes, List<String> recipients, Set<String> failed,
			Status failedStatus) {
		assertThat(outcomes).as("exactly one outcome per recipient").hasSize(recipients.size());
		Map<String, RecipientOutcome> byAddress = new HashMap<>();
		for (RecipientOutcome outcome : outcomes) {
			assertThat(byAddress.put(outcome.recipient().getAddress(), outcome)).as("one outcome for %s", outcome)
				.isNull();
		}
		for (String recipient : recipients) {
			RecipientOutcome outcome = byAddress.get(recipient);
			assertThat(outcome).as(recipient).isNotNull();
			if (failed.contains(recipient)) {
				assertThat(outcome.status()).as(recipient).isEqualTo(failedStatus);
				assertThat(outcome.reply()).as(recipient).isPresent();
			}
			else {
				assertThat(outcome.status()).as(recipient).isEqualTo(Status.DELIVERED);
			}
		}
	}

	private static void assertCopies(FaultSmtpServer server, List<String> recipients, Set<String> failed) {
		Map<String, Integer> copies = new HashMap<>();
		server.messages().forEach((received) -> received.recipients().forEach((r) -> copies.merge(r, 1, Integer::sum)));
		List<String> wrong = new ArrayList<>();
		for (String recipient : recipients) {
			int expected = failed.contains(recipient) ? 0 : 1;
			if (copies.getOrDefault(recipient, 0) != expected) {
				wrong.add(recipient + "=" + copies.getOrDefault(recipient, 0));
			}
		}
		assertThat(wrong).as("copies per recipient (one for accepted, none for rejected)").isEmpty();
	}

	static long rcptCount(FaultSmtpServer server, String address) {
		String command = "RCPT TO:<" + address + ">";
		return server.commands().stream().filter((line) -> line.equalsIgnoreCase(command)).count();
	}

	/** The first, middle and last recipient. */
	static Set<String> edges(List<String> recipients) {
		return Set.of(recipients.get(0), recipients.get(recipients.size() / 2), recipients.get(recipients.size() - 1));
	}

	static List<String> recipients(int count) {
		List<String> recipients = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			recipients.add("r" + i + "@example.com");
		}
		return recipients;
	}

	static MimeMessage message(List<String> recipients) throws Exception {
		MimeMessage message = new MimeMessage(MESSAGE_SESSION);
		message.setFrom("sender@example.com");
		InternetAddress[] to = new InternetAddress[recipients.size()];
		for (int i = 0; i < to.length; i++) {
			to[i] = new InternetAddress(recipients.get(i));
		}
		message.setRecipients(Message.RecipientType.BCC, to);
		message.setSubject("many recipients");
		message.setText("Hello to many.");
		return message;
	}

	/** The delivery both outcome tests send with: no real wait between attempts. */
	static MailDelivery delivery(FaultSmtpServer server) {
		return MailDelivery.builder(server.host(), server.port())
			.policy(DeliveryPolicy.builder()
				.maxAttempts(3)
				.waitDuration(Duration.ofMillis(100))
				.jitter(0)
				.rateLimit(100_000, Duration.ofSeconds(1))
				.timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10))
				.build())
			.sleeper((millis) -> {
			})
			.build();
	}

}
