package dev.resilientmail.transport;

import java.io.IOException;
import java.io.OutputStream;

import org.eclipse.angus.mail.util.LineOutputStream;

/**
 * The stream a message is written into after DATA, handed to {@code MimeMessage.writeTo}
 * already as a line stream. Jakarta Mail 2.1 wraps any other stream in one through
 * {@code StreamProvider.provider()}, a {@code ServiceLoader} lookup over the class path
 * on every message (jakartaee/mail-api#861); given one, it writes the headers through it
 * instead. Bytes go straight to Angus's data stream (which does the dot-stuffing and line
 * ends), not byte by byte as a {@code FilterOutputStream} would.
 */
final class MessageDataStream extends LineOutputStream {

	/**
	 * What Jakarta Mail's {@code MimeBodyPart} uses for the header lines it writes:
	 * system property {@code mail.mime.allowutf8}, true unless {@code "false"}.
	 */
	private static final boolean ALLOW_UTF8 = !"false".equalsIgnoreCase(System.getProperty("mail.mime.allowutf8"));

	MessageDataStream(OutputStream data) {
		super(data, ALLOW_UTF8);
	}

	@Override
	public void write(int b) throws IOException {
		this.out.write(b);
	}

	@Override
	public void write(byte[] bytes, int offset, int length) throws IOException {
		this.out.write(bytes, offset, length);
	}

}
