package dev.resilientmail.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.ReplyCatalog;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

import static org.assertj.core.api.Assertions.assertThat;

class ExplainTests {

	/**
	 * The six columns of the contract; {@link #sixColumns} cuts every output line to
	 * them.
	 */
	private static final String HEADER = "code\tenhanced\tenhanced_inferred\tkind\treason\tretry";

	private static final String USER_UNKNOWN = "550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table";

	private final ReplyCatalog catalog = ReplyCatalog.standard();

	@Test
	void replyArgumentIsExplainedForAPerson() {
		Result result = explain("explain", "--phase", "RCPT", USER_UNKNOWN);
		assertThat(result.status()).isZero();
		assertThat(result.err()).isEmpty();
		assertThat(result.outLines()).containsExactly("Reply:       " + USER_UNKNOWN, "Phase:       RCPT",
				"Code:        550: " + this.catalog.describeBasic(550) + " ["
						+ this.catalog.basic(550).orElseThrow().reference() + "]",
				"Enhanced:    5.1.1, given by the server: " + this.catalog.describe(EnhancedStatusCode.parse("5.1.1")),
				"Kind:        PERMANENT: "
						+ HumanExplanation.describe(dev.resilientmail.classify.FailureKind.PERMANENT),
				"Reason:      MAILBOX_UNKNOWN: "
						+ HumanExplanation.describe(dev.resilientmail.classify.FailureReason.MAILBOX_UNKNOWN),
				"Retry:       no: the same message to the same recipient will fail the same way",
				"Because:     phrase 'recipient address rejected user unknown' (rule mailbox-unknown); enhanced code 5.1.1"
						+ " given by the server");
	}

	@Test
	void inferredCodeContradictingClassAndRetryAfterAreShown() {
		Result inferred = explain("explain", "--phase=rcpt", "550 Requested action not taken: mailbox unavailable");
		assertThat(inferred.outLines()).contains("Phase:       RCPT");
		assertThat(inferred.out()).contains("Enhanced:    5.1.1, inferred (the server gave none): ");
		Result contradicting = explain("explain", "421 5.7.32 DKIM signature failed\\nplease try again in 5 minutes");
		assertThat(contradicting.outLines()).contains("Reply:       421 5.7.32 DKIM signature failed",
				"             please try again in 5 minutes",
				"             Its class 5 disagrees with the basic code 421; the basic code decides that the failure is transient.",
				"Retry after: 5 minutes (PT5M), as the reply asks");
		assertThat(contradicting.out()).contains("Phase:       ANY (not given;")
			.contains("Kind:        POLICY_TRANSIENT: ");
	}

	@Test
	void resettingQuotaOnAPermanentReplyIsTransient() {
		Result result = explain("explain", "--phase", "MAIL", "550 5.4.5 Daily user sending limit exceeded.");
		assertThat(result.out()).contains("Kind:        TRANSIENT: ")
			.contains("Reason:      RATE_LIMITED: ")
			.contains("Retry:       yes: sending the same message again later can succeed")
			.contains("Because:     phrase 'daily user sending limit exceeded' (rule rate-limit)");
	}

	@Test
	void successIsExplainedWithoutAReason() {
		Result result = explain("250 2.0.0 Ok: queued as 4C0DE");
		assertThat(result.status()).isZero();
		assertThat(result.out()).contains("Kind:        SUCCESS: not a failure")
			.contains("Reason:      none (not a failure)")
			.contains("Retry:       no: not a failure")
			.doesNotContain("Retry after");
	}

	@Test
	void replyTextIsPrintedWithoutControlOrFormatCharacters() {
		Result result = explain("explain", "550 5.1.1 bad\u001b[2J\u202Euser\u0007 unknown");
		assertThat(result.status()).isZero();
		assertThat(result.out()).contains("Reply:       550 5.1.1 bad\uFFFD[2J\uFFFDuser\uFFFD unknown")
			.doesNotContain("\u001b")
			.doesNotContain("\u202E")
			.doesNotContain("\u0007");
	}

