package dev.resilientmail.benchmarks.harness;

import jakarta.mail.internet.MimeMessage;

import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Spring's {@link JavaMailSenderImpl}, one {@code send(message)} call per message: what
 * an application using Spring Boot's default mail sender does, a new connection (and with
 * TLS a handshake and AUTH) per call.
 */
final class SpringContender implements Contender {

	private final String name;

	private final Sink sink;

	private final JavaMailSenderImpl sender = new JavaMailSenderImpl();

	SpringContender(String name, Sink sink) {
		this.name = name;
		this.sink = sink;
		this.sender.setHost(sink.host());
		this.sender.setPort(sink.port());
		this.sender.setJavaMailProperties(sink.sessionProperties());
		if (sink.tls()) {
			this.sender.setUsername(Sink.USER);
			this.sender.setPassword(Sink.PASSWORD);
		}
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public String description() {
		return "Spring JavaMailSenderImpl, send(message) per message (a connection per call)"
				+ (this.sink.tls() ? ", STARTTLS + AUTH" : "");
	}

	@Override
	public Sink sink() {
		return this.sink;
	}

	@Override
	public void send(MimeMessage message, int index) {
		this.sender.send(message);
	}

}
