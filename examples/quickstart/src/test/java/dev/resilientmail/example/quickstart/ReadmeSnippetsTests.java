package dev.resilientmail.example.quickstart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README honest: every Java snippet in it is a region of a source file the
 * build compiles, every YAML snippet is a file the build binds, and the Quick start block
 * holds exactly the two commands.
 */
class ReadmeSnippetsTests {

	private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

	private static final Pattern BLOCK = Pattern.compile("```(\\w+)\\n(.*?)```", Pattern.DOTALL);

	@Test
	void everyJavaSnippetIsCompiledSource() throws IOException {
		List<String> snippets = blocks("java");
		assertThat(snippets).isNotEmpty();
		String sources = normalized(files(".java"));
		for (String snippet : snippets) {
			assertThat(sources).as("README snippet not found in any compiled source:%n%s", snippet)
				.contains(normalize(snippet));
		}
	}

	@Test
	void everyYamlSnippetIsAFileTheBuildBinds() throws IOException {
		String yaml = normalized(files(".yml"));
		for (String snippet : blocks("yaml")) {
			assertThat(yaml).as("README YAML not found in any bound .yml file:%n%s", snippet)
				.contains(normalize(snippet));
		}
	}

	@Test
	void quickStartHoldsExactlyTheDemoAndTheTestCommand() throws IOException {
		String readme = readme();
		String section = readme.substring(readme.indexOf("## Quick start"));
		int next = section.indexOf("\n## ", 3);
		section = (next > 0) ? section.substring(0, next) : section;
		Matcher block = BLOCK.matcher(section);
		assertThat(block.find()).isTrue();
		List<String> commands = block.group(2).lines().filter((line) -> !line.isBlank()).collect(Collectors.toList());
		assertThat(commands).hasSize(2);
		assertThat(commands.get(0)).contains("-Pdemo").contains("examples/quickstart");
		assertThat(commands.get(1)).isEqualTo("./mvnw -B verify");
		assertThat(block.find()).as("one code block only").isFalse();
		String ci = Files.readString(ROOT.resolve(".ci/run"));
		assertThat(ci).as("CI runs the README's own commands").contains(commands.get(0)).contains(commands.get(1));
	}

	private static List<String> blocks(String language) throws IOException {
		List<String> blocks = new ArrayList<>();
		Matcher matcher = BLOCK.matcher(readme());
		while (matcher.find()) {
			if (matcher.group(1).equals(language)) {
				blocks.add(matcher.group(2));
			}
		}
		return blocks;
	}

	private static String readme() throws IOException {
		return Files.readString(ROOT.resolve("README.md"));
	}

	private static List<Path> files(String suffix) throws IOException {
		List<Path> files = new ArrayList<>();
		for (String module : List.of("core", "spring-boot", "examples")) {
			try (Stream<Path> walk = Files.walk(ROOT.resolve(module))) {
				walk.filter((path) -> path.toString().endsWith(suffix))
					.filter((path) -> !path.toString().contains("/target/"))
					.forEach(files::add);
			}
		}
		return files;
	}

	private static String normalized(List<Path> files) {
		return files.stream().map((path) -> {
			try {
				return normalize(Files.readString(path, StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}).collect(Collectors.joining("\n"));
	}

	/** Compares code, not indentation: each line trimmed, blank lines dropped. */
	private static String normalize(String text) {
		return text.lines().map(String::strip).filter((line) -> !line.isEmpty()).collect(Collectors.joining("\n"));
	}

}
