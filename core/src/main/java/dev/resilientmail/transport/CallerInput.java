package dev.resilientmail.transport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

import jakarta.mail.Address;
import jakarta.mail.Header;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPMessage;

/**
 * What the caller asked to send, checked before anything goes out: what a server must
 * never see is refused with a {@link MessagingException} that says what was wrong and
 * that nothing was sent, never retried (the same input fails the same way).
 */
final class CallerInput {

	private CallerInput() {
	}

	/**
	 * Refuses what a server must never see, before anything is sent: no recipients, a
	 * recipient without a domain (RFC 5321 needs local-part@domain; a server may append
	 * its own domain and deliver elsewhere), and header injection: a CR or LF in an
	 * envelope address, or in a header value other than a folding line break (CRLF
	 * followed by a space or tab).
	 */
	static void refuse(Message message, Address[] addresses, Session session, String protocol)
			throws MessagingException {
		Objects.requireNonNull(message, "message");
		List<Address> individuals = (addresses != null) ? individuals(addresses) : List.of();
		if (individuals.isEmpty()) {
			throw new SendFailedException(
					"refusing to send: no recipient addresses"
							+ ((addresses != null && addresses.length > 0)
									? " (only empty groups: " + Arrays.toString(addresses) + ")" : "")
							+ "; nothing was sent");
		}
		refuseRecipients(individuals, CallerInput::hasLineBreak, "contains CR or LF (header injection?)", "");
		refuseRecipients(individuals, CallerInput::hasNul, "contains a NUL character", "");
		refuseRecipients(individuals, (address) -> !hasDomain(address), "without a domain",
				"; an SMTP recipient must be local-part@domain (only 'postmaster' may stand alone)");
		if (message instanceof MimeMessage mime) {
			if (anyHeaderLineBreak(mime)) {
				Enumeration<Header> headers = mime.getAllHeaders();
				while (headers.hasMoreElements()) {
					Header header = headers.nextElement();
					if (hasBareLineBreak(header.getName()) || hasBareLineBreak(header.getValue())) {
						throw new MessagingException("refusing to send: header '" + escape(header.getName())
								+ "' contains a CR or LF that is not a folding line break (header injection?): '"
								+ escape(header.getValue()) + "'; nothing was sent");
					}
				}
			}
			Address[] from = mime.getFrom();
			if (from != null) {
				for (Address address : from) {
					if (address instanceof InternetAddress internet && hasLineBreak(internet.getAddress())) {
						throw new MessagingException("refusing to send: sender address contains CR or LF: '"
								+ escape(internet.getAddress()) + "'; nothing was sent");
					}
				}
			}
		}
		refuseBadEnvelope(message, session, protocol);
	}

	private static void refuseRecipients(List<Address> recipients, Predicate<String> bad, String why, String advice)
			throws SendFailedException {
		List<Address> refused = new ArrayList<>();
		for (Address address : recipients) {
			if (address instanceof InternetAddress internet && bad.test(internet.getAddress())) {
				refused.add(address);
			}
		}
		if (!refused.isEmpty()) {
			throw new SendFailedException(
					"refusing to send: recipient address " + why + ": "
							+ refused.stream()
								.map((a) -> "'" + escape(((InternetAddress) a).getAddress()) + "'")
								.toList()
							+ advice + "; nothing was sent",
					null, new Address[0], new Address[0], refused.toArray(new Address[0]));
		}
	}

