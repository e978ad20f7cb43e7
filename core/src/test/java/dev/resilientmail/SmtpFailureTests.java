package dev.resilientmail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.delivery.MailDelivery;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;
import dev.resilientmail.reply.SmtpTranscript;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.FaultSmtpServerExtension;
import dev.resilientmail.testkit.Phase;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The one severity order, the per-recipient view that a suppression list reads, and
 * failures that survive Java serialization.
 */
@ExtendWith(FaultSmtpServerExtension.class)
class SmtpFailureTests {

	private static final Session MESSAGE_SESSION = Session.getInstance(new Properties());

	@Test
	void unknownRecipientAndALostConnectionAfterTheBodyIsUncertainWithTheDeadAddressReachable(FaultSmtpServer server)
			throws Exception {
		server.when(Phase.RCPT)
			.recipient("gone@example.com")
			.reply("550 5.1.1 <gone@example.com>: Recipient address rejected: User unknown in virtual mailbox table");
		server.when(Phase.END_OF_DATA).drop();
		try (MailDelivery delivery = MailDelivery.builder(server.host(), server.port()).policy(fast()).build()) {
			SmtpFailure failure = catchThrowableOfType(SmtpFailure.class,
					() -> delivery.send(message("gone@example.com", "ann@example.com")));

			// the type answers "may anyone have it?" first
			assertThat(failure).isInstanceOf(UncertainDelivery.class);
			assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
			assertThat(failure.reason()).isEqualTo(FailureReason.CONNECTION_FAILED);
			assertThat(failure.command()).isEqualTo(SmtpCommand.END_OF_DATA);
			assertThat(failure.isRetryable()).isEqualTo(failure.classification().retry());
			// and the dead address is there whatever the type, as the README reads it
			assertThat(failure.rejectedRecipients()).extracting(InternetAddress::getAddress)
				.containsExactly("gone@example.com");
			assertThat(failure.uncertainRecipients()).extracting(InternetAddress::getAddress)
				.containsExactly("ann@example.com");
			assertThat(failure.getInvalidAddresses()).extracting(Object::toString).containsExactly("gone@example.com");
			assertThat(failure.attempts()).isEqualTo(1);
			assertThat(server.unacknowledgedMessages()).singleElement()
				.satisfies((received) -> assertThat(received.recipients()).containsExactly("ann@example.com"));
		}
	}

