package dev.resilientmail.spring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.activation.MimeType;
import jakarta.mail.internet.MimeMessage;

import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.mail.autoconfigure.MailProperties;
import org.springframework.boot.mail.autoconfigure.MailSenderAutoConfiguration;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.mail.MailSender;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.util.StringUtils;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.bounce.BounceCorrelator;
import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.delivery.MailDelivery;

/**
 * Backs the application's {@link JavaMailSender} with resilient-mail when
 * {@code spring.mail.host} is set: the bean is a {@link JavaMailSenderImpl} configured
 * from {@code spring.mail.*} as Spring Boot would (so {@code spring.mail.test-connection}
 * keeps working), whose sends go through a {@link MailDelivery} with the
 * {@code resilient-mail.*} retry, rate-limit and pool settings and throw typed
 * exceptions. Runs before Spring Boot's mail auto-configuration, which then backs off. A
 * {@code JavaMailSender} bean of the application wins;
 * {@code resilient-mail.enabled=false} leaves Spring Boot's own sender. Also provides an
 * {@link AsyncMailSender} and the {@link DeliveryPolicy}, built from
 * {@code resilient-mail.*} and refined by every {@link DeliveryPolicyCustomizer} bean;
 * beans of the application replace either (a {@code DeliveryPolicy} bean replaces all the
 * policy keys, and the starter warns about each one it ignores). Every
 * {@link DeliveryListener} bean receives the delivery's events. With
 * {@code resilient-mail.dsn.notify} the delivery asks for DSNs, with
 * {@code resilient-mail.bounces.verp-return-path} it sends with VERP return paths, and
 * with a {@link BounceCorrelator} bean (the bounce mailbox's) it records every accepted
 * send in it.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = MailSenderAutoConfiguration.class)
@ConditionalOnClass({ MimeMessage.class, MimeType.class, JavaMailSenderImpl.class, MailDelivery.class })
@ConditionalOnBooleanProperty(name = "resilient-mail.enabled", matchIfMissing = true)
@ConditionalOnProperty("spring.mail.host")
@EnableConfigurationProperties({ ResilientMailProperties.class, MailProperties.class })
public final class ResilientMailAutoConfiguration {

	static final String POLICY_BEAN = "resilientMailDeliveryPolicy";

	@Bean(POLICY_BEAN)
	@ConditionalOnMissingBean
	DeliveryPolicy resilientMailDeliveryPolicy(ResilientMailProperties properties,
			ObjectProvider<DeliveryPolicyCustomizer> customizers) {
		return DeliveryPolicyFactory.create(properties, customizers.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean(MailSender.class)
	ResilientJavaMailSender mailSender(MailProperties mailProperties, ResilientMailProperties properties,
			ObjectProvider<SslBundles> sslBundles, DeliveryPolicy policy, ObjectProvider<DeliveryListener> listeners,
			ObjectProvider<SendObserver> observers, ObjectProvider<MailDeliveryCustomizer> customizers,
			ObjectProvider<RetryRegistry> retryRegistries, ObjectProvider<RateLimiterRegistry> rateLimiterRegistries,
			ObjectProvider<Resilience4jRegistries.MeterBinder> meterBinders,
			ObjectProvider<BounceCorrelator> correlators, ConfigurableListableBeanFactory beanFactory,
			Environment environment) {
		if (!beanFactory.containsBeanDefinition(POLICY_BEAN)) {
			IgnoredPolicyKeys.warn(environment);
		}
		Integer asyncThreads = properties.getAsync().getThreads();
		if (asyncThreads != null && asyncThreads < 1) {
			throw new InvalidResilientMailConfigurationException(List
				.of(new InvalidResilientMailConfigurationException.Problem(
						DeliveryPolicyFactory.PREFIX + "async.threads", asyncThreads, "a whole number of at least 1")));
		}
		List<MailDeliveryCustomizer> deliveryCustomizers = new ArrayList<>();
		if (asyncThreads != null) {
			deliveryCustomizers.add((builder) -> builder.asyncThreads(asyncThreads));
		}
		MailDeliveryCustomizer envelope = EnvelopeSettings.customizer(properties);
		if (envelope != null) {
			deliveryCustomizers.add(envelope);
		}
		BounceCorrelator correlator = correlators.getIfAvailable();
		if (correlator != null) {
			deliveryCustomizers.add((builder) -> builder.acceptedSends(correlator::sent));
		}
		deliveryCustomizers.add(Resilience4jRegistries.customizer(retryRegistries.getIfAvailable(),
				rateLimiterRegistries.getIfAvailable(), meterBinders.getIfAvailable()));
		deliveryCustomizers.addAll(customizers.orderedStream().toList());
		ResilientJavaMailSender sender = new ResilientJavaMailSender(policy,
				CompositeDeliveryListener.of(listeners.orderedStream().toList()), observers.orderedStream().toList(),
				deliveryCustomizers);
		applySpringMailProperties(mailProperties, sender, sslBundles.getIfAvailable());
		return sender;
	}

	@Bean
	@ConditionalOnMissingBean(AsyncMailSender.class)
	@ConditionalOnBean(ResilientJavaMailSender.class)
	AsyncMailSender asyncMailSender(ResilientJavaMailSender mailSender) {
		return new DeliveryAsyncMailSender(mailSender);
	}

	/**
	 * Applies {@code spring.mail.*} the way Spring Boot's own mail auto-configuration
	 * does, so that switching the starter on or off changes nothing about the connection.
	 */
	private static void applySpringMailProperties(MailProperties properties, JavaMailSenderImpl sender,
			SslBundles sslBundles) {
		sender.setHost(properties.getHost());
		if (properties.getPort() != null) {
			sender.setPort(properties.getPort());
		}
		sender.setUsername(properties.getUsername());
		sender.setPassword(properties.getPassword());
		sender.setProtocol(properties.getProtocol());
		if (properties.getDefaultEncoding() != null) {
			sender.setDefaultEncoding(properties.getDefaultEncoding().name());
		}
		Properties javaMailProperties = new Properties();
		for (Map.Entry<String, String> entry : properties.getProperties().entrySet()) {
			javaMailProperties.setProperty(entry.getKey(), entry.getValue());
		}
		String protocol = StringUtils.hasLength(properties.getProtocol()) ? properties.getProtocol() : "smtp";
		MailProperties.Ssl ssl = properties.getSsl();
		boolean bundle = StringUtils.hasLength(ssl.getBundle());
		if (ssl.isEnabled() || bundle) {
			if (ssl.isVerifyHostname()) {
				javaMailProperties.setProperty("mail." + protocol + ".ssl.checkserveridentity", "true");
			}
			if (ssl.isEnabled()) {
				javaMailProperties.setProperty("mail." + protocol + ".ssl.enable", "true");
			}
			if (bundle) {
				if (sslBundles == null) {
					throw new IllegalStateException("spring.mail.ssl.bundle is set to '" + ssl.getBundle()
							+ "' but no SslBundles bean is available");
				}
				SslBundle sslBundle = sslBundles.getBundle(ssl.getBundle());
				javaMailProperties.put("mail." + protocol + ".ssl.socketFactory",
						sslBundle.createSslContext().getSocketFactory());
			}
		}
		sender.setJavaMailProperties(javaMailProperties);
	}

}
