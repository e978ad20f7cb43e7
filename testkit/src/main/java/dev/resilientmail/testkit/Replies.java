package dev.resilientmail.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The default replies, Postfix-like, encoded once per server; enhanced status codes are
 * left out when the server does not advertise them.
 */
final class Replies {

	private final boolean enhanced;

	final byte[] greeting;

	final int greetingCode;

	final byte[] ehloBeforeTls;

	final byte[] ehloInTls;

	final byte[] helo;

	final byte[] mailOk;

	final byte[] rcptOk;

	final byte[] startData;

	final byte[] ok;

	final byte[] bye;

	final byte[] unknown;

	final byte[] startTls;

	final byte[] authOk;

	final byte[] authFailed;

	final byte[] lineTooLong;

	Replies(Settings settings) {
		this.enhanced = settings.enhancedStatusCodes();
		List<String> greetingLines = (settings.greeting() != null) ? settings.greeting()
				: List.of("220 " + settings.hostname() + " ESMTP resilient-mail testkit");
		this.greeting = Action.encode(greetingLines);
		this.greetingCode = Action.codeOf(greetingLines.get(greetingLines.size() - 1));
		this.ehloBeforeTls = ehlo(settings, settings.startTls() && !settings.implicitTls());
		this.ehloInTls = ehlo(settings, false);
		this.helo = line(250, null, settings.hostname());
		this.mailOk = line(250, "2.1.0", "Ok");
		this.rcptOk = line(250, "2.1.5", "Ok");
		this.startData = line(354, null, "End data with <CR><LF>.<CR><LF>");
		this.ok = line(250, "2.0.0", "Ok");
		this.bye = line(221, "2.0.0", "Bye");
		this.unknown = line(502, "5.5.2", "Error: command not recognized");
		this.startTls = line(220, "2.0.0", "Ready to start TLS");
		this.authOk = line(235, "2.7.0", "Authentication successful");
		this.authFailed = line(535, "5.7.8", "Error: authentication failed: authentication failure");
		this.lineTooLong = line(500, "5.5.0", "Line too long");
	}

	private byte[] ehlo(Settings settings, boolean offerStartTls) {
		List<String> lines = new ArrayList<>();
		lines.add("250 " + settings.hostname());
		if (settings.pipelining()) {
			lines.add("250 PIPELINING");
		}
		if (settings.size() > 0) {
			lines.add("250 SIZE " + settings.size());
		}
		if (offerStartTls) {
			lines.add("250 STARTTLS");
		}
		if (settings.auth()) {
			lines.add("250 AUTH PLAIN LOGIN");
		}
		if (settings.enhancedStatusCodes()) {
			lines.add("250 ENHANCEDSTATUSCODES");
		}
		lines.add("250 8BITMIME");
		for (String extension : settings.extensions()) {
			lines.add("250 " + extension);
		}
		return Action.encode(lines);
	}

	/** A one-line reply; the enhanced code is left out when the server has none. */
	byte[] line(int code, String enhancedCode, String text) {
		StringBuilder reply = new StringBuilder(48).append(code).append(' ');
		if (this.enhanced && enhancedCode != null) {
			reply.append(enhancedCode).append(' ');
		}
		return reply.append(text).append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
	}

	byte[] queued(long id) {
		return line(250, "2.0.0", "Ok: queued as " + Long.toHexString(id).toUpperCase(java.util.Locale.ROOT));
	}

	static int codeOf(byte[] reply) {
		return (reply.length >= 3) ? Action.digits(reply[0], reply[1], reply[2]) : -1;
	}

}