	@Test
	void aPermanentRecipientOutranksATransientOneWhateverTheirOrder(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT).recipient("busy@example.com").reply("452 4.2.2 <busy@example.com>: Mailbox full");
		server.when(Phase.RCPT).recipient("gone@example.com").reply("550 5.1.1 <gone@example.com>: User unknown");
		try (MailDelivery delivery = MailDelivery.builder(server.host(), server.port())
			.policy(fast().toBuilder().maxAttempts(1).build())
			.build()) {
			PermanentFailure failure = catchThrowableOfType(PermanentFailure.class,
					() -> delivery.send(message("busy@example.com", "gone@example.com", "ann@example.com")));

			assertThat(failure.reply()).map(SmtpReply::code).contains(550);
			assertThat(failure.command()).isEqualTo(SmtpCommand.RCPT);
			assertThat(failure.isRetryable()).isFalse();
			assertThat(failure.rejectedRecipients()).extracting(InternetAddress::getAddress)
				.containsExactly("gone@example.com");
			assertThat(failure.undeliveredRecipients()).extracting(InternetAddress::getAddress)
				.containsExactly("busy@example.com", "gone@example.com");
			assertThat(failure.deliveredRecipients()).extracting(InternetAddress::getAddress)
				.containsExactly("ann@example.com");
		}
	}

	@ParameterizedTest(name = "{0} outranks {1}")
	@CsvSource({ "UNCERTAIN, POLICY_PERMANENT", "POLICY_PERMANENT, PERMANENT", "PERMANENT, POLICY_TRANSIENT",
			"POLICY_TRANSIENT, TRANSIENT", "UNCERTAIN, TRANSIENT", "PERMANENT, TRANSIENT" })
	void theSeverityOrderDecidesTheTypeAndTheMostSevereFailure(String worse, String better) {
		RecipientOutcome first = outcome("a@example.com", better);
		RecipientOutcome second = outcome("b@example.com", worse);
		SmtpFailure.Details details = new SmtpFailure.Details(Optional.empty(), SmtpCommand.END_OF_DATA,
				first.classification(), SmtpTranscript.EMPTY, List.of(first, second), 1);

		SmtpFailure failure = SmtpFailure.of("mixed", details, null);
		SmtpFailure alone = SmtpFailure.of("alone", new SmtpFailure.Details(Optional.empty(), SmtpCommand.END_OF_DATA,
				first.classification(), SmtpTranscript.EMPTY, List.of(first), 1), null);

		assertThat(failure.getClass()).isEqualTo(typeOf(worse));
		assertThat(failure.classification()).isEqualTo(second.classification());
		assertThat(SmtpFailure.mostSevere(List.of(alone, failure))).isSameAs(failure);
		assertThat(SmtpFailure.mostSevere(List.of(failure, alone))).isSameAs(failure);
	}

	@Test
	void aTypeThatTheOrderDoesNotGiveIsRefused() {
		RecipientOutcome gone = outcome("gone@example.com", "PERMANENT");
		SmtpFailure.Details details = new SmtpFailure.Details(Optional.empty(), SmtpCommand.RCPT, gone.classification(),
				SmtpTranscript.EMPTY, List.of(gone), 1);

		assertThatIllegalArgumentException().isThrownBy(() -> new TransientFailure("no", details, null))
			.withMessageContaining("PermanentFailure")
			.withMessageContaining("SmtpFailure.of");
		assertThatIllegalArgumentException().isThrownBy(() -> SmtpFailure.mostSevere(List.of()))
			.withMessageContaining("no failure");
	}

	@Test
	void aFailureKeepsEveryDetailThroughJavaSerialization(FaultSmtpServer server) throws Exception {
		server.when(Phase.RCPT).recipient("gone@example.com").reply("550 5.1.1 <gone@example.com>: User unknown");
		server.when(Phase.MAIL).reply("451 4.7.1 Rate limit exceeded, try again in 30 seconds");
		try (MailDelivery delivery = MailDelivery.builder(server.host(), server.port())
			.policy(fast().toBuilder().maxAttempts(1).build())
			.build()) {
			SmtpFailure failure = catchThrowableOfType(SmtpFailure.class,
					() -> delivery.send(message("gone@example.com")));
			assertThat(failure.transcript().exchanges()).isNotEmpty();
			assertThat(failure.retryAfter()).contains(Duration.ofSeconds(30));

			SmtpFailure copy = roundTrip(failure);

			assertThat(copy).isInstanceOf(failure.getClass()).hasMessage(failure.getMessage());
			assertThat(copy.details()).isEqualTo(failure.details());
			assertThat(copy.reply()).isEqualTo(failure.reply());
			assertThat(copy.enhancedCode()).isEqualTo(new EnhancedStatusCode(4, 7, 1));
			assertThat(copy.retryAfter()).contains(Duration.ofSeconds(30));
			assertThat(copy.recipientOutcomes()).isEqualTo(failure.recipientOutcomes());
			assertThat(copy.transcript().toString()).isEqualTo(failure.transcript().toString());
			assertThat(copy.getValidUnsentAddresses()).containsExactly(failure.getValidUnsentAddresses());
			assertThat(copy.getValidSentAddresses()).isEmpty();
			assertThat(copy.getInvalidAddresses()).isEmpty();
		}
	}

	private static SmtpFailure roundTrip(SmtpFailure failure) throws Exception {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
			out.writeObject(failure);
		}
		try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
			return (SmtpFailure) in.readObject();
		}
	}

	private static Class<?> typeOf(String severity) {
		return switch (severity) {
			case "UNCERTAIN" -> UncertainDelivery.class;
			case "POLICY_PERMANENT", "POLICY_TRANSIENT" -> PolicyRejection.class;
			case "PERMANENT" -> PermanentFailure.class;
			default -> TransientFailure.class;
		};
	}

	private static RecipientOutcome outcome(String address, String severity) {
		try {
			InternetAddress recipient = new InternetAddress(address);
			if (severity.equals("UNCERTAIN")) {
				return new RecipientOutcome(recipient, RecipientOutcome.Status.UNCERTAIN, Optional.empty(),
						Classification.connectionFailed(false));
			}
			FailureKind kind = FailureKind.valueOf(severity);
			Classification classification = new Classification(kind, FailureReason.UNKNOWN,
					new EnhancedStatusCode(kind.isRetryable() ? 4 : 5, 0, 0), true, kind.isRetryable(),
					Optional.empty());
			return new RecipientOutcome(recipient, RecipientOutcome.Status.REJECTED, Optional.empty(), classification);
		}
		catch (MessagingException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	private static DeliveryPolicy fast() {
		return DeliveryPolicy.builder()
			.maxAttempts(3)
			.waitDuration(Duration.ZERO)
			.jitter(0)
			.rateLimit(100_000, Duration.ofSeconds(1))
			.timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5))
			.build();
	}

	private static MimeMessage message(String... recipients) throws MessagingException {
		MimeMessage message = new MimeMessage(MESSAGE_SESSION);
		message.setFrom("sender@example.com");
		for (String recipient : recipients) {
			message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
		}
		message.setSubject("resilient-mail test");
		message.setText("Hello from the failure tests.");
		return message;
	}

}
