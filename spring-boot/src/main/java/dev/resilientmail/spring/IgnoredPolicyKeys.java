package dev.resilientmail.spring;

import java.util.List;
import java.util.TreeSet;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Says which {@code resilient-mail.*} policy keys an application's own
 * {@code DeliveryPolicy} bean makes ineffective, so that replacing the policy never
 * silently discards configuration.
 */
final class IgnoredPolicyKeys {

	private static final Log logger = LogFactory.getLog(IgnoredPolicyKeys.class);

	/** The areas of {@link ResilientMailProperties} that make up the policy. */
	private static final List<String> POLICY_AREAS = List.of("retry.", "rate-limiter.", "pool.", "timeouts.",
			"classification.");

	private IgnoredPolicyKeys() {
	}

	static void warn(Environment environment) {
		TreeSet<String> ignored = find(environment);
		if (!ignored.isEmpty()) {
			logger.warn("The application's DeliveryPolicy bean replaces the policy configured under resilient-mail.*;"
					+ " these keys have no effect: " + String.join(", ", ignored)
					+ ". To refine the configured policy instead, declare a DeliveryPolicyCustomizer bean.");
		}
	}

	static TreeSet<String> find(Environment environment) {
		TreeSet<String> keys = new TreeSet<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.stream().map(Object::toString).filter(IgnoredPolicyKeys::isPolicyKey).forEach(keys::add);
			}
		}
		return keys;
	}

	private static boolean isPolicyKey(String key) {
		if (!key.startsWith(DeliveryPolicyFactory.PREFIX)) {
			return false;
		}
		String rest = key.substring(DeliveryPolicyFactory.PREFIX.length());
		return POLICY_AREAS.stream().anyMatch(rest::startsWith);
	}

}
