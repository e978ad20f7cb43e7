package dev.resilientmail.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.ReplyClassifier;
import dev.resilientmail.reply.ReplyCatalog;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

/**
 * The {@code explain} command: tells what an SMTP reply means. <pre>
 * java -jar resilient-mail-core.jar explain [--phase PHASE] REPLY
 * java -jar resilient-mail-core.jar explain --tsv &lt; replies.tsv
 * </pre> With a {@code REPLY} argument it prints an explanation for a person: the
 * meanings of the basic and enhanced codes, the kind of failure, the reason and the retry
 * advice. With {@code --tsv} it reads {@code PHASE<TAB>REPLY} lines from standard input
 * and prints one tab-separated line per input line,
 * {@code code enhanced enhanced_inferred kind reason
 * retry}, after a header. That format is a stable contract for scripts.
 * <p>
 * Only the reply model, the catalog and the classifier are used, so the core jar runs on
 * its own with {@code java -jar}.
 *
 * @since 0.1.0
 */
public final class Explain {

	/** Exit status when everything was read (INVALID lines included). */
	static final int OK = 0;

	/** Exit status when standard input could not be read. */
	static final int INPUT_ERROR = 1;

	/** Exit status for bad arguments. */
	static final int USAGE_ERROR = 2;

	private static final String COMMAND = "explain";

	private static final String USAGE = """
			Usage: java -jar resilient-mail-core.jar explain [--phase PHASE] REPLY
			       java -jar resilient-mail-core.jar explain --tsv < replies.tsv
			""";

	private static final String HELP = USAGE + """

			Tells what an SMTP reply means: what its codes mean, whether it is a success or a
			transient, permanent or policy failure, why, and whether sending the same message
			again later can help.

			  REPLY          the reply as the server sent it, as one argument (quote it). Write
			                 the line breaks of a multi-line reply as real line breaks or as the
			                 two characters \\n.
			  --phase PHASE  the command the reply answered, one of
			                 CONNECT EHLO HELO STARTTLS AUTH MAIL RCPT DATA END_OF_DATA RSET
			                 NOOP QUIT ANY (default ANY). Some codes mean different things at
			                 different phases: 550 to RCPT is an unknown mailbox, to MAIL a
			                 rejected sender.
			  --tsv          read replies from standard input, one per line written
			                 PHASE<TAB>REPLY (line breaks in REPLY written as \\n), and print a
			                 header line, then one tab-separated line per input line:
			                   code enhanced enhanced_inferred kind reason retry
			                 kind: SUCCESS TRANSIENT PERMANENT POLICY_TRANSIENT POLICY_PERMANENT,
			                 or INVALID for a line that cannot be read, with the error in the
			                 reason column and the other columns empty. Input and output are UTF-8.
			  -h, --help     show this help

			Exit status: 0 when done (also when some --tsv lines are INVALID), 1 when standard
			input cannot be read, 2 for bad arguments or a REPLY that is not an SMTP reply.

			Example:
			  java -jar resilient-mail-core.jar explain --phase RCPT "550 5.1.1 <bob@example.com>: User unknown"
			""";

	private Explain() {
	}

