package dev.resilientmail.bounce;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.LateOutcome;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.delivery.MailDelivery;
import dev.resilientmail.TestMessages;
import dev.resilientmail.testkit.FaultSmtpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@code MailDelivery.Builder.acceptedSends(correlator::sent)}: sends through the testkit
 * server, then a bounce written as a reporting MTA would (ENVID echoed, or only the VERP
 * address it is sent to) is matched to the message and recipient, once.
 */
class AcceptedSendCorrelationTests {

	private final List<LateOutcome> late = new CopyOnWriteArrayList<>();

	private final BounceCorrelator correlator = BounceCorrelator.create(new DeliveryListener() {
		@Override
		public void onLateOutcome(LateOutcome outcome) {
			AcceptedSendCorrelationTests.this.late.add(outcome);
		}
	});

	@Test
	void aBounceEchoingTheEnvidSentIsMatchedToTheMessageAndRecipientOnce() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.builder().extensions("DSN").start();
				MailDelivery delivery = MailDelivery.builder(server.host(), server.port())
					.dsn("FAILURE", "HDRS")
					.acceptedSends(this.correlator::sent)
					.build()) {
			delivery.send(TestMessages.withMessageId("<a+b=c@shop.example>", "gone@example.net", "fine@example.net"));
			String mail = server.commands().stream().filter((line) -> line.startsWith("MAIL")).findFirst().get();
			String envid = mail.substring(mail.indexOf("ENVID=") + 6);
			assertThat(envid).isEqualTo("a+2Bb+3Dc@shop.example");
			// no Message-ID in the bounce: only the envelope id can match it
			byte[] bounce = dsn("sender@example.com", envid, "gone@example.net");
			BounceParser parser = BounceParser.defaults();
			this.correlator.correlate(parser.parse(bounce));
			this.correlator.correlate(parser.parse(bounce));
			assertThat(this.late).singleElement().satisfies((outcome) -> {
				assertThat(outcome.messageId()).isEqualTo("a+b=c@shop.example");
				assertThat(outcome.recipient()).isEqualTo("gone@example.net");
				assertThat(outcome.failed()).isTrue();
				assertThat(outcome.matchedBy()).isEqualTo("ENVID");
				assertThat(outcome.classification().reason()).isEqualTo(FailureReason.MAILBOX_UNKNOWN);
			});
		}
	}

	@Test
	void withAVerpReturnPathABounceToThatAddressIsMatchedWithoutEnvidOrMessageId() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.start();
				MailDelivery delivery = MailDelivery.builder(server.host(), server.port())
					.verpReturnPath("bounces@example.com")
					.acceptedSends(this.correlator::sent)
					.build()) {
			delivery.send(TestMessages.withMessageId("<m-7@shop.example>", "gone@example.net"));
			String mail = server.commands().stream().filter((line) -> line.startsWith("MAIL")).findFirst().get();
			assertThat(mail).matches("MAIL FROM:<bounces\\+[0-9a-f]{20}@example\\.com>");
			String returnPath = mail.substring(mail.indexOf('<') + 1, mail.indexOf('>'));
			this.correlator.correlate(BounceParser.defaults().parse(dsn(returnPath, null, "gone@example.net")));
			assertThat(this.late).singleElement().satisfies((outcome) -> {
				assertThat(outcome.messageId()).isEqualTo("m-7@shop.example");
				assertThat(outcome.matchedBy()).isEqualTo("VERP");
			});
		}
	}

	@Test
	void aReturnPathThatCannotCarryATokenIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MailDelivery.builder("127.0.0.1", 25).verpReturnPath("bounces+x@example.com"))
			.withMessageContaining("bounces@example.com");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MailDelivery.builder("127.0.0.1", 25).verpReturnPath("<bounces@example.com>"));
	}

	/** An RFC 3464 report as Postfix writes one, headers only returned (RET=HDRS). */
	private static byte[] dsn(String to, String envid, String recipient) {
		String text = "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r\n" + "To: " + to + "\r\n"
				+ "Subject: Undelivered Mail Returned to Sender\r\n" + "MIME-Version: 1.0\r\n"
				+ "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" + "--B\r\n"
				+ "Content-Type: text/plain\r\n\r\nI'm sorry to have to inform you that your message could not\r\n"
				+ "be delivered to one or more recipients.\r\n\r\n" + "--B\r\n"
				+ "Content-Type: message/delivery-status\r\n\r\n" + "Reporting-MTA: dns; mx.example.org\r\n"
				+ ((envid != null) ? "Original-Envelope-Id: " + envid + "\r\n" : "") + "\r\n"
				+ "Final-Recipient: rfc822; " + recipient + "\r\n" + "Original-Recipient: rfc822;" + recipient + "\r\n"
				+ "Action: failed\r\n" + "Status: 5.1.1\r\n" + "Remote-MTA: dns; mx.example.net\r\n"
				+ "Diagnostic-Code: smtp; 550 5.1.1 <" + recipient + ">: Recipient address rejected: User unknown\r\n"
				+ "\r\n--B--\r\n";
		return text.getBytes(StandardCharsets.US_ASCII);
	}

}
