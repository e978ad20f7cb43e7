package dev.resilientmail.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A postgrey greylisting policy server on a loopback port, with its own database
 * directory and empty whitelists, run in the foreground as a child of this JVM so that
 * closing it ends it.
 */
final class Postgrey implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(Postgrey.class);

	private static final Duration STARTUP = Duration.ofSeconds(20);

	private final Process process;

	private final Path logFile;

	private final int port;

	private Postgrey(Process process, Path logFile, int port) {
		this.process = process;
		this.logFile = logFile;
		this.port = port;
	}

	/**
	 * Starts postgrey and waits until it answers a policy request.
	 * @param executable the postgrey program
	 * @param directory an empty directory for its database, whitelists and log
	 * @param port the loopback port to listen on
	 * @param delaySeconds how long a new triplet stays greylisted
	 * @return the running server
	 */
	static Postgrey start(Path executable, Path directory, int port, int delaySeconds) throws IOException {
		Path db = Files.createDirectories(directory.resolve("db"));
		Path whitelist = Files.writeString(directory.resolve("whitelist"), "# nothing is whitelisted\n");
		// postgrey drops root privileges to its own user, which must own the database
		UserPrincipalLookupService users = directory.getFileSystem().getUserPrincipalLookupService();
		Files.setOwner(db, users.lookupPrincipalByName("postgrey"));
		Path logFile = directory.resolve("postgrey.log");
		List<String> command = List.of(executable.toString(), "--inet=127.0.0.1:" + port, "--dbdir=" + db,
				"--delay=" + delaySeconds, "--whitelist-clients=" + whitelist, "--whitelist-recipients=" + whitelist,
				"--auto-whitelist-clients=0", "--hostname=mx.postfix.test");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		Postgrey postgrey = new Postgrey(process, logFile, port);
		try {
			postgrey.awaitReady();
		}
		catch (IOException | RuntimeException ex) {
			postgrey.close();
			throw ex;
		}
		log.info("postgrey listening on 127.0.0.1:{} (pid {}, delay {}s)", port, process.pid(), delaySeconds);
		return postgrey;
	}

	/**
	 * Returns the file its output goes to.
	 * @return the log file
	 */
	Path logFile() {
		return this.logFile;
	}

	/**
	 * Returns its process.
	 * @return the process
	 */
	ProcessHandle process() {
		return this.process.toHandle();
	}

	private void awaitReady() throws IOException {
		CompletableFuture<Void> bound = new CompletableFuture<>();
		Thread copier = new Thread(() -> copyOutput(bound), "postgrey-output");
		copier.setDaemon(true);
		copier.start();
		try {
			bound.get(STARTUP.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			throw new IllegalStateException("postgrey did not start listening on 127.0.0.1:" + this.port + " within "
					+ STARTUP + "; its output:\n" + Commands.tail(this.logFile, 40), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while starting postgrey", ex);
		}
		// the socket is bound before the database is open: a first request proves it
		// serves
		probe();
	}

	private void copyOutput(CompletableFuture<Void> bound) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
				Writer out = Files.newBufferedWriter(this.logFile, StandardCharsets.UTF_8)) {
			String line;
			while ((line = reader.readLine()) != null) {
				out.write(line);
				out.write('\n');
				out.flush();
				if (line.startsWith("Setting uid")) {
					bound.complete(null);
				}
			}
		}
		catch (IOException ex) {
			bound.completeExceptionally(ex);
			return;
		}
		bound.completeExceptionally(new IllegalStateException(
				"postgrey exited with status " + (this.process.isAlive() ? "(unknown)" : this.process.exitValue())));
	}

	private void probe() throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5_000);
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			// a triplet from a documentation network, so no test message shares it
			out.write(("request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=192.0.2.1\n"
					+ "client_name=probe.invalid\nsender=probe@probe.invalid\nrecipient=probe@probe.invalid\n\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			String answer = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
				.readLine();
			if (answer == null || !answer.startsWith("action=")) {
				throw new IllegalStateException("postgrey answered a policy request with '" + answer
						+ "' instead of action=...; its output:\n" + Commands.tail(this.logFile, 40));
			}
		}
	}

	/**
	 * Stops postgrey (SIGTERM, then SIGKILL after five seconds) and waits for its end.
	 */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				log.warn("postgrey (pid {}) ignored SIGTERM; killing it", this.process.pid());
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

}