	/**
	 * Runs the command with the process's standard streams and exits with its status.
	 * @param args the arguments, optionally starting with the command name
	 * {@code explain}
	 */
	public static void main(String[] args) {
		PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)), false,
				StandardCharsets.UTF_8);
		PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
		int status = run(args, System.in, out, err);
		out.flush();
		err.flush();
		System.exit(status);
	}

	/**
	 * Runs the command.
	 * @param args the arguments as given on the command line, optionally starting with
	 * the command name {@code explain}
	 * @param in standard input, read as UTF-8 (only with {@code --tsv})
	 * @param out standard output
	 * @param err standard error: usage errors and input errors
	 * @return the exit status: 0 done, 1 input could not be read, 2 bad arguments
	 */
	static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
		if (args != null && args.length > 0 && Bounce.COMMAND.equals(args[0])) {
			// one jar, one Main-Class: the bounce command rides on explain's entry point
			return Bounce.run(args, out, err);
		}
		Arguments arguments;
		try {
			arguments = Arguments.parse(args);
		}
		catch (UsageException ex) {
			err.println(COMMAND + ": " + Text.sanitise(ex.getMessage()));
			err.print(USAGE);
			err.println("Try 'explain --help' for more.");
			err.flush();
			return USAGE_ERROR;
		}
		if (arguments.help()) {
			out.print(HELP);
			out.flush();
			return OK;
		}
		if (arguments.tsv()) {
			return tsv(in, out, err);
		}
		return human(arguments, out, err);
	}

	private static int human(Arguments arguments, PrintStream out, PrintStream err) {
		SmtpReply reply;
		try {
			reply = SmtpReply.parse(Text.unescapeLineBreaks(arguments.reply()));
		}
		catch (IllegalArgumentException ex) {
			err.println(COMMAND + ": " + Text.sanitise(ex.getMessage()));
			err.flush();
			return USAGE_ERROR;
		}
		Classification classification = ReplyClassifier.defaults().classify(reply, arguments.phase());
		HumanExplanation.print(reply, arguments.phase(), arguments.phaseGiven(), classification,
				ReplyCatalog.standard(), out);
		out.flush();
		return OK;
	}

	private static int tsv(InputStream in, PrintStream out, PrintStream err) {
		TsvExplanation explanation = new TsvExplanation(ReplyClassifier.defaults());
		try {
			explanation.run(new InputStreamReader(in, StandardCharsets.UTF_8), out);
		}
		catch (IOException ex) {
			out.flush();
			err.println(COMMAND + ": cannot read standard input: " + Text.sanitise(String.valueOf(ex.getMessage())));
			err.flush();
			return INPUT_ERROR;
		}
		out.flush();
		return OK;
	}

	/** What the command line asks for. */
	private record Arguments(boolean help, boolean tsv, SmtpCommand phase, boolean phaseGiven, String reply) {

		static Arguments parse(String[] args) {
			if (args == null) {
				throw new UsageException("no arguments");
			}
			int i = 0;
			if (args.length > 0 && COMMAND.equals(args[0])) {
				i++;
			}
			boolean tsv = false;
			SmtpCommand phase = null;
			String reply = null;
			boolean optionsEnded = false;
			for (; i < args.length; i++) {
				String arg = args[i];
				if (arg == null) {
					throw new UsageException("argument " + (i + 1) + " is null");
				}
				if (!optionsEnded && arg.startsWith("-") && !arg.equals("-")) {
					switch (optionName(arg)) {
						case "-h", "--help" -> {
							return new Arguments(true, false, SmtpCommand.ANY, false, null);
						}
						case "--tsv" -> {
							if (arg.contains("=")) {
								throw new UsageException("--tsv takes no value");
							}
							tsv = true;
						}
						case "--phase" -> {
							if (phase != null) {
								throw new UsageException("--phase is given twice");
							}
							String value;
							if (arg.contains("=")) {
								value = arg.substring(arg.indexOf('=') + 1);
							}
							else if (i + 1 < args.length) {
								value = args[++i];
							}
							else {
								throw new UsageException("--phase needs a value: one of " + Text.phases());
							}
							phase = parsePhase(value);
						}
						case "--" -> optionsEnded = true;
						default -> throw new UsageException("unknown option '" + arg + "'");
					}
					continue;
				}
				if (reply != null) {
					throw new UsageException(
							"more than one REPLY argument; give the reply as one argument in quotes, like \"550 5.1.1 User unknown\"");
				}
				reply = arg;
			}
			if (tsv) {
				if (reply != null) {
					throw new UsageException("--tsv reads replies from standard input and takes no REPLY argument");
				}
				if (phase != null) {
					throw new UsageException(
							"--phase applies to a REPLY argument; with --tsv each line names its phase");
				}
				return new Arguments(false, true, SmtpCommand.ANY, false, null);
			}
			if (reply == null) {
				throw new UsageException("missing REPLY (or --tsv to read replies from standard input)");
			}
			return new Arguments(false, false, (phase != null) ? phase : SmtpCommand.ANY, phase != null, reply);
		}

		private static String optionName(String arg) {
			int equals = arg.indexOf('=');
			return ((equals > 0) ? arg.substring(0, equals) : arg).toLowerCase(Locale.ROOT);
		}

		private static SmtpCommand parsePhase(String value) {
			try {
				return SmtpCommand.parse(value);
			}
			catch (IllegalArgumentException ex) {
				throw new UsageException("unknown phase '" + value + "'; expected one of " + Text.phases());
			}
		}

	}

	/** A bad command line, with the message to show. */
	private static final class UsageException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		UsageException(String message) {
			super(message);
		}

	}

}
