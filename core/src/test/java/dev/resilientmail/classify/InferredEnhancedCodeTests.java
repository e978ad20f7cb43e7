package dev.resilientmail.classify;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the server gives no enhanced code, the one reported is inferred from the reason
 * (the classification guide, section 1: user unknown X.1.1, mailbox full X.2.2, too large
 * X.3.4, relay X.7.1, reverse DNS X.7.25, SPF X.7.23, DKIM X.7.20, DMARC X.7.26, too many
 * recipients X.5.3, syntax X.5.2, rate limit X.7.0, otherwise X.0.0 or the basic code's
 * own subject), and its class always follows the basic code.
 */
class InferredEnhancedCodeTests {

	private final ReplyClassifier classifier = ReplyClassifier.defaults();

	@ParameterizedTest(name = "{0} -> {2} {3}")
	@CsvSource(delimiter = '|', textBlock = """
			550 No such user here                                  | RCPT        | MAILBOX_UNKNOWN         | 5.1.1
			450 No such user here, try again later                 | RCPT        | MAILBOX_UNKNOWN         | 4.1.1
			550 The email account that you tried to reach is disabled | RCPT     | MAILBOX_UNKNOWN         | 5.2.1
			551 User has moved; please try <bob@example.net>       | RCPT        | MAILBOX_UNKNOWN         | 5.1.6
			552 Mailbox is full                                    | RCPT        | MAILBOX_FULL            | 5.2.2
			452 Mailbox is full                                    | RCPT        | MAILBOX_FULL            | 4.2.2
			552 Message size exceeds fixed maximum message size    | END_OF_DATA | MESSAGE_TOO_LARGE       | 5.3.4
			554 Relay access denied                                | RCPT        | RELAY_DENIED            | 5.7.1
			550 Client host has no PTR record                      | CONNECT     | SENDER_BLOCKED          | 5.7.25
			550 SPF check failed for example.com                   | MAIL        | SENDER_AUTHENTICATION   | 5.7.23
			550 No valid DKIM signature found                      | END_OF_DATA | SENDER_AUTHENTICATION   | 5.7.20
			550 Rejected by DMARC policy of example.com            | END_OF_DATA | SENDER_AUTHENTICATION   | 5.7.26
			452 Too many recipients                                | RCPT        | TOO_MANY_RECIPIENTS     | 4.5.3
			500 Syntax error, command unrecognized                 | ANY         | PROTOCOL_ERROR          | 5.5.2
			450 Rate limit exceeded, slow down                     | MAIL        | RATE_LIMITED            | 4.7.0
			550 Daily sending quota exceeded                       | MAIL        | RATE_LIMITED            | 5.7.0
			450 Greylisted, please try again in a few minutes      | RCPT        | GREYLISTED              | 4.7.1
			421 Too many concurrent connections from your host     | CONNECT     | CONNECTION_LIMIT        | 4.3.2
			550 Message rejected as spam                           | END_OF_DATA | CONTENT_REJECTED        | 5.7.1
			554 Message is not RFC 5322 compliant                  | END_OF_DATA | CONTENT_REJECTED        | 5.6.0
			554 Your IP is listed at zen.spamhaus.org              | CONNECT     | SENDER_BLOCKED          | 5.7.1
			530 Authentication required                            | MAIL        | AUTHENTICATION_REQUIRED | 5.7.0
			535 Authentication credentials invalid                 | AUTH        | AUTHENTICATION_REQUIRED | 5.7.8
			550 Domain not found                                   | RCPT        | DOMAIN_NOT_FOUND        | 5.1.2
			550 Unroutable sender address                          | MAIL        | DOMAIN_NOT_FOUND        | 5.1.8
			451 Temporary local problem, please try later          | RCPT        | SYSTEM_ERROR            | 4.3.0
			554 Transaction failed                                 | END_OF_DATA | SYSTEM_ERROR            | 5.0.0
			550 something nobody wrote before                      | END_OF_DATA | UNKNOWN                 | 5.0.0
			450 something nobody wrote before                      | END_OF_DATA | UNKNOWN                 | 4.0.0
			""")
	void inferredCodeFollowsTheReasonAndItsClassTheBasicCode(String reply, String phase, FailureReason reason,
			String enhanced) {
		Classification classification = this.classifier.classify(SmtpReply.parse(reply), SmtpCommand.parse(phase));
		assertThat(classification.reason()).as(classification.evidence().toString()).isEqualTo(reason);
		assertThat(classification.enhancedCodeInferred()).isTrue();
		assertThat(classification.enhancedCode()).as(classification.evidence().toString()).hasToString(enhanced);
		assertThat(classification.enhancedCode().codeClass()).isEqualTo(reply.charAt(0) - '0');
	}

}
