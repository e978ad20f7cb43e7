package dev.resilientmail.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

import dev.resilientmail.DeliveryListener;
import dev.resilientmail.bounce.BounceCorrelator;
import dev.resilientmail.bounce.BounceMailbox;

/**
 * Reads the bounce mailbox when {@code resilient-mail.bounces.imap.host} is set (and
 * {@code resilient-mail.bounces.imap.enabled} is not false): a {@link BounceMailbox}
 * started with the application context and closed with it, matching each message it reads
 * to the sends with a {@link BounceCorrelator} (each match reaches every
 * {@link DeliveryListener} bean's {@code onLateOutcome}) and publishing it, with its
 * matches, as a {@link BounceEvent}; with Micrometer and a {@link MeterRegistry} bean,
 * also the counters {@code resilient.mail.bounces} (by {@code type}, {@code action},
 * {@code kind}, {@code reason}) and {@code resilient.mail.late.outcomes} (by
 * {@code outcome}, {@code kind}, {@code reason}, {@code matched.by}). The auto-configured
 * {@code JavaMailSender} records its accepted sends in the correlator. A
 * {@code BounceCorrelator} bean of the application replaces the starter's; a
 * {@code BounceMailbox} bean of the application replaces the starter's (and is neither
 * started nor closed by it, nor correlated); a {@link ScheduledExecutorService} bean
 * named {@value #SCHEDULER_BEAN} replaces the single daemon thread that reads the
 * mailbox.
 *
 * @since 0.2.0
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(BounceMailbox.class)
@ConditionalOnProperty("resilient-mail.bounces.imap.host")
@ConditionalOnBooleanProperty(name = "resilient-mail.bounces.imap.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ResilientMailProperties.class)
public final class ResilientMailBounceAutoConfiguration {

	/** The name of the scheduler bean that reads the mailbox. */
	public static final String SCHEDULER_BEAN = "resilientMailBounceScheduler";

	static final String MAILBOX_BEAN = "resilientMailBounceMailbox";

	private static final String PREFIX = "resilient-mail.bounces.imap.";

	@Bean(name = SCHEDULER_BEAN, destroyMethod = "shutdownNow")
	@ConditionalOnMissingBean(name = SCHEDULER_BEAN)
	ScheduledExecutorService resilientMailBounceScheduler() {
		return Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "resilient-mail-bounces");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Bean
	@ConditionalOnMissingBean
	BounceCorrelator resilientMailBounceCorrelator(ResilientMailProperties properties,
			ObjectProvider<DeliveryListener> listeners) {
		int capacity = properties.getBounces().getMaxRememberedSends();
		DeliveryListener listener = CompositeDeliveryListener.of(listeners.orderedStream().toList());
		try {
			// '+' is the separator MailDelivery.Builder.verpReturnPath writes
			return BounceCorrelator.create(listener, capacity, '+');
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidResilientMailConfigurationException(
					List.of(new InvalidResilientMailConfigurationException.Problem(
							DeliveryPolicyFactory.PREFIX + "bounces.max-remembered-sends", capacity,
							"a whole number of " + InvalidResilientMailConfigurationException.Problem.allowed(ex))));
		}
	}

	@Bean(name = MAILBOX_BEAN, destroyMethod = "close")
	@ConditionalOnMissingBean(BounceMailbox.class)
	BounceMailbox resilientMailBounceMailbox(ResilientMailProperties properties,
			@Qualifier(SCHEDULER_BEAN) ScheduledExecutorService scheduler, BounceCorrelator correlator,
			ApplicationEventPublisher publisher) {
		ResilientMailProperties.Imap imap = properties.getBounces().getImap();
		check(imap);
		BounceMailbox[] self = new BounceMailbox[1];
		self[0] = BounceMailbox.builder()
			.server(imap.getHost(), (imap.getPort() != null) ? imap.getPort() : -1)
			.credentials(imap.getUsername(), imap.getPassword())
			.ssl(imap.isSsl())
			.idle(imap.isIdle())
			.folder(imap.getFolder())
			.processedFolder(imap.getProcessedFolder())
			.failedFolder(imap.getFailedFolder())
			.pollInterval(imap.getPollInterval())
			.scheduler(scheduler)
			.onReport(
					(report) -> publisher.publishEvent(new BounceEvent(self[0], report, correlator.correlate(report))))
			.build();
		return self[0];
	}

	@Bean
	@ConditionalOnBean(name = MAILBOX_BEAN)
	BounceMailboxLifecycle resilientMailBounceMailboxLifecycle(@Qualifier(MAILBOX_BEAN) BounceMailbox mailbox) {
		return new BounceMailboxLifecycle(mailbox);
	}

	/**
	 * Names each unusable key, so that the failure analysis lists them all; the mailbox's
	 * builder would refuse the same values without naming keys.
	 */
	private static void check(ResilientMailProperties.Imap imap) {
		List<InvalidResilientMailConfigurationException.Problem> problems = new ArrayList<>();
		if (!StringUtils.hasText(imap.getHost())) {
			problems.add(problem("host", imap.getHost(), "a host name or address"));
		}
		if (imap.getPort() != null && (imap.getPort() < 1 || imap.getPort() > 65535)) {
			problems.add(problem("port", imap.getPort(), "a port from 1 to 65535 (unset: 143, or 993 with ssl)"));
		}
		if (imap.getUsername() == null) {
			problems.add(problem("username", null, "the mailbox's user name, required with a host"));
		}
		if (imap.getPassword() == null) {
			problems.add(problem("password", null, "the mailbox's password, required with a host"));
		}
		Duration interval = imap.getPollInterval();
		if (interval == null || interval.isNegative() || interval.isZero()) {
			problems.add(problem("poll-interval", interval, "a positive duration such as 30s, 1m or 5m"));
		}
		if (!StringUtils.hasText(imap.getFolder())) {
			problems.add(problem("folder", imap.getFolder(), "a folder name such as INBOX"));
		}
		checkTarget(problems, "processed-folder", imap.getProcessedFolder(), imap.getFolder());
		checkTarget(problems, "failed-folder", imap.getFailedFolder(), imap.getFolder());
		if (!problems.isEmpty()) {
			throw new InvalidResilientMailConfigurationException(problems);
		}
	}

	private static void checkTarget(List<InvalidResilientMailConfigurationException.Problem> problems, String key,
			String name, String folder) {
		if (!StringUtils.hasText(name) || Objects.equals(name, folder)) {
			problems.add(problem(key, name, "a folder name other than the folder read ('" + folder + "')"));
		}
	}

	private static InvalidResilientMailConfigurationException.Problem problem(String key, Object value,
			String allowed) {
		return new InvalidResilientMailConfigurationException.Problem(PREFIX + key, value, allowed);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class BounceMetricsConfiguration {

		@Bean
		MicrometerBounceMetrics resilientMailBounceMetrics(MeterRegistry registry) {
			return new MicrometerBounceMetrics(registry);
		}

	}

}
