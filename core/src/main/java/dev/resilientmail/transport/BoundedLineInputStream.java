package dev.resilientmail.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.eclipse.angus.mail.util.LineInputStream;

/**
 * Replaces Angus's reply reader, which has no limits: a server that sends an endless
 * reply or a line without end would fill the heap. Lines are cut at {@link #MAX_LINE}
 * bytes and replies at {@link #MAX_LINES} lines or {@link #MAX_REPLY} bytes; beyond,
 * reading fails with {@link ReplyTooLongException}, which the transport reports as a
 * protocol error.
 */
final class BoundedLineInputStream extends LineInputStream {

	static final int MAX_LINE = 8 * 1024;

	static final int MAX_LINES = 100;

	static final int MAX_REPLY = 64 * 1024;

	private final byte[] buffer = new byte[256];

	private byte[] line = this.buffer;

	private int linesInReply;

	private int bytesInReply;

	BoundedLineInputStream(InputStream in) {
		super(in);
	}

	/** Called before each reply is read. */
	void startReply() {
		this.linesInReply = 0;
		this.bytesInReply = 0;
		this.line = this.buffer;
	}

	@Override
	public String readLine() throws IOException {
		int length = 0;
		int c;
		boolean sawAny = false;
		while ((c = this.in.read()) != -1) {
			sawAny = true;
			if (c == '\n') {
				break;
			}
			if (length == MAX_LINE) {
				throw new ReplyTooLongException("server reply line longer than " + MAX_LINE + " bytes");
			}
			if (length == this.line.length) {
				byte[] bigger = new byte[Math.min(MAX_LINE, this.line.length * 2)];
				System.arraycopy(this.line, 0, bigger, 0, length);
				this.line = bigger;
			}
			this.line[length++] = (byte) c;
		}
		if (!sawAny) {
			return null;
		}
		if (length > 0 && this.line[length - 1] == '\r') {
			length--;
		}
		this.linesInReply++;
		this.bytesInReply += length;
		if (this.linesInReply > MAX_LINES) {
			throw new ReplyTooLongException("server reply longer than " + MAX_LINES + " lines");
		}
		if (this.bytesInReply > MAX_REPLY) {
			throw new ReplyTooLongException("server reply longer than " + MAX_REPLY + " bytes");
		}
		return new String(this.line, 0, length, StandardCharsets.UTF_8);
	}

	/** The server broke the protocol's size limits. */
	static final class ReplyTooLongException extends IOException {

		private static final long serialVersionUID = 1L;

		ReplyTooLongException(String message) {
			super(message);
		}

	}

}
