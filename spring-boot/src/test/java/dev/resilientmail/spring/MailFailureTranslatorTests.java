package dev.resilientmail.spring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.junit.jupiter.api.Test;

import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailSendException;

import dev.resilientmail.PermanentFailure;
import dev.resilientmail.PolicyRejection;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.TransientFailure;
import dev.resilientmail.UncertainDelivery;
import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;
import dev.resilientmail.reply.SmtpTranscript;

import static org.assertj.core.api.Assertions.assertThat;

class MailFailureTranslatorTests {

	private final TransientFailure greylisted = failure(
			"450 4.7.1 <a@grey.example>: Recipient address rejected: Greylisted", FailureKind.TRANSIENT,
			FailureReason.GREYLISTED);

	private final PolicyRejection throttled = failure("451 4.7.1 Sender throttled", FailureKind.POLICY_TRANSIENT,
			FailureReason.SENDER_BLOCKED);

	private final UncertainDelivery uncertain = (UncertainDelivery) uncertainFailure();

	private final PermanentFailure unknown = failure("550 5.1.1 <bob@example.com>: User unknown", FailureKind.PERMANENT,
			FailureReason.MAILBOX_UNKNOWN);

	private final PolicyRejection blocked = failure("554 5.7.1 Client host blocked", FailureKind.POLICY_PERMANENT,
			FailureReason.SENDER_BLOCKED);

	@Test
	void oneFailureGivesItsOwnType() {
		assertThat(translate(this.greylisted)).isInstanceOf(MailTransientFailureException.class);
		assertThat(translate(this.throttled)).isInstanceOf(MailPolicyRejectionException.class);
		assertThat(translate(this.uncertain)).isInstanceOf(MailUncertainDeliveryException.class);
		assertThat(translate(this.unknown)).isInstanceOf(MailPermanentFailureException.class);
		assertThat(translate(this.blocked)).isInstanceOf(MailPolicyRejectionException.class);
	}

	@Test
	void theExceptionCarriesTheCoreFailureAsFailureCauseAndFailedMessage() {
		MailSendException exception = translate(this.unknown);
		assertThat(((MailPermanentFailureException) exception).failure()).isSameAs(this.unknown);
		assertThat(exception).isInstanceOf(MailException.class);
		assertThat(exception.getCause()).isSameAs(this.unknown);
		assertThat(exception.getFailedMessages()).containsExactly(Map.entry("message 1", this.unknown));
		assertThat(exception.getMessage()).contains("550 5.1.1");
	}

	@Test
	void transientOnlyWhenEveryMessageFailedTransiently() {
		assertThat(translate(this.greylisted, this.greylisted)).isInstanceOf(MailTransientFailureException.class);
		assertThat(translate(this.greylisted, this.throttled)).isInstanceOf(MailPolicyRejectionException.class);
		assertThat(translate(this.greylisted, this.uncertain)).isInstanceOf(MailUncertainDeliveryException.class);
		assertThat(translate(this.greylisted, this.unknown)).isInstanceOf(MailPermanentFailureException.class);
	}

	@Test
	void coresSeverityOrderDecidesWhateverTheSendingOrder() {
		// UncertainDelivery > permanent PolicyRejection > PermanentFailure > transient
		// PolicyRejection > TransientFailure, as core decides between recipients
		MailSendException mixed = translate(this.unknown, this.greylisted, this.blocked, this.uncertain);
		assertThat(mixed).isInstanceOf(MailUncertainDeliveryException.class);
		assertThat(((MailUncertainDeliveryException) mixed).failure()).isSameAs(this.uncertain);
		assertThat(translate(this.unknown, this.blocked)).isInstanceOf(MailPolicyRejectionException.class);
		assertThat(translate(this.throttled, this.unknown)).isInstanceOf(MailPermanentFailureException.class);
		assertThat(translate(this.greylisted, this.throttled, this.greylisted))
			.isInstanceOf(MailPolicyRejectionException.class);
		for (SmtpFailure[] order : List.of(new SmtpFailure[] { this.unknown, this.blocked },
				new SmtpFailure[] { this.blocked, this.unknown })) {
			assertThat(((MailPolicyRejectionException) translate(order)).failure())
				.isSameAs(SmtpFailure.mostSevere(List.of(order)));
		}
	}

