package dev.resilientmail.delivery;

import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.classify.ReplyClassifier;
import dev.resilientmail.reply.SmtpExchange;
import dev.resilientmail.transport.CapturingSmtpTransport;
import dev.resilientmail.transport.CapturingSmtpsTransport;

/**
 * The one place where a delivery's Jakarta Mail session is assembled: the capturing
 * transport selected, partial sends on, the policy's timeouts unless the session sets its
 * own, the server's identity checked, STARTTLS required whenever credentials would
 * otherwise go out in clear.
 */
record SessionSettings(Session session, String protocol, String host, int port, String username, String password) {

	static SessionSettings of(DeliverySetup builder) {
		DeliveryPolicy policy = builder.policy;
		Properties properties = new Properties();
		if (builder.session != null) {
			properties.putAll(builder.session.getProperties());
		}
		String protocol = builder.protocol;
		boolean smtps = "smtps".equals(protocol);
		String prefix = "mail." + protocol + ".";
		String host = (builder.host != null) ? builder.host : properties.getProperty(prefix + "host", "localhost");
		int port = (builder.port > 0) ? builder.port
				: Integer.parseInt(properties.getProperty(prefix + "port", smtps ? "465" : "25"));
		String username = (builder.username != null) ? builder.username : properties.getProperty(prefix + "user");
		DeliveryPolicy.Timeouts timeouts = policy.timeouts();
		properties.setProperty(prefix + "class",
				(smtps ? CapturingSmtpsTransport.class : CapturingSmtpTransport.class).getName());
		properties.setProperty(prefix + "sendpartial", "true");
		if (builder.dsnNotify != null) {
			// Angus sends these only where DSN is advertised; the transport adds ENVID
			// and ORCPT under the same condition
			properties.setProperty(prefix + "dsn.notify", builder.dsnNotify);
			properties.setProperty(prefix + "dsn.ret", builder.dsnRet);
		}
		if (builder.verpReturnPath != null) {
			properties.setProperty(CapturingSmtpTransport.VERP_RETURN_PATH, builder.verpReturnPath);
		}
		properties.putIfAbsent(prefix + "connectiontimeout", String.valueOf(timeouts.connect().toMillis()));
		properties.putIfAbsent(prefix + "timeout", String.valueOf(timeouts.read().toMillis()));
		properties.putIfAbsent(prefix + "writetimeout", String.valueOf(timeouts.read().toMillis()));
		properties.putIfAbsent(CapturingSmtpTransport.REPLY_TIMEOUT, String.valueOf(timeouts.reply().toMillis()));
		boolean credentials = username != null && builder.password != null;
		if (credentials) {
			properties.setProperty(prefix + "auth", "true");
		}
		if (requireStartTls(builder, properties, credentials)) {
			properties.setProperty(prefix + "starttls.enable", "true");
			properties.setProperty(prefix + "starttls.required", "true");
		}
		if (builder.sslSocketFactory != null) {
			properties.put(prefix + "ssl.socketFactory", builder.sslSocketFactory);
		}
		// Angus 2.0 checks by default; say so, so that an Angus with another default
		// cannot silently accept a certificate issued for another host
		properties.putIfAbsent(prefix + "ssl.checkserveridentity", "true");
		if (!policy.classificationRules().isEmpty()) {
			properties.put("resilient-mail.classifier",
					ReplyClassifier.defaults().withRules(policy.classificationRules()));
		}
		SessionSettings settings = new SessionSettings(Session.getInstance(properties), protocol, host, port, username,
				builder.password);
		try {
			// fail now, not at the first send, when the transport cannot be selected
			CapturingSmtpTransport.of(settings.session(), protocol);
		}
		catch (MessagingException ex) {
			throw new IllegalStateException("cannot create the SMTP transport: " + ex.getMessage(), ex);
		}
		return settings;
	}

	/**
	 * Credentials over plain {@code smtp} go out only after STARTTLS, unless the builder
	 * or the session ({@code mail.smtp.starttls.required=false}) turns that off
	 * explicitly.
	 */
	private static boolean requireStartTls(DeliverySetup builder, Properties properties, boolean credentials) {
		if (builder.requireStartTls != null) {
			return builder.requireStartTls;
		}
		String sessionSays = properties.getProperty("mail." + builder.protocol + ".starttls.required");
		return credentials && "smtp".equals(builder.protocol) && !"false".equalsIgnoreCase(sessionSays);
	}

	String destination() {
		return this.host + ":" + this.port;
	}

	/**
	 * Opens a connected transport that reports its exchanges to the listener: outcomes
	 * are reported by the delivery, once per message after any retries.
	 */
	CapturingSmtpTransport connect(DeliveryListener listener) throws MessagingException {
		CapturingSmtpTransport transport = CapturingSmtpTransport.of(this.session, this.protocol);
		if (listener != DeliveryListener.NONE) {
			// no listener, no wrapper: the transport builds exchanges only for a listener
			// (or DEBUG logging)
			transport.setDeliveryListener(new DeliveryListener() {
				@Override
				public void onExchange(SmtpExchange exchange) {
					listener.onExchange(exchange);
				}
			});
		}
		transport.connect(this.host, this.port, this.username, this.password);
		return transport;
	}

	@Override
	public String toString() {
		// the record's own would print the password
		return "SessionSettings[" + this.protocol + "://" + destination() + ", user " + this.username + "]";
	}

}
