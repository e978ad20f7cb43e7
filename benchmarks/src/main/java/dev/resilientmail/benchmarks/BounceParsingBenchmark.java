package dev.resilientmail.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
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

import dev.resilientmail.bounce.BounceParser;
import dev.resilientmail.bounce.BounceReport;

/**
 * Parsing and classifying one typical bounce (5 to 20 KiB) from its bytes, as the bounce
 * mailbox does for each message: each operation takes the next of six real bounces in six
 * formats, so that no one format's path is all the JIT sees.
 *
 * @since 0.2.0
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@State(Scope.Thread)
public class BounceParsingBenchmark {

	private static final List<String> FILES = List.of("lhost-sendmail-20.eml", "lhost-yahoo-02.eml",
			"lhost-gmail-15.eml", "lhost-office365-13.eml", "lhost-messagingserver-07.eml", "lhost-amazonses-02.eml");

	private final BounceParser parser = BounceParser.defaults();

	private byte[][] bounces;

	private int next;

	@Setup
	public void load() {
		this.bounces = new byte[FILES.size()][];
		for (int i = 0; i < FILES.size(); i++) {
			try (InputStream in = BounceParsingBenchmark.class.getResourceAsStream("/bounces/" + FILES.get(i))) {
				this.bounces[i] = in.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	@Benchmark
	public BounceReport parseAndClassify() {
		byte[] bounce = this.bounces[this.next];
		this.next = (this.next + 1 == this.bounces.length) ? 0 : this.next + 1;
		return this.parser.parse(bounce);
	}

}
