package dev.resilientmail.faults;

import java.time.Duration;
import java.util.Properties;

import dev.resilientmail.PermanentFailure;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.delivery.MailDelivery;
import dev.resilientmail.RecipientOutcome;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.transport.CapturingSmtpTransport;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the caller gets wrong: line breaks smuggled into addresses and headers, addresses
 * without a domain, no recipients, a message larger than the server takes. Each is a
 * clear error before anything reaches the server, never a wasted upload nor a retry.
 */
class CallerInputTests {

	private final FaultSmtpServer server = FaultSmtpServer.builder().size(10_000).start();

	private final MailDelivery delivery = MailDelivery.builder(this.server.host(), this.server.port())
		.policy(DeliveryPolicy.builder()
			.maxAttempts(3)
			.waitDuration(Duration.ZERO)
			.timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
			.build())
		.build();

	@AfterEach
	void close() {
		this.delivery.close();
		this.server.close();
	}

	@Test
	void lineBreakInAnEnvelopeRecipientIsRefused() throws Exception {
		InternetAddress smuggled = new InternetAddress();
		smuggled.setAddress("bob@example.com>\r\nRCPT TO:<eve@example.net");

		SendFailedException refused = refusedByTheTransport(message("bob@example.com"), smuggled);

		assertThat(refused).hasMessageContaining("recipient address contains CR or LF")
			.hasMessageContaining("bob@example.com>\\r\\nRCPT TO:<eve@example.net")
			.hasMessageContaining("nothing was sent");
		assertThat(refused.getInvalidAddresses()).containsExactly(smuggled);
		assertNothingReachedTheServer();
	}

	@Test
	void lineBreakInARecipientHeaderNeverReachesTheEnvelope() throws Exception {
		InternetAddress smuggled = new InternetAddress();
		smuggled.setAddress("bob@example.com>\r\nRCPT TO:<eve@example.net");
		MimeMessage message = message();
		message.setRecipient(Message.RecipientType.TO, smuggled);

		// the recipients come from the header, which no longer parses
		AddressException refused = assertThatExceptionOfType(AddressException.class)
			.isThrownBy(() -> this.delivery.send(message))
			.actual();
		assertThat(refused.getRef()).contains("RCPT TO:<eve@example.net>");
		assertThat(this.server.connectionCount()).isZero();
	}

	@Test
	void lineBreakThatTheAddressParserSeesIsRefusedWhenTheAddressIsMade() {
		assertThatExceptionOfType(AddressException.class)
			.isThrownBy(() -> new InternetAddress("bob@example.com\r\nRCPT TO:<eve@example.net>", true));
	}

	@Test
	void lineBreakInTheSenderAddressIsRefused() throws Exception {
		InternetAddress smuggled = new InternetAddress();
		smuggled.setAddress("sender@example.com\r\nRCPT TO:<eve@example.net>");
		MimeMessage message = message("bob@example.com");
		message.setFrom(smuggled);

		AddressException refused = assertThatExceptionOfType(AddressException.class)
			.isThrownBy(() -> this.delivery.send(message))
			.actual();
		assertThat(refused.getRef()).contains("RCPT TO:<eve@example.net>");
		assertNothingReachedTheServer();
	}

	@Test
	void lineBreakInACustomHeaderIsRefused() throws Exception {
		MimeMessage message = message("bob@example.com");
		message.setHeader("X-Campaign", "spring\r\nBcc: eve@example.net");

		assertThatExceptionOfType(MessagingException.class).isThrownBy(() -> this.delivery.send(message))
			.withMessageContaining("header 'X-Campaign'")
			.withMessageContaining("not a folding line break")
			.withMessageContaining("spring\\r\\nBcc: eve@example.net")
			.withMessageContaining("nothing was sent");
		assertNothingReachedTheServer();
	}

	@Test
	void lineBreakInAHeaderNameIsRefused() throws Exception {
		MimeMessage message = message("bob@example.com");
		message.setHeader("X-Campaign\r\nBcc", "eve@example.net");

		assertThatExceptionOfType(MessagingException.class).isThrownBy(() -> this.delivery.send(message))
			.withMessageContaining("X-Campaign\\r\\nBcc")
			.withMessageContaining("nothing was sent");
		assertNothingReachedTheServer();
	}

