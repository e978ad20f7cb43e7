package dev.resilientmail.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class BounceTests {

	private static final String HEADER = "file\trecipient\taction\tstatus\treply_code\tkind\treason\tretry";

	private static final String POSTFIX = """
			From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
			To: sender@example.com
			Subject: Undelivered Mail Returned to Sender

			This is the mail system at host mx.example.org.

			<bob@example.net>: host mx.example.net[192.0.2.1] said: 550 5.1.1 <bob@example.net>:
			    Recipient address rejected: User unknown in local recipient table (in reply to RCPT TO command)

			<carol@example.net>: host mx.example.net[192.0.2.1] said: 452 4.2.2 Mailbox full
			    (in reply to RCPT TO command)
			""";

	@TempDir
	Path folder;

	@Test
	void tsvPrintsAHeaderAndOneLinePerRecipient() throws IOException {
		Path bounce = write("postfix.eml", POSTFIX);
		Result result = run("bounce", "--tsv", bounce.toString());
		assertThat(result.status()).isZero();
		assertThat(result.outLines()).containsExactly(HEADER,
				bounce + "\tbob@example.net\tfailed\t5.1.1\t550\tPERMANENT\tMAILBOX_UNKNOWN\tno",
				bounce + "\tcarol@example.net\tfailed\t4.2.2\t452\tTRANSIENT\tMAILBOX_FULL\tyes");
	}

	@Test
	void messageWithoutRecipientPrintsNoLineAndUnreadableFileOneInvalidLine() throws IOException {
		Path reply = write("vacation.eml",
				"From: a@example.net\nSubject: Out of office\nAuto-Submitted: auto-replied\n\nAway.\n");
		Path missing = this.folder.resolve("missing.eml");
		Result result = run("bounce", "--tsv", reply.toString(), missing.toString());
		assertThat(result.status()).isEqualTo(Explain.INPUT_ERROR);
		assertThat(result.outLines()).hasSize(2);
		assertThat(result.outLines().get(1)).startsWith(missing + "\t\t\t\t\tINVALID\tcannot read ").endsWith("\t");
		assertThat(result.outLines().get(1).split("\t", -1)).hasSize(8);
	}

	@Test
	void headerlessFileIsAnInvalidLineWithTheReason() throws IOException {
		Path garbage = write("garbage.eml", "\u0000\u0001 not mail\n");
		Result result = run("bounce", "--tsv", garbage.toString());
		assertThat(result.status()).isZero();
		assertThat(result.outLines().get(1)).isEqualTo(
				garbage + "\t\t\t\t\tINVALID\tthe input starts with no header fields, so it is not a mail message\t");
	}

	@Test
	void humanReportNamesTypeFormatAndEachRecipient() throws IOException {
		Path bounce = write("postfix.eml", POSTFIX);
		Result result = run("bounce", bounce.toString());
		assertThat(result.status()).isZero();
		assertThat(result.outLines()).contains("File:          " + bounce, "Type:          BOUNCE",
				"Format:        Postfix", "Recipient:     bob@example.net", "  Action:      failed",
				"  Status:      5.1.1", "  Phase:       RCPT", "  Retry:       no", "Recipient:     carol@example.net");
		assertThat(result.out()).contains("  Reason:      MAILBOX_UNKNOWN: ");
	}

	@Test
	void theJarsEntryPointRunsTheBounceCommand() throws IOException {
		Path bounce = write("postfix.eml", POSTFIX);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int status = Explain.run(new String[] { "bounce", "--tsv", bounce.toString() },
				new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
		assertThat(status).isZero();
		assertThat(out.toString(StandardCharsets.UTF_8)).startsWith(HEADER + "\n");
	}

	@Test
	void runsInItsOwnJvmWithNothingButTheCoreClasses() throws Exception {
		// scored with java -jar and no class path: Jakarta Mail, Angus and SLF4J must not
		// be needed to read a bounce
		Path bounce = write("postfix.eml", POSTFIX);
		assertThat(OwnJvm.run(this.folder, null, "bounce", "--tsv", bounce.toString())).hasSize(3)
			.contains(bounce + "\tbob@example.net\tfailed\t5.1.1\t550\tPERMANENT\tMAILBOX_UNKNOWN\tno");
	}

	@Test
	void badArgumentsAreUsageErrors() {
		assertThat(run("bounce").status()).isEqualTo(Explain.USAGE_ERROR);
		Result unknown = run("bounce", "--nope", "x.eml");
		assertThat(unknown.status()).isEqualTo(Explain.USAGE_ERROR);
		assertThat(unknown.err()).contains("unknown option '--nope'");
		assertThat(run("bounce", "--help").out()).contains("file recipient action status reply_code kind reason retry");
	}

	private Path write(String name, String content) throws IOException {
		Path file = this.folder.resolve(name);
		Files.writeString(file, content, StandardCharsets.UTF_8);
		return file;
	}

	private static Result run(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int status = Bounce.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
		return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	private record Result(int status, String out, String err) {

		List<String> outLines() {
			return Arrays.asList(this.out.split("\n"));
		}

	}

}
