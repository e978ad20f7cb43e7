package dev.resilientmail.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.resilientmail.bounce.BounceParser;
import dev.resilientmail.bounce.BounceReport;
import dev.resilientmail.bounce.BouncedRecipient;
import dev.resilientmail.classify.Classification;

/**
 * The {@code bounce} command: reads bounce messages and tells, per recipient, what
 * happened and what it means. <pre>
 * java -jar resilient-mail-core.jar bounce FILE...
 * java -jar resilient-mail-core.jar bounce --tsv FILE...
 * </pre> Without {@code --tsv} it prints a report for a person per file; with
 * {@code --tsv} a header line, then one tab-separated line per recipient,
 * {@code file recipient action status reply_code kind reason retry}. That format is a
 * stable contract for scripts: a message with no recipient prints no line, a file that
 * cannot be read prints one line with kind {@code INVALID} and the error as reason.
 *
 * @since 0.2.0
 */
public final class Bounce {

	static final String COMMAND = "bounce";

	static final String HEADER = "file\trecipient\taction\tstatus\treply_code\tkind\treason\tretry";

	private static final String USAGE = """
			Usage: java -jar resilient-mail-core.jar bounce FILE...
			       java -jar resilient-mail-core.jar bounce --tsv FILE...
			""";

	private static final String HELP = USAGE + """

			Reads bounce messages (RFC 3464 delivery status notifications and the formats of
			Postfix, Exim, Sendmail, qmail, Exchange, Gmail, Yahoo, Amazon SES and others) and
			tells, per recipient, what happened and whether sending again can help.

			  FILE       a message in RFC 5322 form (.eml), read as bytes
			  --tsv      print a header line, then one tab-separated line per recipient:
			               file recipient action status reply_code kind reason retry
			             action: failed delayed delivered relayed expanded; status: the enhanced
			             code the bounce gives (empty when none); reply_code: the remote server's
			             reply code (empty when none); kind, reason, retry as explain prints them.
			             A message with no recipient (an auto-reply, a feedback report, not a
			             bounce) prints no line; a file that cannot be read prints one line with
			             kind INVALID and the error in the reason column.
			  -h, --help show this help

			Exit status: 0 when every file was read (also when some are not bounces), 1 when a
			file could not be read, 2 for bad arguments.
			""";

	private Bounce() {
	}

	/**
	 * Runs the command with the process's standard streams and exits with its status.
	 * @param args the arguments, optionally starting with the command name {@code bounce}
	 */
	public static void main(String[] args) {
		PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), false,
				StandardCharsets.UTF_8);
		PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
		int status = run(args, out, err);
		out.flush();
		err.flush();
		System.exit(status);
	}

	/**
	 * Runs the command.
	 * @param args the arguments, optionally starting with the command name {@code bounce}
	 * @param out standard output
	 * @param err standard error
	 * @return the exit status: 0 done, 1 a file could not be read, 2 bad arguments
	 */
	static int run(String[] args, PrintStream out, PrintStream err) {
		boolean tsv = false;
		boolean optionsEnded = false;
		List<String> files = new ArrayList<>();
		int start = (args.length > 0 && COMMAND.equals(args[0])) ? 1 : 0;
		for (int i = start; i < args.length; i++) {
			String arg = args[i];
			if (!optionsEnded && arg.startsWith("-") && arg.length() > 1) {
				switch (arg) {
					case "-h", "--help" -> {
						out.print(HELP);
						out.flush();
						return Explain.OK;
					}
					case "--tsv" -> tsv = true;
					case "--" -> optionsEnded = true;
					default -> {
						return usage(err, "unknown option '" + arg + "'");
					}
				}
				continue;
			}
			files.add(arg);
		}
		if (files.isEmpty()) {
			return usage(err, "missing FILE");
		}
		if (tsv) {
			println(out, HEADER);
		}
		int status = Explain.OK;
		BounceParser parser = BounceParser.defaults();
		for (String file : files) {
			BounceReport report;
			try (InputStream in = Files.newInputStream(Path.of(file))) {
				report = parser.parse(in);
			}
			catch (IOException | InvalidPathException ex) {
				status = Explain.INPUT_ERROR;
				String message = "cannot read " + file + ": " + ex.getClass().getSimpleName()
						+ ((ex.getMessage() != null) ? " " + ex.getMessage() : "");
				if (tsv) {
					println(out, Text.sanitise(file) + "\t\t\t\t\t" + TsvExplanation.INVALID + "\t"
							+ Text.sanitise(message) + "\t");
				}
				else {
					err.println(COMMAND + ": " + Text.sanitise(message));
				}
				continue;
			}
			if (tsv) {
				tsv(file, report, out);
			}
			else {
				HumanBounce.print(file, report, out);
			}
		}
		out.flush();
		return status;
	}

	private static void tsv(String file, BounceReport report, PrintStream out) {
		if (report.type() == BounceReport.Type.INVALID) {
			println(out, Text.sanitise(file) + "\t\t\t\t\t" + TsvExplanation.INVALID + "\t"
					+ Text.sanitise(report.problem().orElse("unreadable")) + "\t");
			return;
		}
		for (BouncedRecipient recipient : report.recipients()) {
			Classification classification = recipient.classification();
			println(out, Text.sanitise(file) + "\t" + Text.sanitise(recipient.recipient()) + "\t"
					+ recipient.action().fieldValue() + "\t" + recipient.status().map(Object::toString).orElse("")
					+ "\t" + recipient.diagnostic().map((reply) -> String.valueOf(reply.code())).orElse("") + "\t"
					+ classification.kind() + "\t"
					+ ((classification.reason() != null) ? classification.reason().name() : "") + "\t"
					+ (classification.retry() ? "yes" : "no"));
		}
	}

	private static int usage(PrintStream err, String message) {
		err.println(COMMAND + ": " + Text.sanitise(message));
		err.print(USAGE);
		err.println("Try 'bounce --help' for more.");
		err.flush();
		return Explain.USAGE_ERROR;
	}

	/** Always LF, whatever the platform: scripts read this. */
	private static void println(PrintStream out, String line) {
		out.print(line);
		out.print('\n');
	}

}