	@Test
	void lineBreakInTheSubjectCannotAddAHeader() throws Exception {
		MimeMessage message = message("bob@example.com");
		message.setSubject("Hello\r\nBcc: eve@example.net");

		DeliveryReport report = this.delivery.send(message);

		// Jakarta Mail folds the subject: the line break becomes part of the Subject
		// header, never a header of its own
		assertThat(report.acceptedRecipients()).extracting(InternetAddress::getAddress)
			.containsExactly("bob@example.com");
		String received = this.server.messages().get(0).text();
		assertThat(received.lines()).noneMatch((line) -> line.regionMatches(true, 0, "Bcc:", 0, 4));
		assertThat(this.server.commands()).noneMatch((line) -> line.contains("eve@example.net"));
	}

	@Test
	void foldedHeaderIsSentAsItIs() throws Exception {
		MimeMessage message = message("bob@example.com");
		message.setHeader("X-Long", "first part\r\n second part");

		this.delivery.send(message);

		assertThat(this.server.messages().get(0).text()).contains("X-Long: first part\r\n second part");
	}

	@Test
	void recipientWithoutADomainIsRefused() throws Exception {
		MimeMessage message = message("bob@example.com", "alice", "carol");

		SendFailedException refused = assertThatExceptionOfType(SendFailedException.class)
			.isThrownBy(() -> this.delivery.send(message))
			.withMessageContaining("recipient address without a domain: ['alice', 'carol']")
			.withMessageContaining("must be local-part@domain")
			.withMessageContaining("nothing was sent")
			.actual();

		assertThat(refused.getInvalidAddresses()).extracting(Address::toString).containsExactly("alice", "carol");
		assertNothingReachedTheServer();
	}

	@Test
	void envelopeRecipientWithAnEmptyDomainIsRefused() throws Exception {
		InternetAddress empty = new InternetAddress();
		empty.setAddress("carol@");

		SendFailedException refused = refusedByTheTransport(message("bob@example.com"), empty);

		assertThat(refused).hasMessageContaining("without a domain: ['carol@']");
		assertNothingReachedTheServer();
	}

	@Test
	void postmasterAloneIsAllowed() throws Exception {
		DeliveryReport report = this.delivery.send(message("postmaster"));

		assertThat(report.acceptedRecipients()).extracting(InternetAddress::getAddress).containsExactly("postmaster");
		assertThat(this.server.copiesFor("postmaster")).isEqualTo(1);
	}

	@Test
	void noRecipientsIsRefusedBeforeConnecting() throws Exception {
		assertThatExceptionOfType(MessagingException.class).isThrownBy(() -> this.delivery.send(message()))
			.withMessageContaining("no recipients");
		assertThat(this.server.connectionCount()).isZero();
	}

	@Test
	void emptyGroupAsTheOnlyRecipientIsRefused() throws Exception {
		MimeMessage message = message();
		message.setRecipients(Message.RecipientType.TO, InternetAddress.parse("undisclosed-recipients:;"));

		assertThatExceptionOfType(SendFailedException.class).isThrownBy(() -> this.delivery.send(message))
			.isNotInstanceOf(dev.resilientmail.SmtpFailure.class)
			.withMessageContaining("no recipient addresses (only empty groups: [undisclosed-recipients:;])")
			.withMessageContaining("nothing was sent");
		assertNothingReachedTheServer();
		assertThat(this.server.connectionCount()).as("not retried").isEqualTo(1);
	}

	@Test
	void transportGivenNoRecipientsRefusesWithoutPretendingTheServerFailed() throws Exception {
		SendFailedException refused = refusedByTheTransport(message("bob@example.com"));

		assertThat(refused).isNotInstanceOf(dev.resilientmail.SmtpFailure.class)
			.hasMessageContaining("no recipient addresses")
			.hasMessageContaining("nothing was sent");
		assertNothingReachedTheServer();
	}

	@Test
	void messageOverTheAdvertisedSizeIsRefusedBeforeMailFrom() throws Exception {
		MimeMessage message = message("bob@example.com", "carol@example.com");
		message.setText("x".repeat(20_000));

		PermanentFailure failure = assertThatExceptionOfType(PermanentFailure.class)
			.isThrownBy(() -> this.delivery.send(message))
			.actual();

		assertThat(failure.reason()).isEqualTo(FailureReason.MESSAGE_TOO_LARGE);
		assertThat(failure.enhancedCode()).isEqualTo(EnhancedStatusCode.parse("5.3.4"));
		assertThat(failure.classification().enhancedCodeInferred()).isTrue();
		assertThat(failure.command()).isEqualTo(SmtpCommand.MAIL);
		assertThat(failure.reply()).as("the server was never asked").isEmpty();
		assertThat(failure.attempts()).as("not retried").isEqualTo(1);
		assertThat(failure.recipientOutcomes()).hasSize(2)
			.allMatch((outcome) -> outcome.status() == RecipientOutcome.Status.NOT_DELIVERED);
		assertThat(failure.getMessage()).contains("advertised SIZE 10000").contains("nothing was sent");
		assertThat(sizeIn(failure.getMessage())).isGreaterThan(20_000);
		assertThat(this.server.commands()).as("EHLO only: no MAIL, no DATA, no upload")
			.noneMatch((line) -> line.startsWith("MAIL") || line.startsWith("DATA"));
		assertThat(this.server.messages()).isEmpty();
		assertThat(this.server.unacknowledgedMessages()).isEmpty();
	}