	@Test
	void tsvPrintsAHeaderAndOneLinePerInputLine() {
		String input = String.join("\n", "RCPT\t" + USER_UNKNOWN, "MAIL\t550 5.7.1 Client host rejected: blocked",
				"RCPT\t450 4.2.0 <bob@example.com>: Recipient address rejected: Greylisted for 300 seconds",
				"rcpt\t552 5.5.3 Too many recipients", "END_OF_DATA\t552 5.5.3 Too many recipients",
				"END_OF_DATA\t250 2.0.0 Ok: queued as 4C0DE", "DATA\t354 End data with <CR><LF>.<CR><LF>",
				"ANY\t550-5.1.1 The email account that you tried to reach does not exist.\\n550 5.1.1 https://support.google.com/mail/?p=NoSuchUser - gsmtp")
				+ "\n";
		Result result = withInput(input, "explain", "--tsv");
		assertThat(result.status()).isZero();
		assertThat(result.err()).isEmpty();
		assertThat(sixColumns(result.outLines())).containsExactly(HEADER,
				"550\t5.1.1\tfalse\tPERMANENT\tMAILBOX_UNKNOWN\tno",
				"550\t5.7.1\tfalse\tPOLICY_PERMANENT\tSENDER_BLOCKED\tno",
				"450\t4.2.0\tfalse\tTRANSIENT\tGREYLISTED\tyes",
				"552\t5.5.3\tfalse\tTRANSIENT\tTOO_MANY_RECIPIENTS\tyes",
				"552\t5.5.3\tfalse\tPERMANENT\tTOO_MANY_RECIPIENTS\tno", "250\t2.0.0\tfalse\tSUCCESS\t\tno",
				"354\t2.0.0\ttrue\tSUCCESS\t\tno", "550\t5.1.1\tfalse\tPERMANENT\tMAILBOX_UNKNOWN\tno");
	}

	@Test
	void tsvPhaseDecidesWhatABareCodeMeans() {
		Result result = withInput("RCPT\t550 Requested action not taken\nMAIL\t550 Requested action not taken\n"
				+ "CONNECT\t554 Requested action not taken\nANY\t550 Requested action not taken\n", "--tsv");
		assertThat(sixColumns(result.outLines())).containsExactly(HEADER,
				"550\t5.1.1\ttrue\tPERMANENT\tMAILBOX_UNKNOWN\tno",
				"550\t5.7.1\ttrue\tPOLICY_PERMANENT\tSENDER_BLOCKED\tno",
				"554\t5.7.1\ttrue\tPOLICY_PERMANENT\tSENDER_BLOCKED\tno", "550\t5.0.0\ttrue\tPERMANENT\tUNKNOWN\tno");
	}

	@Test
	void everyPhaseNameIsAccepted() {
		StringBuilder input = new StringBuilder();
		for (SmtpCommand phase : SmtpCommand.values()) {
			input.append(phase.name()).append("\t451 4.3.0 Local error in processing\n");
		}
		Result result = withInput(input.toString(), "explain", "--tsv");
		assertThat(result.outLines()).hasSize(SmtpCommand.values().length + 1)
			.allSatisfy((line) -> assertThat(line).doesNotContain("INVALID"));
	}

	@Test
	void malformedLinesGetAnInvalidLineOfTheirOwnAndTheRestGoesOn() {
		String tooLong = "RCPT\t550 " + "x".repeat(TsvExplanation.MAX_LINE + 10);
		String input = String.join("\n", "RCPT 550 no tab here", "HELLO\t550 5.1.1 User unknown", "RCPT\t55 Blocked",
				"RCPT\tgarbage", "", "RCPT\t", tooLong, "RCPT\t" + "550-x\\n".repeat(101) + "550 y",
				"RCPT\t550 5.1.1 User unknown");
		Result result = withInput(input, "explain", "--tsv");
		assertThat(result.status()).isZero();
		List<String> lines = result.outLines();
		assertThat(lines).hasSize(10);
		assertThat(lines.get(0)).isEqualTo(HEADER + "\trule");
		for (String line : lines.subList(1, 9)) {
			String[] columns = line.split("\t", -1);
			assertThat(columns).as(line).hasSize(7);
			assertThat(columns[0] + columns[1] + columns[2] + columns[5] + columns[6]).as(line).isEmpty();
			assertThat(columns[3]).as(line).isEqualTo("INVALID");
			assertThat(columns[4]).as(line).isNotBlank().hasSizeLessThan(300);
		}
		assertThat(lines.get(1)).contains("expected PHASE<TAB>REPLY");
		assertThat(lines.get(2)).contains("unknown phase 'HELLO'").contains("END_OF_DATA");
		assertThat(lines.get(3)).contains("three-digit reply code");
		assertThat(lines.get(4)).contains("'garbage'");
		assertThat(lines.get(5)).contains("empty line");
		assertThat(lines.get(6)).contains("empty");
		assertThat(lines.get(7)).contains("longer than " + TsvExplanation.MAX_LINE);
		assertThat(lines.get(8)).contains("more than 100 lines");
		assertThat(lines.get(9)).isEqualTo("550\t5.1.1\tfalse\tPERMANENT\tMAILBOX_UNKNOWN\tno\tmailbox-unknown");
	}

