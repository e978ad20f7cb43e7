package dev.resilientmail.transport;

import jakarta.mail.Session;
import jakarta.mail.URLName;

/**
 * The {@link CapturingSmtpTransport} for SMTP over implicit TLS ({@code smtps}, usually
 * port 465), the same way Angus's {@code SMTPSSLTransport} specialises its SMTP
 * transport. Select it with {@code mail.smtps.class}.
 *
 * @since 0.1.0
 */
public class CapturingSmtpsTransport extends CapturingSmtpTransport {

	/**
	 * Creates the transport; Jakarta Mail calls this when the session selects it.
	 * @param session the session
	 * @param urlname the URL name, may be null
	 */
	public CapturingSmtpsTransport(Session session, URLName urlname) {
		super(session, urlname, "smtps", true);
	}

}
