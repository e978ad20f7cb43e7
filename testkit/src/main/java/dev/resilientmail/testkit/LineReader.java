package dev.resilientmail.testkit;

import java.io.Flushable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads CRLF (or bare LF) terminated lines from a socket through one large buffer, with a
 * bounded line length. Before each blocking read it flushes the session's output, so the
 * replies to a pipelined batch of commands leave together and a lock-step client gets
 * each reply at once.
 */
final class LineReader {

	private final InputStream in;

	private final Flushable beforeBlocking;

	private final int maxLineLength;

	private final byte[] buffer = new byte[64 * 1024];

	private int position;

	private int limit;

	private byte[] line = new byte[512];

	private int length;

	LineReader(InputStream in, Flushable beforeBlocking, int maxLineLength) {
		this.in = in;
		this.beforeBlocking = beforeBlocking;
		this.maxLineLength = maxLineLength;
	}

	/**
	 * Reads the next line into {@link #line()}, without its line end.
	 * @return false at the end of the stream (a partial last line is discarded)
	 * @throws LineTooLongException if the line is longer than the limit
	 */
	boolean next() throws IOException {
		this.length = 0;
		while (true) {
			byte[] bytes = this.buffer;
			int end = this.limit;
			int i = this.position;
			while (i < end && bytes[i] != '\n') {
				i++;
			}
			int chunk = i - this.position;
			if (this.length + chunk > this.maxLineLength + 1) {
				throw new LineTooLongException(this.maxLineLength);
			}
			append(bytes, this.position, chunk);
			if (i < end) {
				this.position = i + 1;
				if (this.length > 0 && this.line[this.length - 1] == '\r') {
					this.length--;
				}
				if (this.length > this.maxLineLength) {
					throw new LineTooLongException(this.maxLineLength);
				}
				return true;
			}
			this.position = end;
			if (!fill()) {
				return false;
			}
		}
	}

	/**
	 * The bytes of the current line, valid up to {@link #length()} until the next read.
	 */
	byte[] line() {
		return this.line;
	}

	int length() {
		return this.length;
	}

	String lineAsString() {
		return new String(this.line, 0, this.length, StandardCharsets.UTF_8);
	}

	private void append(byte[] bytes, int offset, int count) {
		if (count == 0) {
			return;
		}
		int needed = this.length + count;
		if (needed > this.line.length) {
			byte[] bigger = new byte[Math.min(Math.max(needed, this.line.length * 2), this.maxLineLength + 1)];
			System.arraycopy(this.line, 0, bigger, 0, this.length);
			this.line = bigger;
		}
		System.arraycopy(bytes, offset, this.line, this.length, count);
		this.length = needed;
	}

	private boolean fill() throws IOException {
		this.beforeBlocking.flush();
		int read = this.in.read(this.buffer, 0, this.buffer.length);
		if (read <= 0) {
			this.position = 0;
			this.limit = 0;
			return false;
		}
		this.position = 0;
		this.limit = read;
		return true;
	}

	/** A line longer than the server accepts. */
	static final class LineTooLongException extends IOException {

		private static final long serialVersionUID = 1L;

		LineTooLongException(int maxLineLength) {
			super("line longer than " + maxLineLength + " bytes");
		}

	}

}
