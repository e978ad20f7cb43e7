package dev.resilientmail.reply;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ReplyParserTests {

	private static final String GMAIL_NO_SUCH_USER = """
			550-5.1.1 The email account that you tried to reach does not exist. Please try\r
			550-5.1.1 double-checking the recipient's email address for typos or\r
			550-5.1.1 unnecessary spaces. For more information, go to\r
			550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1-20020a170906.2 - gsmtp\r
			""";

	@Test
	void oneLineReplyHasItsCodeEnhancedCodeAndText() {
		SmtpReply reply = SmtpReply
			.parse("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table");
		assertThat(reply.code()).isEqualTo(550);
		assertThat(reply.codeClass()).isEqualTo(5);
		assertThat(reply.isFailure()).isTrue();
		assertThat(reply.enhancedCode()).contains(new EnhancedStatusCode(5, 1, 1));
		assertThat(reply.text())
			.isEqualTo("5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table");
		assertThat(reply.lines()).hasSize(1);
	}

	@Test
	void multiLineReplyKeepsEveryLineAndJoinsTheText() {
		SmtpReply reply = SmtpReply.parse(GMAIL_NO_SUCH_USER);
		assertThat(reply.code()).isEqualTo(550);
		assertThat(reply.enhancedCode()).contains(new EnhancedStatusCode(5, 1, 1));
		assertThat(reply.lines()).hasSize(4)
			.first()
			.isEqualTo("550-5.1.1 The email account that you tried to reach does not exist. Please try");
		assertThat(reply.text()).startsWith("5.1.1 The email account")
			.contains("\n5.1.1 double-checking")
			.endsWith("a1-20020a170906.2 - gsmtp")
			.doesNotContain("\r");
		assertThat(reply).hasToString(String.join("\n", reply.lines()));
	}

	@Test
	void crlfAndLfAndTrailingWhitespaceReadTheSame() {
		SmtpReply lf = SmtpReply.parse("250-mx.example.com\n250-PIPELINING\n250 SIZE 10240000\n");
		SmtpReply crlf = SmtpReply.parse("250-mx.example.com\r\n250-PIPELINING \t\r\n250 SIZE 10240000\r\n\r\n");
		assertThat(crlf).isEqualTo(lf);
		assertThat(lf.lines()).containsExactly("250-mx.example.com", "250-PIPELINING", "250 SIZE 10240000");
	}

	@Test
	void replyWithoutEnhancedCodeHasNone() {
		SmtpReply reply = SmtpReply.parse("550 Requested action not taken: mailbox unavailable");
		assertThat(reply.enhancedCode()).isEmpty();
	}

	@Test
	void enhancedCodeWhoseClassContradictsTheBasicCodeIsKept() {
		SmtpReply reply = SmtpReply.parse("421 5.7.32 Your message was rejected; try again later");
		assertThat(reply.code()).isEqualTo(421);
		assertThat(reply.codeClass()).isEqualTo(4);
		assertThat(reply.enhancedCode()).contains(new EnhancedStatusCode(5, 7, 32));
	}

	static Stream<Arguments> enhancedCodes() {
		return Stream.of(Arguments.of("451 4.3.0 Temporary lookup failure", new EnhancedStatusCode(4, 3, 0)),
				Arguments.of("550 5.7.133 Sender not authenticated for group", new EnhancedStatusCode(5, 7, 133)),
				Arguments.of("550 5.1.10 Recipient address rejected", new EnhancedStatusCode(5, 1, 10)),
				Arguments.of("550 5.999.999 Made up but well formed", new EnhancedStatusCode(5, 999, 999)),
				Arguments.of("421 4.7.650 The mail server has been temporarily rate limited",
						new EnhancedStatusCode(4, 7, 650)),
				// qmail writes the code at the end
				Arguments.of("553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)",
						new EnhancedStatusCode(5, 7, 1)),
				Arguments.of("550 sorry, no mailbox here by that name. (#5.1.1)", new EnhancedStatusCode(5, 1, 1)),
				// after a '#' the server's word counts even when its class disagrees
				Arguments.of("451 qq temporary problem (#4.3.0)", new EnhancedStatusCode(4, 3, 0)),
				Arguments.of("554 Message not allowed - 5.7.1 [BL23] listed", new EnhancedStatusCode(5, 7, 1)),
				// a code that ends a sentence
				Arguments.of("550 Rejected, see error 5.7.1.", new EnhancedStatusCode(5, 7, 1)),
				Arguments.of("550 5.2.1. Mailbox disabled", new EnhancedStatusCode(5, 2, 1)),
				// the token right after the code wins over codes in the text
				Arguments.of("550 5.1.1 mailbox unknown, see 5.7.1 too", new EnhancedStatusCode(5, 1, 1)),
				// lowercase text and a code on the last line only
				Arguments.of("550-mx.example.com says\n550 5.2.2 mailbox full", new EnhancedStatusCode(5, 2, 2)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("enhancedCodes")
	void enhancedCodeIsFoundWhereRealServersPutIt(String text, EnhancedStatusCode expected) {
		assertThat(SmtpReply.parse(text).enhancedCode()).contains(expected);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "550 Blocked 5.10.20.30", "421 Version 4.16.55.1 is busy", "550 Client 5.1.1.1 rejected",
			"550 5.1.1000 too many digits", "550 5.1111.1 too many digits", "550 3.1.1 no such class",
			"451 see 5.7.1 for details", "550 5..1 empty subject" })
	void numbersThatOnlyLookLikeEnhancedCodesAreNotTaken(String text) {
		// IPs and versions have four parts; a mid-text code of another class than the
		// basic code is not the server's status (CLASSIFICATION.md section 1)
		assertThat(SmtpReply.parse(text).enhancedCode()).isEmpty();
	}

	@Test
	void greetingWithTwoCodesIsReadByTheLastLine() {
		SmtpReply reply = SmtpReply.parse("220-mx.example.com ESMTP\r\n421 4.3.2 Service shutting down\r\n");
		assertThat(reply.code()).isEqualTo(421);
		assertThat(reply.enhancedCode()).contains(new EnhancedStatusCode(4, 3, 2));
		assertThat(reply.isFailure()).isTrue();
	}

	@Test
	void bareCodeAndLowercaseTextAreAccepted() {
		SmtpReply bare = SmtpReply.parse("250");
		assertThat(bare.code()).isEqualTo(250);
		assertThat(bare.text()).isEmpty();
		assertThat(bare.enhancedCode()).isEmpty();
		SmtpReply lower = SmtpReply.parse("250 ok");
		assertThat(lower.text()).isEqualTo("ok");
		assertThat(lower.isFailure()).isFalse();
	}

	@ParameterizedTest(name = "[{0}]")
	@ValueSource(strings = { "", " ", "\r\n", "\n\n\n", " \t \r\n " })
	void emptyInputIsRejected(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> SmtpReply.parse(text)).withMessageContaining("empty");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "55 Blocked", "5 x", "2500 ok", "600 out of range", "199 too low", "hello world", "<html>",
			"ABC def", "550x no separator", "-550 dash first" })
	void replyWithoutAThreeDigitCodeIsRejectedNamingWhatIsExpected(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> SmtpReply.parse(text))
			.withMessageContaining("three-digit reply code from 200 to 599");
	}

	@Test
	void nullIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> SmtpReply.parse(null)).withMessageContaining("null");
	}

	@Test
	void replyLongerThan64KibIsRejectedBeforeItIsRead() {
		String longest = "550 " + "x".repeat(SmtpReply.MAX_LENGTH - 4);
		assertThat(SmtpReply.parse(longest).code()).isEqualTo(550);
		assertThatIllegalArgumentException().isThrownBy(() -> SmtpReply.parse(longest + "x"))
			.withMessageContaining(String.valueOf(SmtpReply.MAX_LENGTH + 1))
			.withMessageContaining("at most " + SmtpReply.MAX_LENGTH);
		// 16 million characters: rejected by length alone, no lines are made
		String huge = "550 ".repeat(4 * 1024 * 1024);
		assertThatIllegalArgumentException().isThrownBy(() -> SmtpReply.parse(huge))
			.withMessageContaining("at most " + SmtpReply.MAX_LENGTH);
	}

	@Test
	void replyWithMoreThan100LinesIsRejected() {
		String hundred = lines(SmtpReply.MAX_LINES);
		assertThat(SmtpReply.parse(hundred).lines()).hasSize(SmtpReply.MAX_LINES);
		assertThatIllegalArgumentException().isThrownBy(() -> SmtpReply.parse(lines(SmtpReply.MAX_LINES + 1)))
			.withMessageContaining("more than " + SmtpReply.MAX_LINES + " lines");
		// as many LFs as fit in 64 KiB between two lines of text
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SmtpReply.parse("250-a" + "\n".repeat(SmtpReply.MAX_LENGTH - 16) + "250 b"))
			.withMessageContaining("more than " + SmtpReply.MAX_LINES + " lines");
	}

	@Test
	void blankLinesAroundTheReplyDoNotCountTowardsTheLineLimit() {
		String reply = "\r\n".repeat(5) + lines(SmtpReply.MAX_LINES) + "\r\n".repeat(500);
		SmtpReply parsed = SmtpReply.parse(reply);
		assertThat(parsed.lines()).hasSize(SmtpReply.MAX_LINES);
		assertThat(parsed.code()).isEqualTo(550);
		assertThat(parsed.lines().get(SmtpReply.MAX_LINES - 1)).isEqualTo("550 line " + SmtpReply.MAX_LINES);
	}

	@Test
	void nonAsciiTextIsKeptAsItIs() {
		SmtpReply reply = SmtpReply.parse("550 5.1.1 Destinataire invalide: utilisateur « émile » 用户不存在");
		assertThat(reply.enhancedCode()).contains(new EnhancedStatusCode(5, 1, 1));
		assertThat(reply.text()).isEqualTo("5.1.1 Destinataire invalide: utilisateur « émile » 用户不存在");
	}

	@Test
	void controlCharactersAreReplacedAndTabsBecomeSpaces() {
		SmtpReply reply = SmtpReply.parse("550 5.1.1 bad\u0000user\u001b[31m\tred\u0085end\u007f\rx\r\n");
		assertThat(reply.lines()).containsExactly("550 5.1.1 bad\uFFFDuser\uFFFD[31m red\uFFFDend\uFFFD\uFFFDx");
		assertThat(reply.enhancedCode()).contains(new EnhancedStatusCode(5, 1, 1));
	}

	@Test
	void controlCharacterInTheCodeIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> SmtpReply.parse("5\u00005 x"))
			.withMessageContaining("\uFFFD")
			.withMessageNotContaining("\u0000");
	}

	@Test
	void continuationLinesWithoutCodeAreText() {
		SmtpReply reply = SmtpReply.parse("554-Transaction failed\nsee the policy page\n554 5.7.1 rejected");
		assertThat(reply.code()).isEqualTo(554);
		assertThat(reply.text()).isEqualTo("Transaction failed\nsee the policy page\n5.7.1 rejected");
		assertThat(reply.enhancedCode()).contains(new EnhancedStatusCode(5, 7, 1));
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "5.7", "3.1.1", "5.1000.1", "5.1.1.1", "x.1.1", "5.1.1 ", "", "5.a.1" })
	void malformedEnhancedCodeIsRejectedWithTheExpectedForm(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> EnhancedStatusCode.parse(text))
			.withMessageContaining("class.subject.detail");
	}

	@Test
	void enhancedCodeParsesAndPrintsInItsUsualNotation() {
		assertThat(EnhancedStatusCode.parse("5.7.133")).isEqualTo(new EnhancedStatusCode(5, 7, 133))
			.hasToString("5.7.133");
		assertThat(EnhancedStatusCode.parse("4.2.2").withClass(5)).isEqualTo(new EnhancedStatusCode(5, 2, 2));
		assertThatIllegalArgumentException().isThrownBy(() -> EnhancedStatusCode.parse(null))
			.withMessageContaining("null");
		assertThatIllegalArgumentException().isThrownBy(() -> new EnhancedStatusCode(3, 1, 1))
			.withMessageContaining("2, 4 or 5");
		assertThatIllegalArgumentException().isThrownBy(() -> new EnhancedStatusCode(5, 1000, 1))
			.withMessageContaining("0 to 999");
	}

	private static String lines(int count) {
		List<String> lines = new ArrayList<>();
		for (int i = 1; i < count; i++) {
			lines.add("550-line " + i);
		}
		lines.add("550 line " + count);
		return String.join("\r\n", lines);
	}

}
