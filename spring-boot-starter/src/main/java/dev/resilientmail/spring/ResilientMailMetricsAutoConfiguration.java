package dev.resilientmail.spring;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters for the resilient {@code JavaMailSender} when Micrometer and a
 * {@link MeterRegistry} bean are present: {@code resilient.mail.replies} (by
 * {@code code.class}, {@code enhanced.code}, {@code command}),
 * {@code resilient.mail.outcomes} (by {@code kind}, {@code reason}),
 * {@code resilient.mail.send} (timer, by {@code outcome}) and
 * {@code resilient.mail.retries} (by {@code reason}).
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = ResilientMailAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "resilient-mail.enabled", matchIfMissing = true)
@ConditionalOnProperty("spring.mail.host")
public final class ResilientMailMetricsAutoConfiguration {

	@Bean
	MicrometerMailMetrics resilientMailMetrics(MeterRegistry registry) {
		return new MicrometerMailMetrics(registry);
	}

}
