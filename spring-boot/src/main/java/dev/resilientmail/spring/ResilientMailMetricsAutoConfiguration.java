package dev.resilientmail.spring;

import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer meters for the resilient {@code JavaMailSender} when Micrometer and a
 * {@link MeterRegistry} bean are present: {@code resilient.mail.replies} (by
 * {@code code.class}, {@code enhanced.code}, {@code command}),
 * {@code resilient.mail.outcomes} (by {@code kind}, {@code reason}),
 * {@code resilient.mail.send} (timer, by {@code outcome}) and
 * {@code resilient.mail.retries} (by {@code reason}); with resilience4j-micrometer on the
 * class path, also Resilience4j's own retry and rate limiter meters
 * ({@code resilience4j.retry.calls},
 * {@code resilience4j.ratelimiter.available.permissions}, ..., named
 * {@code resilient-mail:HOST:PORT}) of the registries the starter creates when the
 * application has none (the application's own {@code RetryRegistry} and
 * {@code RateLimiterRegistry} beans are used as they are, bound wherever the application
 * binds them).
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

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(TaggedRetryMetrics.class)
	static class Resilience4jMetricsConfiguration {

		@Bean
		Resilience4jRegistries.MeterBinder resilientMailResilience4jMeterBinder(MeterRegistry meterRegistry) {
			return (retries, rateLimiters) -> {
				TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meterRegistry);
				TaggedRateLimiterMetrics.ofRateLimiterRegistry(rateLimiters).bindTo(meterRegistry);
			};
		}

	}

}
