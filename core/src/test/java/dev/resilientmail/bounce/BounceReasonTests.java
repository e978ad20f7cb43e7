package dev.resilientmail.bounce;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.resilientmail.bounce.BouncedRecipient.Action;
import dev.resilientmail.classify.FailureKind;
import dev.resilientmail.classify.FailureReason;
import dev.resilientmail.reply.SmtpCommand;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which words of a bounce decide a recipient's reason: the diagnostic first, the report's
 * own text about the recipient where only codes would decide.
 */
class BounceReasonTests {

	private final BounceParser parser = BounceParser.defaults();

	@Test
	void explanationAboveTheAddressDecidesWhenNothingFollowsIt() {
		BouncedRecipient recipient = only("""
				From: POSTMASTER@gw.example.com
				To: sender@example.com
				Subject: Undeliverable message

				------- Failure Reasons  --------

				User  not listed in public Name & Address Book
				bob@example.net


				------- Returned Message --------
				From: sender@example.com
				To: bob@example.net
				Subject: hello

				hello
				""");
		assertThat(recipient.recipient()).isEqualTo("bob@example.net");
		assertThat(recipient.classification().reason()).isEqualTo(FailureReason.MAILBOX_UNKNOWN);
	}

	@Test
	void labelBeforeTheAddressDecidesWhenTheTextAfterItIsVague() {
		BouncedRecipient recipient = only("""
				From: MAILER-DAEMON@example.com
				To: sender@example.com
				Subject: Returned mail: hello

				User's mailbox is full: <bob@example.net>
				Unable to deliver mail.
				""");
		assertThat(recipient.classification().reason()).isEqualTo(FailureReason.MAILBOX_FULL);
	}

	@Test
	void transcriptAboveAStatusThatNamesOnlyASubjectDecides() {
		BouncedRecipient recipient = only(dsn("""
				   ----- The following addresses had permanent fatal errors -----
				<bob@example.net>

				   ----- Transcript of session follows -----
				mail.local: unknown user: bob
				554 <bob@example.net>... Service unavailable
				""", """
				Final-Recipient: RFC822; <bob@example.net>
				Action: failed
				Status: 5.5.0
				"""));
		// the status X.5.0 alone would read as a protocol error
		assertThat(recipient.classification().reason()).isEqualTo(FailureReason.MAILBOX_UNKNOWN);
		assertThat(recipient.status().orElseThrow()).hasToString("5.5.0");
	}

	@Test
	void localDeliveryProgramFailureIsTheMailSystems() {
		BouncedRecipient recipient = only(dsn("""
				   ----- Transcript of session follows -----
				451 4.0.0 Something went wrong
				""", """
				Final-Recipient: RFC822; bob@example.net
				X-Actual-Recipient: X-Unix; |/usr/local/bin/deliver
				Action: delayed
				Status: 4.5.0
				Diagnostic-Code: X-Unix; 71
				"""));
		assertThat(recipient.action()).isEqualTo(Action.DELAYED);
		assertThat(recipient.classification().reason()).isEqualTo(FailureReason.SYSTEM_ERROR);
		assertThat(recipient.classification().kind()).isEqualTo(FailureKind.TRANSIENT);
	}

	@Test
	void specificStatusDecidesOverAReplyThatSaysOnlyXZeroZero() {
		BouncedRecipient recipient = only(dsn("Delivery failed.\n", """
				Final-Recipient: rfc822; bob@example.net
				Action: failed
				Status: 5.2.2
				Diagnostic-Code: smtp; 552 5.0.0 Requested action not taken
				"""));
		assertThat(recipient.classification().reason()).isEqualTo(FailureReason.MAILBOX_FULL);
	}

	@Test
	void textAboutOneRecipientStopsAtTheNextRecipient() {
		BounceReport report = parse(dsn("""
				An error has occurred while attempting to deliver a message:

				bob@example.net: 550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown
				carol@example.net: 552 5.2.2 <carol@example.net>: Recipient address rejected: Mailbox full
				""", """
				Final-Recipient: rfc822; bob@example.net
				Action: failed
				Status: 5.0.0

				Final-Recipient: rfc822; carol@example.net
				Action: failed
				Status: 5.0.0
				"""));
		assertThat(report.recipients()).extracting((recipient) -> recipient.classification().reason())
			.containsExactly(FailureReason.MAILBOX_UNKNOWN, FailureReason.MAILBOX_FULL);
	}

