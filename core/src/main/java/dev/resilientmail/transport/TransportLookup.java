package dev.resilientmail.transport;

import java.util.Objects;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;

/**
 * Finds the capturing transport a session selects, and says how to fix the session when
 * it selects another: Jakarta Mail silently falls back to its default transport on a
 * class name that is not a registered provider.
 */
final class TransportLookup {

	private TransportLookup() {
	}

	static CapturingSmtpTransport capturing(Session session, String protocol) throws MessagingException {
		Objects.requireNonNull(session, "session");
		if (!"smtp".equals(protocol) && !"smtps".equals(protocol)) {
			throw new IllegalArgumentException("protocol must be smtp or smtps, got '" + protocol + "'");
		}
		// before Jakarta Mail makes the transport: it reports a failing constructor by
		// the provider's name only
		SocketTuning.validate(session.getProperties());
		Transport transport = session.getTransport(protocol);
		if (transport instanceof CapturingSmtpTransport capturing) {
			return capturing;
		}
		String key = "mail." + protocol + ".class";
		String expected = "smtps".equals(protocol) ? CapturingSmtpsTransport.class.getName()
				: CapturingSmtpTransport.class.getName();
		throw new IllegalStateException("session property " + key + " is '" + session.getProperty(key)
				+ "', so Jakarta Mail chose " + transport.getClass().getName() + "; set " + key + "=" + expected
				+ " (Jakarta Mail ignores class names that are not registered providers)");
	}

}
