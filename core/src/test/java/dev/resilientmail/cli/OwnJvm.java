package dev.resilientmail.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the command line in a JVM of its own with nothing but the core classes on the
 * class path, as scripts run the jar: a dependency it must not need fails there.
 */
final class OwnJvm {

	private OwnJvm() {
	}

	/**
	 * Runs {@code Explain} with the arguments and checks that it finished within 60 s,
	 * wrote nothing to standard error and exited 0.
	 * @param dir where the output files go
	 * @param input standard input, or null for none
	 * @return the lines it printed
	 */
	static List<String> run(Path dir, Path input, String... arguments)
			throws IOException, InterruptedException, URISyntaxException {
		Path classes = Path.of(Explain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Path output = dir.resolve("out.txt");
		Path errors = dir.resolve("err.txt");
		List<String> command = new ArrayList<>(
				List.of(java.toString(), "-Xshare:off", "-cp", classes.toString(), Explain.class.getName()));
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(output.toFile())
			.redirectError(errors.toFile());
		if (input != null) {
			builder.redirectInput(input.toFile());
		}
		Process process = builder.start();
		boolean finished = process.waitFor(60, TimeUnit.SECONDS);
		if (!finished) {
			process.destroyForcibly();
		}
		assertThat(finished).as("finished within 60 s").isTrue();
		assertThat(Files.readString(errors)).isEmpty();
		assertThat(process.exitValue()).isZero();
		return Files.readAllLines(output, StandardCharsets.UTF_8);
	}

}
