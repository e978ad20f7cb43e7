package dev.resilientmail.jdbc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link DeliveryInstance} in its own JVM, on the test's class path; its output lines
 * are collected (and copied to the test's output with its name).
 */
final class Child implements AutoCloseable {

	private final String name;

	private final Process process;

	private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

	private Child(String name, Process process) {
		this.name = name;
		this.process = process;
		Thread reader = new Thread(this::read, "child-" + name);
		reader.setDaemon(true);
		reader.start();
	}

	static Child start(String mode, int smtpPort, String url, String name, String... more) {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
						"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
						DeliveryInstance.class.getName(), mode, String.valueOf(smtpPort), url, name));
		command.addAll(List.of(more));
		try {
			return new Child(name, new ProcessBuilder(command).redirectErrorStream(true).start());
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot start a JVM: " + ex.getMessage(), ex);
		}
	}

	private void read() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				System.out.println("[" + this.name + "] " + line);
				this.lines.add(line);
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	/** Waits for a line starting with the prefix; fails when the process ends first. */
	String await(String prefix, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			String line = this.lines.poll(100, TimeUnit.MILLISECONDS);
			if (line != null && line.startsWith(prefix)) {
				return line;
			}
			if (line == null && !this.process.isAlive() && this.lines.isEmpty()) {
				throw new IllegalStateException(
						this.name + " ended (exit " + this.process.exitValue() + ") before printing " + prefix);
			}
		}
		throw new IllegalStateException(this.name + " did not print " + prefix + " within " + timeout);
	}

	/** Writes a line to its standard input. */
	void send(String line) throws IOException {
		this.process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
		this.process.getOutputStream().flush();
	}

	/** SIGKILL: no shutdown hook, no finally block runs. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(30, TimeUnit.SECONDS);
	}

	/**
	 * Closes its standard input, which ends it; killed if it does not end within 30 s.
	 */
	@Override
	public void close() {
		if (!this.process.isAlive()) {
			return;
		}
		try {
			this.process.getOutputStream().close();
		}
		catch (IOException ex) {
			// already gone
		}
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				kill();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

}