	@Test
	void messageUnderTheAdvertisedSizeIsSent() throws Exception {
		MimeMessage message = message("bob@example.com");
		message.setText("x".repeat(5_000));

		this.delivery.send(message);

		assertThat(this.server.messages()).singleElement().satisfies((received) -> {
			assertThat(received.size()).isLessThanOrEqualTo(10_000);
			assertThat(received.size()).isGreaterThan(5_000);
		});
	}

	@Test
	void measuredSizeIsTheSizeTheServerReceives() throws Exception {
		MimeMessage message = new MimeMessage(Session.getInstance(new Properties())) {
			@Override
			protected void updateMessageID() throws MessagingException {
				// the same size at every send
				setHeader("Message-ID", "<size-test@example.com>");
			}
		};
		message.setFrom("sender@example.com");
		message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.com"));
		message.setSentDate(new java.util.Date(0));
		message.setText("line\n".repeat(2_000) + ".leading dot\nno line break at the end");
		int received;
		try (FaultSmtpServer exact = FaultSmtpServer.builder().size(100_000).start();
				MailDelivery sender = MailDelivery.builder(exact.host(), exact.port()).build()) {
			sender.send(message);
			received = exact.messages().get(0).size();
		}

		try (FaultSmtpServer tight = FaultSmtpServer.builder().size(received - 1).start();
				MailDelivery tightSender = MailDelivery.builder(tight.host(), tight.port()).build()) {
			assertThatExceptionOfType(PermanentFailure.class).isThrownBy(() -> tightSender.send(message))
				.withMessageContaining("the message is " + received + " bytes");
			assertThat(tight.commands()).noneMatch((line) -> line.startsWith("MAIL"));
		}
		try (FaultSmtpServer enough = FaultSmtpServer.builder().size(received).start();
				MailDelivery enoughSender = MailDelivery.builder(enough.host(), enough.port()).build()) {
			enoughSender.send(message);
			assertThat(enough.messages()).hasSize(1);
		}
	}

	@Test
	void serverWithoutSizeTakesLargeMessages() throws Exception {
		try (FaultSmtpServer unlimited = FaultSmtpServer.builder().size(0).start();
				MailDelivery sender = MailDelivery.builder(unlimited.host(), unlimited.port()).build()) {
			MimeMessage message = message("bob@example.com");
			message.setText("x".repeat(50_000));

			sender.send(message);

			assertThat(unlimited.messages()).hasSize(1);
		}
	}

	/**
	 * Sends through the transport with an explicit envelope, as Spring's
	 * {@code JavaMailSender} and {@code Transport.send(message, addresses)} do.
	 */
	private SendFailedException refusedByTheTransport(MimeMessage message, Address... envelope) throws Exception {
		Properties properties = new Properties();
		properties.setProperty("mail.smtp.class", CapturingSmtpTransport.class.getName());
		CapturingSmtpTransport transport = CapturingSmtpTransport.of(Session.getInstance(properties), "smtp");
		transport.connect(this.server.host(), this.server.port(), null, null);
		try {
			return assertThatExceptionOfType(SendFailedException.class)
				.isThrownBy(() -> transport.sendMessage(message, envelope))
				.actual();
		}
		finally {
			transport.close();
		}
	}

	private void assertNothingReachedTheServer() {
		assertThat(this.server.commands()).as("no envelope, no data")
			.noneMatch((line) -> line.startsWith("MAIL") || line.startsWith("RCPT") || line.startsWith("DATA"));
		assertThat(this.server.messages()).isEmpty();
	}

	private static long sizeIn(String message) {
		String after = message.substring(message.indexOf("the message is ") + "the message is ".length());
		return Long.parseLong(after.substring(0, after.indexOf(' ')));
	}

	private static MimeMessage message(String... recipients) throws MessagingException {
		MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
		message.setFrom("sender@example.com");
		for (String recipient : recipients) {
			message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
		}
		message.setSubject("caller input");
		message.setText("Hello.");
		return message;
	}

}
