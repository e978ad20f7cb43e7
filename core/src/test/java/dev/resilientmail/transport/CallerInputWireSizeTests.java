package dev.resilientmail.transport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.stream.Stream;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cheap bound that spares most messages a second serialisation must never be below
 * the real size: a message it lets through unmeasured must fit.
 */
class CallerInputWireSizeTests {

	private static final Session SESSION = Session.getInstance(new Properties());

	static Stream<Arguments> messages() throws Exception {
		return Stream.of(Arguments.of("short ASCII text", text("Hello.")),
				Arguments.of("long lines, bare LF", text(("x".repeat(500) + "\n").repeat(50))),
				Arguments.of("non-ASCII text (quoted-printable)", text("Grüße, ½ € — ".repeat(200))),
				Arguments.of("mostly non-ASCII text (base64)", text("日本語のテキスト".repeat(300))),
				Arguments.of("multipart text and HTML", multipart()),
				Arguments.of("parsed from the wire", parsed(text("Hello\nagain\n".repeat(100)))));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("messages")
	void boundIsNeverBelowTheSizeOnTheWire(String name, MimeMessage message) throws Exception {
		long bound = WireSize.upperBound(message);
		WireSize.Counter counter = new WireSize.Counter();
		message.writeTo(counter, WireSize.IGNORED_HEADERS);

		assertThat(bound).as("a bound is known").isPositive();
		assertThat(bound).as("bound for %s, %d bytes on the wire", name, counter.size())
			.isGreaterThanOrEqualTo(counter.size());
		assertThat(WireSize.over(message, bound)).as("fits in its own bound").isEqualTo(-1);
		assertThat(WireSize.over(message, counter.size() - 1)).as("one byte less is over").isEqualTo(counter.size());
	}

	@Test
	void attachmentWithoutAKnownSizeIsMeasured() throws Exception {
		MimeMultipart mixed = new MimeMultipart();
		MimeBodyPart body = new MimeBodyPart();
		body.setText("see the attachment");
		MimeBodyPart attachment = new MimeBodyPart();
		attachment.setDataHandler(new jakarta.activation.DataHandler(
				new ByteArrayDataSource(new byte[30_000], "application/octet-stream")));
		mixed.addBodyPart(body);
		mixed.addBodyPart(attachment);
		MimeMessage message = new MimeMessage(SESSION);
		message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.com"));
		message.setContent(mixed);
		message.saveChanges();

		assertThat(WireSize.upperBound(message)).as("no bound without writing the bytes").isEqualTo(-1);
		assertThat(WireSize.over(message, 30_000)).as("base64 of 30000 bytes").isGreaterThan(40_000);
	}

	private static MimeMessage text(String text) throws MessagingException {
		MimeMessage message = new MimeMessage(SESSION);
		message.setFrom("sender@example.com");
		message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.com"));
		message.setSubject("size");
		message.setText(text, "UTF-8");
		message.saveChanges();
		return message;
	}

	private static MimeMessage multipart() throws MessagingException {
		MimeMultipart alternative = new MimeMultipart("alternative");
		MimeBodyPart plain = new MimeBodyPart();
		plain.setText("Plain text, Grüße.\n".repeat(40), "UTF-8");
		MimeBodyPart html = new MimeBodyPart();
		html.setContent("<p>HTML, Grüße.</p>\n".repeat(40), "text/html; charset=UTF-8");
		alternative.addBodyPart(plain);
		alternative.addBodyPart(html);
		MimeMessage message = new MimeMessage(SESSION);
		message.setFrom("sender@example.com");
		message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.com"));
		message.setContent(alternative);
		message.saveChanges();
		return message;
	}

	private static MimeMessage parsed(MimeMessage original) throws Exception {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		original.writeTo(bytes);
		String lf = bytes.toString(StandardCharsets.US_ASCII).replace("\r\n", "\n");
		return new MimeMessage(SESSION, new ByteArrayInputStream(lf.getBytes(StandardCharsets.US_ASCII)));
	}

}
