package dev.resilientmail.transport;

import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPMessage;

import dev.resilientmail.internal.EnvelopeIds;

/**
 * The DSN parameters Angus does not send (RFC 3461): {@code ENVID} on MAIL and
 * {@code ORCPT} on each RCPT. They are added when DSNs are asked for (Angus's
 * {@code mail.<protocol>.dsn.notify} or {@code .dsn.ret}, or a message's own NOTIFY or
 * RET options) and the server advertises DSN, which is also when Angus adds NOTIFY and
 * RET. The same rewrite serves the lock-step commands and the pipelined batch, so both
 * send the same lines.
 */
final class DsnParameters {

	private final boolean sessionAsks;

	DsnParameters(Properties properties, String protocol) {
		String prefix = "mail." + protocol + ".dsn.";
		this.sessionAsks = properties.getProperty(prefix + "notify") != null
				|| properties.getProperty(prefix + "ret") != null;
	}

	/**
	 * The command as it goes on the wire.
	 * @param command the command Angus sends (or would send)
	 * @param message the message being sent, or null between messages
	 * @param advertised whether the server advertised DSN
	 */
	String apply(String command, Message message, boolean advertised) {
		if (message == null || !advertised || !asks(message)) {
			return command;
		}
		if (command.startsWith("MAIL FROM:") && !command.contains(" ENVID=")) {
			String envelopeId = envelopeId(message);
			return (envelopeId != null) ? command + " ENVID=" + EnvelopeIds.xtext(envelopeId) : command;
		}
		if (command.startsWith("RCPT TO:<") && !command.contains(" ORCPT=")) {
			int end = command.indexOf('>');
			String address = (end > 0) ? command.substring("RCPT TO:<".length(), end) : "";
			// RFC 3461's rfc822 type is for ASCII addresses; an SMTPUTF8 one would need
			// RFC 6533's utf-8 type, which few servers read: none rather than a wrong one
			if (!address.isEmpty() && address.chars().allMatch((c) -> c > 32 && c < 127)) {
				return command + " ORCPT=rfc822;" + EnvelopeIds.xtext(address);
			}
		}
		return command;
	}

	private boolean asks(Message message) {
		return this.sessionAsks || (message instanceof SMTPMessage smtp
				&& (smtp.getNotifyOptions() != 0 || smtp.getReturnOption() != 0));
	}

	/** The envelope id of a message: derived from its Message-ID. */
	static String envelopeId(Message message) {
		if (!(message instanceof MimeMessage mime)) {
			return null;
		}
		try {
			return EnvelopeIds.of(mime.getMessageID());
		}
		catch (MessagingException ex) {
			return null;
		}
	}

}
