package dev.resilientmail.spring;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.ClassPathResource;

/**
 * Loads a YAML file of the test class path into a context's environment, as
 * {@code application.yml} would be: behind the runner's {@code withPropertyValues}, which
 * win like command-line arguments.
 */
final class YamlProperties {

	private YamlProperties() {
	}

	static ApplicationContextInitializer<ConfigurableApplicationContext> from(String resource) {
		return (context) -> {
			try {
				new YamlPropertySourceLoader().load(resource, new ClassPathResource(resource))
					.forEach(context.getEnvironment().getPropertySources()::addLast);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		};
	}

}
