package dev.resilientmail.spring;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.mail.MailException;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.util.StringUtils;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.DeliveryReport;
import dev.resilientmail.delivery.MailDelivery;

/**
 * A {@link JavaMailSenderImpl} whose sends go through a {@link MailDelivery}: the
 * capturing transport, retries, rate limits and pooled connections, with failures thrown
 * as typed {@code MailSendException}s. Host, port, credentials, protocol and Jakarta Mail
 * properties are set as on any {@code JavaMailSenderImpl} (Spring Boot applies
 * {@code spring.mail.*}), so {@code spring.mail.test-connection} keeps working.
 * <p>
 * The delivery is created once, from the settings as they are when the bean is
 * initialised (or at first use); later changes to host, port or properties are not seen.
 */
final class ResilientJavaMailSender extends JavaMailSenderImpl implements InitializingBean, DisposableBean {

	private final DeliveryPolicy policy;

	private final DeliveryListener listener;

	private final List<SendObserver> observers;

	private final List<MailDeliveryCustomizer> customizers;

	private volatile MailDelivery delivery;

	ResilientJavaMailSender(DeliveryPolicy policy, DeliveryListener listener, List<SendObserver> observers) {
		this(policy, listener, observers, List.of());
	}

	ResilientJavaMailSender(DeliveryPolicy policy, DeliveryListener listener, List<SendObserver> observers,
			List<MailDeliveryCustomizer> customizers) {
		this.policy = policy;
		this.listener = listener;
		this.observers = List.copyOf(observers);
		this.customizers = List.copyOf(customizers);
	}

	/**
	 * Checks the settings that can be checked without connecting; the delivery itself
	 * (Jakarta Mail session, transport, threads) is created at first use, so that an
	 * application that sends no mail pays nothing for it at startup.
	 */
	@Override
	public void afterPropertiesSet() {
		protocol();
	}

	@Override
	public void destroy() {
		MailDelivery current = this.delivery;
		if (current != null) {
			current.close();
		}
	}

	/**
	 * Returns the delivery, creating it on first use.
	 * @return the delivery
	 */
	MailDelivery delivery() {
		MailDelivery current = this.delivery;
		if (current == null) {
			synchronized (this) {
				current = this.delivery;
				if (current == null) {
					current = createDelivery();
					this.delivery = current;
				}
			}
		}
		return current;
	}

	/**
	 * Returns whether the delivery was created (by a send, a connection test or a message
	 * created from this sender's session).
	 * @return whether the delivery exists
	 */
	boolean isStarted() {
		return this.delivery != null;
	}

	/**
	 * Returns the session of the delivery (the capturing transport selected), so that
	 * {@link #createMimeMessage()} and {@link #testConnection()} use it too.
	 */
	@Override
	public Session getSession() {
		return delivery().session();
	}

	private String protocol() {
		String protocol = StringUtils.hasLength(getProtocol()) ? getProtocol() : DEFAULT_PROTOCOL;
		if (!"smtp".equals(protocol) && !"smtps".equals(protocol)) {
			throw new InvalidResilientMailConfigurationException(
					List.of(new InvalidResilientMailConfigurationException.Problem("spring.mail.protocol", protocol,
							"smtp (plain or STARTTLS) or smtps (implicit TLS); set resilient-mail.enabled=false"
									+ " to send with another protocol")));
		}
		return protocol;
	}

	private MailDelivery createDelivery() {
		String protocol = protocol();
		Properties properties = new Properties();
		properties.putAll(super.getSession().getProperties());
		String prefix = "mail." + protocol + ".";
		if (StringUtils.hasLength(getHost())) {
			properties.setProperty(prefix + "host", getHost());
		}
		if (getPort() > 0) {
			properties.setProperty(prefix + "port", String.valueOf(getPort()));
		}
		boolean credentials = StringUtils.hasLength(getUsername()) && getPassword() != null;
		if (StringUtils.hasLength(getUsername()) && !credentials) {
			properties.setProperty(prefix + "user", getUsername());
		}
		MailDelivery.Builder builder = MailDelivery.builder(Session.getInstance(properties))
			.protocol(protocol)
			.policy(this.policy)
			.listener(this.listener);
		if (credentials) {
			builder.credentials(getUsername(), getPassword());
		}
		this.customizers.forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	/**
	 * Sends each message on its own: one message's failure neither stops nor changes the
	 * others. Failures are thrown together, typed by {@link MailFailureTranslator}.
	 */
	@Override
	protected void doSend(MimeMessage[] mimeMessages, Object[] originalMessages) throws MailException {
		MailDelivery current = delivery();
		Map<Object, Exception> failed = new LinkedHashMap<>();
		for (int i = 0; i < mimeMessages.length; i++) {
			MimeMessage message = mimeMessages[i];
			Object key = (originalMessages != null) ? originalMessages[i] : message;
			List<SendObserver.Send> sends = started(message);
			try {
				prepare(message);
				delivered(sends, current.send(message));
			}
			catch (MessagingException | RuntimeException ex) {
				failed(sends, ex);
				failed.put(key, ex);
			}
		}
		if (!failed.isEmpty()) {
			throw MailFailureTranslator.translate(failed, mimeMessages.length);
		}
	}

	/**
	 * Sends one message in the background.
	 * @param message the message
	 * @param key what the message is known as in a failure's {@code getFailedMessages()}
	 * @return the future report, failed with a typed {@code MailSendException}
	 */
	CompletableFuture<DeliveryReport> sendAsync(MimeMessage message, Object key) {
		List<SendObserver.Send> sends = started(message);
		CompletableFuture<DeliveryReport> result = new CompletableFuture<>();
		try {
			prepare(message);
		}
		catch (MessagingException ex) {
			failed(sends, ex);
			result.completeExceptionally(new MailPreparationException(ex));
			return result;
		}
		delivery().sendAsync(message).whenComplete((report, error) -> {
			if (error == null) {
				delivered(sends, report);
				result.complete(report);
				return;
			}
			Throwable cause = (error instanceof CompletionException && error.getCause() != null) ? error.getCause()
					: error;
			failed(sends, cause);
			if (cause instanceof Exception exception) {
				Map<Object, Exception> failed = new LinkedHashMap<>();
				failed.put(key, exception);
				result.completeExceptionally(MailFailureTranslator.translate(failed, 1));
			}
			else {
				result.completeExceptionally(cause);
			}
		});
		return result;
	}

	private static void prepare(MimeMessage message) throws MessagingException {
		if (message.getSentDate() == null) {
			message.setSentDate(new Date());
		}
	}

	// observers are metrics and observations: they never fail a send

	private List<SendObserver.Send> started(MimeMessage message) {
		List<SendObserver.Send> sends = new ArrayList<>(this.observers.size());
		for (SendObserver observer : this.observers) {
			try {
				sends.add(observer.started(message));
			}
			catch (RuntimeException ex) {
				// ignored, see above
			}
		}
		return sends;
	}

	private static void delivered(List<SendObserver.Send> sends, DeliveryReport report) {
		for (SendObserver.Send send : sends) {
			try {
				send.delivered(report);
			}
			catch (RuntimeException ex) {
				// ignored, see above
			}
		}
	}

	private static void failed(List<SendObserver.Send> sends, Throwable failure) {
		for (SendObserver.Send send : sends) {
			try {
				send.failed(failure);
			}
			catch (RuntimeException ex) {
				// ignored, see above
			}
		}
	}

}
