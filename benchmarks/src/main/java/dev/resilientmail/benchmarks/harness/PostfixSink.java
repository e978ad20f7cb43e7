package dev.resilientmail.benchmarks.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Postfix's {@code smtp-sink} (a C sink: one process, no thread per connection, throws
 * every message away) on a loopback port, as the server of a whole run. Its {@code -c}
 * counters (sessions, messages) are read from its standard output, so that each round can
 * check that the sink received every message sent.
 */
final class PostfixSink implements AutoCloseable {

	private static final List<String> DIRECTORIES = List.of("/usr/sbin", "/usr/lib/postfix/sbin", "/usr/bin",
			"/usr/local/sbin", "/usr/local/bin");

	private final Process process;

	private final int port;

	private final Thread reader;

	private long sessions;

	private long messages;

	private long sessionsAtReset;

	private long messagesAtReset;

	private PostfixSink(Process process, int port) {
		this.process = process;
		this.port = port;
		this.reader = new Thread(this::readCounters, "smtp-sink-counters");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/** Where Postfix's {@code program} is installed, if it is. */
	static Optional<Path> find(String program) {
		List<String> directories = new ArrayList<>(DIRECTORIES);
		String path = System.getenv("PATH");
		if (path != null) {
			directories.addAll(List.of(path.split(":")));
		}
		for (String directory : directories) {
			Path candidate = Path.of(directory, program);
			if (Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

	/**
	 * Starts {@code smtp-sink} on a free loopback port and waits until it accepts
	 * connections.
	 * @throws IllegalStateException if Postfix's {@code smtp-sink} is not installed or
	 * does not start
	 */
	static PostfixSink start() {
		Path binary = find("smtp-sink")
			.orElseThrow(() -> new IllegalStateException("--server smtp-sink needs Postfix's smtp-sink (looked in "
					+ DIRECTORIES + " and PATH);" + " install Postfix or use --server testkit"));
		int port = freePort();
		List<String> command = new ArrayList<>(List.of(binary.toString(), "-c", "-h", "sink.example"));
		if ("root".equals(System.getProperty("user.name"))) {
			// smtp-sink refuses to run as root without a user to switch to
			command.addAll(List.of("-u", "nobody"));
		}
		command.addAll(List.of("127.0.0.1:" + port, "1024"));
		Process process;
		try {
			process = new ProcessBuilder(command).redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot start " + command + ": " + ex.getMessage(), ex);
		}
		PostfixSink sink = new PostfixSink(process, port);
		sink.awaitListening(Duration.ofSeconds(10), command);
		return sink;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("no free loopback port", ex);
		}
	}

	private void awaitListening(Duration timeout, List<String> command) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(command + " exited with " + this.process.exitValue());
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
				// the probe is a session too: count from here
				awaitSessions(1, Duration.ofSeconds(5));
				reset();
				return;
			}
			catch (IOException notYet) {
				try {
					Thread.sleep(20);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		close();
		throw new IllegalStateException(command + " did not accept connections within " + timeout);
	}

	int port() {
		return this.port;
	}

	/**
	 * Reads the {@code -c} counter lines, {@code sess=N quit=N mesg=N}, each ended by CR.
	 */
	private void readCounters() {
		InputStream in = this.process.getInputStream();
		StringBuilder line = new StringBuilder();
		try {
			int c;
			while ((c = in.read()) != -1) {
				if (c == '\r' || c == '\n') {
					parse(line.toString());
					line.setLength(0);
				}
				else if (line.length() < 512) {
					line.append((char) c);
				}
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	private synchronized void parse(String line) {
		long sess = field(line, "sess=");
		long mesg = field(line, "mesg=");
		if (sess >= 0) {
			this.sessions = sess;
		}
		if (mesg >= 0) {
			this.messages = mesg;
		}
		notifyAll();
	}

	private static long field(String line, String name) {
		int at = line.indexOf(name);
		if (at < 0) {
			return -1;
		}
		int from = at + name.length();
		int to = from;
		while (to < line.length() && Character.isDigit(line.charAt(to))) {
			to++;
		}
		return (to > from) ? Long.parseLong(line.substring(from, to)) : -1;
	}

	/**
	 * Waits until the sink counted {@code count} messages since the last reset, and a
	 * moment more for any extra one; returns what it counted.
	 */
	synchronized int awaitMessages(int count, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.messages - this.messagesAtReset < count) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				break;
			}
			TimeUnit.NANOSECONDS.timedWait(this, left);
		}
		return (int) (this.messages - this.messagesAtReset);
	}

	private synchronized void awaitSessions(long count, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			while (this.sessions - this.sessionsAtReset < count) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return;
				}
				TimeUnit.NANOSECONDS.timedWait(this, left);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Sessions ended since the last reset (smtp-sink counts a session when it ends). */
	synchronized int sessionsEnded() {
		return (int) (this.sessions - this.sessionsAtReset);
	}

	synchronized void reset() {
		this.sessionsAtReset = this.sessions;
		this.messagesAtReset = this.messages;
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

	static String describe() {
		return find("smtp-sink").map((p) -> p + " (Postfix)").orElse("not installed");
	}

}
