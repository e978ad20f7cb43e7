package dev.resilientmail.benchmarks.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * The messages every contender sends: one sender, one recipient (or more), a plain
 * US-ASCII body in 76-character lines, sized so that the whole message on the wire
 * (headers included) is the requested number of bytes. No body line starts with a dot, so
 * the wire form needs no dot-stuffing.
 */
final class TestMessages {

	static final String FROM = "sender@example.com";

	static final String TO = "rcpt@example.com";

	static final int MIN_SIZE = 512;

	private static final Date SENT = new Date(1_767_225_600_000L);

	private static final Session SESSION = Session.getInstance(messageProperties());

	private TestMessages() {
	}

	private static Properties messageProperties() {
		Properties properties = new Properties();
		// Message-IDs name this host without a DNS lookup of the machine's name
		properties.setProperty("mail.host", "bench.example");
		return properties;
	}

	/**
	 * Builds {@code count} messages of {@code size} bytes each, saved (headers final, as
	 * {@code Transport.send} would leave them).
	 */
	static List<MimeMessage> build(int count, int size) throws MessagingException {
		return build(count, size, 1);
	}

	/**
	 * Builds {@code count} messages of {@code size} bytes each, to {@code recipients}
	 * recipients ({@link #TO} and then {@code 1rcpt@example.com}, ... as
	 * {@code smtp-source -r} numbers them), saved.
	 */
	static List<MimeMessage> build(int count, int size, int recipients) throws MessagingException {
		if (size < MIN_SIZE) {
			throw new IllegalArgumentException(
					"message size must be at least " + MIN_SIZE + " bytes (the headers take about 300), got " + size);
		}
		InternetAddress[] to = recipients(recipients);
		int headerBytes = wireSize(message(0, "x\r\n", to)) - 3;
		int bodyBytes = size - headerBytes;
		List<MimeMessage> messages = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			// a body of its own per message, as an application's messages have: a shared
			// String would make the messages look much smaller in memory than they are
			messages.add(message(i, body(bodyBytes, i), to));
		}
		return messages;
	}

	static InternetAddress[] recipients(int count) throws MessagingException {
		InternetAddress[] to = new InternetAddress[count];
		for (int i = 0; i < count; i++) {
			to[i] = new InternetAddress((i == 0) ? TO : i + TO);
		}
		return to;
	}

	static MimeMessage message(int index, String body) throws MessagingException {
		return message(index, body, new InternetAddress[] { new InternetAddress(TO) });
	}

	static MimeMessage message(int index, String body, InternetAddress[] to) throws MessagingException {
		MimeMessage message = new MimeMessage(SESSION);
		message.setFrom(new InternetAddress(FROM));
		message.setRecipients(Message.RecipientType.TO, to);
		message.setSubject(String.format("whole-run %08d", index));
		message.setSentDate(SENT);
		message.setText(body, "us-ascii");
		message.saveChanges();
		return message;
	}

	/**
	 * A body of exactly {@code bytes} bytes in CRLF-ended lines of at most 76 characters.
	 */
	static String body(int bytes, int seed) {
		String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
		StringBuilder text = new StringBuilder(bytes);
		while (text.length() < bytes) {
			int left = bytes - text.length();
			int line = (left > 78) ? 76 : Math.max(0, left - 2);
			for (int i = 0; i < line; i++) {
				text.append(alphabet.charAt((text.length() + seed) % alphabet.length()));
			}
			text.append((left - line >= 2) ? "\r\n" : "x".repeat(left - line));
		}
		return text.toString();
	}

	/** The message as it goes on the wire after DATA, without the final dot line. */
	static byte[] wire(MimeMessage message) throws MessagingException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try {
			message.writeTo(out);
		}
		catch (IOException ex) {
			throw new MessagingException("cannot serialize the test message", ex);
		}
		byte[] bytes = out.toByteArray();
		String text = new String(bytes, StandardCharsets.US_ASCII);
		if (text.contains("\r\n.")) {
			throw new IllegalStateException("test message would need dot-stuffing");
		}
		return bytes;
	}

	static int wireSize(MimeMessage message) throws MessagingException {
		return wire(message).length;
	}

}
