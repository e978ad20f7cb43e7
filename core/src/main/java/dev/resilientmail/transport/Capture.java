package dev.resilientmail.transport;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.resilientmail.internal.Printable;
import dev.resilientmail.classify.ReplyClassifier;
import dev.resilientmail.DeliveryListener;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.SmtpFailure;
import dev.resilientmail.reply.SmtpCommand;
import dev.resilientmail.reply.SmtpExchange;
import dev.resilientmail.reply.SmtpReply;
import dev.resilientmail.reply.SmtpTranscript;

/**
 * Records a connection's exchanges in a bounded ring without allocating on the way: the
 * command string and reply string Angus already made are kept as they are, and turned
 * into {@link SmtpExchange}s only when someone asks (a failure, a report, a listener,
 * DEBUG logging).
 */
final class Capture {

	static final Logger log = LoggerFactory.getLogger("dev.resilientmail.transport");

	/** Session property: a {@link DeliveryListener} instance. */
	static final String LISTENER = "resilient-mail.listener";

	/** Session property: a {@link ReplyClassifier} instance. */
	static final String CLASSIFIER = "resilient-mail.classifier";

	/** Session property: a {@link Clock} instance. */
	static final String CLOCK = "resilient-mail.clock";

	/** Session property: most exchanges kept (default 256). */
	static final String MAX_EXCHANGES = "resilient-mail.transcript.max-exchanges";

	/**
	 * Session property: most characters of command and reply text kept (default 64 KiB).
	 */
	static final String MAX_CHARS = "resilient-mail.transcript.max-chars";

	static final String REDACTED = "***";

	private static final String AUTH_CONTINUATION = "*** (AUTH continuation)";

	private final int capacity;

	private final int maxChars;

	final ReplyClassifier classifier;

	final Clock clock;

	DeliveryListener listener;

	private final SmtpCommand[] commands;

	private final String[] commandLines;

	private final String[] replies;

	private final long[] times;

	/**
	 * Exchanges already built from a slot's strings: a pooled connection's report asks
	 * for the whole transcript after every message, and parsing the same replies again
	 * each time made reports cost more than the send itself.
	 */
	private final SmtpExchange[] built;

	/** Exchanges ever recorded on this transport; ring slot = index % capacity. */
	private long total;

	/** Oldest index still in the ring. */
	private long oldest;

	private int chars;

	private SmtpCommand pendingCommand;

	private String pendingLine;

	private SmtpCommand lastCommand;

	/** The message being sent, recorded reply by reply; {@code null} between messages. */
	private Transaction transaction;

	Capture(Properties properties) {
		this.capacity = positive(properties, MAX_EXCHANGES, 256);
		this.maxChars = positive(properties, MAX_CHARS, 64 * 1024);
		this.classifier = (properties.get(CLASSIFIER) instanceof ReplyClassifier given) ? given
				: ReplyClassifier.defaults();
		this.clock = (properties.get(CLOCK) instanceof Clock given) ? given : Clock.systemUTC();
		this.listener = (properties.get(LISTENER) instanceof DeliveryListener given) ? given : DeliveryListener.NONE;
		this.commands = new SmtpCommand[this.capacity];
		this.commandLines = new String[this.capacity];
		this.replies = new String[this.capacity];
		this.times = new long[this.capacity];
		this.built = new SmtpExchange[this.capacity];
	}