	@Test
	void tsvAcceptsCrlfAByteOrderMarkAndALastLineWithoutLineBreak() {
		Result result = withInput("\uFEFFRCPT\t550 5.1.1 User unknown\r\nRCPT\t250 2.1.5 Ok", "explain", "--tsv");
		assertThat(sixColumns(result.outLines())).containsExactly(HEADER,
				"550\t5.1.1\tfalse\tPERMANENT\tMAILBOX_UNKNOWN\tno", "250\t2.1.5\tfalse\tSUCCESS\t\tno");
	}

	@Test
	void errorMessagesInTsvCannotBreakTheColumns() {
		Result result = withInput("RCPT\t5\u00015\tx\u2028y\n", "explain", "--tsv");
		List<String> lines = result.outLines();
		assertThat(lines).hasSize(2);
		assertThat(lines.get(1).split("\t", -1)).hasSize(7);
		assertThat(lines.get(1)).doesNotContain("\u0001").doesNotContain("\u2028");
	}

	@Test
	void emptyInputPrintsOnlyTheHeader() {
		Result result = withInput("", "explain", "--tsv");
		assertThat(result.status()).isZero();
		assertThat(result.out()).isEqualTo(HEADER + "\trule\n");
		assertThat(result.err()).isEmpty();
	}

	@Test
	void unreadableInputExitsWithOne() {
		InputStream broken = new InputStream() {

			private int calls;

			@Override
			public int read() throws IOException {
				throw new IOException("device gone");
			}

			@Override
			public int read(byte[] buffer, int offset, int length) throws IOException {
				if (this.calls++ == 0) {
					byte[] line = "RCPT\t250 2.1.5 Ok\n".getBytes(StandardCharsets.UTF_8);
					System.arraycopy(line, 0, buffer, offset, line.length);
					return line.length;
				}
				throw new IOException("device gone");
			}

		};
		Result result = explain(broken, "explain", "--tsv");
		assertThat(result.status()).isEqualTo(1);
		assertThat(sixColumns(result.outLines())).containsExactly(HEADER, "250\t2.1.5\tfalse\tSUCCESS\t\tno");
		assertThat(result.err()).contains("cannot read standard input: device gone");
	}

	@ParameterizedTest
	@ValueSource(strings = { "explain --help", "explain -h", "--help", "explain --phase RCPT --help" })
	void helpExplainsUsageAndExitsWithZero(String args) {
		Result result = explain(args.split(" "));
		assertThat(result.status()).isZero();
		assertThat(result.err()).isEmpty();
		assertThat(result.out()).startsWith("Usage: java -jar resilient-mail-core.jar explain [--phase PHASE] REPLY")
			.contains("--tsv")
			.contains(HEADER.replace('\t', ' '))
			.contains("CONNECT EHLO HELO STARTTLS AUTH MAIL RCPT DATA END_OF_DATA RSET")
			.contains("INVALID")
			.contains("Exit status");
	}

	@Test
	void badArgumentsPrintAUsageErrorAndExitWithTwo() {
		List<List<String>> cases = List.of(List.of(), List.of("explain"), List.of("explain", "--verbose", "250 ok"),
				List.of("explain", "--phase"), List.of("explain", "--phase", "SEND", "250 ok"),
				List.of("explain", "--tsv", "250 ok"), List.of("explain", "--tsv", "--phase", "RCPT"),
				List.of("explain", "250 ok", "550 no"), List.of("explain", "--phase", "RCPT", "--phase", "MAIL", "x"),
				List.of("explain", "--tsv=yes"));
		List<String> messages = new ArrayList<>();
		for (List<String> args : cases) {
			Result result = explain(args.toArray(new String[0]));
			assertThat(result.status()).as(args.toString()).isEqualTo(2);
			assertThat(result.out()).as(args.toString()).isEmpty();
			assertThat(result.err()).as(args.toString())
				.startsWith("explain: ")
				.contains("Usage: java -jar resilient-mail-core.jar explain");
			messages.add(result.err().lines().findFirst().orElseThrow());
		}
		assertThat(messages).containsExactly("explain: missing REPLY (or --tsv to read replies from standard input)",
				"explain: missing REPLY (or --tsv to read replies from standard input)",
				"explain: unknown option '--verbose'",
				"explain: --phase needs a value: one of "
						+ String.join(" ", Arrays.stream(SmtpCommand.values()).map(Enum::name).toList()),
				"explain: unknown phase 'SEND'; expected one of "
						+ String.join(" ", Arrays.stream(SmtpCommand.values()).map(Enum::name).toList()),
				"explain: --tsv reads replies from standard input and takes no REPLY argument",
				"explain: --phase applies to a REPLY argument; with --tsv each line names its phase",
				"explain: more than one REPLY argument; give the reply as one argument in quotes, like \"550 5.1.1 User unknown\"",
				"explain: --phase is given twice", "explain: --tsv takes no value");
	}

