package dev.resilientmail.spring;

import jakarta.mail.internet.MimeMessage;

import io.micrometer.jakarta9.instrument.mail.MailObservationDocumentation;
import io.micrometer.jakarta9.instrument.mail.MailSendObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import dev.resilientmail.DeliveryReport;

/**
 * One Micrometer observation per message, from the send call to its final outcome
 * (retries and waits included), in the vocabulary of Micrometer's own Jakarta Mail
 * instrumentation: named {@code mail.send} ({@code mail send} in traces), with its keys
 * ({@code server.address}, {@code server.port}, {@code network.protocol.name},
 * {@code smtp.message.*}) and this library's outcome keys (see
 * {@link ResilientMailSendObservationConvention}). So a trace shows one span per message,
 * a child of whatever observation the caller is in, and an application that also
 * instruments its transports with {@code InstrumentedTransport} sees the same names.
 */
final class MailSendObservations implements SendObserver {

	private final ObservationRegistry registry;

	private final MailSendObservationConvention customConvention;

	private final String protocol;

	private final String host;

	private final int port;

	MailSendObservations(ObservationRegistry registry, MailSendObservationConvention customConvention, String protocol,
			String host, int port) {
		this.registry = registry;
		this.customConvention = customConvention;
		this.protocol = protocol;
		this.host = host;
		this.port = port;
	}

	@Override
	public Send started(MimeMessage message) {
		ResilientMailSendContext context = new ResilientMailSendContext(message, this.protocol, this.host, this.port);
		Observation observation = MailObservationDocumentation.MAIL_SEND
			.observation(this.customConvention, ResilientMailSendObservationConvention.INSTANCE, () -> context,
					this.registry)
			.start();
		return new Send() {

			@Override
			public void delivered(DeliveryReport report) {
				context.delivered(report);
				observation.stop();
			}

			@Override
			public void failed(Throwable failure) {
				context.failed(failure);
				observation.error(failure);
				observation.stop();
			}

		};
	}

}
