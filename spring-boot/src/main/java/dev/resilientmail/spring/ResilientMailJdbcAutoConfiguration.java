package dev.resilientmail.spring;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilientmail.jdbc.JdbcDeliveryStore;

/**
 * With {@code resilient-mail.store=jdbc}: one rate limit shared by every instance and
 * retries kept across restarts, in the application's {@link DataSource}
 * ({@code resilient-mail-jdbc}).
 *
 * @since 0.2.0
 */
@AutoConfiguration(before = ResilientMailAutoConfiguration.class,
		afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnBooleanProperty(name = "resilient-mail.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "resilient-mail.store", havingValue = "jdbc")
@EnableConfigurationProperties(ResilientMailProperties.class)
public final class ResilientMailJdbcAutoConfiguration {

	private static final String KEY = DeliveryPolicyFactory.PREFIX + "store";

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JdbcDeliveryStore.class)
	static class Store {

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		JdbcDeliveryStore resilientMailJdbcDeliveryStore(ObjectProvider<DataSource> dataSources,
				ResilientMailProperties properties) {
			DataSource dataSource = dataSources.getIfUnique();
			if (dataSource == null) {
				throw new InvalidResilientMailConfigurationException(
						List.of(new InvalidResilientMailConfigurationException.Problem(KEY, "jdbc",
								"memory, or jdbc with one DataSource bean (spring.datasource.url)", null)));
			}
			ResilientMailProperties.Jdbc jdbc = properties.getJdbc();
			return JdbcDeliveryStore.builder(dataSource)
				.createSchema(jdbc.isInitializeSchema())
				.pollingInterval(jdbc.getPollingInterval())
				.threads(jdbc.getThreads())
				.build();
		}

		@Bean
		MailDeliveryCustomizer resilientMailJdbcStoreCustomizer(JdbcDeliveryStore store) {
			return (builder) -> builder.ratePermits(store.rateLimits()).retryStore(store.retries());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("dev.resilientmail.jdbc.JdbcDeliveryStore")
	static class Missing {

		@Bean
		Object resilientMailJdbcStoreMissing() {
			throw new InvalidResilientMailConfigurationException(
					List.of(new InvalidResilientMailConfigurationException.Problem(KEY, "jdbc",
							"memory, or jdbc with dev.resilientmail:resilient-mail-jdbc on the class path", null)));
		}

	}

}
