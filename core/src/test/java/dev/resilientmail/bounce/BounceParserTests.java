package dev.resilientmail.bounce;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.resilientmail.bounce.BounceReport.Type;
import dev.resilientmail.bounce.BouncedRecipient.Action;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;

import static org.assertj.core.api.Assertions.assertThat;

class BounceParserTests {

	private static final String DSN = """
			From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
			To: sender@example.com
			Subject: Undelivered Mail Returned to Sender
			MIME-Version: 1.0
			Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

			--B1
			Content-Type: text/plain

			This is the mail system at host mx.example.org.

			<bob@example.net>: host mx.example.net[192.0.2.1] said: 550 5.1.1 <bob@example.net>: Recipient
			    address rejected: User unknown (in reply to RCPT TO command)

			--B1
			Content-Type: message/delivery-status

			Reporting-MTA: dns; mx.example.org
			Original-Envelope-Id: ENV-42
			Arrival-Date: Wed, 2 Dec 2026 03:00:00 +0000

			Final-Recipient: rfc822; bob@example.net
			Original-Recipient: rfc822; Bob@Example.net
			Action: failed
			Status: 5.1.1
			Remote-MTA: dns; mx.example.net
			Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>: Recipient address
			    rejected: User unknown
			Last-Attempt-Date: Wed, 2 Dec 2026 03:00:05 +0000

			Final-Recipient: rfc822; carol@example.net
			Action: delayed
			Status: 4.4.1
			Diagnostic-Code: X-Postfix; connect to mx.example.net[192.0.2.1]:25: Connection timed out

			--B1
			Content-Type: text/rfc822-headers

			From: sender@example.com
			To: bob@example.net, carol@example.net
			Message-ID: <original-1@example.com>
			Subject: hello

			--B1--
			""";

	private final BounceParser parser = BounceParser.defaults();

	@Test
	void deliveryStatusNotificationIsReadFieldByField() {
		BounceReport report = parse(DSN);
		assertThat(report.type()).isEqualTo(Type.BOUNCE);
		assertThat(report.format()).isEqualTo("RFC3464");
		assertThat(report.reportingMta()).contains("mx.example.org");
		assertThat(report.envelopeId()).contains("ENV-42");
		assertThat(report.arrivalDate()).contains(Instant.parse("2026-12-02T03:00:00Z"));
		assertThat(report.originalMessageId()).contains("original-1@example.com");
		assertThat(report.recipients()).hasSize(2);
		BouncedRecipient bob = report.recipients().get(0);
		assertThat(bob.recipient()).isEqualTo("bob@example.net");
		assertThat(bob.originalRecipient()).isEmpty();
		assertThat(bob.action()).isEqualTo(Action.FAILED);
		assertThat(bob.status()).contains(EnhancedStatusCode.parse("5.1.1"));
		assertThat(bob.diagnostic().orElseThrow().code()).isEqualTo(550);
		assertThat(bob.remoteMta()).contains("mx.example.net");
		assertThat(bob.lastAttempt()).contains(Instant.parse("2026-12-02T03:00:05Z"));
		assertThat(bob.classification().kind()).isEqualTo(FailureKind.PERMANENT);
		assertThat(bob.classification().reason()).isEqualTo(FailureReason.MAILBOX_UNKNOWN);
		assertThat(bob.classification().retry()).isFalse();
		BouncedRecipient carol = report.recipients().get(1);
		assertThat(carol.action()).isEqualTo(Action.DELAYED);
		assertThat(carol.diagnostic()).isEmpty();
		assertThat(carol.classification().kind().isRetryable()).isTrue();
		assertThat(report.hasFailures()).isTrue();
	}

	@Test
	void onlyDelayedRecipientsMakeADelayNotice() {
		String delayed = DSN.replace("Action: failed", "Action: delayed")
			.replace("Status: 5.1.1", "Status: 4.2.2")
			.replace("550 5.1.1 <bob@example.net>: Recipient address\n    rejected: User unknown",
					"452 4.2.2 Mailbox full");
		BounceReport report = parse(delayed);
		assertThat(report.type()).isEqualTo(Type.DELAY_NOTICE);
		assertThat(report.hasFailures()).isFalse();
		assertThat(report.recipients().get(0).classification().reason()).isEqualTo(FailureReason.MAILBOX_FULL);
	}

