package dev.resilientmail;

import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/** Small messages for tests that care about the envelope and the Message-ID. */
public final class TestMessages {

	private static final Session SESSION = Session.getInstance(new Properties());

	private TestMessages() {
	}

	/**
	 * A text message from {@code sender@example.com} with the given Message-ID.
	 * @param messageId the Message-ID header, with its angle brackets
	 * @param recipients the To addresses
	 * @return the message
	 * @throws MessagingException if an address is malformed
	 */
	public static MimeMessage withMessageId(String messageId, String... recipients) throws MessagingException {
		MimeMessage message = new MimeMessage(SESSION);
		message.setFrom(new InternetAddress("sender@example.com"));
		for (String recipient : recipients) {
			message.addRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
		}
		message.setSubject("order");
		message.setText("hello");
		message.setHeader("Message-ID", messageId);
		return message;
	}

}