	@Test
	void replyArgumentThatIsNoReplyExitsWithTwo() {
		Result result = explain("explain", "Hello, world");
		assertThat(result.status()).isEqualTo(2);
		assertThat(result.out()).isEmpty();
		assertThat(result.err()).contains("'Hello, world' does not start with a three-digit reply code");
		Result tooLong = explain("explain", "550 " + "x".repeat(SmtpReply.MAX_LENGTH));
		assertThat(tooLong.status()).isEqualTo(2);
		assertThat(tooLong.err()).contains("at most " + SmtpReply.MAX_LENGTH);
	}

	@Test
	void runsInItsOwnJvmWithNothingButTheCoreClasses(@TempDir Path dir)
			throws IOException, InterruptedException, URISyntaxException {
		// the jar is run with java -jar and no class path: Angus, Jakarta Mail, SLF4J and
		// Resilience4j must not be needed
		Path input = Files.writeString(dir.resolve("in.tsv"), "RCPT\t" + USER_UNKNOWN + "\n");
		assertThat(sixColumns(OwnJvm.run(dir, input, "explain", "--tsv"))).containsExactly(HEADER,
				"550\t5.1.1\tfalse\tPERMANENT\tMAILBOX_UNKNOWN\tno");
	}

	private static Result explain(String... args) {
		return withInput("", args);
	}

	private static Result withInput(String input, String... args) {
		return explain(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), args);
	}

	private static Result explain(InputStream in, String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = Explain.run(args, in, new PrintStream(out, false, StandardCharsets.UTF_8),
				new PrintStream(err, false, StandardCharsets.UTF_8));
		return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	private record Result(int status, String out, String err) {

		List<String> outLines() {
			return this.out.lines().toList();
		}

	}

	@Test
	void tsvAppendsTheDecidingRulesAfterTheSixColumnsOfTheContract() {
		Result result = withInput(
				String.join("\n", "RCPT\t450 4.2.0 <info@domain.example>: Recipient address rejected: Greylisted",
						"RCPT\t554 5.3.0 Unable to process the message now, try again later",
						"END_OF_DATA\t554 5.7.26 This message does not pass DMARC and is blocked"),
				"explain", "--tsv");
		assertThat(result.outLines()).containsExactly(HEADER + "\trule",
				"450\t4.2.0\tfalse\tTRANSIENT\tGREYLISTED\tyes\tgreylisting",
				"554\t5.3.0\tfalse\tTRANSIENT\tSYSTEM_ERROR\tyes\ttemporary-system-problem+retry-later",
				"554\t5.7.26\tfalse\tPOLICY_PERMANENT\tSENDER_AUTHENTICATION\tno\tdmarc-code");
	}

	@Test
	void becauseLineNamesThePhraseTheRuleAndWhereTheCodeCameFrom() {
		Result result = explain("explain", "--phase", "RCPT",
				"450 4.2.0 <info@domain.example>: Recipient address rejected: Greylisted");
		assertThat(result.outLines())
			.contains("Because:     phrase 'greylisted' (rule greylisting); enhanced code 4.2.0 given by the server");
	}

	/** The first six columns of each line: what scripts read. */
	private static List<String> sixColumns(List<String> lines) {
		return lines.stream().map((line) -> {
			String[] columns = line.split("\t", -1);
			return (columns.length > 6) ? String.join("\t", java.util.Arrays.copyOf(columns, 6)) : line;
		}).toList();
	}

}
