package dev.resilientmail.benchmarks.harness;

import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import dev.resilientmail.transport.CapturingSmtpTransport;

/**
 * One Angus Mail transport, connected once per round, sending every message with
 * {@code sendMessage}: plain {@link SMTPTransport} (the floor) or
 * {@link CapturingSmtpTransport} selected with {@code mail.smtp.class} (the decorator's
 * overhead).
 */
final class TransportContender implements Contender {

	private final String name;

	private final Sink sink;

	private final boolean capturing;

	private final Session session;

	private Transport transport;

	TransportContender(String name, Sink sink, boolean capturing) {
		this.name = name;
		this.sink = sink;
		this.capturing = capturing;
		Properties properties = sink.sessionProperties();
		if (capturing) {
			properties.setProperty("mail.smtp.class", CapturingSmtpTransport.class.getName());
		}
		this.session = Session.getInstance(properties);
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public String description() {
		return (this.capturing ? "CapturingSmtpTransport (mail.smtp.class)" : "plain Angus SMTPTransport")
				+ ", one connection per round, sendMessage per message" + (this.sink.tls() ? ", STARTTLS + AUTH" : "");
	}

	@Override
	public Sink sink() {
		return this.sink;
	}

	@Override
	public void beginRound() throws Exception {
		Transport transport = this.session.getTransport("smtp");
		Class<?> expected = this.capturing ? CapturingSmtpTransport.class : SMTPTransport.class;
		if (transport.getClass() != expected) {
			throw new IllegalStateException(this.name + ": session gave " + transport.getClass().getName()
					+ ", expected " + expected.getName());
		}
		if (this.sink.tls()) {
			transport.connect(this.sink.host(), this.sink.port(), Sink.USER, Sink.PASSWORD);
		}
		else {
			transport.connect(this.sink.host(), this.sink.port(), null, null);
		}
		this.transport = transport;
	}

	@Override
	public void send(MimeMessage message, int index) throws Exception {
		this.transport.sendMessage(message, message.getAllRecipients());
	}

	@Override
	public void endRound() throws Exception {
		Transport transport = this.transport;
		this.transport = null;
		if (transport != null) {
			transport.close();
		}
	}

}
