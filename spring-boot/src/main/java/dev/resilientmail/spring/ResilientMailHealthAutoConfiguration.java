package dev.resilientmail.spring;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.mail.autoconfigure.MailHealthContributorAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The {@code mail} health contributor for the resilient sender: reports from the outcomes
 * of recent sends and the limiter's state, and opens no connection per probe (see
 * {@link RecentOutcomesHealthIndicator}). Registered under Spring Boot's own name,
 * {@code mailHealthContributor}, so Boot's probing indicator backs off; a bean of that
 * name of the application wins, and {@code management.health.mail.enabled=false} turns
 * both off.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = ResilientMailAutoConfiguration.class, before = MailHealthContributorAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(ResilientJavaMailSender.class)
@ConditionalOnEnabledHealthIndicator("mail")
public final class ResilientMailHealthAutoConfiguration {

	@Bean(name = "mailHealthContributor")
	@ConditionalOnMissingBean(name = { "mailHealthIndicator", "mailHealthContributor" })
	RecentOutcomesHealthIndicator mailHealthContributor(ObjectProvider<ResilientJavaMailSender> sender) {
		return new RecentOutcomesHealthIndicator(Clock.systemUTC(), () -> {
			ResilientJavaMailSender current = sender.getIfAvailable();
			return (current != null && current.isStarted()) ? current.delivery().currentRateLimit() : -1;
		});
	}

}