	@Test
	void sendmailSummaryLineKeepsItsCodeAndTheReplyQuotedAboveIt() {
		BouncedRecipient recipient = only("""
				From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>
				To: sender@example.com
				Subject: Returned mail: Remote protocol error

				   ----- Transcript of session follows -----
				While talking to mx.example.net:
				>>> MAIL From:<sender@example.com>
				<<< 550 Relaying denied
				554 <bob@example.net>... Remote protocol error
				421 other.example (smtp)... Deferred: Connection timed out during user open with other.example

				   ----- Unsent message follows -----
				From: sender@example.com
				To: bob@example.net
				Subject: hello

				hello
				""");
		assertThat(recipient.diagnostic().orElseThrow().code()).isEqualTo(550);
		assertThat(recipient.classification().reason()).isEqualTo(FailureReason.RELAY_DENIED);
		assertThat(recipient.classification().kind()).isEqualTo(FailureKind.POLICY_PERMANENT);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			mailbox is full: retry timeout exceeded | MAILBOX_FULL
			retry timeout exceeded                  | SYSTEM_ERROR
			""")
	void eximsGiveUpSuffixNeverHidesTheCauseItFollows(String failure, FailureReason reason) {
		BouncedRecipient recipient = only("""
				From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
				To: sender@example.com
				Subject: Mail delivery failed: returning message to sender

				This message was created automatically by mail delivery software.

				A message that you sent could not be delivered to one or more of its
				recipients. This is a permanent error. The following address(es) failed:

				  bob@example.net
				    %s

				------ This is a copy of the message, including all the headers. ------
				From: sender@example.com
				To: bob@example.net
				Subject: hello
				""".formatted(failure));
		assertThat(recipient.classification().reason()).isEqualTo(reason);
	}

	@Test
	void phaseNamedInTheExplanationAppliesToTheDiagnostic() {
		BouncedRecipient recipient = only(dsn("""
				This is the mail system at host mx.example.org.

				<bob@example.net>: host mx.example.net[192.0.2.1] said: 550 5.1.1 User unknown
				    (in reply to MAIL FROM command)
				""", """
				Final-Recipient: rfc822; bob@example.net
				Action: failed
				Status: 5.1.1
				Diagnostic-Code: smtp; 550 5.1.1 User unknown
				"""));
		// the server refused the sender, not the recipient: never a reason to suppress
		// bob
		assertThat(recipient.phase()).isEqualTo(SmtpCommand.MAIL);
		assertThat(recipient.classification().reason()).isNotEqualTo(FailureReason.MAILBOX_UNKNOWN);
	}

	@Test
	void permanentReplyQuotedInADelayNoticeIsAFailure() {
		BouncedRecipient recipient = only("""
				From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
				To: sender@example.com
				Subject: Delayed Mail (still being retried)

				This is the mail system at host mx.example.org.

				####################################################################
				# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
				####################################################################

				<bob@example.net>: host mx.example.net[192.0.2.1] said: 550 5.1.1 User unknown
				    (in reply to RCPT TO command)
				""");
		assertThat(recipient.action()).isEqualTo(Action.FAILED);
	}

	private static String dsn(String human, String fields) {
		return """
				From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>
				To: sender@example.com
				Subject: Returned mail: see transcript for details
				MIME-Version: 1.0
				Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

				--B1
				Content-Type: text/plain

				""" + human + """

				--B1
				Content-Type: message/delivery-status

				Reporting-MTA: dns; mx.example.org

				""" + fields + """

				--B1--
				""";
	}

	private BouncedRecipient only(String message) {
		BounceReport report = parse(message);
		assertThat(report.recipients()).hasSize(1);
		return report.recipients().get(0);
	}

	private BounceReport parse(String message) {
		return this.parser.parse(message.getBytes(StandardCharsets.UTF_8));
	}

}
