package dev.resilientmail.bounce;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.resilientmail.reply.EnhancedStatusCode;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpReply;

/**
 * What a bounce's free text about one recipient says: the remote server's reply code and
 * enhanced status code where the text quotes them, and the SMTP phase where it names it.
 *
 * @param text the text, whitespace collapsed, at most {@link #MAX_TEXT} characters
 * @param reply the quoted SMTP reply, when the text holds a 4xx or 5xx reply code
 * @param enhancedCode the enhanced status code written in the text, if any
 * @param phase the phase the text names, {@link SmtpCommand#ANY} if none
 */
record Diagnostic(String text, Optional<SmtpReply> reply, Optional<EnhancedStatusCode> enhancedCode,
		SmtpCommand phase) {

	/** Characters of diagnostic text kept per recipient. */
	static final int MAX_TEXT = 2000;

	/**
	 * A reply code followed by an enhanced code: {@code 550 5.1.1}, {@code 550-5.1.1},
	 * {@code 550: 5.1.1}.
	 */
	private static final Pattern CODE_AND_ENHANCED = Pattern
		.compile("(?<![\\w.\\-#/:=])([45][0-5]\\d)(?:[ -]|: ?|\\s*#)([245]\\.\\d{1,3}\\.\\d{1,3})(?![\\d.]\\d)");

	/**
	 * A reply code where replies are quoted: at the start, after "said:", "<<<",
	 * "reason:", ...
	 */
	/**
	 * A reply code where replies are quoted: at the start, after "said:", "<<<",
	 * "reason:", ... (the code first, so that the scan is cheap).
	 */
	private static final Pattern QUOTED_CODE = Pattern.compile(
			"([45][0-5]\\d)(?<=(?:^|said:|says:|said |<<<|reason:|\\(reason: |error:|returned was:|response was:|response:|answer:|reply:|\\]:|: )\\s{0,3}\"?\\d{3})(?=[ -]|$|\\.\\s|:\\s)",
			Pattern.CASE_INSENSITIVE);

	/** A bare reply code followed by words. */
	private static final Pattern BARE_CODE = Pattern
		.compile("(?<![\\w.\\-#/:=,])([45][0-5]\\d)(?=(?:-| |: )[A-Za-z<(\\[#'\"])");

	private static final Pattern ENHANCED = Pattern
		.compile("(?<![\\w.\\-/])#?\\(?#?([245])\\.(\\d{1,3})\\.(\\d{1,3})(?![\\w]|\\.\\d)");

	/** Continuation prefixes inside a reply folded into one line: {@code 550-5.1.1 }. */
	private static final Pattern CONTINUATION = Pattern.compile("\\s[45][0-5]\\d[ -](?:[245]\\.\\d{1,3}\\.\\d{1,3} )?");

	/** Wordings that name the phase, lower case; the earliest in the text wins. */
	private static final List<PhaseWording> PHASES = List.of(
			new PhaseWording(SmtpCommand.END_OF_DATA, List.of("end of data", "final data", "end of message",
					"after i sent the message", "after sending the message", "after data block", "after data content",
					"after data command completed", "[end_of_data]", "message body", "in reply to end of data")),
			new PhaseWording(SmtpCommand.RCPT,
					List.of("rcpt to", "rcpt_to", "rcpt:", "recipient address rejected", "does not like recipient",
							"in reply to rcpt", "after rcpt")),
			new PhaseWording(SmtpCommand.MAIL,
					List.of("mail from", "mail_from", "sender rejected", "sender was rejected",
							"sender address rejected", "in reply to mail", "after mail")),
			new PhaseWording(SmtpCommand.DATA, List.of("in reply to data", "after data", "our data", "data command")),
			new PhaseWording(SmtpCommand.EHLO, List.of("ehlo ", "helo ", "ehlo:", "helo:", "my name was rejected")),
			new PhaseWording(SmtpCommand.CONNECT,
					List.of("initial connection", "greeting", "after connect", "banner")));

	private record PhaseWording(SmtpCommand phase, List<String> wordings) {
	}

	/** Reads the text (collapsing its whitespace first). */
	static Diagnostic read(String rawText) {
		String text = collapse(rawText);
		Integer code = null;
		int codeAt = -1;
		EnhancedStatusCode enhanced = null;
		Matcher both = CODE_AND_ENHANCED.matcher(text);
		if (both.find()) {
			code = Integer.parseInt(both.group(1));
			codeAt = both.start(1);
			enhanced = enhanced(both.group(2));
		}
		if (code == null) {
			Matcher quoted = QUOTED_CODE.matcher(text);
			if (quoted.find()) {
				code = Integer.parseInt(quoted.group(1));
				codeAt = quoted.start(1);
			}
		}
		if (code == null) {
			Matcher bare = BARE_CODE.matcher(text);
			if (bare.find()) {
				code = Integer.parseInt(bare.group(1));
				codeAt = bare.start(1);
			}
		}
		if (enhanced == null) {
			Matcher matcher = ENHANCED.matcher(text);
			while (matcher.find()) {
				EnhancedStatusCode found = enhanced(matcher.group(1) + "." + matcher.group(2) + "." + matcher.group(3));
				if (found != null && found.codeClass() != 2) {
					enhanced = found;
					break;
				}
			}
		}
		Optional<SmtpReply> reply = Optional.empty();
		if (code != null) {
			String replyText = CONTINUATION.matcher(text.substring(codeAt + 3)).replaceAll(" ").trim();
			if (replyText.startsWith("-") || replyText.startsWith(":")) {
				replyText = replyText.substring(1).trim();
			}
			reply = Optional.of(new SmtpReply(code, Optional.ofNullable(enhanced),
					List.of(code + (replyText.isEmpty() ? "" : " " + replyText))));
		}
		return new Diagnostic(text, reply, Optional.ofNullable(enhanced), phase(text, codeAt));
	}

	/** The phase named before the reply code (or anywhere when there is no code). */
	private static SmtpCommand phase(String text, int codeAt) {
		String lower = text.toLowerCase(Locale.ROOT);
		SmtpCommand best = SmtpCommand.ANY;
		int bestAt = Integer.MAX_VALUE;
		for (PhaseWording wording : PHASES) {
			for (String phrase : wording.wordings()) {
				int at = lower.indexOf(phrase);
				if (at >= 0 && at < bestAt) {
					best = wording.phase();
					bestAt = at;
				}
			}
		}
		if (best != SmtpCommand.ANY && codeAt >= 0 && bestAt > codeAt) {
			// named after the reply: only trust wordings a reply itself carries
			return (best == SmtpCommand.RCPT || best == SmtpCommand.MAIL || best == SmtpCommand.END_OF_DATA) ? best
					: SmtpCommand.ANY;
		}
		return best;
	}

	static EnhancedStatusCode enhanced(String text) {
		try {
			return EnhancedStatusCode.parse(text);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	static String collapse(String raw) {
		StringBuilder out = new StringBuilder(Math.min(raw.length(), MAX_TEXT));
		boolean space = false;
		for (int i = 0; i < raw.length() && out.length() < MAX_TEXT; i++) {
			char c = raw.charAt(i);
			if (Character.isWhitespace(c) || c < ' ' || c == 0x7f) {
				space = out.length() > 0;
				continue;
			}
			if (space) {
				out.append(' ');
				space = false;
			}
			out.append(c);
		}
		return out.toString();
	}

}
