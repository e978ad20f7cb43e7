package dev.resilientmail.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.ReceivedMessage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The capturing transport hands the message to Jakarta Mail as a line stream and answers
 * Jakarta Mail's {@code StreamProvider} lookup from memory (jakartaee/mail-api#861): the
 * bytes on the wire are exactly what {@code writeTo} makes, and the caller's class loader
 * is not asked for the provider's service file once per message, as it is with plain
 * Angus. Counted by a context class loader that counts those requests.
 */
class MessageDataStreamTests {

	private static final String SERVICE_FILE = "META-INF/services/jakarta.mail.util.StreamProvider";

	private ClassLoader previous;

	private final CountingLoader counting = new CountingLoader(MessageDataStreamTests.class.getClassLoader());

	@BeforeEach
	void countLookups() {
		this.previous = Thread.currentThread().getContextClassLoader();
		Thread.currentThread().setContextClassLoader(this.counting);
	}

	@AfterEach
	void restore() {
		Thread.currentThread().setContextClassLoader(this.previous);
	}

	@Test
	void wireBytesAreWhatWriteToMakesForTextMultipartAndLargeMessages() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.start()) {
			Session session = session(server, CapturingSmtpTransport.class);
			MimeMessage large = text(session, 2);
			// larger than the stream's buffer, with dots to stuff across its chunks
			large.setText(".first\r\n" + "line of a larger message\r\n.dot\r\n".repeat(4000), "us-ascii");
			List<MimeMessage> messages = List.of(text(session, 1), multipart(session), large);
			Transport transport = session.getTransport("smtp");
			assertThat(transport).isInstanceOf(CapturingSmtpTransport.class);
			transport.connect();
			try {
				for (MimeMessage message : messages) {
					transport.sendMessage(message, message.getAllRecipients());
				}
			}
			finally {
				transport.close();
			}
			List<ReceivedMessage> received = server.awaitMessages(3, Duration.ofSeconds(5));
			assertThat(received).hasSize(3);
			for (int i = 0; i < messages.size(); i++) {
				ByteArrayOutputStream expected = new ByteArrayOutputStream();
				messages.get(i).writeTo(expected, WireSize.IGNORED_HEADERS);
				assertThat(new String(received.get(i).data(), "ISO-8859-1"))
					.isEqualTo(asAngusSendsIt(expected.toString("ISO-8859-1")));
			}
		}
	}

	@Test
	void noStreamProviderLookupPerMessageWhereAngusMakesOne() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.start()) {
			int angus = lookupsForTenMessages(session(server, SMTPTransport.class, true));
			int capturing = lookupsForTenMessages(session(server, CapturingSmtpTransport.class, true));
			int capturingWithoutHint = lookupsForTenMessages(session(server, CapturingSmtpTransport.class, false));
			assertThat(angus).isGreaterThanOrEqualTo(10);
			// once, to learn which provider the caller's loader names; not per message
			assertThat(capturing).isLessThanOrEqualTo(1);
			assertThat(capturingWithoutHint).isGreaterThanOrEqualTo(10);
			assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(this.counting);
			assertThat(server.awaitMessages(30, Duration.ofSeconds(5))).hasSize(30);
		}
	}

	/** Line ends as Angus's data stream writes them: CRLF everywhere, one at the end. */
	private static String asAngusSendsIt(String written) {
		String crlf = written.replaceAll("\r\n|\r|\n", "\r\n");
		return crlf.endsWith("\r\n") ? crlf : crlf + "\r\n";
	}

	private int lookupsForTenMessages(Session session) throws Exception {
		Transport transport = session.getTransport("smtp");
		transport.connect();
		try {
			MimeMessage[] messages = new MimeMessage[10];
			for (int i = 0; i < messages.length; i++) {
				// an ASCII subject: Angus reads it per message, and decoding an encoded
				// word looks the provider up too
				messages[i] = text(session, i);
				messages[i].setSubject("lookups " + i);
				messages[i].saveChanges();
			}
			int before = this.counting.lookups.get();
			for (MimeMessage message : messages) {
				transport.sendMessage(message, message.getAllRecipients());
			}
			return this.counting.lookups.get() - before;
		}
		finally {
			transport.close();
		}
	}

	private static Session session(FaultSmtpServer server, Class<?> transportClass) {
		return session(server, transportClass, true);
	}

	private static Session session(FaultSmtpServer server, Class<?> transportClass, boolean hint) {
		Properties properties = new Properties();
		properties.setProperty("resilient-mail.stream-provider-hint", String.valueOf(hint));
		properties.setProperty("mail.smtp.class", transportClass.getName());
		properties.setProperty("mail.smtp.host", server.host());
		properties.setProperty("mail.smtp.port", String.valueOf(server.port()));
		properties.setProperty("mail.smtp.connectiontimeout", "5000");
		properties.setProperty("mail.smtp.timeout", "5000");
		return Session.getInstance(properties);
	}

	private static MimeMessage text(Session session, int index) throws Exception {
		MimeMessage message = new MimeMessage(session);
		message.setFrom(new InternetAddress("sender@example.com"));
		message.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@example.com"));
		message.setSubject("line stream " + index + " \u00e9t\u00e9");
		message.setText("first line\n.leading dot\r\nlast line without an end", "utf-8");
		return message;
	}

	private static MimeMessage multipart(Session session) throws Exception {
		MimeMessage message = new MimeMessage(session);
		message.setFrom(new InternetAddress("sender@example.com"));
		message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.com"));
		message.setSubject("parts");
		MimeMultipart multipart = new MimeMultipart();
		MimeBodyPart text = new MimeBodyPart();
		text.setText("caf\u00e9 " + "long line ".repeat(30), "utf-8");
		MimeBodyPart bytes = new MimeBodyPart();
		bytes.setContent(new byte[] { 0, 1, 2, (byte) 0xff }, "application/octet-stream");
		multipart.addBodyPart(text);
		multipart.addBodyPart(bytes);
		message.setContent(multipart);
		message.saveChanges();
		return message;
	}

	/** The test's class loader, counting the requests for the provider's service file. */
	static final class CountingLoader extends ClassLoader {

		final AtomicInteger lookups = new AtomicInteger();

		CountingLoader(ClassLoader parent) {
			super(parent);
		}

		@Override
		public Enumeration<URL> getResources(String name) throws IOException {
			if (SERVICE_FILE.equals(name)) {
				this.lookups.incrementAndGet();
			}
			return super.getResources(name);
		}

	}

}
