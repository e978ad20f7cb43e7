package dev.resilientmail.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import jakarta.mail.util.LineOutputStream;

/**
 * The stream a message is written into after DATA. It is a line stream, so Jakarta Mail
 * 2.1 writes the headers through it instead of wrapping it in one found by
 * {@code StreamProvider.provider()} (a {@code ServiceLoader} lookup per message,
 * jakartaee/mail-api#861). It buffers: Angus's text handler writes a body one byte at a
 * time through a {@code FilterOutputStream}, and each byte would otherwise cross Angus's
 * dot-stuffing stream and a synchronized buffered stream on its own; here a byte is an
 * array store, and Angus's data stream gets whole chunks, which it scans for line ends in
 * bulk. {@link #drain()} hands over the rest before the final dot.
 */
final class MessageDataStream extends OutputStream implements LineOutputStream {

	/**
	 * What Jakarta Mail's {@code MimeBodyPart} uses for the header lines it writes:
	 * system property {@code mail.mime.allowutf8}, true unless {@code "false"}.
	 */
	private static final boolean ALLOW_UTF8 = !"false".equalsIgnoreCase(System.getProperty("mail.mime.allowutf8"));

	private static final byte[] CRLF = { '\r', '\n' };

	private final OutputStream data;

	private final byte[] buffer = new byte[8192];

	private int count;

	MessageDataStream(OutputStream data) {
		this.data = data;
	}

	@Override
	public void write(int b) throws IOException {
		if (this.count == this.buffer.length) {
			drain();
		}
		this.buffer[this.count++] = (byte) b;
	}

	@Override
	public void write(byte[] bytes, int offset, int length) throws IOException {
		if (length >= this.buffer.length) {
			drain();
			this.data.write(bytes, offset, length);
			return;
		}
		if (length > this.buffer.length - this.count) {
			drain();
		}
		System.arraycopy(bytes, offset, this.buffer, this.count, length);
		this.count += length;
	}

	/** As Angus's line stream writes a header line. */
	@Override
	public void writeln(String line) throws IOException {
		write(ALLOW_UTF8 ? line.getBytes(StandardCharsets.UTF_8) : latin1(line));
		write(CRLF);
	}

	@Override
	public void writeln() throws IOException {
		write(CRLF);
	}

	@Override
	public void flush() throws IOException {
		drain();
		this.data.flush();
	}

	/** Hands what is buffered to Angus's data stream. */
	void drain() throws IOException {
		if (this.count > 0) {
			this.data.write(this.buffer, 0, this.count);
			this.count = 0;
		}
	}

	/** Each char's low byte, as Angus's {@code ASCIIUtility.getBytes} does. */
	private static byte[] latin1(String line) {
		byte[] bytes = new byte[line.length()];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) line.charAt(i);
		}
		return bytes;
	}

}
