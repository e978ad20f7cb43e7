package dev.resilientmail.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;

import dev.resilientmail.classify.Classification;
import dev.resilientmail.classify.ReplyClassifier;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

/**
 * The {@code --tsv} form: {@code PHASE<TAB>REPLY} lines in, one classification line out
 * per input line, so that output line n + 1 always answers input line n.
 */
final class TsvExplanation {

	/**
	 * The six columns of the contract, then {@code rule}: the ids of the rules that
	 * decided (scripts read the first six; new columns only ever come after them).
	 */
	static final String HEADER = "code\tenhanced\tenhanced_inferred\tkind\treason\tretry\trule";

	static final String INVALID = "INVALID";

	/**
	 * The longest input line read whole: a reply of the longest accepted length, its line
	 * breaks escaped, and a phase. Longer lines are skipped to their end, never held.
	 */
	static final int MAX_LINE = SmtpReply.MAX_LENGTH + 2 * SmtpReply.MAX_LINES + 64;

	private static final char BYTE_ORDER_MARK = '\uFEFF';

	private final ReplyClassifier classifier;

	TsvExplanation(ReplyClassifier classifier) {
		this.classifier = classifier;
	}

	void run(Reader in, PrintStream out) throws IOException {
		println(out, HEADER);
		char[] buffer = new char[8192];
		StringBuilder line = new StringBuilder();
		boolean tooLong = false;
		boolean pending = false;
		boolean first = true;
		int read;
		while ((read = in.read(buffer)) >= 0) {
			for (int i = 0; i < read; i++) {
				char c = buffer[i];
				if (first) {
					first = false;
					if (c == BYTE_ORDER_MARK) {
						continue;
					}
				}
				if (c == '\n') {
					println(out, tooLong ? tooLong() : row(line));
					line.setLength(0);
					tooLong = false;
					pending = false;
					continue;
				}
				pending = true;
				if (tooLong) {
					continue;
				}
				if (line.length() == MAX_LINE) {
					tooLong = true;
					line.setLength(0);
					continue;
				}
				line.append(c);
			}
		}
		if (pending) {
			println(out, tooLong ? tooLong() : row(line));
		}
	}

	/** Always LF, whatever the platform: scripts read this. */
	private static void println(PrintStream out, String line) {
		out.print(line);
		out.print('\n');
	}

	private static String tooLong() {
		return invalid("line is longer than " + MAX_LINE + " characters; a reply has at most " + SmtpReply.MAX_LENGTH
				+ " characters");
	}

	/** The output line for one input line (without its LF). */
	String row(CharSequence input) {
		int end = input.length();
		if (end > 0 && input.charAt(end - 1) == '\r') {
			end--;
		}
		String line = input.subSequence(0, end).toString();
		if (line.isBlank()) {
			return invalid("empty line; expected PHASE<TAB>REPLY");
		}
		int tab = line.indexOf('\t');
		if (tab < 0) {
			return invalid("no tab; expected PHASE<TAB>REPLY with PHASE one of " + Text.phases());
		}
		String phaseName = line.substring(0, tab);
		SmtpCommand phase;
		try {
			phase = SmtpCommand.parse(phaseName);
		}
		catch (IllegalArgumentException ex) {
			return invalid("unknown phase '" + abbreviate(phaseName) + "'; expected one of " + Text.phases());
		}
		SmtpReply reply;
		try {
			reply = SmtpReply.parse(Text.unescapeLineBreaks(line.substring(tab + 1)));
		}
		catch (IllegalArgumentException ex) {
			return invalid(ex.getMessage());
		}
		Classification classification = this.classifier.classify(reply, phase);
		return reply.code() + "\t" + classification.enhancedCode() + "\t" + classification.enhancedCodeInferred() + "\t"
				+ classification.kind() + "\t"
				+ ((classification.reason() != null) ? classification.reason().name() : "") + "\t"
				+ (classification.retry() ? "yes" : "no") + "\t" + Text.sanitise(classification.ruleIds());
	}

	static String invalid(String message) {
		return "\t\t\t" + INVALID + "\t" + Text.sanitise(message) + "\t\t";
	}

	private static String abbreviate(String text) {
		return (text.length() > 40) ? text.substring(0, 40) + "..." : text;
	}

}