	/**
	 * The envelope sender and MAIL/RCPT parameters as Angus will write them (an
	 * {@link SMTPMessage}'s own setting first, then the session's
	 * {@code mail.<protocol>.from}, {@code .mailextension}, {@code .dsn.notify},
	 * {@code .dsn.ret}): a CR, LF or NUL there would end the command line early, and
	 * Angus only notices while writing it.
	 */
	private static void refuseBadEnvelope(Message message, Session session, String protocol) throws MessagingException {
		String prefix = "mail." + protocol + ".";
		SMTPMessage smtp = (message instanceof SMTPMessage given) ? given : null;
		String from = (smtp != null) ? smtp.getEnvelopeFrom() : null;
		String fromSource = "envelope sender (SMTPMessage.setEnvelopeFrom)";
		if (from == null || from.isEmpty()) {
			from = session.getProperty(prefix + "from");
			fromSource = "envelope sender (session property " + prefix + "from)";
		}
		refuseControl(fromSource, from);
		refuseControl("MAIL FROM extension (SMTPMessage.setMailExtension)",
				(smtp != null) ? smtp.getMailExtension() : null);
		refuseControl("MAIL FROM extension (session property " + prefix + "mailextension)",
				session.getProperty(prefix + "mailextension"));
		refuseControl("DSN NOTIFY (session property " + prefix + "dsn.notify)",
				session.getProperty(prefix + "dsn.notify"));
		refuseControl("DSN RET (session property " + prefix + "dsn.ret)", session.getProperty(prefix + "dsn.ret"));
	}

	private static void refuseControl(String what, String value) throws MessagingException {
		if (hasLineBreak(value)) {
			throw new MessagingException(
					"refusing to send: " + what + " contains CR or LF: '" + escape(value) + "'; nothing was sent");
		}
		if (hasNul(value)) {
			throw new MessagingException("refusing to send: " + what + " contains a NUL character: '" + escape(value)
					+ "'; nothing was sent");
		}
	}

	/**
	 * Refuses a command line with a CR, LF or NUL inside: the caller's input is checked
	 * before sending, this is the last guard for what Angus builds from settings we do
	 * not know of.
	 */
	static void refuseBrokenCommand(String command) throws MessagingException {
		if (hasLineBreak(command) || hasNul(command)) {
			throw new MessagingException("refusing to send: the SMTP command '" + escape(command)
					+ "' contains CR, LF or NUL; it was not sent");
		}
	}

	/** The recipients as Angus sends them: groups replaced by their members. */
	static List<InternetAddress> recipients(Address[] addresses) {
		List<InternetAddress> recipients = new ArrayList<>(addresses.length);
		for (Address address : individuals(addresses)) {
			if (address instanceof InternetAddress internet) {
				recipients.add(internet);
			}
		}
		return recipients;
	}

	/** The addresses with groups replaced by their members, as Angus sends them. */
	static List<Address> individuals(Address[] addresses) {
		List<Address> individuals = new ArrayList<>(addresses.length);
		for (Address address : addresses) {
			if (address instanceof InternetAddress internet && internet.isGroup()) {
				try {
					InternetAddress[] members = internet.getGroup(true);
					if (members != null) {
						individuals.addAll(Arrays.asList(members));
					}
				}
				catch (AddressException ex) {
					// Angus then sends the group as it is; so be it
					individuals.add(address);
				}
			}
			else {
				individuals.add(address);
			}
		}
		return individuals;
	}

	private static boolean hasDomain(String address) {
		if (address == null) {
			return false;
		}
		int at = address.lastIndexOf('@');
		return (at > 0 && at < address.length() - 1) || address.equalsIgnoreCase("postmaster");
	}

	/**
	 * Whether any header line holds a CR or LF: most messages have none (no folded
	 * header), and then the header-by-header check, which builds a name and a value per
	 * header, has nothing to find.
	 */
	private static boolean anyHeaderLineBreak(MimeMessage message) throws MessagingException {
		Enumeration<String> lines = message.getAllHeaderLines();
		while (lines.hasMoreElements()) {
			if (hasLineBreak(lines.nextElement())) {
				return true;
			}
		}
		return false;
	}

	private static boolean hasLineBreak(String text) {
		return text != null && (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0);
	}

	private static boolean hasBareLineBreak(String text) {
		if (text == null) {
			return false;
		}
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\r' || c == '\n') {
				int next = i + 1;
				if (c == '\r' && next < text.length() && text.charAt(next) == '\n') {
					next++;
				}
				if (next >= text.length() || (text.charAt(next) != ' ' && text.charAt(next) != '\t')) {
					return true;
				}
				i = next - 1;
			}
		}
		return false;
	}

	private static boolean hasNul(String text) {
		return text != null && text.indexOf('\0') >= 0;
	}

	static String escape(String text) {
		return (text == null) ? "null" : text.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
	}

}
