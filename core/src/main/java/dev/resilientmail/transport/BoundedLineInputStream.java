package dev.resilientmail.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import org.eclipse.angus.mail.util.LineInputStream;

/**
 * Replaces Angus's reply reader, which has no limits: a server that sends an endless
 * reply or a line without end would fill the heap. Lines are cut at {@link #MAX_LINE}
 * bytes and replies at {@link #MAX_LINES} lines or {@link #MAX_REPLY} bytes; beyond,
 * reading fails with {@link ReplyTooLongException}, which the transport reports as a
 * protocol error. A reply must also be complete within the reply timeout: the socket's
 * read timeout restarts with every byte, so a server that trickles a byte now and then
 * could otherwise hold a send for hours; beyond, reading fails with
 * {@link ReplyTimeoutException}, a read timeout.
 */
final class BoundedLineInputStream extends LineInputStream {

	static final int MAX_LINE = 8 * 1024;

	static final int MAX_LINES = 100;

	static final int MAX_REPLY = 64 * 1024;

	private final byte[] buffer = new byte[256];

	private byte[] line = this.buffer;

	private int linesInReply;

	private int bytesInReply;

	private final Clock clock;

	private final long replyTimeoutMillis;

	private long deadline = Long.MAX_VALUE;

	BoundedLineInputStream(InputStream in, Clock clock, long replyTimeoutMillis) {
		super(in);
		this.clock = clock;
		this.replyTimeoutMillis = replyTimeoutMillis;
	}

	/** Called before each reply is read. */
	void startReply() {
		this.linesInReply = 0;
		this.bytesInReply = 0;
		this.line = this.buffer;
		this.deadline = this.clock.millis() + this.replyTimeoutMillis;
	}

	@Override
	public String readLine() throws IOException {
		int length = 0;
		int c;
		boolean sawAny = false;
		while ((c = this.in.read()) != -1) {
			if (this.clock.millis() > this.deadline) {
				throw new ReplyTimeoutException("server reply not complete within " + this.replyTimeoutMillis
						+ " ms (session property " + CapturingSmtpTransport.REPLY_TIMEOUT + ")");
			}
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

	/** The server took longer than the reply timeout to send one reply. */
	static final class ReplyTimeoutException extends SocketTimeoutException {

		private static final long serialVersionUID = 1L;

		ReplyTimeoutException(String message) {
			super(message);
		}

	}

	/** The server broke the protocol's size limits. */
	static final class ReplyTooLongException extends IOException {

		private static final long serialVersionUID = 1L;

		ReplyTooLongException(String message) {
			super(message);
		}

	}

}
