package dev.resilientmail.bounce;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/**
 * The bytes of a Jakarta Mail message, at most {@link BounceParser#MAX_MESSAGE_BYTES}.
 * Kept apart from {@link BounceParser} so that Jakarta Mail is loaded only when a
 * {@code MimeMessage} is parsed: the {@code bounce} command runs without it.
 */
final class JakartaMessages {

	private JakartaMessages() {
	}

	/** The message's bytes, or the reason they cannot be read. */
	record Bytes(byte[] buffer, int length, boolean cut, String problem) {
	}

	static Bytes read(MimeMessage message) {
		BoundedBytes bytes = new BoundedBytes();
		try {
			message.writeTo(bytes);
		}
		catch (BoundedBytes.Full ex) {
			// enough read
		}
		catch (IOException | MessagingException | RuntimeException ex) {
			return new Bytes(null, 0, false, "cannot read the message: " + ex.getMessage());
		}
		return new Bytes(bytes.buffer, bytes.length, bytes.cut, null);
	}

	/**
	 * An output stream that keeps the first {@link BounceParser#MAX_MESSAGE_BYTES} bytes.
	 */
	private static final class BoundedBytes extends OutputStream {

		byte[] buffer = new byte[64 * 1024];

		int length;

		boolean cut;

		@Override
		public void write(int b) throws IOException {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] bytes, int offset, int count) throws IOException {
			int room = BounceParser.MAX_MESSAGE_BYTES - this.length;
			int take = Math.min(room, count);
			if (this.length + take > this.buffer.length) {
				this.buffer = Arrays.copyOf(this.buffer,
						Math.min(BounceParser.MAX_MESSAGE_BYTES, Math.max(this.buffer.length * 2, this.length + take)));
			}
			System.arraycopy(bytes, offset, this.buffer, this.length, take);
			this.length += take;
			if (take < count) {
				this.cut = true;
				throw new Full();
			}
		}

		/** Stops {@code writeTo} once the buffer is full. */
		static final class Full extends IOException {

			private static final long serialVersionUID = 1L;

		}

	}

}
