package dev.resilientmail.spring;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import dev.resilientmail.bounce.BounceCorrelator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the {@code spring-configuration-metadata.json} that Spring Boot's configuration
 * processor generated for this module: every key of the issue's YAML must be there with a
 * description (IDE completion and documentation depend on it).
 */
class ConfigurationMetadataTests {

	/** The keys of the issue's application.yml, list entries written as {@code []}. */
	private static final List<String> ISSUE_KEYS = List.of("resilient-mail.retry.max-attempts",
			"resilient-mail.retry.wait-duration", "resilient-mail.retry.exponential-backoff-multiplier",
			"resilient-mail.retry.max-wait-duration", "resilient-mail.retry.retry-on",
			"resilient-mail.retry.retry-uncertain", "resilient-mail.rate-limiter.limit-for-period",
			"resilient-mail.rate-limiter.limit-refresh-period", "resilient-mail.rate-limiter.timeout-duration",
			"resilient-mail.rate-limiter.adaptive", "resilient-mail.pool.max-connections",
			"resilient-mail.pool.max-messages-per-connection", "resilient-mail.pool.idle-timeout",
			"resilient-mail.classification.rules[].enhanced-code", "resilient-mail.classification.rules[].text",
			"resilient-mail.classification.rules[].kind", "resilient-mail.classification.rules[].reason",
			"resilient-mail.classification.rules[].retry-after");

	/**
	 * The keys beyond the issue's YAML that complete the policy, and the async threads.
	 */
	private static final List<String> MORE_KEYS = List.of("resilient-mail.retry.randomized-wait-factor",
			"resilient-mail.retry.max-elapsed-duration", "resilient-mail.retry.wait-duration-by-reason",
			"resilient-mail.retry.honour-retry-after", "resilient-mail.timeouts.connect-timeout",
			"resilient-mail.timeouts.read-timeout", "resilient-mail.async.threads");

	@Test
	void everyIssueKeyHasADescription() throws IOException {
		Map<String, JsonNode> properties = properties();
		for (String key : concat(ISSUE_KEYS, MORE_KEYS)) {
			if (key.contains("[]")) {
				// the processor does not descend into list elements: the list property
				// documents each field of a rule
				String list = key.substring(0, key.indexOf("[]"));
				String field = key.substring(key.indexOf("[].") + 3);
				assertThat(properties).as(list).containsKey(list);
				assertThat(description(properties.get(list))).as("description of %s", list).contains("'" + field + "'");
			}
			else {
				assertThat(properties).as(key).containsKey(key);
				assertThat(description(properties.get(key))).as("description of %s", key).isNotBlank();
			}
		}
	}

	@Test
	void everyResilientMailKeyHasADescription() throws IOException {
		Map<String, JsonNode> properties = properties();
		assertThat(properties).containsKey("resilient-mail.enabled");
		properties.forEach((key,
				property) -> assertThat(description(property)).as("description of %s", key).isNotBlank().endsWith("."));
	}

	@Test
	void defaultsAreDocumented() throws IOException {
		Map<String, JsonNode> properties = properties();
		assertThat(properties.get("resilient-mail.retry.max-attempts").get("defaultValue").asInt()).isEqualTo(4);
		assertThat(properties.get("resilient-mail.retry.wait-duration").get("defaultValue").asString()).isEqualTo("2s");
		assertThat(properties.get("resilient-mail.rate-limiter.limit-for-period").get("defaultValue").asInt())
			.isEqualTo(14);
		assertThat(properties.get("resilient-mail.pool.idle-timeout").get("defaultValue").asString()).isEqualTo("30s");
		assertThat(properties.get("resilient-mail.retry.retry-on").get("defaultValue").toString())
			.isEqualTo("[\"TRANSIENT\",\"POLICY_TRANSIENT\"]");
		assertThat(properties.get("resilient-mail.enabled").get("defaultValue").asBoolean()).isTrue();
	}

	@Test
	void bounceMailboxKeysAreDocumentedWithTheirDefaults() throws IOException {
		Map<String, JsonNode> properties = properties();
		for (String key : List.of("host", "port", "username", "password", "ssl", "idle", "folder", "processed-folder",
				"failed-folder", "poll-interval", "enabled")) {
			assertThat(properties).as(key).containsKey("resilient-mail.bounces.imap." + key);
		}
		assertThat(properties.get("resilient-mail.bounces.imap.folder").get("defaultValue").asString())
			.isEqualTo("INBOX");
		assertThat(properties.get("resilient-mail.bounces.imap.processed-folder").get("defaultValue").asString())
			.isEqualTo("processed");
		assertThat(properties.get("resilient-mail.bounces.imap.failed-folder").get("defaultValue").asString())
			.isEqualTo("failed");
		assertThat(properties.get("resilient-mail.bounces.imap.poll-interval").get("defaultValue").asString())
			.isEqualTo("1m");
	}

	@Test
	void dsnAndCorrelationKeysAreDocumentedWithTheirDefaults() throws IOException {
		Map<String, JsonNode> properties = properties();
		for (String key : List.of("resilient-mail.dsn.notify", "resilient-mail.dsn.ret",
				"resilient-mail.bounces.verp-return-path", "resilient-mail.bounces.max-remembered-sends")) {
			assertThat(properties).as(key).containsKey(key);
		}
		assertThat(description(properties.get("resilient-mail.dsn.notify"))).contains("NEVER")
			.contains("SUCCESS, FAILURE and DELAY");
		assertThat(description(properties.get("resilient-mail.dsn.ret"))).contains("FULL").contains("HDRS");
		// declared in additional-spring-configuration-metadata.json: the processor cannot
		// read
		// another class's constant
		assertThat(properties.get("resilient-mail.bounces.max-remembered-sends").get("defaultValue").asInt())
			.isEqualTo(BounceCorrelator.DEFAULT_CAPACITY);
	}

	private static List<String> concat(List<String> first, List<String> second) {
		return Stream.concat(first.stream(), second.stream()).toList();
	}

	private static String description(JsonNode property) {
		JsonNode description = property.get("description");
		return (description != null) ? description.asString() : "";
	}

	/** The resilient-mail properties of the generated metadata, by name. */
	private static Map<String, JsonNode> properties() throws IOException {
		Map<String, JsonNode> properties = new HashMap<>();
		ObjectMapper mapper = new ObjectMapper();
		for (URL url : Collections.list(ConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				for (JsonNode property : mapper.readTree(in).get("properties")) {
					String name = property.get("name").asString();
					if (name.startsWith("resilient-mail.")) {
						properties.put(name, property);
					}
				}
			}
		}
		assertThat(properties).as("resilient-mail metadata on the class path").isNotEmpty();
		return properties;
	}

}
