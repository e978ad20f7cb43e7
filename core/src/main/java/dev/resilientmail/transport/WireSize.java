package dev.resilientmail.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Enumeration;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;

/**
 * The size of a message on the wire, for the server's SIZE limit. Counting means writing
 * the whole message once more, so a cheap upper bound comes first: when even the bound
 * fits, the message fits, and the common message (text, a few parts) is never written
 * twice.
 */
final class WireSize {

	/** The headers Angus leaves out when it sends a message. */
	static final String[] IGNORED_HEADERS = { "Bcc", "Content-Length" };

	/** The most bytes one character of text can take once encoded (UTF-8, then QP). */
	private static final int BYTES_PER_CHAR = 10;

	/** A multipart delimiter line, with room for long boundaries. */
	private static final int DELIMITER = 200;

	private static final String OBJECT_DATA_SOURCE = "jakarta.activation.DataHandlerDataSource";

	private WireSize() {
	}

	/**
	 * Whether the message is larger than {@code limit} bytes; the exact size when it is,
	 * else -1.
	 */
	/**
	 * The limit of an EHLO {@code SIZE} parameter, 0 when there is none (absent, blank,
	 * unreadable, or 0: "no fixed limit").
	 */
	static long advertised(String parameter) {
		if (parameter == null || parameter.isBlank()) {
			return 0;
		}
		try {
			return Math.max(0, Long.parseLong(parameter.trim()));
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	static long over(MimeMessage message, long limit) throws MessagingException {
		try {
			long bound = upperBound(message);
			if (bound >= 0 && bound <= limit) {
				return -1;
			}
			Counter counter = new Counter();
			message.writeTo(counter, IGNORED_HEADERS);
			return (counter.size() > limit) ? counter.size() : -1;
		}
		catch (IOException ex) {
			throw new MessagingException("cannot measure the message against the server's SIZE limit", ex);
		}
	}

	/** An upper bound of the part's size, or -1 when only writing it tells. */
	static long upperBound(Part part) throws MessagingException, IOException {
		if (!(part instanceof MimePart mime)) {
			return -1;
		}
		long bound = 2;
		Enumeration<String> lines = mime.getAllHeaderLines();
		while (lines.hasMoreElements()) {
			bound += 3L * lines.nextElement().length() + 2;
		}
		int raw = part.getSize();
		if (raw >= 0) {
			// content kept as received: written as it is, bare line ends doubled at most
			return bound + 2L * raw + 2;
		}
		DataHandler handler = part.getDataHandler();
		if (handler == null || !OBJECT_DATA_SOURCE.equals(handler.getDataSource().getClass().getName())) {
			// a file, a stream, bytes: only writing them tells
			return -1;
		}
		Object content = handler.getContent();
		if (content instanceof String text) {
			return bound + (long) BYTES_PER_CHAR * text.length() + 2;
		}
		if (content instanceof Multipart multipart) {
			long sum = bound + DELIMITER;
			for (int i = 0; i < multipart.getCount(); i++) {
				long child = upperBound(multipart.getBodyPart(i));
				if (child < 0) {
					return -1;
				}
				sum += child + DELIMITER;
			}
			return sum;
		}
		return -1;
	}

	/**
	 * Counts the bytes a message takes on the wire: every bare LF becomes CRLF, as
	 * Angus's data stream writes it (dot-stuffing is not part of the size).
	 */
	static final class Counter extends OutputStream {

		private long size;

		private int last = -1;

		@Override
		public void write(int b) {
			count(b);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) {
			for (int i = offset; i < offset + length; i++) {
				count(bytes[i]);
			}
		}

		private void count(int b) {
			int c = b & 0xff;
			this.size += (c == '\n' && this.last != '\r') ? 2 : 1;
			this.last = c;
		}

		long size() {
			return (this.last == '\n' || this.last == -1) ? this.size : this.size + 2;
		}

	}

}
