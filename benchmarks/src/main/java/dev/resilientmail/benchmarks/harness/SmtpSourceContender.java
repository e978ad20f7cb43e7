package dev.resilientmail.benchmarks.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.mail.internet.MimeMessage;

/**
 * Postfix's C load generator {@code smtp-source -s S -d}: S sessions in parallel, each
 * kept for all its messages, sending the round's message count with the same header and
 * body bytes as the Java contenders (message 0's wire form, from a file). A round is one
 * run of the program; its start-up (a few milliseconds) is inside the timing. Per-message
 * latencies are not known: each is the round's time divided evenly.
 */
final class SmtpSourceContender implements Contender {

	private final String name;

	private final Sink sink;

	private final int sessions;

	private final int recipients;

	private final Path binary;

	private final Path messageFile;

	SmtpSourceContender(String name, Sink sink, int sessions, int recipients, byte[] wire) {
		this.name = name;
		this.sink = sink;
		this.sessions = sessions;
		this.recipients = recipients;
		this.binary = PostfixSink.find("smtp-source")
			.orElseThrow(() -> new IllegalStateException(name + " needs Postfix's smtp-source; install Postfix"));
		try {
			// smtp-source appends CRLF to every line of the file and dot-stuffs it
			this.messageFile = Files.createTempFile("whole-run-", ".eml");
			this.messageFile.toFile().deleteOnExit();
			Files.writeString(this.messageFile, new String(wire, StandardCharsets.US_ASCII).replace("\r\n", "\n"),
					StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot write the message file for smtp-source", ex);
		}
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public String description() {
		return "Postfix smtp-source -s " + this.sessions + " -d (" + this.sessions
				+ " kept sessions in parallel, C), same message bytes"
				+ ((this.recipients > 1) ? ", -r " + this.recipients : "");
	}

	@Override
	public Sink sink() {
		return this.sink;
	}

	@Override
	public void send(MimeMessage message, int index) {
		throw new UnsupportedOperationException("smtp-source sends a whole round");
	}

	@Override
	public void sendAll(List<MimeMessage> messages, long[] latencies) throws Exception {
		List<String> command = new ArrayList<>(List.of(this.binary.toString(), "-s", String.valueOf(this.sessions),
				"-d", "-m", String.valueOf(messages.size()), "-r", String.valueOf(this.recipients), "-f",
				TestMessages.FROM, "-t", TestMessages.TO, "-M", "bench.example", "-F", this.messageFile.toString(),
				this.sink.host() + ":" + this.sink.port()));
		long start = System.nanoTime();
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		if (!process.waitFor(Sink.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException(this.name + ": smtp-source did not finish within " + Sink.TIMEOUT);
		}
		long elapsed = System.nanoTime() - start;
		if (process.exitValue() != 0) {
			throw new IllegalStateException(this.name + ": " + command + " exited with " + process.exitValue());
		}
		Arrays.fill(latencies, elapsed * this.sessions / Math.max(1, messages.size()));
	}

	@Override
	public void close() throws IOException {
		Files.deleteIfExists(this.messageFile);
	}

}
