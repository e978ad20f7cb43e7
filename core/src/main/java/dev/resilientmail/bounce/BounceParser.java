package dev.resilientmail.bounce;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

import jakarta.mail.internet.MimeMessage;

import dev.resilientmail.classify.ReplyClassifier;

/**
 * Reads bounce messages: RFC 3464 delivery status notifications (and RFC 6533
 * {@code message/global-delivery-status}), the non-standard reports of Postfix, Exim,
 * Sendmail, qmail, Courier, OpenSMTPD, Exchange and Office 365, Gmail, Yahoo, Amazon SES
 * and others, auto-replies (RFC 3834) and feedback reports (RFC 5965), into a
 * {@link BounceReport} whose recipients carry the same {@code Classification} a reply at
 * send time gets.
 * <p>
 * Never throws for any input: a message that cannot be read is
 * {@link BounceReport.Type#INVALID} and one that reports no delivery is
 * {@link BounceReport.Type#NOT_A_BOUNCE}, each with a {@code problem} saying why. Time
 * and memory are bounded whatever the input: at most {@value #MAX_MESSAGE_BYTES} bytes of
 * a message are read (a bounce says what it has to say at its start; a longer returned
 * message is cut), at most 16 levels of MIME nesting and 500 parts are taken apart, at
 * most 1 Mi characters of text are decoded per part, header fields are cut at 16 Ki
 * characters, and at most {@value #MAX_RECIPIENTS} recipients are reported. So parsing
 * uses memory of a small multiple of {@value #MAX_MESSAGE_BYTES} bytes and time linear in
 * it.
 * <p>
 * Instances are immutable and thread-safe.
 *
 * @since 0.2.0
 */
public final class BounceParser {

	/** The most bytes of one message read: 8 MiB. */
	public static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

	/** The most recipients reported for one message. */
	public static final int MAX_RECIPIENTS = 10_000;

	private static final BounceParser DEFAULTS = new BounceParser(ReplyClassifier.defaults());

	private final BounceReader reader;

	private BounceParser(ReplyClassifier classifier) {
		this.reader = new BounceReader(classifier, Formats.STANDARD);
	}

	/**
	 * Returns the parser that classifies with {@link ReplyClassifier#defaults()}.
	 * @return the shared default parser
	 */
	public static BounceParser defaults() {
		return DEFAULTS;
	}

	/**
	 * Returns a parser that classifies each recipient's diagnostic with the given
	 * classifier, for example one with user rules.
	 * @param classifier the classifier
	 * @return the parser
	 */
	public static BounceParser using(ReplyClassifier classifier) {
		return new BounceParser(Objects.requireNonNull(classifier, "classifier"));
	}

	/**
	 * Parses a message in RFC 5322 form (CRLF or LF line ends). Reads at most
	 * {@value #MAX_MESSAGE_BYTES} bytes from the stream and does not close it.
	 * @param message the message
	 * @return the report, {@link BounceReport.Type#INVALID} when the stream cannot be
	 * read
	 */
	public BounceReport parse(InputStream message) {
		if (message == null) {
			return BounceReport.invalid("no message (null)");
		}
		byte[] buffer = new byte[64 * 1024];
		int length = 0;
		boolean cut = false;
		try {
			while (true) {
				if (length == buffer.length) {
					if (length == MAX_MESSAGE_BYTES) {
						cut = message.read() >= 0;
						break;
					}
					buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, MAX_MESSAGE_BYTES));
				}
				int read = message.read(buffer, length, buffer.length - length);
				if (read < 0) {
					break;
				}
				length += read;
			}
		}
		catch (IOException ex) {
			return BounceReport.invalid("cannot read the message: " + ex.getMessage());
		}
		return parse(buffer, length, cut);
	}

	/**
	 * Parses a message in RFC 5322 form; only its first {@value #MAX_MESSAGE_BYTES} bytes
	 * are read.
	 * @param message the message
	 * @return the report
	 */
	public BounceReport parse(byte[] message) {
		if (message == null) {
			return BounceReport.invalid("no message (null)");
		}
		return parse(message, Math.min(message.length, MAX_MESSAGE_BYTES), message.length > MAX_MESSAGE_BYTES);
	}

	/**
	 * Parses a message read by Jakarta Mail, for example from an IMAP folder; only its
	 * first {@value #MAX_MESSAGE_BYTES} bytes are read.
	 * @param message the message
	 * @return the report, {@link BounceReport.Type#INVALID} when the message cannot be
	 * read
	 */
	public BounceReport parse(MimeMessage message) {
		if (message == null) {
			return BounceReport.invalid("no message (null)");
		}
		JakartaMessages.Bytes bytes = JakartaMessages.read(message);
		if (bytes.problem() != null) {
			return BounceReport.invalid(bytes.problem());
		}
		return parse(bytes.buffer(), bytes.length(), bytes.cut());
	}

	private BounceReport parse(byte[] bytes, int length, boolean cut) {
		String note = cut ? "only the first " + MAX_MESSAGE_BYTES + " bytes of the message were read" : null;
		try {
			return this.reader.read(bytes, length, note);
		}
		catch (RuntimeException ex) {
			return BounceReport.invalid("cannot read the message: " + ex);
		}
	}

}
