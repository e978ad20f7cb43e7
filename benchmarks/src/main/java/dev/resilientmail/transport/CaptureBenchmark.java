package dev.resilientmail.transport;

import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What recording one command and its reply costs the capturing transport when nobody
 * listens and DEBUG logging is off: the path every exchange of every connection takes.
 * Run with {@code -prof gc} for the bytes allocated per exchange
 * ({@code gc.alloc.rate.norm}). Lives in the transport package because {@code Capture} is
 * package-private.
 *
 * @since 0.1.0
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@State(Scope.Thread)
public class CaptureBenchmark {

	/** Strings Angus has already made; the capture keeps them without copying. */
	private String command = "RCPT TO:<bob@example.com>";

	private String reply = "250 2.1.5 Ok\n";

	private Capture capture;

	/** A fresh capture with the default bounds (256 exchanges, 64 Ki characters). */
	@Setup
	public void setUp() {
		this.capture = new Capture(new Properties());
		this.capture.connecting();
		this.capture.replied("220 mx.example.com ESMTP\n");
	}

	/**
	 * Records one exchange; once the ring is full, each exchange also drops the oldest.
	 * @return the number of exchanges recorded so far
	 */
	@Benchmark
	public long exchange() {
		this.capture.commandSent(this.command);
		this.capture.replied(this.reply);
		return this.capture.position();
	}

}
