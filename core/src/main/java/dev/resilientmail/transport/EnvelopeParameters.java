package dev.resilientmail.transport;

import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPMessage;

import dev.resilientmail.internal.EnvelopeIds;

/**
 * What MAIL and RCPT carry beyond Angus's commands: a VERP return path when one is
 * configured, and the DSN parameters Angus does not send (RFC 3461): {@code ENVID} on
 * MAIL and {@code ORCPT} on each RCPT. They are added when DSNs are asked for (Angus's
 * {@code mail.<protocol>.dsn.notify} or {@code .dsn.ret}, or a message's own NOTIFY or
 * RET options) and the server advertises DSN, which is also when Angus adds NOTIFY and
 * RET. The same rewrite serves the lock-step commands and the pipelined batch, so both
 * send the same lines.
 */
final class EnvelopeParameters {

	private final boolean sessionAsks;

	/** The VERP return path, or null. */
	private final String verp;

	EnvelopeParameters(Properties properties, String protocol) {
		this.verp = properties.getProperty(CapturingSmtpTransport.VERP_RETURN_PATH);
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
		String verped = withVerp(command, message);
		if (message == null || !advertised || !asks(message)) {
			return verped;
		}
		return withDsn(verped, message);
	}

	/** MAIL FROM with the VERP return path of the message, when one is configured. */
	private String withVerp(String command, Message message) {
		String token = (this.verp != null && message != null && command.startsWith("MAIL FROM:<"))
				? EnvelopeIds.verpToken(messageId(message)) : null;
		int end = command.indexOf('>');
		if (token == null || end < 0) {
			return command;
		}
		int at = this.verp.lastIndexOf('@');
		return "MAIL FROM:<" + this.verp.substring(0, at) + "+" + token + this.verp.substring(at)
				+ command.substring(end);
	}

	private String withDsn(String command, Message message) {
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
	private static String envelopeId(Message message) {
		return EnvelopeIds.of(messageId(message));
	}

	private static String messageId(Message message) {
		if (!(message instanceof MimeMessage mime)) {
			return null;
		}
		try {
			return mime.getMessageID();
		}
		catch (MessagingException ex) {
			return null;
		}
	}

}
