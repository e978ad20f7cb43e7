package dev.resilientmail.spring;

import io.micrometer.jakarta9.instrument.mail.MailSendObservationContext;
import io.micrometer.jakarta9.instrument.mail.MailSendObservationConvention;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.mail.autoconfigure.MailProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.StringUtils;

/**
 * A Micrometer observation around each message sent by the resilient
 * {@code JavaMailSender} and {@code AsyncMailSender}, when an {@link ObservationRegistry}
 * bean and Micrometer's Jakarta Mail instrumentation ({@code micrometer-jakarta9}) are
 * present: named {@code mail.send} with Micrometer's keys, plus
 * {@code resilient.mail.outcome} and {@code resilient.mail.reason}. A
 * {@link MailSendObservationConvention} bean of the application replaces the naming.
 *
 * @since 0.2.0
 */
@AutoConfiguration(before = ResilientMailAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass({ ObservationRegistry.class, MailSendObservationContext.class })
@ConditionalOnBean(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = "resilient-mail.enabled", matchIfMissing = true)
@ConditionalOnProperty("spring.mail.host")
@EnableConfigurationProperties(MailProperties.class)
public final class ResilientMailObservationAutoConfiguration {

	@Bean
	MailSendObservations resilientMailObservations(ObservationRegistry registry,
			ObjectProvider<MailSendObservationConvention> convention, MailProperties mail) {
		String protocol = StringUtils.hasLength(mail.getProtocol()) ? mail.getProtocol() : "smtp";
		int port = (mail.getPort() != null) ? mail.getPort() : ("smtps".equals(protocol) ? 465 : 25);
		return new MailSendObservations(registry, convention.getIfAvailable(), protocol, mail.getHost(), port);
	}

}