	@Test
	void globalDeliveryStatusCarriesUtf8Addresses() {
		String global = """
				From: MAILER-DAEMON@mx.example.org
				Subject: Delivery Status Notification (Failure)
				Content-Type: multipart/report; report-type=global-delivery-status; boundary=G

				--G
				Content-Type: text/plain; charset=utf-8

				Delivery failed.
				--G
				Content-Type: message/global-delivery-status; charset=utf-8

				Reporting-MTA: dns; mx.example.org

				Final-Recipient: utf-8; jösé@example.net
				Action: failed
				Status: 5.1.1
				Diagnostic-Code: smtp; 550 5.1.1 mailbox unavailable
				--G--
				""";
		BounceReport report = this.parser.parse(global.getBytes(StandardCharsets.UTF_8));
		assertThat(report.format()).isEqualTo("RFC6533");
		assertThat(report.recipients()).singleElement()
			.satisfies((recipient) -> assertThat(recipient.recipient()).isEqualTo("jösé@example.net"));
	}

	@Test
	void eximTextBounceIsReadWithPhaseAndReturnedMessageId() {
		String exim = """
				From: Mail Delivery System <Mailer-Daemon@mx.example.org>
				To: sender@example.com
				Subject: Mail delivery failed: returning message to sender
				X-Failed-Recipients: bob@example.net

				This message was created automatically by mail delivery software.

				A message that you sent could not be delivered to one or more of its
				recipients. This is a permanent error. The following address(es) failed:

				  bob@example.net
				    SMTP error from remote mail server after RCPT TO:<bob@example.net>:
				    host mx.example.net [192.0.2.1]: 550 5.2.2 <bob@example.net>: mailbox full

				------ This is a copy of the message, including all the headers. ------

				From: sender@example.com
				Message-Id: <abc-1@example.com>

				hello
				""";
		BounceReport report = parse(exim);
		assertThat(report.type()).isEqualTo(Type.BOUNCE);
		assertThat(report.format()).isEqualTo("Exim");
		assertThat(report.originalMessageId()).contains("abc-1@example.com");
		BouncedRecipient bob = report.recipients().get(0);
		assertThat(bob.phase()).isEqualTo(SmtpCommand.RCPT);
		assertThat(bob.status()).contains(EnhancedStatusCode.parse("5.2.2"));
		assertThat(bob.classification().reason()).isEqualTo(FailureReason.MAILBOX_FULL);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					Exim quoting a To field   | This message was created automatically by mail delivery software. | '  alice@example.com <bob@example.net>: malformed address: <bob@example.net> may not follow alice@example.com'
					Exchange's mailto link    | Delivery has failed to these recipients or groups:                | 'bob.old@example.net (bob.old@example.net)<mailto:bob@example.net>'
					a display part in quotes  | This message was created automatically by mail delivery software. | '  "bob.old@example.net" <bob@example.net>: unknown user'
					""")
	void aRecipientLineWithADisplayPartNamesTheAddressInAngleBrackets(String shape, String intro, String line) {
		BounceReport report = parse("""
				From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
				To: sender@example.com
				Subject: Undeliverable: hello

				%s

				%s
				The email address couldn't be found. 550 5.1.1 User unknown
				""".formatted(intro, line));
		assertThat(report.recipients()).as(shape)
			.extracting(BouncedRecipient::recipient)
			.containsExactly("bob@example.net");
	}

	@Test
	void aSessionTranscriptNamesTheRcptRecipientNotTheSenderItWrapsOntoTheNextLine() {
		BounceReport report = parse("""
				From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
				To: postmaster@mx.example.org (Postmaster)
				Subject: Postfix SMTP server: errors from localhost[127.0.0.1]

				Transcript of session follows.

				 Out: 220 mx.example.org ESMTP
				 In:  EHLO client.example.org
				 Out: 250-mx.example.org
				 Out: 250 DSN
				 In:  MAIL
				     FROM:<bounces+1f2e@shop.example.com>
				     SIZE=20088
				 Out: 250 2.1.0 Ok
				 In:  RCPT TO:<bob@example.net> ORCPT=rfc822;bob@example.net
				 Out: 250 2.1.5 Ok
				 In:  DATA
				 Out: 354 End data with <CR><LF>.<CR><LF>
				 Out: 451 4.3.0 Error: queue file write error
				 In:  QUIT
				 Out: 221 2.0.0 Bye

				For other details, see the local mail logfile
				""");
		assertThat(report.type()).isEqualTo(Type.BOUNCE);
		assertThat(report.recipients()).singleElement().satisfies((bob) -> {
			assertThat(bob.recipient()).isEqualTo("bob@example.net");
			assertThat(bob.status()).contains(EnhancedStatusCode.parse("4.3.0"));
			assertThat(bob.classification().kind()).isEqualTo(FailureKind.TRANSIENT);
		});
	}

	@Test
	void vacationReplyIsAnAutoReplyWithNoRecipients() {
		BounceReport report = parse("""
				From: alice@example.net
				To: sender@example.com
				Subject: Out of office: hello
				Auto-Submitted: auto-replied
				In-Reply-To: <original-1@example.com>

				I am away until Monday; write to bob@example.net for urgent matters.
				""");
		assertThat(report.type()).isEqualTo(Type.AUTO_REPLY);
		assertThat(report.recipients()).isEmpty();
		assertThat(report.originalMessageId()).contains("original-1@example.com");
	}

	@Test
	void feedbackReportIsNeverAFailure() {
		BounceReport report = parse("""
				From: abuse@example.net
				Subject: complaint
				Content-Type: multipart/report; report-type=feedback-report; boundary=F

				--F
				Content-Type: text/plain

				This is an abuse report about a message from bob@example.com.
				--F
				Content-Type: message/feedback-report

				Feedback-Type: abuse
				--F--
				""");
		assertThat(report.type()).isEqualTo(Type.FEEDBACK_REPORT);
		assertThat(report.hasFailures()).isFalse();
	}

	@Test
	void ordinaryMessageIsNotABounceWithAReason() {
		BounceReport report = parse(
				"From: a@example.com\nTo: b@example.com\nSubject: lunch?\n\nAt noon, c@example.com?\n");
		assertThat(report.type()).isEqualTo(Type.NOT_A_BOUNCE);
		assertThat(report.problem()).isPresent();
	}

	@Test
	void emptyOrHeaderlessInputIsInvalidWithAReason() {
		assertThat(this.parser.parse(new byte[0]).type()).isEqualTo(Type.INVALID);
		BounceReport garbage = this.parser.parse(new byte[] { 0, 1, 2, (byte) 0xff, '\n', 'x' });
		assertThat(garbage.type()).isEqualTo(Type.INVALID);
		assertThat(garbage.problem().orElseThrow()).contains("no header fields");
		assertThat(this.parser.parse((InputStream) null).type()).isEqualTo(Type.INVALID);
	}

	@Test
	void unreadableStreamIsInvalidNotAnException() {
		InputStream failing = new InputStream() {
			@Override
			public int read() throws IOException {
				throw new IOException("disk on fire");
			}
		};
		BounceReport report = this.parser.parse(failing);
		assertThat(report.type()).isEqualTo(Type.INVALID);
		assertThat(report.problem().orElseThrow()).contains("disk on fire");
	}

	@Test
	void truncatedMimeStillYieldsWhatItHolds() {
		String truncated = DSN.substring(0, DSN.indexOf("Final-Recipient: rfc822; carol"));
		BounceReport report = parse(truncated);
		assertThat(report.type()).isEqualTo(Type.BOUNCE);
		assertThat(report.recipients()).extracting(BouncedRecipient::recipient).containsExactly("bob@example.net");
		for (int cut = 0; cut < DSN.length(); cut += 37) {
			assertThat(parse(DSN.substring(0, cut)).type()).isNotNull();
		}
	}

	@Test
	void boundaryThatNeverOccursIsGuessedFromTheBody() {
		BounceReport report = parse(DSN.replace("boundary=\"B1\"", "boundary=\"WRONG\""));
		assertThat(report.recipients()).extracting(BouncedRecipient::recipient)
			.containsExactly("bob@example.net", "carol@example.net");
		BounceReport noParts = parse(DSN.replace("--B1", "").replace("boundary=\"B1\"", "boundary=\"B1\""));
		assertThat(noParts.recipients()).extracting(BouncedRecipient::recipient).contains("bob@example.net");
	}

	@Test
	void fiftyMebibyteMessageIsReadOnlyToTheBound() {
		byte[] head = DSN.replace("--B1--", "--B1\nContent-Type: application/octet-stream\n\n")
			.getBytes(StandardCharsets.US_ASCII);
		long total = 50L * 1024 * 1024;
		InputStream huge = new InputStream() {
			private long position;

			@Override
			public int read() {
				if (this.position >= total) {
					return -1;
				}
				long at = this.position++;
				return (at < head.length) ? head[(int) at] : ((at % 77 == 0) ? '\n' : 'A');
			}
		};
		BounceReport report = this.parser.parse(huge);
		assertThat(report.type()).isEqualTo(Type.BOUNCE);
		assertThat(report.recipients()).hasSize(2);
		assertThat(report.problem().orElseThrow()).contains("only the first " + BounceParser.MAX_MESSAGE_BYTES);
	}

	@Test
	void thousandLevelsOfNestingAreCutAtTheDepthBound() {
		StringBuilder message = new StringBuilder("From: MAILER-DAEMON@example.org\nSubject: Undeliverable\n");
		for (int i = 0; i < 1000; i++) {
			message.append("Content-Type: multipart/mixed; boundary=\"n")
				.append(i)
				.append("\"\n\n--n")
				.append(i)
				.append('\n');
		}
		message.append("Content-Type: text/plain\n\n<bob@example.net>: 550 5.1.1 user unknown\n");
		for (int i = 999; i >= 0; i--) {
			message.append("--n").append(i).append("--\n");
		}
		BounceReport report = parse(message.toString());
		assertThat(report.type()).isIn(Type.BOUNCE, Type.NOT_A_BOUNCE);
	}

	@Test
	void misdeclaredCharsetsFallBackToWhatTheBytesAre() {
		String body = DSN.replace("Content-Type: text/plain\n", "Content-Type: text/plain; charset=us-ascii\n")
			.replace("This is the mail system", "Ceci est le système de courrier");
		BounceReport utf8AsAscii = this.parser.parse(body.getBytes(StandardCharsets.UTF_8));
		assertThat(utf8AsAscii.type()).isEqualTo(Type.BOUNCE);
		String latin1AsUtf8 = DSN.replace("Content-Type: text/plain\n", "Content-Type: text/plain; charset=utf-8\n")
			.replace("Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>: Recipient address",
					"Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>: Empfänger unbekannt,");
		BounceReport report = this.parser.parse(latin1AsUtf8.getBytes(StandardCharsets.ISO_8859_1));
		assertThat(report.recipients().get(0).diagnosticText()).contains("Empfänger");
		BounceReport unknownCharset = parse(
				DSN.replace("Content-Type: text/plain\n", "Content-Type: text/plain; charset=x-no-such-charset\n"));
		assertThat(unknownCharset.type()).isEqualTo(Type.BOUNCE);
	}

	@Test
	void tenThousandRecipientsAreAllReported() {
		StringBuilder groups = new StringBuilder();
		for (int i = 0; i < 10_000; i++) {
			groups.append("Final-Recipient: rfc822; user")
				.append(i)
				.append("@example.net\nAction: failed\nStatus: 5.1.1\n\n");
		}
		String message = DSN.replace("Final-Recipient: rfc822; carol@example.net",
				groups + "Final-Recipient: rfc822; carol@example.net");
		BounceReport report = parse(message);
		assertThat(report.recipients()).hasSize(BounceParser.MAX_RECIPIENTS);
	}

	@Test
	void mebibyteFieldLineIsCutToTheFieldBound() {
		String line = "x".repeat(1024 * 1024);
		BounceReport report = parse(DSN.replace("Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>: Recipient address",
				"Diagnostic-Code: smtp; 550 5.1.1 " + line));
		BouncedRecipient bob = report.recipients().get(0);
		assertThat(bob.diagnosticText().length()).isLessThanOrEqualTo(Diagnostic.MAX_TEXT);
		assertThat(bob.diagnostic().orElseThrow().code()).isEqualTo(550);
	}

	@Test
	void jakartaMailMessageIsParsedLikeItsBytes() throws Exception {
		MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
				new ByteArrayInputStream(DSN.getBytes(StandardCharsets.US_ASCII)));
		BounceReport report = this.parser.parse(message);
		assertThat(report.recipients()).extracting(BouncedRecipient::recipient)
			.containsExactly("bob@example.net", "carol@example.net");
	}

	private BounceReport parse(String message) {
		return this.parser.parse(message.getBytes(StandardCharsets.UTF_8));
	}

}
