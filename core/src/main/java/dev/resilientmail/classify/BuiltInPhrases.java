package dev.resilientmail.classify;

import dev.resilientmail.reply.SmtpCommand;

/**
 * Phrases the classifier reads beside the rule file's: the texts that say waiting helps,
 * the words before a number that {@link RetryHints} reads, and how relays name the
 * command the remote server answered. Each has an owner below zero instead of a rule.
 */
final class BuiltInPhrases {

	/** Texts that say waiting helps, even on a 5xx. */
	private static final String[] LATER_HINTS = { "try again later", "try later", "retry later", "please retry",
			"try again in", "retry in", "retry after", "try again after", "again later", "essayer plus tard",
			"try again tomorrow", "try again at a later time", "retry at a later time" };

	/**
	 * Words {@link RetryHints} reads before a number. Only a phrase then a digit counts:
	 * plain " in " or " for " are in most replies, and reading the hint costs more than
	 * the rest of the classification.
	 */
	private static final String[] DELAY_WORDS = { "in", "after", "for", "wait", "within" };

	static final int LATER = -1;

	static final int DELAY = -2;

	/** Owners below this are a phase a wrapper names: {@code PHASE - ordinal}. */
	private static final int PHASE = -3;

	/**
	 * How relays and MTAs name the command the remote server answered (Exim "SMTP error
	 * from remote mail server after RCPT TO:", Postfix "(in reply to RCPT TO command)"),
	 * with the phase each names, in pairs.
	 */
	private static final String[] WRAPPER_PHASES = { "after rcpt to", "RCPT", "in reply to rcpt to command", "RCPT",
			"after mail from", "MAIL", "in reply to mail from command", "MAIL", "after end of data", "END_OF_DATA",
			"in reply to end of data command", "END_OF_DATA", "after data", "DATA", "in reply to data command", "DATA",
			"after initial connection", "CONNECT", "after ehlo", "EHLO", "in reply to ehlo command", "EHLO",
			"after helo", "HELO", "in reply to helo command", "HELO" };

	private static final SmtpCommand[] COMMANDS = SmtpCommand.values();

	/** The phrases as automaton symbols, their owners and their evidence (or null). */
	static final int[][] SYMBOLS;

	static final int[] OWNERS;

	static final String[][] EVIDENCE;

	static {
		int total = LATER_HINTS.length + DELAY_WORDS.length * 10 + WRAPPER_PHASES.length / 2;
		SYMBOLS = new int[total][];
		OWNERS = new int[total];
		EVIDENCE = new String[total][];
		int n = 0;
		for (String hint : LATER_HINTS) {
			SYMBOLS[n] = words(hint, true);
			OWNERS[n] = LATER;
			EVIDENCE[n++] = new String[] { "retry-later", ": phrase '", hint };
		}
		for (String word : DELAY_WORDS) {
			for (int digit = 0; digit < 10; digit++) {
				SYMBOLS[n] = words(word.concat(" ").concat(String.valueOf(digit)), false);
				OWNERS[n++] = DELAY;
			}
		}
		for (int i = 0; i < WRAPPER_PHASES.length; i += 2) {
			SYMBOLS[n] = words(WRAPPER_PHASES[i], true);
			OWNERS[n++] = PHASE - SmtpCommand.valueOf(WRAPPER_PHASES[i + 1]).ordinal();
		}
	}

	private BuiltInPhrases() {
	}

	/** The phase a wrapper phrase's owner stands for. */
	static SmtpCommand wrapperPhase(int owner) {
		return COMMANDS[PHASE - owner];
	}

	/**
	 * A hint as symbols: its words between spaces, the last one open when
	 * {@code wholeLastWord} is false ("in 5" also finds "in 50").
	 */
	private static int[] words(String hint, boolean wholeLastWord) {
		int[] symbols = new int[hint.length() + (wholeLastWord ? 2 : 1)];
		symbols[0] = ReplyText.SPACE;
		for (int i = 0; i < hint.length(); i++) {
			int symbol = ReplyText.wordSymbol(hint.charAt(i));
			symbols[i + 1] = (symbol < 0) ? ReplyText.SPACE : symbol;
		}
		if (wholeLastWord) {
			symbols[symbols.length - 1] = ReplyText.SPACE;
		}
		return symbols;
	}

}