	static int positive(Properties properties, String key, int defaultValue) {
		Object value = properties.get(key);
		if (value == null) {
			return defaultValue;
		}
		try {
			int parsed = Integer.parseInt(value.toString().trim());
			if (parsed > 0) {
				return parsed;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException(
				"session property " + key + " must be a positive whole number, got '" + value + "'");
	}

	/** A new connection: the next reply is the greeting. */
	void connecting() {
		this.pendingCommand = SmtpCommand.CONNECT;
		this.pendingLine = "";
		this.lastCommand = null;
	}

	void commandSent(String line) {
		SmtpCommand command = commandOf(line);
		this.pendingCommand = command;
		// control characters out, as in replies: a command line ends up in log lines
		this.pendingLine = Printable.sanitise((command == SmtpCommand.AUTH) ? redactAuth(line) : line);
	}

	/** Records the replies of a message's transaction in {@code transaction} from now. */
	void begin(Transaction transaction) {
		this.transaction = transaction;
	}

	/** Ends the recording of the message's transaction. */
	void end() {
		this.transaction = null;
	}

	/** Whether the last command sent (or the one waiting for its reply) is AUTH. */
	boolean inAuth() {
		return this.pendingCommand == SmtpCommand.AUTH
				|| (this.pendingCommand == null && this.lastCommand == SmtpCommand.AUTH);
	}

	/** Called with each reply Angus read ({@code null} when none came). */
	void replied(String reply) {
		SmtpCommand command = this.pendingCommand;
		String line = this.pendingLine;
		if (command == null) {
			// Angus sends SASL continuation lines through a private method we cannot see
			command = (this.lastCommand == SmtpCommand.AUTH) ? SmtpCommand.AUTH : SmtpCommand.ANY;
			line = (command == SmtpCommand.AUTH) ? AUTH_CONTINUATION : "";
		}
		this.pendingCommand = null;
		this.pendingLine = null;
		this.lastCommand = command;
		if (this.transaction != null) {
			this.transaction.replied(command, reply);
		}
		record(command, line, reply);
	}

	private void record(SmtpCommand command, String line, String reply) {
		if (this.total - this.oldest == this.capacity) {
			dropOldest();
		}
		int slot = (int) (this.total % this.capacity);
		this.commands[slot] = command;
		this.commandLines[slot] = line;
		this.replies[slot] = reply;
		this.times[slot] = this.clock.millis();
		this.built[slot] = null;
		this.total++;
		this.chars += line.length() + ((reply != null) ? reply.length() : 0);
		while (this.chars > this.maxChars && this.total - this.oldest > 1) {
			dropOldest();
		}
		if (this.listener != DeliveryListener.NONE || log.isDebugEnabled()) {
			SmtpExchange exchange = exchange(this.total - 1);
			if (log.isDebugEnabled()) {
				log.debug("{}", exchange);
			}
			notifyExchange(exchange);
		}
	}

	void notifyFailed(SmtpFailure failure) {
		if (this.listener != DeliveryListener.NONE) {
			try {
				this.listener.onFailed(failure);
			}
			catch (RuntimeException ex) {
				log.warn("DeliveryListener.onFailed threw; ignored", ex);
			}
		}
	}

	void notifyDelivered(DeliveryReport report) {
		if (this.listener != DeliveryListener.NONE) {
			try {
				this.listener.onDelivered(report);
			}
			catch (RuntimeException ex) {
				log.warn("DeliveryListener.onDelivered threw; ignored", ex);
			}
		}
	}

	private void notifyExchange(SmtpExchange exchange) {
		try {
			this.listener.onExchange(exchange);
		}
		catch (RuntimeException ex) {
			log.warn("DeliveryListener.onExchange threw; ignored", ex);
		}
	}

	private void dropOldest() {
		int slot = (int) (this.oldest % this.capacity);
		this.chars -= this.commandLines[slot].length()
				+ ((this.replies[slot] != null) ? this.replies[slot].length() : 0);
		this.commandLines[slot] = null;
		this.replies[slot] = null;
		this.built[slot] = null;
		this.oldest++;
	}

	/** Index of the next exchange to be recorded. */
	long position() {
		return this.total;
	}

	SmtpCommand pendingCommand() {
		return this.pendingCommand;
	}

	/**
	 * Exchanges from {@code from} (inclusive) that are still in the ring, as raw parts.
	 */
	List<Raw> rawSince(long from) {
		List<Raw> raw = new ArrayList<>();
		for (long i = Math.max(from, this.oldest); i < this.total; i++) {
			int slot = (int) (i % this.capacity);
			raw.add(new Raw(this.commands[slot], this.commandLines[slot], this.replies[slot]));
		}
		return raw;
	}

	record Raw(SmtpCommand command, String commandLine, String reply) {
	}

	SmtpTranscript transcript() {
		SmtpExchange[] exchanges = new SmtpExchange[(int) (this.total - this.oldest)];
		for (long i = this.oldest; i < this.total; i++) {
			exchanges[(int) (i - this.oldest)] = exchange(i);
		}
		// List.of makes the one copy; the transcript keeps that immutable list as it is
		return new SmtpTranscript(List.of(exchanges), (int) Math.min(Integer.MAX_VALUE, this.oldest));
	}

	private SmtpExchange exchange(long index) {
		int slot = (int) (index % this.capacity);
		SmtpExchange exchange = this.built[slot];
		if (exchange == null) {
			exchange = new SmtpExchange(this.commands[slot], this.commandLines[slot], parseQuietly(this.replies[slot]),
					Instant.ofEpochMilli(this.times[slot]));
			this.built[slot] = exchange;
		}
		return exchange;
	}

	static Optional<SmtpReply> parseQuietly(String reply) {
		if (reply == null || reply.isEmpty() || reply.equals("[EOF]")) {
			return Optional.empty();
		}
		try {
			return Optional.of(SmtpReply.parse(reply));
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	static SmtpCommand commandOf(String line) {
		if (line.length() >= 1 && line.charAt(0) == '.') {
			return SmtpCommand.END_OF_DATA;
		}
		if (startsWith(line, "RCPT")) {
			return SmtpCommand.RCPT;
		}
		if (startsWith(line, "MAIL")) {
			return SmtpCommand.MAIL;
		}
		if (startsWith(line, "DATA")) {
			return SmtpCommand.DATA;
		}
		if (startsWith(line, "EHLO")) {
			return SmtpCommand.EHLO;
		}
		if (startsWith(line, "HELO")) {
			return SmtpCommand.HELO;
		}
		if (startsWith(line, "AUTH")) {
			return SmtpCommand.AUTH;
		}
		if (startsWith(line, "RSET")) {
			return SmtpCommand.RSET;
		}
		if (startsWith(line, "NOOP")) {
			return SmtpCommand.NOOP;
		}
		if (startsWith(line, "QUIT")) {
			return SmtpCommand.QUIT;
		}
		if (startsWith(line, "STARTTLS")) {
			return SmtpCommand.STARTTLS;
		}
		if (startsWith(line, "BDAT")) {
			return line.regionMatches(true, line.length() - 4, "LAST", 0, 4) ? SmtpCommand.END_OF_DATA
					: SmtpCommand.DATA;
		}
		return SmtpCommand.ANY;
	}

	private static boolean startsWith(String line, String word) {
		return line.regionMatches(true, 0, word, 0, word.length());
	}

	/**
	 * The initial response of an {@code AUTH MECHANISM RESPONSE} line, or {@code null}.
	 */
	static String authInitialResponse(String line) {
		int first = line.indexOf(' ');
		int second = (first < 0) ? -1 : line.indexOf(' ', first + 1);
		return (second < 0) ? null : line.substring(second + 1).trim();
	}

	/** Keeps {@code AUTH MECHANISM}, hides any initial response (credentials). */
	static String redactAuth(String line) {
		int first = line.indexOf(' ');
		if (first < 0) {
			return line;
		}
		int second = line.indexOf(' ', first + 1);
		return (second < 0) ? line : line.substring(0, second) + " " + REDACTED;
	}

}
