package dev.resilientmail.classify;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

import static dev.resilientmail.classify.FailureKind.PERMANENT;
import static dev.resilientmail.classify.FailureKind.POLICY_PERMANENT;
import static dev.resilientmail.classify.FailureKind.POLICY_TRANSIENT;
import static dev.resilientmail.classify.FailureKind.SUCCESS;
import static dev.resilientmail.classify.FailureKind.TRANSIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class DefaultReplyClassifierTests {

	private final ReplyClassifier classifier = ReplyClassifier.defaults();

	/**
	 * Reply, phase, then the expected kind, reason, retry advice and enhanced code
	 * (marked {@code ~} when it must be inferred).
	 */
	static Stream<Arguments> notableReplies() {
		return Stream.of(
				// greylisting: transient whatever the enhanced code says
				row("450 4.2.0 <bob@example.com>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.com.html",
						"RCPT", TRANSIENT, FailureReason.GREYLISTED, true, "4.2.0"),
				row("451 Greylisting in action, please come back later", "RCPT", TRANSIENT, FailureReason.GREYLISTED,
						true, "~4.7.1"),
				row("451 4.7.1 Please try again later: graylisted", "RCPT", TRANSIENT, FailureReason.GREYLISTED, true,
						"4.7.1"),
				// rate limits: policy only when the provider ties them to reputation
				row("421 4.7.28 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail originating from your IP address.",
						"MAIL", POLICY_TRANSIENT, FailureReason.RATE_LIMITED, true, "4.7.28"),
				row("450 4.7.0 Too many messages per hour from your account, slow down", "MAIL", TRANSIENT,
						FailureReason.RATE_LIMITED, true, "4.7.0"),
				row("451 4.7.650 The mail server [192.0.2.25] has been temporarily rate limited due to IP reputation.",
						"MAIL", POLICY_TRANSIENT, FailureReason.SENDER_BLOCKED, true, "4.7.650"),
				row("451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (AS77714)", "RCPT",
						POLICY_TRANSIENT, FailureReason.RATE_LIMITED, true, "4.7.500"),
				row("421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints",
						"MAIL", POLICY_TRANSIENT, FailureReason.RATE_LIMITED, true, "4.7.0"),
				// a 5xx limit that resets is transient: the type a user catches says
				// waiting helps
				row("550 5.4.5 Daily user sending limit exceeded.", "MAIL", TRANSIENT, FailureReason.RATE_LIMITED, true,
						"5.4.5"),
				row("554 5.2.121 Recipient's hourly message receipt limit exceeded", "RCPT", TRANSIENT,
						FailureReason.RATE_LIMITED, true, "5.2.121"),
				row("421 4.7.0 Too many concurrent SMTP connections from this IP", "CONNECT", TRANSIENT,
						FailureReason.CONNECTION_LIMIT, true, "4.7.0"),
				// block lists, with and without a 5.7 code
				row("554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1",
						"RCPT", POLICY_PERMANENT, FailureReason.SENDER_BLOCKED, false, "5.7.1"),
				row("550 Mail from 192.0.2.1 refused, see https://www.spamcop.net/bl.shtml?192.0.2.1", "MAIL",
						POLICY_PERMANENT, FailureReason.SENDER_BLOCKED, false, "~5.7.1"),
				row("554 mx.example.com ESMTP not accepting messages", "CONNECT", POLICY_PERMANENT,
						FailureReason.SENDER_BLOCKED, false, "~5.7.1"),
				row("550 5.7.25 The IP address sending this message does not have a PTR record setup", "MAIL",
						POLICY_PERMANENT, FailureReason.SENDER_BLOCKED, false, "5.7.25"),
				row("550 5.7.26 Unauthenticated email from example.com is not accepted due to domain's DMARC policy",
						"END_OF_DATA", POLICY_PERMANENT, FailureReason.SENDER_AUTHENTICATION, false, "5.7.26"),
				row("550 SPF check failed for example.com", "MAIL", POLICY_PERMANENT,
						FailureReason.SENDER_AUTHENTICATION, false, "~5.7.23"),
				row("554 5.7.1 <carol@example.net>: Relay access denied", "RCPT", POLICY_PERMANENT,
						FailureReason.RELAY_DENIED, false, "5.7.1"),
				row("530 5.7.0 Must issue a STARTTLS command first", "MAIL", POLICY_PERMANENT,
						FailureReason.AUTHENTICATION_REQUIRED, false, "5.7.0"),
				// "try again later": retry even on a 5xx whose reason allows it, never on
				// an unknown mailbox
				row("554 5.3.0 Unable to process the message now, try again later", "END_OF_DATA", TRANSIENT,
						FailureReason.SYSTEM_ERROR, true, "5.3.0"),
				row("550 5.1.1 User unknown; do not try again later", "RCPT", PERMANENT, FailureReason.MAILBOX_UNKNOWN,
						false, "5.1.1"),
				// meaning beats the X.7 subject
				row("550 5.7.1 No such user", "RCPT", PERMANENT, FailureReason.MAILBOX_UNKNOWN, false, "5.7.1"),
				row("454 4.7.0 Cannot authenticate due to a temporary system problem", "AUTH", TRANSIENT,
						FailureReason.SYSTEM_ERROR, true, "4.7.0"),
				// the basic code decides transient or permanent
				row("421 5.7.32 Your message was rejected", "END_OF_DATA", POLICY_TRANSIENT,
						FailureReason.SENDER_BLOCKED, true, "5.7.32"),
				row("550 4.2.2 Mailbox full", "RCPT", PERMANENT, FailureReason.MAILBOX_FULL, false, "4.2.2"),
				// the 552-at-RCPT rule (RFC 5321 4.5.3.1.10)
				row("552 5.5.3 Too many recipients", "RCPT", TRANSIENT, FailureReason.TOO_MANY_RECIPIENTS, true,
						"5.5.3"),
				row("552 Too many recipients for this message", "RCPT", TRANSIENT, FailureReason.TOO_MANY_RECIPIENTS,
						true, "~5.5.3"),
				row("552 5.5.3 Too many recipients", "END_OF_DATA", PERMANENT, FailureReason.TOO_MANY_RECIPIENTS, false,
						"5.5.3"),
				row("552 5.2.2 Mailbox full", "RCPT", PERMANENT, FailureReason.MAILBOX_FULL, false, "5.2.2"),
				row("452 4.5.3 Too many recipients", "RCPT", TRANSIENT, FailureReason.TOO_MANY_RECIPIENTS, true,
						"4.5.3"),
				// the phase gives a bare code its meaning
				row("550 Requested action not taken: mailbox unavailable", "RCPT", PERMANENT,
						FailureReason.MAILBOX_UNKNOWN, false, "~5.1.1"),
				row("552 Message exceeds fixed maximum message size", "END_OF_DATA", PERMANENT,
						FailureReason.MESSAGE_TOO_LARGE, false, "~5.3.4"),
				row("500 5.5.2 Syntax error, command unrecognized", "ANY", PERMANENT, FailureReason.PROTOCOL_ERROR,
						false, "5.5.2"),
				// wrappers never decide over the reply they quote: its codes and text do
				row("550 SMTP error from remote mail server after RCPT TO:<bob@example.org>: host mx.example.org [192.0.2.7]: 550 5.2.2 <bob@example.org>... Mailbox full",
						"RCPT", PERMANENT, FailureReason.MAILBOX_FULL, false, "5.2.2"),
				row("550 5.1.0 - Unknown address error '5.2.2 <bob@example.org>... Mailbox Full' (delivery attempts: 0)",
						"ANY", PERMANENT, FailureReason.MAILBOX_FULL, false, "5.1.0"),
				row("550 host mx.example.org[192.0.2.7] said: 552 5.7.1 <bob@example.org>: Recipient address rejected: Greylisted, go away",
						"RCPT", POLICY_PERMANENT, FailureReason.SENDER_BLOCKED, false, "5.7.1"),
				row("550 Delivery failed for the following reason: Server mx.example.org[192.0.2.7] responded with failure: 552 too many recipients this hour",
						"RCPT", TRANSIENT, FailureReason.RATE_LIMITED, true, "~5.7.0"),
				row("550 Message could not be delivered: mailfolder is full", "RCPT", PERMANENT,
						FailureReason.MAILBOX_FULL, false, "~5.2.2"),
				row("550 A message that you sent could not be delivered. This is a permanent error.", "RCPT", PERMANENT,
						FailureReason.MAILBOX_UNKNOWN, false, "~5.1.1"),
				row("550 <bob@example.org>: Recipient address rejected", "RCPT", PERMANENT,
						FailureReason.MAILBOX_UNKNOWN, false, "~5.1.1"),
				row("554 5.7.1 <bob@example.org>: Recipient address rejected", "RCPT", POLICY_PERMANENT,
						FailureReason.SENDER_BLOCKED, false, "5.7.1"),
				row("553 host mx.example.org [192.0.2.7] SMTP error from remote mail server after end of data: 553 mail.example.net does not exist",
						"END_OF_DATA", PERMANENT, FailureReason.DOMAIN_NOT_FOUND, false, "~5.1.2"),
				row("554 5.3.2 <bob@example.org>: System not accepting network messages", "RCPT", PERMANENT,
						FailureReason.DOMAIN_NOT_FOUND, false, "5.3.2"),
				row("421 4.3.2 System not accepting network messages", "RCPT", TRANSIENT, FailureReason.SYSTEM_ERROR,
						true, "4.3.2"),
				row("501 5.5.2 <localhost>: Helo command rejected: Invalid domain name", "RCPT", PERMANENT,
						FailureReason.PROTOCOL_ERROR, false, "5.5.2"),
				// a dead mailbox must be unopposed: the sender's or a block's words win
				row("550 5.7.1 Mailbox unavailable, sender blocked", "RCPT", POLICY_PERMANENT,
						FailureReason.SENDER_BLOCKED, false, "5.7.1"),
				row("550 5.7.1 Sender does not exist", "RCPT", POLICY_PERMANENT, FailureReason.SENDER_BLOCKED, false,
						"5.7.1"),
				row("550 5.7.1 Recipient address rejected: your IP address could not be found in our allowlist", "RCPT",
						POLICY_PERMANENT, FailureReason.SENDER_BLOCKED, false, "5.7.1"),
				row("550 5.1.8 Domain of sender address bob@nowhere.example does not exist", "MAIL", PERMANENT,
						FailureReason.DOMAIN_NOT_FOUND, false, "5.1.8"),
				// a bare refusal names no failure: the code at that phase decides, and
				// before RCPT the only party refused is the sender
				row("550 Message denied", "END_OF_DATA", PERMANENT, FailureReason.UNKNOWN, false, "~5.0.0"),
				row("450 <alice@example.net>, temporarily denied", "MAIL", POLICY_TRANSIENT,
						FailureReason.SENDER_BLOCKED, true, "~4.7.1"),
				row("550 Denied by policy", "RCPT", POLICY_PERMANENT, FailureReason.SENDER_BLOCKED, false, "~5.7.1"),
				// the phase a wrapper names counts when the caller gave none
				row("550 host mx.example.org [192.0.2.7] SMTP error from remote mail server after MAIL FROM:<alice@example.net>: 550 5.1.1 User unknown",
						"ANY", POLICY_PERMANENT, FailureReason.SENDER_BLOCKED, false, "5.1.1"),
				row("550 host mx.example.org[192.0.2.7] said: 550 Requested action not taken (in reply to RCPT TO command)",
						"ANY", PERMANENT, FailureReason.MAILBOX_UNKNOWN, false, "~5.1.1"),
				// words inside names, addresses and links never decide
				row("550 Relay denied, see example.org/help/does-not-exist", "RCPT", POLICY_PERMANENT,
						FailureReason.RELAY_DENIED, false, "~5.7.1"),
				row("550 5.7.1 <does-not-exist>: Relay access denied", "RCPT", POLICY_PERMANENT,
						FailureReason.RELAY_DENIED, false, "5.7.1"),
				row("451 4.3.0 host spam-filter.example.org[192.0.2.7] said: temporary failure", "RCPT", TRANSIENT,
						FailureReason.SYSTEM_ERROR, true, "4.3.0"),
				row("535 5.7.8 Unable to normalize the user name", "AUTH", POLICY_PERMANENT,
						FailureReason.AUTHENTICATION_REQUIRED, false, "5.7.8"),
				// codes nobody registered follow their first digit
				row("499 something odd", "ANY", TRANSIENT, FailureReason.UNKNOWN, true, "~4.0.0"),
				row("599 something odd", "ANY", PERMANENT, FailureReason.UNKNOWN, false, "~5.0.0"),
				// successes
				row("250 2.1.5 Ok", "RCPT", SUCCESS, null, false, "2.1.5"),
				row("354 End data with <CR><LF>.<CR><LF>", "DATA", SUCCESS, null, false, "~2.0.0"));
	}

	private static Arguments row(String reply, String phase, FailureKind kind, FailureReason reason, boolean retry,
			String enhanced) {
		return Arguments.of(reply, SmtpCommand.parse(phase), kind, reason, retry, enhanced);
	}

	@ParameterizedTest(name = "{1} {0}")
	@MethodSource("notableReplies")
	void notableReplyIsClassifiedByTheGuide(String text, SmtpCommand phase, FailureKind kind, FailureReason reason,
			boolean retry, String enhanced) {
		Classification classification = this.classifier.classify(SmtpReply.parse(text), phase);
		assertThat(classification.kind()).as("kind").isEqualTo(kind);
		assertThat(classification.reason()).as("reason").isEqualTo(reason);
		assertThat(classification.retry()).as("retry").isEqualTo(retry);
		assertThat(classification.enhancedCodeInferred()).as("inferred").isEqualTo(enhanced.startsWith("~"));
		assertThat(classification.enhancedCode()).as("enhanced code").hasToString(enhanced.replace("~", ""));
	}

	@Test
	void greylistingWordsOnAPermanentReplyDoNotMakeItTransient() {
		Classification classification = classify("550 5.7.1 Greylisted sender is banned", SmtpCommand.RCPT);
		assertThat(classification.kind().isRetryable()).isFalse();
		assertThat(classification.reason()).isNotEqualTo(FailureReason.GREYLISTED);
	}

	@Test
	void waitTheServerAsksForIsExposed() {
		assertThat(classify("451 4.7.1 Greylisted for 300 seconds", SmtpCommand.RCPT).retryAfter())
			.contains(Duration.ofMinutes(5));
		assertThat(classify("421 4.7.0 Too many connections, try again in 2 minutes", SmtpCommand.CONNECT).retryAfter())
			.contains(Duration.ofMinutes(2));
		assertThat(classify("450 4.2.1 Rate limited, retry after 1 hour", SmtpCommand.RCPT).retryAfter())
			.contains(Duration.ofHours(1));
		assertThat(classify("451 4.7.1 try again in 100000 hours", SmtpCommand.RCPT).retryAfter())
			.as("hints longer than a day are cut to a day")
			.contains(Duration.ofDays(1));
		assertThat(classify("421 4.7.0 Please try again within 15 minutes", SmtpCommand.MAIL).retryAfter())
			.contains(Duration.ofMinutes(15));
		assertThat(classify("451 4.3.0 Temporary failure in the local system", SmtpCommand.RCPT).retryAfter())
			.isEmpty();
		assertThat(classify("451 4.7.1 Greylisted for 5 min, not for 5 days", SmtpCommand.RCPT).retryAfter())
			.as("the first hint counts")
			.contains(Duration.ofMinutes(5));
		assertThat(classify("450 4.2.1 Limit for 1 account reached, try again in 10 minutes", SmtpCommand.RCPT)
			.retryAfter()).as("a number without a unit is no hint; the next is taken").contains(Duration.ofMinutes(10));
		assertThat(classify("550 5.1.1 User unknown in virtual mailbox table", SmtpCommand.RCPT).retryAfter())
			.isEmpty();
	}

	@Test
	void phaseIsAnyWhenNotGivenAndNullReplyIsRejected() {
		SmtpReply reply = SmtpReply.parse("550 Requested action not taken: mailbox unavailable");
		assertThat(this.classifier.classify(reply, null)).isEqualTo(this.classifier.classify(reply, SmtpCommand.ANY));
		assertThatIllegalArgumentException().isThrownBy(() -> this.classifier.classify(null, SmtpCommand.RCPT))
			.withMessageContaining("null");
	}

	@Test
	void connectionFailureIsTransientWithAnInferredCode() {
		assertThat(Classification.connectionFailed(true).enhancedCode()).isEqualTo(new EnhancedStatusCode(4, 4, 1));
		assertThat(Classification.connectionFailed(false).enhancedCode()).isEqualTo(new EnhancedStatusCode(4, 4, 2));
		assertThat(Classification.connectionFailed(true).kind()).isEqualTo(TRANSIENT);
		assertThat(Classification.connectionFailed(true).reason()).isEqualTo(FailureReason.CONNECTION_FAILED);
	}

	@Test
	void userRuleRunsBeforeTheDefaultsAndKeepsTheEnhancedCode() {
		ReplyClassifier withRule = this.classifier.withRules(List.of(ClassificationRule.builder()
			.code(550)
			.text("(?i)quota")
			.kind(TRANSIENT)
			.reason(FailureReason.MAILBOX_FULL)
			.retryAfter(Duration.ofMinutes(30))
			.build()));
		SmtpReply reply = SmtpReply.parse("550 5.7.1 Mailbox quota reached, blocked");
		assertThat(this.classifier.classify(reply, SmtpCommand.RCPT).kind()).isEqualTo(PERMANENT);
		Classification classification = withRule.classify(reply, SmtpCommand.RCPT);
		assertThat(classification.kind()).isEqualTo(TRANSIENT);
		assertThat(classification.reason()).isEqualTo(FailureReason.MAILBOX_FULL);
		assertThat(classification.retry()).isTrue();
		assertThat(classification.retryAfter()).contains(Duration.ofMinutes(30));
		assertThat(classification.enhancedCode()).isEqualTo(new EnhancedStatusCode(5, 7, 1));
		assertThat(classification.enhancedCodeInferred()).isFalse();
	}

	@Test
	void ruleCanTurnATransientReplyIntoAPermanentOneAndTheFirstMatchWins() {
		ReplyClassifier withRules = this.classifier
			.withRules(List.of(ClassificationRule.builder().enhancedCode("4.7.*").kind(POLICY_PERMANENT).build(),
					ClassificationRule.builder().code(451).kind(TRANSIENT).reason(FailureReason.UNKNOWN).build()));
		Classification classification = withRules.classify(SmtpReply.parse("451 4.7.1 Greylisted"), SmtpCommand.RCPT);
		assertThat(classification.kind()).isEqualTo(POLICY_PERMANENT);
		assertThat(classification.retry()).as("retry follows the kind the rule set").isFalse();
		assertThat(classification.reason()).as("reason not set by the rule stays").isEqualTo(FailureReason.GREYLISTED);
		Classification other = withRules.classify(SmtpReply.parse("451 4.3.0 Local error"), SmtpCommand.RCPT);
		assertThat(other.reason()).isEqualTo(FailureReason.UNKNOWN);
	}

	@Test
	void ruleMatchesOnlyItsCommandAndAnInferredCodeWhenNoneWasGiven() {
		ReplyClassifier withRule = this.classifier.withRules(List
			.of(ClassificationRule.builder().command(SmtpCommand.RCPT).enhancedCode("*.1.1").retry(true).build()));
		SmtpReply reply = SmtpReply.parse("550 User unknown");
		assertThat(withRule.classify(reply, SmtpCommand.RCPT).retry()).isTrue();
		assertThat(withRule.classify(reply, SmtpCommand.MAIL).retry()).isFalse();
	}

	@Test
	void ruleNeverTurnsASuccessIntoAFailure() {
		ReplyClassifier withRule = this.classifier
			.withRules(List.of(ClassificationRule.builder().enhancedCode("*.*.*").kind(PERMANENT).build()));
		assertThat(withRule.classify(SmtpReply.parse("250 2.1.5 Ok"), SmtpCommand.RCPT).kind()).isEqualTo(SUCCESS);
		assertThat(withRule.classify(SmtpReply.parse("550 5.1.1 User unknown"), SmtpCommand.RCPT).kind())
			.isEqualTo(PERMANENT);
	}

	@Test
	void badRuleInputIsRejectedNamingWhatIsAllowed() {
		assertThatIllegalArgumentException().isThrownBy(() -> ClassificationRule.builder().code(250))
			.withMessageContaining("400 to 599");
		assertThatIllegalArgumentException().isThrownBy(() -> ClassificationRule.builder().code(600))
			.withMessageContaining("400 to 599");
		for (String pattern : Arrays.asList("5.7", "5.7.1.1", "5.a.1", "5.7.1000", "", null)) {
			assertThatIllegalArgumentException().as(pattern)
				.isThrownBy(() -> ClassificationRule.builder().enhancedCode(pattern))
				.withMessageContaining("three dot-separated parts");
		}
		assertThatIllegalArgumentException().isThrownBy(() -> ClassificationRule.builder().enhancedCode("2.*.*"))
			.withMessageContaining("the class of a failure is 4 or 5");
		assertThatIllegalArgumentException().isThrownBy(() -> ClassificationRule.builder().text("(unclosed"))
			.withMessageContaining("not a valid regular expression");
		assertThatIllegalArgumentException().isThrownBy(() -> ClassificationRule.builder().text(""))
			.withMessageContaining("must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> ClassificationRule.builder().kind(SUCCESS))
			.withMessageContaining("cannot turn a failure into SUCCESS");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ClassificationRule.builder().retryAfter(Duration.ofSeconds(-1)))
			.withMessageContaining("must not be negative");
		assertThatIllegalStateException().isThrownBy(() -> ClassificationRule.builder().kind(PERMANENT).build())
			.withMessageContaining("at least one condition");
		assertThatIllegalStateException().isThrownBy(() -> ClassificationRule.builder().code(550).build())
			.withMessageContaining("at least one effect");
		assertThatNullPointerException().isThrownBy(() -> this.classifier.withRules(null));
		assertThatNullPointerException().isThrownBy(() -> this.classifier.withRules(
				Arrays.asList(ClassificationRule.builder().code(550).retry(true).build(), (ClassificationRule) null)));
	}

	@Test
	void ruleDescribesItsConditionsAndEffects() {
		ClassificationRule rule = ClassificationRule.builder()
			.code(550)
			.enhancedCode("5.7.*")
			.command(SmtpCommand.RCPT)
			.text("(?i)quota")
			.kind(TRANSIENT)
			.reason(FailureReason.MAILBOX_FULL)
			.retry(true)
			.retryAfter(Duration.ofMinutes(5))
			.build();
		assertThat(rule).hasToString("when code=550 enhanced-code=5.7.* command=RCPT text=/(?i)quota/ then"
				+ " kind=TRANSIENT reason=MAILBOX_FULL retry=true retry-after=PT5M");
	}

	/**
	 * The decision order of the classification guide, one step per row: reply, phase,
	 * expected reason, the rule that decides.
	 */
	@ParameterizedTest(name = "{2} by {3}: {0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					550 5.7.26 This message does not pass DMARC and has been blocked        | END_OF_DATA | SENDER_AUTHENTICATION | dmarc-code
					452 4.5.3 Your message has too many recipients                          | RCPT        | TOO_MANY_RECIPIENTS   | too-many-recipients-code
					451 4.7.650 The mail server has been temporarily rate limited due to IP reputation | MAIL | SENDER_BLOCKED | microsoft-reputation-throttle-text
					452 4.5.3 rate limit exceeded                                           | RCPT        | RATE_LIMITED          | rate-limit-code-conflict
					422 4.2.2 Greylisted, please try again in a few moments.               | RCPT        | GREYLISTED            | greylisting
					550 5.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered | RCPT | RATE_LIMITED | rate-limit
					550 5.7.1 No such user                                                  | RCPT        | MAILBOX_UNKNOWN       | mailbox-unknown
					554 5.7.1 <bob@example.com>: Relay access denied                        | RCPT        | RELAY_DENIED          | relay-denied
					554 5.7.1 <bob@example.com>: Recipient address rejected: Access denied  | RCPT        | SENDER_BLOCKED        | postfix-restriction-wrapper
					550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in relay recipient table | RCPT | MAILBOX_UNKNOWN | mailbox-unknown
					550 5.2.2 <bob@example.com>... Mailbox Full                             | RCPT        | MAILBOX_FULL          | mailbox-full-code
					553 5.1.3 Invalid recipient address                                     | RCPT        | PROTOCOL_ERROR        | address-syntax-code
					550 5.1.1 some words nobody wrote a rule for                            | RCPT        | MAILBOX_UNKNOWN       | registry-mailbox-unknown
					550 some words nobody wrote a rule for                                  | RCPT        | MAILBOX_UNKNOWN       | basic-550-rcpt
					550 some words nobody wrote a rule for                                  | MAIL        | SENDER_BLOCKED        | basic-550-mail
					599 some words nobody wrote a rule for                                  | ANY         | UNKNOWN               | basic-permanent
					""")
	void eachStepOfTheDecisionOrderDecidesWhereTheGuideSays(String reply, String phase, FailureReason reason,
			String rule) {
		Classification classification = classify(reply, SmtpCommand.parse(phase));
		assertThat(classification.reason()).as(classification.evidence().toString()).isEqualTo(reason);
		assertThat(classification.ruleIds()).isEqualTo(rule);
	}

	/** The kinds of mistakes of 0.1 that issue 14 names. */
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					450 4.2.0 <info@domain.example>: Recipient address rejected: Greylisted     | RCPT        | GREYLISTED     | TRANSIENT
					454 5.5.1 STARTTLS may not be repeated                                    | STARTTLS    | PROTOCOL_ERROR | TRANSIENT
					550 5.5.2 Error: bare <LF> received                                        | END_OF_DATA | PROTOCOL_ERROR | PERMANENT
					452 4.1.1 <bob@example.net> too many recent messages; Try again later      | RCPT        | RATE_LIMITED   | TRANSIENT
					554 Blocked by mx.spamfilter.example                                       | RCPT        | SENDER_BLOCKED | POLICY_PERMANENT
					""")
	void wordingsThatMisledTheKeywordListsAreReadForTheirMeaning(String reply, String phase, FailureReason reason,
			FailureKind kind) {
		Classification classification = classify(reply, SmtpCommand.parse(phase));
		assertThat(classification.reason()).as(classification.evidence().toString()).isEqualTo(reason);
		assertThat(classification.kind()).isEqualTo(kind);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			textBlock = """
					421 4.3.2 Service not available, closing transmission channel
					421 4.3.2 <client.example[192.0.2.1]>: Client host rejected: Service not available, closing transmission channel
					421 4.3.2 <bob@example.com>: Sender address rejected: Service not available, closing transmission channel
					421 4.3.2 <bob@example.com>: Recipient address rejected: Service not available, closing transmission channel
					421 4.3.2 <client.example>: Helo command rejected: Service not available, closing transmission channel
					""")
	void postfixAccessMapServiceNotAvailableIsATransientFailureWithTheServersCode(String reply) {
		for (SmtpCommand phase : List.of(SmtpCommand.CONNECT, SmtpCommand.HELO, SmtpCommand.MAIL, SmtpCommand.RCPT,
				SmtpCommand.ANY)) {
			Classification classification = classify(reply, phase);
			assertThat(classification.kind()).as(phase + " " + classification.evidence()).isEqualTo(TRANSIENT);
			assertThat(classification.reason()).isEqualTo(FailureReason.SYSTEM_ERROR);
			assertThat(classification.enhancedCode()).hasToString("4.3.2");
			assertThat(classification.enhancedCodeInferred()).isFalse();
		}
	}

	@Test
	void replyOfOnlyAddressesAndUrlsIsClassifiedByItsCodes() {
		Classification classification = classify(
				"550 5.1.1 <bob@example.com> https://support.example/help bob@example.com 192.0.2.1", SmtpCommand.RCPT);
		assertThat(classification.reason()).isEqualTo(FailureReason.MAILBOX_UNKNOWN);
		assertThat(classification.ruleIds()).isEqualTo("registry-mailbox-unknown");
		assertThat(classify("421 <bob@example.com> [192.0.2.1]", SmtpCommand.CONNECT).kind()).isEqualTo(TRANSIENT);
	}

	@Test
	void evidenceNamesTheRuleAndWhatItMatched() {
		assertThat(classify("450 4.2.0 Greylisted", SmtpCommand.RCPT).evidence())
			.containsExactly("greylisting: phrase 'greylisted'");
		assertThat(classify("421 4.7.0 [TSS04] Messages from 192.0.2.1 deferred", SmtpCommand.MAIL).evidence())
			.containsExactly("yahoo-temporary-deferral: signal 'tss04'");
		assertThat(classify("554 5.3.0 Unable to process the message now, try again later", SmtpCommand.END_OF_DATA)
			.evidence()).containsExactly("temporary-system-problem: phrase 'unable to process'",
					"retry-later: phrase 'try again later'");
		assertThat(classify("550 5.1.1 User unknown", SmtpCommand.MAIL).ruleIds())
			.isEqualTo("mailbox-unknown+sender-phase");
		assertThat(classify("250 2.1.5 Ok", SmtpCommand.RCPT).evidence()).isEmpty();
	}

	@Test
	void retryIsAlwaysTheKindsRetryAdvice() {
		for (String reply : List.of("550 5.4.5 Daily user sending limit exceeded", "451 4.7.1 Greylisted",
				"550 5.1.1 User unknown", "421 4.7.28 unusual rate", "554 5.7.1 Relay access denied")) {
			Classification classification = classify(reply, SmtpCommand.RCPT);
			assertThat(classification.retry()).as(reply).isEqualTo(classification.kind().isRetryable());
		}
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Classification(PERMANENT, FailureReason.RATE_LIMITED, new EnhancedStatusCode(5, 4, 5),
					false, true, Optional.empty()))
			.withMessageContaining("retry advice true contradicts kind PERMANENT");
	}

	@Test
	void userRuleWithOnlyCommandAnyIsRefusedAndRetryMustAgreeWithKind() {
		assertThatIllegalStateException()
			.isThrownBy(() -> ClassificationRule.builder().command(SmtpCommand.ANY).kind(PERMANENT).build())
			.withMessageContaining("only command ANY would reclassify every failure");
		assertThatIllegalStateException()
			.isThrownBy(() -> ClassificationRule.builder().code(550).kind(PERMANENT).retry(true).build())
			.withMessageContaining("retry=true contradicts kind=PERMANENT");
		ReplyClassifier withRule = this.classifier
			.withRules(List.of(ClassificationRule.builder().code(554).text("(?i)relay").retry(true).build()));
		Classification classification = withRule.classify(SmtpReply.parse("554 5.7.1 Relay access denied"),
				SmtpCommand.RCPT);
		assertThat(classification.kind()).as("retry alone keeps the policy-ness").isEqualTo(POLICY_TRANSIENT);
		assertThat(classification.evidence().get(0)).startsWith("user-rule-1: when code=554");
	}

	private Classification classify(String reply, SmtpCommand phase) {
		return this.classifier.classify(SmtpReply.parse(reply), phase);
	}

}
