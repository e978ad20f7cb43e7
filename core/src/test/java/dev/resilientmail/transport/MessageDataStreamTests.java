package dev.resilientmail.transport;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
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
import org.eclipse.angus.mail.util.MailStreamProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.resilientmail.testkit.FaultSmtpServer;
import dev.resilientmail.testkit.ReceivedMessage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The capturing transport hands the message to Jakarta Mail as a line stream: the bytes
 * on the wire are exactly what {@code writeTo} makes, and Jakarta Mail looks its stream
 * provider up fewer times per message than with plain Angus (jakartaee/mail-api#861).
 * Lookups are counted through the system property Jakarta Mail's finder reads first.
 */
class MessageDataStreamTests {

	private static final String FINDER_PROPERTY = "jakarta.mail.util.StreamProvider";

	private String previous;

	@BeforeEach
	void countLookups() {
		this.previous = System.getProperty(FINDER_PROPERTY);
		System.setProperty(FINDER_PROPERTY, CountingStreamProvider.class.getName());
	}

	@AfterEach
	void restore() {
		if (this.previous == null) {
			System.clearProperty(FINDER_PROPERTY);
		}
		else {
			System.setProperty(FINDER_PROPERTY, this.previous);
		}
	}

	@Test
	void wireBytesAreWhatWriteToMakesForTextAndMultipartMessages() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.start()) {
			Session session = session(server, CapturingSmtpTransport.class);
			List<MimeMessage> messages = List.of(text(session, 1), multipart(session));
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
			List<ReceivedMessage> received = server.awaitMessages(2, Duration.ofSeconds(5));
			assertThat(received).hasSize(2);
			for (int i = 0; i < messages.size(); i++) {
				ByteArrayOutputStream expected = new ByteArrayOutputStream();
				messages.get(i).writeTo(expected, WireSize.IGNORED_HEADERS);
				assertThat(new String(received.get(i).data(), "ISO-8859-1"))
					.isEqualTo(asAngusSendsIt(expected.toString("ISO-8859-1")));
			}
		}
	}

	@Test
	void fewerStreamProviderLookupsPerMessageThanPlainAngus() throws Exception {
		try (FaultSmtpServer server = FaultSmtpServer.start()) {
			int angus = lookupsForTenMessages(session(server, SMTPTransport.class));
			int capturing = lookupsForTenMessages(session(server, CapturingSmtpTransport.class));
			assertThat(capturing).isLessThan(angus).isLessThanOrEqualTo(10);
			assertThat(server.awaitMessages(20, Duration.ofSeconds(5))).hasSize(20);
		}
	}

	/** Line ends as Angus's data stream writes them: CRLF everywhere, one at the end. */
	private static String asAngusSendsIt(String written) {
		String crlf = written.replaceAll("\r\n|\r|\n", "\r\n");
		return crlf.endsWith("\r\n") ? crlf : crlf + "\r\n";
	}

	private static int lookupsForTenMessages(Session session) throws Exception {
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
			int before = CountingStreamProvider.created.get();
			for (MimeMessage message : messages) {
				transport.sendMessage(message, message.getAllRecipients());
			}
			return CountingStreamProvider.created.get() - before;
		}
		finally {
			transport.close();
		}
	}

	private static Session session(FaultSmtpServer server, Class<?> transportClass) {
		Properties properties = new Properties();
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

	/** Angus's provider, counting how often Jakarta Mail's finder makes one. */
	public static final class CountingStreamProvider extends MailStreamProvider {

		static final AtomicInteger created = new AtomicInteger();

		public CountingStreamProvider() {
			created.incrementAndGet();
		}

	}

}