	@Test
	void severalFailedMessagesAreOneExceptionByTheCoresSeverityOrder() {
		assertThat(
				((MailPolicyRejectionException) translate(this.greylisted, this.throttled, this.unknown, this.blocked))
					.failure())
			.isSameAs(this.blocked);
		assertThat(((MailPermanentFailureException) translate(this.greylisted, this.throttled, this.unknown)).failure())
			.isSameAs(this.unknown);
		assertThat(((MailUncertainDeliveryException) translate(this.blocked, this.uncertain)).failure())
			.isSameAs(this.uncertain);
		assertThat(((MailPolicyRejectionException) translate(this.greylisted, this.throttled)).failure())
			.isSameAs(this.throttled);
	}

	@Test
	void everyFailedMessageKeepsItsOwnCoreException() {
		MailSendException exception = translate(this.greylisted, this.unknown, this.blocked);
		assertThat(exception.getFailedMessages()).containsExactly(Map.entry("message 1", this.greylisted),
				Map.entry("message 2", this.unknown), Map.entry("message 3", this.blocked));
		assertThat(exception.getMessage()).startsWith("3 of 3 messages failed; the most severe: ");
	}

	@Test
	void aRejectedLoginIsSpringsAuthenticationExceptionCarryingTheTypedFailure() {
		SmtpReply reply = SmtpReply.parse("535 5.7.8 Error: authentication failed");
		Classification classification = new Classification(FailureKind.POLICY_PERMANENT,
				FailureReason.AUTHENTICATION_REQUIRED, reply.enhancedCode().orElseThrow(), false, false,
				Optional.empty());
		SmtpFailure login = SmtpFailure.of("535 5.7.8 Error: authentication failed", new SmtpFailure.Details(
				Optional.of(reply), SmtpCommand.AUTH, classification, SmtpTranscript.EMPTY, List.of(), 1), null);
		MailException exception = translateAny(this.greylisted, login);
		assertThat(exception).isExactlyInstanceOf(MailAuthenticationException.class);
		assertThat(exception.getCause()).isSameAs(login);
		assertThat(exception.getMessage()).contains("535 5.7.8");
	}

	@Test
	void aPolicyRejectionThatIsNotAboutTheLoginStaysAPolicyRejection() {
		assertThat(translateAny(this.blocked)).isExactlyInstanceOf(MailPolicyRejectionException.class);
	}

	@Test
	void aMessageThatCouldNotBeSentAtAllGivesSpringsPlainException() {
		MessagingException noRecipients = new MessagingException("message has no recipients");
		Map<Object, Exception> failed = new LinkedHashMap<>();
		failed.put("message 1", this.greylisted);
		failed.put("message 2", noRecipients);
		MailSendException exception = (MailSendException) MailFailureTranslator.translate(failed, 2);
		assertThat(exception.getClass()).isEqualTo(MailSendException.class);
		assertThat(exception.getFailedMessages()).containsEntry("message 2", noRecipients)
			.containsEntry("message 1", this.greylisted);
	}

	private static MailSendException translate(SmtpFailure... failures) {
		return (MailSendException) translateAny(failures);
	}

	private static MailException translateAny(SmtpFailure... failures) {
		Map<Object, Exception> failed = new LinkedHashMap<>();
		for (int i = 0; i < failures.length; i++) {
			failed.put("message " + (i + 1), failures[i]);
		}
		return MailFailureTranslator.translate(failed, failures.length);
	}

	@SuppressWarnings("unchecked")
	private static <T extends SmtpFailure> T failure(String reply, FailureKind kind, FailureReason reason) {
		SmtpReply parsed = SmtpReply.parse(reply);
		Classification classification = new Classification(kind, reason, parsed.enhancedCode().orElseThrow(), false,
				kind.isRetryable(), Optional.empty());
		RecipientOutcome outcome = new RecipientOutcome(address("bob@example.com"), RecipientOutcome.Status.REJECTED,
				Optional.of(parsed), classification);
		return (T) SmtpFailure.of(reply, new SmtpFailure.Details(Optional.of(parsed), SmtpCommand.RCPT, classification,
				SmtpTranscript.EMPTY, List.of(outcome), 1), null);
	}

	private static SmtpFailure uncertainFailure() {
		Classification classification = Classification.connectionFailed(false);
		RecipientOutcome outcome = new RecipientOutcome(address("bob@example.com"), RecipientOutcome.Status.UNCERTAIN,
				Optional.empty(), classification);
		return new UncertainDelivery("connection lost after the message was sent",
				new SmtpFailure.Details(Optional.empty(), SmtpCommand.END_OF_DATA, classification, SmtpTranscript.EMPTY,
						List.of(outcome), 1),
				null);
	}

	private static InternetAddress address(String address) {
		try {
			return new InternetAddress(address);
		}
		catch (AddressException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}
